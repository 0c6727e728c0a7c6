/**
 * FHIR R4 output (docs/fhir.md): `toFhirBundle(doc, pipeline, options)` gives one Bundle per note;
 * `checkBundle(bundle)` lists the structural problems of a Bundle (what the tests assert).
 */
export {
  type ClaimOptions,
  type FhirOptions,
  fhirDateTime,
  medicationStatus,
  type StampSource,
  toFhirBundle,
} from './bundle.js';
export { CLINOTE, ROUTE_SNOMED, SYSTEM, systemUrl, VITAL_CODES } from './codes.js';
export { errorOutcome, fhirFormat, type OperationOutcome } from './format.js';
export type * from './types.js';
export { type CheckOptions, checkBundle } from './validate.js';

/**
 * Structural checks of the Bundles Clinote emits, written from the FHIR R4 specification because the
 * official JSON schema and validator cannot be used here (docs/fhir.md, "What is not validated").
 *
 * `checkBundle` returns one message per problem (empty when the Bundle passes): required elements,
 * value types and formats (id, uri, dateTime, decimal, unsignedInt), fixed code systems and value
 * sets of the elements Clinote fills, the invariants that apply (ext-1, obs-3, con-5, att-1, vital
 * signs codes and units), unique ids, and that every reference resolves to an entry of the Bundle.
 * A Claim: its required elements (a required reference or `created` may instead hold only the
 * data-absent-reason extension), its code systems, and diagnosis sequences 1..n, each once, with
 * ICD-10-CM codes and at most one principal.
 */
import { CLINOTE, SYSTEM } from './codes.js';

type J = Record<string, unknown>;

const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;
const URN_UUID_RE = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATETIME_RE =
  /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/;
const CODE_RE = /^[^\s]+( [^\s]+)*$/;
const URI_RE = /^[a-z][a-z0-9+.-]*:\S+$/i;

const STATUS: Record<string, readonly string[]> = {
  DocumentReference: ['current', 'superseded', 'entered-in-error'],
  FamilyMemberHistory: ['partial', 'completed', 'entered-in-error', 'health-unknown'],
  MedicationStatement: [
    'active',
    'completed',
    'entered-in-error',
    'intended',
    'stopped',
    'on-hold',
    'unknown',
    'not-taken',
  ],
  Observation: [
    'registered',
    'preliminary',
    'final',
    'amended',
    'corrected',
    'cancelled',
    'entered-in-error',
    'unknown',
  ],
  Claim: ['active', 'cancelled', 'draft', 'entered-in-error'],
  Procedure: [
    'preparation',
    'in-progress',
    'not-done',
    'on-hold',
    'stopped',
    'completed',
    'entered-in-error',
    'unknown',
  ],
};
const CLINICAL = ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'];
const VERIFICATION = [
  'unconfirmed',
  'provisional',
  'differential',
  'confirmed',
  'refuted',
  'entered-in-error',
];
const CONDITION_CATEGORY = ['problem-list-item', 'encounter-diagnosis'];
const OBS_CATEGORY = [
  'social-history',
  'vital-signs',
  'imaging',
  'laboratory',
  'procedure',
  'survey',
  'exam',
  'therapy',
  'activity',
];
const CLAIM_TYPE = ['institutional', 'oral', 'pharmacy', 'professional', 'vision'];
const CLAIM_USE = ['claim', 'preauthorization', 'predetermination'];
const PROCESS_PRIORITY = ['stat', 'normal', 'deferred'];
const DIAGNOSIS_TYPE = [
  'admitting',
  'clinical',
  'differential',
  'discharge',
  'laboratory',
  'nursing',
  'prenatal',
  'principal',
  'radiology',
  'remote',
  'retrospective',
  'self',
];
const DATA_ABSENT_REASON = [
  'unknown',
  'asked-unknown',
  'temp-unknown',
  'not-asked',
  'asked-declined',
  'masked',
  'not-applicable',
  'unsupported',
  'as-text',
  'error',
  'not-a-number',
  'negative-infinity',
  'positive-infinity',
  'not-performed',
  'not-permitted',
];
/** An ICD-10-CM code as Clinote writes it: dotted after the category (`E11.22`, `S72.001A`, `I10`). */
const ICD10CM_RE = /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;
const COMPARATORS = ['<', '<=', '>=', '>'];
const PERIOD_UNITS = ['s', 'min', 'h', 'd', 'wk', 'mo', 'a'];
const ALLOWED_KEYS: Record<string, readonly string[]> = {
  Patient: ['resourceType', 'id', 'meta', 'extension', 'identifier'],
  DocumentReference: [
    'resourceType',
    'id',
    'meta',
    'extension',
    'identifier',
    'status',
    'type',
    'subject',
    'description',
    'content',
    'context',
  ],
  Condition: [
    'resourceType',
    'id',
    'meta',
    'extension',
    'clinicalStatus',
    'verificationStatus',
    'category',
    'severity',
    'code',
    'bodySite',
    'subject',
    'onsetDateTime',
    'note',
  ],
  FamilyMemberHistory: [
    'resourceType',
    'id',
    'meta',
    'extension',
    'status',
    'patient',
    'relationship',
    'condition',
  ],
  MedicationStatement: [
    'resourceType',
    'id',
    'meta',
    'extension',
    'status',
    'statusReason',
    'medicationCodeableConcept',
    'subject',
    'effectiveDateTime',
    'reasonCode',
    'dosage',
  ],
  Observation: [
    'resourceType',
    'id',
    'meta',
    'extension',
    'status',
    'category',
    'code',
    'subject',
    'effectiveDateTime',
    'valueQuantity',
    'valueCodeableConcept',
    'valueString',
    'valueRange',
    'valueRatio',
    'interpretation',
    'referenceRange',
    'component',
    'derivedFrom',
  ],
  Claim: [
    'resourceType',
    'id',
    'meta',
    'extension',
    'status',
    'type',
    'use',
    'patient',
    'created',
    '_created',
    'provider',
    'priority',
    'diagnosis',
    'insurance',
  ],
  Procedure: [
    'resourceType',
    'id',
    'meta',
    'extension',
    'status',
    'code',
    'subject',
    'performedDateTime',
    'bodySite',
  ],
};

/** Vital signs (FHIR R4 vital signs profiles): LOINC code -> allowed UCUM units of the value. */
const VITAL_UNITS: Record<string, readonly string[] | null> = {
  '85354-9': null,
  '8867-4': ['/min'],
  '9279-1': ['/min'],
  '8310-5': ['Cel', '[degF]'],
  '59408-5': ['%'],
  '2708-6': ['%'],
  '29463-7': ['kg', 'g', '[lb_av]', '[oz_av]'],
  '8302-2': ['cm', 'm', '[in_i]', '[ft_i]'],
  '39156-5': ['kg/m2'],
  '72514-3': ['{score}'],
};

export interface CheckOptions {
  /** The note text: source spans must lie inside it. */
  readonly text?: string;
}

/** Problems found in a Bundle; empty when it passes every check. */
export function checkBundle(bundle: unknown, options: CheckOptions = {}): string[] {
  const issues: string[] = [];
  const err = (path: string, msg: string): void => {
    issues.push(`${path}: ${msg}`);
  };
  if (!isObj(bundle)) return ['Bundle: not an object'];
  if (bundle.resourceType !== 'Bundle') err('Bundle.resourceType', 'must be "Bundle"');
  if (typeof bundle.id !== 'string' || !ID_RE.test(bundle.id)) err('Bundle.id', 'missing or not an id');
  if (
    ![
      'document',
      'message',
      'transaction',
      'transaction-response',
      'batch',
      'batch-response',
      'history',
      'searchset',
      'collection',
    ].includes(bundle.type as string)
  ) {
    err('Bundle.type', 'not a bundle type');
  }
  if (!Array.isArray(bundle.entry)) {
    err('Bundle.entry', 'missing');
    return issues;
  }
  const fullUrls = new Set<string>();
  const ids = new Set<string>();
  bundle.entry.forEach((e, k) => {
    const p = `Bundle.entry[${k}]`;
    if (!isObj(e)) {
      err(p, 'not an object');
      return;
    }
    const r = e.resource;
    if (typeof e.fullUrl !== 'string' || !URN_UUID_RE.test(e.fullUrl)) err(`${p}.fullUrl`, 'not a urn:uuid');
    else if (fullUrls.has(e.fullUrl)) err(`${p}.fullUrl`, 'duplicate');
    else fullUrls.add(e.fullUrl);
    if (!isObj(r)) {
      err(`${p}.resource`, 'missing');
      return;
    }
    if (typeof r.id !== 'string' || !ID_RE.test(r.id)) err(`${p}.resource.id`, 'missing or not an id');
    else {
      if (ids.has(`${r.resourceType}/${r.id}`)) err(`${p}.resource.id`, 'duplicate');
      ids.add(`${r.resourceType}/${r.id}`);
      if (e.fullUrl !== `urn:uuid:${r.id}`) err(`${p}.fullUrl`, 'does not match the resource id');
    }
  });
  // every reference resolves inside the Bundle
  walk(bundle, 'Bundle', (node, path) => {
    if (typeof node.reference === 'string' && !fullUrls.has(node.reference))
      err(`${path}.reference`, `does not resolve: ${node.reference}`);
  });
  bundle.entry.forEach((e, k) => {
    if (!isObj(e) || !isObj(e.resource)) return;
    checkResource(e.resource as J, `Bundle.entry[${k}].resource`, err, options);
  });
  return issues;
}

function checkResource(
  r: J,
  p: string,
  err: (path: string, msg: string) => void,
  options: CheckOptions,
): void {
  const type = r.resourceType as string;
  const allowed = ALLOWED_KEYS[type];
  if (!allowed) {
    err(`${p}.resourceType`, `unexpected resource type ${String(type)}`);
    return;
  }
  for (const k of Object.keys(r))
    if (!allowed.includes(k)) err(`${p}.${k}`, `not an element Clinote emits on ${type}`);
  const statuses = STATUS[type];
  if (statuses && !statuses.includes(r.status as string))
    err(`${p}.status`, `missing or not in the ${type} status value set`);
  checkExtensions(r, p, err, options);
  walk(r, p, (node, path) => {
    // types of common elements
    if ('coding' in node) {
      if (!Array.isArray(node.coding) || node.coding.length === 0)
        err(`${path}.coding`, 'must be a non-empty array');
      else
        node.coding.forEach((c, i) => {
          if (!isObj(c)) {
            err(`${path}.coding[${i}]`, 'not an object');
            return;
          }
          if (typeof c.system !== 'string' || !URI_RE.test(c.system))
            err(`${path}.coding[${i}].system`, 'missing or not an absolute URI');
          if (typeof c.code !== 'string' || !CODE_RE.test(c.code))
            err(`${path}.coding[${i}].code`, 'missing or not a code');
        });
    }
    if ('text' in node && typeof node.text !== 'string') err(`${path}.text`, 'not a string');
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (k.endsWith('DateTime') || k === 'start' || k === 'end') {
        if (typeof v === 'string' && !DATETIME_RE.test(v)) err(`${path}.${k}`, `not a FHIR dateTime: ${v}`);
      }
      if (
        v === null ||
        v === '' ||
        (Array.isArray(v) && v.length === 0) ||
        (isObj(v) && Object.keys(v).length === 0)
      ) {
        err(`${path}.${k}`, 'empty (FHIR elements must have a value or children)');
      }
    }
    if (isQuantityPath(path)) checkQuantity(node, path, err);
  });
  switch (type) {
    case 'DocumentReference': {
      const content = r.content;
      if (!Array.isArray(content) || content.length === 0) err(`${p}.content`, 'required');
      else
        content.forEach((c, i) => {
          const a = isObj(c) ? c.attachment : undefined;
          if (!isObj(a)) {
            err(`${p}.content[${i}].attachment`, 'required');
            return;
          }
          if (a.data !== undefined && typeof a.contentType !== 'string')
            err(`${p}.content[${i}].attachment`, 'att-1: data needs a contentType');
          if (a.size !== undefined && !(Number.isInteger(a.size) && (a.size as number) >= 0))
            err(`${p}.content[${i}].attachment.size`, 'not an unsignedInt');
          if (a.data !== undefined && (typeof a.data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.data)))
            err(`${p}.content[${i}].attachment.data`, 'not base64');
        });
      break;
    }
    case 'Condition': {
      requireRef(r, 'subject', p, err);
      if (!isObj(r.code)) err(`${p}.code`, 'Clinote always sets the code');
      const ver = codeOf(r.verificationStatus, SYSTEM.conditionVerification);
      if (!ver || !VERIFICATION.includes(ver))
        err(`${p}.verificationStatus`, 'missing or not in condition-ver-status');
      if (r.clinicalStatus !== undefined) {
        const cl = codeOf(r.clinicalStatus, SYSTEM.conditionClinical);
        if (!cl || !CLINICAL.includes(cl)) err(`${p}.clinicalStatus`, 'not in condition-clinical');
        if (ver === 'entered-in-error')
          err(`${p}.clinicalStatus`, 'con-5: not allowed when entered-in-error');
      } else if (ver !== 'refuted' && ver !== 'entered-in-error') {
        err(`${p}.clinicalStatus`, 'Clinote sets it unless the condition is refuted');
      }
      if (Array.isArray(r.category)) {
        for (const c of r.category) {
          const code = codeOf(c, SYSTEM.conditionCategory);
          if (!code || !CONDITION_CATEGORY.includes(code)) err(`${p}.category`, 'not in condition-category');
        }
      }
      break;
    }
    case 'FamilyMemberHistory': {
      requireRef(r, 'patient', p, err);
      if (!isObj(r.relationship)) err(`${p}.relationship`, 'required');
      else if (!codeOf(r.relationship, SYSTEM.roleCode))
        err(`${p}.relationship`, 'needs a v3-RoleCode coding');
      if (Array.isArray(r.condition)) {
        r.condition.forEach((c, i) => {
          if (!isObj(c) || !isObj(c.code)) err(`${p}.condition[${i}].code`, 'required');
        });
      }
      break;
    }
    case 'MedicationStatement': {
      requireRef(r, 'subject', p, err);
      if (!isObj(r.medicationCodeableConcept)) err(`${p}.medicationCodeableConcept`, 'required');
      if (Array.isArray(r.dosage)) {
        r.dosage.forEach((d, i) => {
          if (!isObj(d)) return;
          const dp = `${p}.dosage[${i}]`;
          if (d.asNeededBoolean !== undefined && d.asNeededCodeableConcept !== undefined)
            err(dp, 'asNeeded[x]: only one of asNeededBoolean and asNeededCodeableConcept');
          if (d.asNeededBoolean !== undefined && typeof d.asNeededBoolean !== 'boolean')
            err(`${dp}.asNeededBoolean`, 'not a boolean');
          const rep = isObj(d.timing) ? d.timing.repeat : undefined;
          if (isObj(rep)) {
            if (rep.periodUnit !== undefined && !PERIOD_UNITS.includes(rep.periodUnit as string))
              err(`${dp}.timing.repeat.periodUnit`, 'not a units-of-time code');
            for (const k of ['frequency', 'frequencyMax', 'count'] as const) {
              if (rep[k] !== undefined && !(Number.isInteger(rep[k]) && (rep[k] as number) > 0))
                err(`${dp}.timing.repeat.${k}`, 'not a positiveInt');
            }
            if (rep.period !== undefined && rep.periodUnit === undefined)
              err(`${dp}.timing.repeat`, 'tim-1: period needs periodUnit');
          }
        });
      }
      break;
    }
    case 'Observation': {
      if (!isObj(r.code)) err(`${p}.code`, 'required');
      const values = Object.keys(r).filter((k) => k.startsWith('value'));
      if (values.length > 1) err(p, 'value[x]: more than one');
      const cats = Array.isArray(r.category)
        ? r.category.map((c) => codeOf(c, SYSTEM.observationCategory))
        : [];
      for (const c of cats)
        if (!c || !OBS_CATEGORY.includes(c)) err(`${p}.category`, 'not in observation-category');
      if (Array.isArray(r.referenceRange)) {
        r.referenceRange.forEach((rr, i) => {
          if (!isObj(rr) || (rr.low === undefined && rr.high === undefined && rr.text === undefined))
            err(`${p}.referenceRange[${i}]`, 'obs-3: needs low, high or text');
        });
      }
      if (cats.includes('vital-signs')) checkVital(r, p, err);
      if (values.length === 0 && !Array.isArray(r.component))
        err(p, 'Clinote always gives a value or components');
      break;
    }
    case 'Procedure': {
      requireRef(r, 'subject', p, err);
      if (!isObj(r.code)) err(`${p}.code`, 'Clinote always sets the code');
      break;
    }
    case 'Claim':
      checkClaim(r, p, err);
      break;
    default:
      break;
  }
}

const CLAIM_DIAGNOSIS_KEYS = [
  'extension',
  'sequence',
  'diagnosisCodeableConcept',
  'diagnosisReference',
  'type',
];
const CLAIM_INSURANCE_KEYS = ['sequence', 'focal', 'coverage'];

function checkClaim(r: J, p: string, err: (path: string, msg: string) => void): void {
  const type = codeOf(r.type, SYSTEM.claimType);
  if (!type || !CLAIM_TYPE.includes(type)) err(`${p}.type`, 'missing or not in claim-type');
  if (!CLAIM_USE.includes(r.use as string)) err(`${p}.use`, 'missing or not a claim use');
  requireRef(r, 'patient', p, err);
  requireRefOrAbsent(r, 'provider', p, err);
  if (r.created !== undefined) {
    if (typeof r.created !== 'string' || !DATETIME_RE.test(r.created))
      err(`${p}.created`, 'not a FHIR dateTime');
    if (r._created !== undefined) err(`${p}._created`, 'only when created has no value');
  } else if (!dataAbsent(r._created)) {
    err(`${p}.created`, 'required (a dateTime, or _created with a data-absent-reason)');
  }
  const priority = codeOf(r.priority, SYSTEM.processPriority);
  if (!priority || !PROCESS_PRIORITY.includes(priority))
    err(`${p}.priority`, 'missing or not in processpriority');
  if (!Array.isArray(r.insurance) || r.insurance.length === 0) err(`${p}.insurance`, 'required');
  else
    r.insurance.forEach((x, i) => {
      const ip = `${p}.insurance[${i}]`;
      if (!isObj(x)) {
        err(ip, 'not an object');
        return;
      }
      for (const k of Object.keys(x))
        if (!CLAIM_INSURANCE_KEYS.includes(k)) err(`${ip}.${k}`, 'not an element Clinote emits');
      if (!isPositiveInt(x.sequence)) err(`${ip}.sequence`, 'not a positiveInt');
      if (typeof x.focal !== 'boolean') err(`${ip}.focal`, 'required boolean');
      requireRefOrAbsent(x, 'coverage', ip, err);
    });
  if (r.diagnosis === undefined) return;
  if (!Array.isArray(r.diagnosis)) {
    err(`${p}.diagnosis`, 'not an array');
    return;
  }
  const seen = new Set<number>();
  let principals = 0;
  r.diagnosis.forEach((d, i) => {
    const dp = `${p}.diagnosis[${i}]`;
    if (!isObj(d)) {
      err(dp, 'not an object');
      return;
    }
    for (const k of Object.keys(d))
      if (!CLAIM_DIAGNOSIS_KEYS.includes(k)) err(`${dp}.${k}`, 'not an element Clinote emits');
    if (!isPositiveInt(d.sequence)) err(`${dp}.sequence`, 'not a positiveInt');
    else if (seen.has(d.sequence)) err(`${dp}.sequence`, `duplicate sequence ${d.sequence}`);
    else seen.add(d.sequence);
    const cc = d.diagnosisCodeableConcept;
    if ((cc === undefined) === (d.diagnosisReference === undefined))
      err(dp, 'diagnosis[x]: exactly one of diagnosisCodeableConcept and diagnosisReference');
    if (cc !== undefined) {
      const icd =
        isObj(cc) && Array.isArray(cc.coding)
          ? cc.coding.filter((c) => isObj(c) && c.system === SYSTEM.icd10cm)
          : [];
      if (icd.length === 0) err(`${dp}.diagnosisCodeableConcept`, 'needs an ICD-10-CM coding');
      for (const c of icd)
        if (!ICD10CM_RE.test((c as J).code as string))
          err(`${dp}.diagnosisCodeableConcept`, `not an ICD-10-CM code: ${String((c as J).code)}`);
    }
    if (d.type !== undefined) {
      if (!Array.isArray(d.type)) err(`${dp}.type`, 'not an array');
      else
        for (const t of d.type) {
          const code = codeOf(t, SYSTEM.diagnosisType);
          if (!code || !DIAGNOSIS_TYPE.includes(code)) err(`${dp}.type`, 'not in ex-diagnosistype');
          if (code === 'principal') principals++;
        }
    }
  });
  for (let n = 1; n <= seen.size; n++)
    if (!seen.has(n)) {
      err(`${p}.diagnosis`, `sequences must run 1..${r.diagnosis.length} (no ${n})`);
      break;
    }
  if (principals > 1) err(`${p}.diagnosis`, 'more than one principal diagnosis');
}

/** A required reference, or an element holding only the data-absent-reason extension. */
function requireRefOrAbsent(r: J, key: string, p: string, err: (path: string, msg: string) => void): void {
  const ref = r[key];
  if (dataAbsent(ref)) {
    if (isObj(ref) && Object.keys(ref).length > 1) err(`${p}.${key}`, 'data-absent but with a value');
    return;
  }
  requireRef(r, key, p, err);
}

function dataAbsent(x: unknown): boolean {
  if (!isObj(x) || !Array.isArray(x.extension)) return false;
  return x.extension.some(
    (e) =>
      isObj(e) && e.url === SYSTEM.dataAbsentReason && DATA_ABSENT_REASON.includes(e.valueCode as string),
  );
}

function isPositiveInt(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) > 0;
}

function checkVital(r: J, p: string, err: (path: string, msg: string) => void): void {
  const loinc = (isObj(r.code) && Array.isArray(r.code.coding) ? r.code.coding : [])
    .filter((c): c is J => isObj(c) && c.system === SYSTEM.loinc)
    .map((c) => c.code as string);
  const known = loinc.find((c) => c in VITAL_UNITS);
  if (!known) {
    err(`${p}.code`, 'vital sign without a vital-signs LOINC code');
    return;
  }
  if (known === '85354-9') {
    const comps = Array.isArray(r.component) ? r.component : [];
    const codes = comps.map((c) => (isObj(c) ? codeOf(c.code, SYSTEM.loinc) : undefined));
    if (!codes.some((c) => c === '8480-6' || c === '8462-4'))
      err(`${p}.component`, 'blood pressure needs 8480-6 and/or 8462-4');
    for (const c of comps) {
      const q = isObj(c) ? c.valueQuantity : undefined;
      if (!isObj(q) || q.code !== 'mm[Hg]' || q.system !== SYSTEM.ucum)
        err(`${p}.component`, 'blood pressure in mm[Hg] (UCUM)');
    }
    return;
  }
  const q = r.valueQuantity;
  if (isObj(q) && q.code !== undefined) {
    const units = VITAL_UNITS[known];
    if (units && !units.includes(q.code as string))
      err(`${p}.valueQuantity.code`, `unit ${String(q.code)} not allowed for ${known}`);
  }
}

function checkQuantity(q: J, p: string, err: (path: string, msg: string) => void): void {
  if (q.value !== undefined && (typeof q.value !== 'number' || !Number.isFinite(q.value)))
    err(`${p}.value`, 'not a decimal');
  if (q.comparator !== undefined && !COMPARATORS.includes(q.comparator as string))
    err(`${p}.comparator`, 'not a comparator');
  if (q.code !== undefined && q.system === undefined) err(p, 'qty-3: a code needs a system');
  if (q.system !== undefined && q.system !== SYSTEM.ucum) err(`${p}.system`, 'Clinote quantities are UCUM');
}

function checkExtensions(
  r: J,
  p: string,
  err: (path: string, msg: string) => void,
  options: CheckOptions,
): void {
  walk(r, p, (node, path) => {
    if (!Array.isArray(node.extension)) return;
    // sub-extensions of a complex extension are named by a simple string (`start`), others by a URI
    const nestedIn = typeof node.url === 'string';
    node.extension.forEach((x, i) => {
      const xp = `${path}.extension[${i}]`;
      if (!isObj(x) || typeof x.url !== 'string') {
        err(xp, 'needs a url');
        return;
      }
      const values = Object.keys(x).filter((k) => k.startsWith('value'));
      const nested = Array.isArray(x.extension) && x.extension.length > 0;
      if (values.length > 1) err(xp, 'more than one value[x]');
      if (nested === (values.length === 1)) err(xp, 'ext-1: either extensions or a value[x], not both');
      if (x.url === CLINOTE.sourceSpan && Array.isArray(x.extension)) {
        const sub = new Map<string, J>();
        for (const s of x.extension) if (isObj(s) && typeof s.url === 'string') sub.set(s.url, s);
        const start = sub.get('start')?.valueInteger;
        const end = sub.get('end')?.valueInteger;
        if (
          !Number.isInteger(start) ||
          !Number.isInteger(end) ||
          (start as number) < 0 ||
          (end as number) < (start as number)
        ) {
          err(xp, 'source-span: start and end integers with 0 <= start <= end');
        } else if (options.text !== undefined && (end as number) > options.text.length) {
          err(xp, 'source-span: end beyond the note');
        }
        if (!isObj(sub.get('document')?.valueReference)) err(xp, 'source-span: needs the document reference');
      } else if (!nestedIn && !URI_RE.test(x.url)) {
        err(`${xp}.url`, 'not an absolute URI');
      }
    });
  });
}

function requireRef(r: J, key: string, p: string, err: (path: string, msg: string) => void): void {
  const ref = r[key];
  if (!isObj(ref) || (typeof ref.reference !== 'string' && typeof ref.display !== 'string'))
    err(`${p}.${key}`, 'required reference');
}

function codeOf(cc: unknown, system: string): string | undefined {
  if (!isObj(cc) || !Array.isArray(cc.coding)) return undefined;
  const c = cc.coding.find((x) => isObj(x) && x.system === system) as J | undefined;
  return typeof c?.code === 'string' ? c.code : undefined;
}

function isQuantityPath(path: string): boolean {
  return /(?:valueQuantity|doseQuantity|boundsDuration|\.low|\.high|numerator|denominator)$/.test(path);
}

function isObj(x: unknown): x is J {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Visit every object under `node` with its path. */
function walk(node: unknown, path: string, visit: (obj: J, path: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((x, i) => {
      walk(x, `${path}[${i}]`, visit);
    });
    return;
  }
  if (!isObj(node)) return;
  visit(node, path);
  for (const [k, v] of Object.entries(node))
    if (typeof v === 'object' && v !== null) walk(v, `${path}.${k}`, visit);
}

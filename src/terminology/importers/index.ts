/**
 * The vocabulary importers: each streams one source (a file, or a directory for UMLS) as
 * SourceConcepts and fills an ImportStats (rows read, concepts imported, rows skipped by reason).
 * See docs/terminology-sources.md for the formats, the fields mapped and the types assigned.
 */
import { DICTIONARY_LICENCE, importDictionary } from './dictionary.js';
import { HCPCS_LICENCE, importHcpcs } from './hcpcs.js';
import { ICD10CM_LICENCE, importIcd10cm } from './icd10cm.js';
import { importIcd10cmIndex } from './icd10cm-index.js';
import { importLoinc, LOINC_NOTICE } from './loinc.js';
import { DOID_LICENCE, HPO_LICENCE, importObo } from './obo.js';
import { importRxnormRrf, RXNORM_LICENCE } from './rxnorm-rrf.js';
import { importRxterms, RXTERMS_LICENCE } from './rxterms.js';
import type { Importer } from './types.js';
import { importUmls, UMLS_LICENCE } from './umls.js';

export { DICTIONARY_LICENCE, importDictionary, parseCode, parseTerm } from './dictionary.js';
export { HCPCS_LICENCE, hcpcsType, importHcpcs } from './hcpcs.js';
export { formatIcd10cm, ICD10CM_LICENCE, icd10cmType, importIcd10cm } from './icd10cm.js';
export { importIcd10cmIndex, indexCode, tableTerms } from './icd10cm-index.js';
export { importLoinc, LOINC_NOTICE, loincComponent } from './loinc.js';
export { DOID_LICENCE, HPO_LICENCE, HPO_PHENOTYPE_ROOT, importObo, mapXref, parseSynonym } from './obo.js';
export { importRxnormRrf, RXNORM_LICENCE } from './rxnorm-rrf.js';
export { importRxterms, RXTERMS_LICENCE, readIngredientMap, stripRoute } from './rxterms.js';
export type { Importer, ImportOptions } from './types.js';
export { importUmls, TUI_TYPES, UMLS_DEFAULT_SABS, UMLS_LICENCE } from './umls.js';
export { ConceptDraft, cleanText, mergeConcepts } from './util/concept.js';

export type ImporterName =
  | 'icd10cm'
  | 'icd10cm-index'
  | 'obo'
  | 'rxterms'
  | 'rxnorm-rrf'
  | 'loinc'
  | 'hcpcs'
  | 'umls'
  | 'csv';

export interface ImporterInfo {
  readonly description: string;
  readonly licence: string;
  readonly importer: Importer;
}

export const IMPORTERS: Readonly<Record<ImporterName, ImporterInfo>> = {
  icd10cm: {
    description:
      'ICD-10-CM tabular codes: the CMS order file (fixed width) or a CSV export (code, billable flag, short and long titles)',
    licence: ICD10CM_LICENCE,
    importer: importIcd10cm,
  },
  'icd10cm-index': {
    description:
      'ICD-10-CM index XML (CMS): Index to Diseases, External Cause Index, Table of Drugs and Chemicals, Neoplasm Table',
    licence: ICD10CM_LICENCE,
    importer: importIcd10cmIndex,
  },
  obo: {
    description:
      'OBO 1.2 ontology, plain or .gz: Human Disease Ontology (DOID), Human Phenotype Ontology (HPO)',
    licence: `${DOID_LICENCE} ${HPO_LICENCE}`,
    importer: importObo,
  },
  rxterms: {
    description: 'RxTerms (NLM): the ingredients file or the main RxTerms file (pipe-delimited)',
    licence: RXTERMS_LICENCE,
    importer: importRxterms,
  },
  'rxnorm-rrf': {
    description: 'RxNorm RXNCONSO.RRF: ingredients (IN, PIN, MIN) and brand names (BN)',
    licence: RXNORM_LICENCE,
    importer: importRxnormRrf,
  },
  loinc: {
    description: 'LOINC table (Loinc.csv) or the LOINC Top 2000 common lab results CSV',
    licence: LOINC_NOTICE,
    importer: importLoinc,
  },
  hcpcs: {
    description: 'HCPCS Level II alpha-numeric file (CMS, fixed width)',
    licence: HCPCS_LICENCE,
    importer: importHcpcs,
  },
  umls: {
    description: 'UMLS Metathesaurus directory (MRCONSO.RRF + MRSTY.RRF); bring your own licensed copy',
    licence: UMLS_LICENCE,
    importer: importUmls,
  },
  csv: {
    description:
      'custom dictionary, CSV or TSV with a header: one row per term (term, concept_id, type, codes) or per concept (concept_id, type, subtype, preferred, terms, codes)',
    licence: DICTIONARY_LICENCE,
    importer: importDictionary,
  },
};

export const IMPORTER_NAMES = Object.keys(IMPORTERS) as ImporterName[];

export function isImporterName(name: string): name is ImporterName {
  return Object.hasOwn(IMPORTERS, name);
}

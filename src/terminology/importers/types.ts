import type { ImportStats, SemanticType, SourceConcept } from '../types.js';

/**
 * Options of the importers. Each importer reads the fields of its own group and ignores the
 * others, so one object can be passed whatever the importer (the vocab CLI does).
 */
export interface ImportOptions {
  /** csv: the source name and concept id prefix (default `custom`; the starter pack uses `starter`). */
  readonly source?: string;
  /** icd10cm: also import the non-billable header codes (default true). */
  readonly includeNonBillable?: boolean;
  /** obo: keep only descendants (is_a) of these ids (default for HPO: HP:0000118, Phenotypic abnormality). */
  readonly roots?: readonly string[];
  /** obo: semantic type (default `problem`) and subtype (DOID `disorder`, HPO `finding`). */
  readonly type?: SemanticType;
  readonly subtype?: string;
  /** obo, rxnorm-rrf, umls, loinc, hcpcs: keep obsolete / suppressed / deprecated / terminated entries (default false). */
  readonly includeObsolete?: boolean;
  /** rxterms (main RxTerms file): the RxTermsIngredients file, to map drugs and brands to ingredient RxCUIs. */
  readonly ingredients?: string;
  /** rxnorm-rrf: term types kept (default IN, PIN, MIN, BN). */
  readonly ttys?: readonly string[];
  /** umls, rxnorm-rrf: sources (SAB) kept; `all` for every one (umls default: a clinical set, see docs). */
  readonly sabs?: readonly string[] | 'all';
  /** umls: languages (LAT) kept (default ENG). */
  readonly languages?: readonly string[];
  /** loinc: add RELATEDNAMES2 entries as related terms (default false: they are mostly axis words). */
  readonly relatedNames?: boolean;
  /** hcpcs: also import the modifiers (default false). */
  readonly includeModifiers?: boolean;
}

/** An importer streams the concepts of one source file (or directory) and fills `stats`. */
export type Importer = (
  path: string,
  stats: ImportStats,
  options?: ImportOptions,
) => AsyncIterable<SourceConcept>;

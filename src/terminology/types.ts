/**
 * Contracts between the terminology parts: importers produce SourceConcepts (streamed), the pack
 * compiler turns them into a binary pack, the loader and matcher use the pack.
 */

/** Semantic types of mentions. `problem` covers disorders, findings and symptoms (see `subtype`). */
export type SemanticType = 'problem' | 'medication' | 'procedure' | 'lab' | 'anatomy' | 'device' | 'other';

/** Every semantic type, in a fixed order (packs store types by their index in this list). */
export const SEMANTIC_TYPES: readonly SemanticType[] = [
  'problem',
  'medication',
  'procedure',
  'lab',
  'anatomy',
  'device',
  'other',
];

export function isSemanticType(value: string): value is SemanticType {
  return (SEMANTIC_TYPES as readonly string[]).includes(value);
}

export type CodeSystem =
  | 'icd10cm'
  | 'icd10pcs'
  | 'rxnorm'
  | 'loinc'
  | 'doid'
  | 'hpo'
  | 'mesh'
  | 'omim'
  | 'umls'
  | 'snomed'
  | 'hcpcs'
  | 'custom';

export interface SourceCode {
  readonly system: CodeSystem;
  readonly code: string;
  readonly display?: string;
  /** ICD-10-CM: true when the code is billable (a leaf valid for claims). */
  readonly billable?: boolean;
}

export type TermKind =
  | 'preferred'
  | 'synonym'
  | 'exact'
  | 'related'
  | 'narrow'
  | 'broad'
  | 'abbreviation'
  | 'brand'
  | 'lay'
  | 'index';

export interface SourceTerm {
  readonly text: string;
  readonly kind: TermKind;
}

export interface SourceConcept {
  /** Unique id: `<source>:<local id>`, e.g. `icd10cm:E11.9`, `doid:9352`, `starter:diabetes-type-2`. */
  readonly id: string;
  /** Source name, e.g. `icd10cm`, `doid`, `hpo`, `rxterms`, `loinc`, `hcpcs`, `umls`, `starter`. */
  readonly source: string;
  readonly type: SemanticType;
  /** Finer type: disorder, finding, symptom (problems); ingredient, brand (drugs); ... */
  readonly subtype?: string;
  readonly preferred: string;
  readonly terms: readonly SourceTerm[];
  readonly codes: readonly SourceCode[];
  /** is_a parents (ids in the same source). */
  readonly parents?: readonly string[];
  readonly obsolete?: boolean;
}

/** What an importer reports: counts and skipped rows by reason. */
export interface ImportStats {
  source: string;
  version?: string;
  licence?: string;
  read: number;
  imported: number;
  skipped: number;
  skippedReasons: Record<string, number>;
}

export function newStats(source: string): ImportStats {
  return { source, read: 0, imported: 0, skipped: 0, skippedReasons: {} };
}

export function skip(stats: ImportStats, reason: string): void {
  stats.skipped++;
  stats.skippedReasons[reason] = (stats.skippedReasons[reason] ?? 0) + 1;
}

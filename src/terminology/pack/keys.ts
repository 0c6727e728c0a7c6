/**
 * What the pack compiler and the matcher need from term normalization. The real functions live in
 * src/terminology/normalize (see ./default-keys.ts); tests inject small stand-ins.
 */
import { createHash } from 'node:crypto';
import type { SemanticType, SourceConcept, SourceTerm } from '../types.js';

export interface TermVariant {
  /** Token keys of the variant, in order. */
  readonly keys: readonly string[];
  /** 0 for the term as written; higher for looser variants (0..1). */
  readonly penalty: number;
  /** Rule id, reported in the evidence of a match. */
  readonly rule: string;
}

export interface KeyFunctions {
  /** Key of one note token (its `norm`): case and diacritic folding, clinical singular. '' = ignore the token. */
  tokenKey(norm: string): string;
  /** Keys of a dictionary term, lined up with note tokens. */
  termKeys(text: string): string[];
  /** Variants of a term (the term itself included), each with a penalty and a rule id. */
  termVariants(concept: SourceConcept, term: SourceTerm): readonly TermVariant[];
  /** Similarity of two token keys in [0, 1] (misspellings); optional. */
  similarity?(a: string, b: string): number;
  /** Whether a note key may be read as a misspelling of a pack key; optional. */
  acceptMisspelling?(noteKey: string, packKey: string): boolean;
}

export interface AbbreviationSense {
  /** The long form, e.g. "multiple sclerosis". */
  readonly expansion: string;
  /** Words that, near the abbreviation, point to this sense. */
  readonly cues: readonly string[];
  /** Relative frequency of the sense (0..1); default: by list order, most common first. */
  readonly prior?: number;
  /** Semantic type of the sense: only concepts of this type get it (when some have it). */
  readonly type?: SemanticType;
}

export interface Abbreviation {
  /** As written, e.g. "MS". */
  readonly abbreviation: string;
  readonly senses: readonly AbbreviationSense[];
}

const PROBES = [
  'Diabetes',
  'kidneys',
  'Ménière',
  'fractures',
  'children',
  'analyses',
  'women',
  'diagnoses',
  'vertebrae',
  'teeth',
  'ovaries',
  'metastases',
  'stenoses',
  'Crohn’s',
  'x-ray',
  'COVID-19',
  'naïve',
  'lungs',
  'hips',
  'bronchi',
];
const PROBE_TERMS = [
  "Alzheimer's disease",
  'Non-small cell lung cancer, stage IV',
  'type 2 diabetes mellitus',
];

/** A fingerprint of the key functions: packs record it so a mismatch at load can be reported. */
export function keysFingerprint(keys: Pick<KeyFunctions, 'tokenKey' | 'termKeys'>): string {
  const data = JSON.stringify([
    PROBES.map((p) => keys.tokenKey(p.toLowerCase())),
    PROBE_TERMS.map(keys.termKeys),
  ]);
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

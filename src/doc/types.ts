/**
 * Layer types of the document model. Every span is half-open [start, end) into the ORIGINAL text
 * (`doc.text`), never into a normalized view.
 *
 * Later components add layers without changing the core by augmenting `Layers`:
 *
 *   declare module '../../doc/types.js' { interface Layers { medications: Medication[] } }
 */
import type { NormalizedText } from './normalize.js';

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** What made an annotation: the component, and the rule or model inside it. */
export interface Evidence {
  readonly component: string;
  /** Rule id (data file rule) or model id@version. */
  readonly rule?: string;
  readonly detail?: string;
}

export interface SectionHeader extends Span {
  /** The header as written, e.g. "HISTORY OF PRESENT ILLNESS". */
  readonly text: string;
}

export interface Section extends Span {
  /** Normalized category, e.g. `hpi`, `medications`; `other` when the header is unknown; `preamble` before any header. */
  readonly category: string;
  /** The header, when there is one. `start` of the section is the header's start. */
  readonly header: SectionHeader | null;
  /** Where the body begins (after the header and its colon). */
  readonly bodyStart: number;
  readonly evidence: Evidence;
}

export interface Sentence extends Span {
  /** Index into the sections layer, or -1 when there is no sections layer. */
  readonly section: number;
  /** Why the sentence is a unit: `text`, `header`, `list-item`, `key-value`, `line`. */
  readonly kind: SentenceKind;
}

export type SentenceKind = 'text' | 'header' | 'list-item' | 'key-value' | 'line';

export type TokenKind = 'word' | 'number' | 'measure' | 'punct' | 'symbol';

export interface Token extends Span {
  readonly kind: TokenKind;
  /** Lower-cased, NFC, from the normalized view (what matchers compare). */
  readonly norm: string;
  /** Numeric value for `number` and `measure` tokens (`5mg` -> 5). */
  readonly value?: number;
  /** Unit for `measure` tokens (`5mg` -> `mg`). */
  readonly unit?: string;
  /** Index of the sentence holding the token, or -1. */
  readonly sentence: number;
}

export interface Code {
  readonly system: string;
  readonly code: string;
  readonly display: string;
  readonly score: number;
}

export interface ConceptCandidate {
  readonly id: string;
  readonly type: string;
  readonly preferred: string;
  readonly score: number;
  readonly codes: readonly Code[];
}

/** A concept mention. Filled by the terminology component (and learned NER later). */
export interface Concept extends Span {
  readonly text: string;
  /** Semantic type: problem, medication, procedure, lab, anatomy, device, ... */
  readonly type: string;
  readonly codes: readonly Code[];
  /** The pack term that matched and where it comes from. */
  readonly matched: { readonly term: string; readonly source: string; readonly similarity?: number };
  readonly score: number;
  /** Other senses, ranked, when the mention is ambiguous. */
  readonly candidates?: readonly ConceptCandidate[];
  /** Index into the sections layer. */
  readonly section?: number;
  readonly sentence?: number;
  readonly evidence: Evidence;
}

/** Input problems found while decoding or checking a note. They do not stop processing. */
export interface Flag {
  readonly code: string;
  readonly message: string;
  readonly count?: number;
}

/** Layer name -> layer value. Augment this interface to add layers. */
export interface Layers {
  normalized: NormalizedText;
  sections: Section[];
  sentences: Sentence[];
  tokens: Token[];
  concepts: Concept[];
}

export type LayerName = keyof Layers & string;

/** Note metadata given with the note (CLI/NDJSON fields). */
export interface DocMeta {
  /** ISO date the note was written, used to normalize relative dates. */
  readonly noteDate?: string;
  readonly [key: string]: unknown;
}

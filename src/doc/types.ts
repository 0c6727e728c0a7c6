/**
 * Layer types of the document model. Every span is half-open [start, end) into the ORIGINAL text
 * (`doc.text`), never into a normalized view.
 *
 * The types are `ReadonlyDeep<Static<>>` of the TypeBox schemas in `./schema.ts` (one schema per
 * layer; the result schema is composed from them), so the types and the documented JSON cannot
 * drift apart.
 *
 * Later components add layers without changing the core by augmenting `Layers`:
 *
 *   declare module '../../doc/types.js' { interface Layers { medications: Medication[] } }
 *
 * and add fields to concepts (or sections) by augmenting `Concept` (or `Section`) with an optional
 * field, whose schema they also add where `src/output/schema.ts` composes the result:
 *
 *   declare module '../../doc/types.js' { interface Concept { readonly modifiers?: Modifiers } }
 */
import type { Static } from '@sinclair/typebox';
import type { NormalizedText } from './normalize.js';
import type {
  CodeSchema,
  ConceptCandidateSchema,
  ConceptSchema,
  EvidenceSchema,
  FlagSchema,
  ReadonlyDeep,
  SectionHeaderSchema,
  SectionSchema,
  SentenceKindSchema,
  SentenceSchema,
  SpanSchema,
  TokenKindSchema,
  TokenSchema,
} from './schema.js';

/** Half-open [start, end) into the original text. */
export interface Span extends ReadonlyDeep<Static<typeof SpanSchema>> {}

/** What made an annotation: the component, and the rule (data file rule) or model id@version inside it. */
export interface Evidence extends ReadonlyDeep<Static<typeof EvidenceSchema>> {}

/** A header as written, e.g. "HISTORY OF PRESENT ILLNESS". */
export interface SectionHeader extends ReadonlyDeep<Static<typeof SectionHeaderSchema>> {}

/**
 * A section: `category` (normalized, `other`, `preamble`), its `header` (null when none; the
 * section starts at the header), `bodyStart` (after the header and its colon), `parent` for parts
 * of an exam or ROS.
 */
export interface Section extends ReadonlyDeep<Static<typeof SectionSchema>> {}

/** Why a sentence is a unit: `text`, `header`, `list-item`, `key-value`, `line`. */
export type SentenceKind = Static<typeof SentenceKindSchema>;

/** A sentence: `section` is an index into the sections layer, or -1 when there is none. */
export interface Sentence extends ReadonlyDeep<Static<typeof SentenceSchema>> {}

export type TokenKind = Static<typeof TokenKindSchema>;

/**
 * A token: `norm` is lower-cased NFC from the normalized view (what matchers compare); `value` and
 * `unit` for `number` and `measure` tokens (`5mg` -> 5, `mg`); `sentence` is an index, or -1.
 */
export interface Token extends ReadonlyDeep<Static<typeof TokenSchema>> {}

export interface Code extends ReadonlyDeep<Static<typeof CodeSchema>> {}

export interface ConceptCandidate extends ReadonlyDeep<Static<typeof ConceptCandidateSchema>> {}

/**
 * A concept mention. Filled by the terminology component (and learned NER later); components add
 * optional fields by merging into this interface (`assertion`, `modifiers`).
 */
export interface Concept extends ReadonlyDeep<Static<typeof ConceptSchema>> {}

/** Input problems found while decoding or checking a note. They do not stop processing. */
export interface Flag extends ReadonlyDeep<Static<typeof FlagSchema>> {}

/** Layer name -> layer value. Augment this interface to add layers. */
export interface Layers {
  normalized: NormalizedText;
  sections: Section[];
  sentences: Sentence[];
  tokens: Token[];
  concepts: Concept[];
}

export type LayerName = keyof Layers & string;

/** Note metadata given with the note (CLI/NDJSON fields). Not part of the result. */
export interface DocMeta {
  /** ISO date the note was written, used to normalize relative dates. */
  readonly noteDate?: string;
  readonly [key: string]: unknown;
}

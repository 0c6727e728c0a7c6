/**
 * Assertion types: what the `assertions` component adds to every concept, and what the ConText
 * engine returns when it is called on its own. See docs/assertions.md.
 *
 * The component re-assigns the `concepts` layer: each concept is copied with an `assertion` field
 * (declared below by merging into `Concept`), so the JSON result carries it with the concept.
 */
import type { Static } from '@sinclair/typebox';
import type { ReadonlyDeep } from '../../doc/schema.js';
import type { Span } from '../../doc/types.js';
import {
  ASSERTION_CATEGORY_VALUES,
  type AssertionCategorySchema,
  type AssertionEvidenceSchema,
  type AssertionSchema,
  type AssertionStatusSchema,
  TEMPORALITY_VALUES,
  type TemporalityEvidenceSchema,
  type TemporalitySchema,
} from './schema.js';

/** The categories a cue or a section default can give. */
export type AssertionCategory = Static<typeof AssertionCategorySchema>;

export const ASSERTION_CATEGORIES: readonly AssertionCategory[] = ASSERTION_CATEGORY_VALUES;

/**
 * One summary value, from the categories that hold, by priority:
 * NEGATED -> `absent`, FAMILY -> `family`, ALLERGY -> `allergy`, HYPOTHETICAL -> `hypothetical`,
 * POSSIBLE -> `possible`, HISTORICAL -> `historical`, CONDITIONAL -> `conditional`, none -> `present`.
 * Only `present` is the patient's current, affirmed problem.
 */
export type AssertionStatus = Static<typeof AssertionStatusSchema>;

/** A span of the original text with its text. */
export interface TextSpan extends Span {
  readonly text: string;
}

/**
 * Why a category holds (or, for `AFFIRMED`, that nothing fired): the category, the `source`
 * (`cue`: a rule matched in the sentence; `section`: a section default; `default`: nothing fired),
 * the rule id (`neg.no`, `section.family-history`, `assertions.default`), the cue as written
 * (original offsets; the section header for a section default; null otherwise) and the scope the
 * cue governs (tokens after and/or before the cue; the section; the sentence).
 */
export interface AssertionEvidence extends ReadonlyDeep<Static<typeof AssertionEvidenceSchema>> {}

/**
 * ConText's onset axis, apart from the status: `historical` when the condition began more than 14
 * days before the visit (a HISTORICAL cue, a long duration, a chronic modifier or a chronic condition,
 * habit or allergy of the lexicon, a social history / allergies / problem list section),
 * `hypothetical` with the HYPOTHETICAL category, otherwise `recent`.
 */
export type Temporality = Static<typeof TemporalitySchema>;
export const TEMPORALITIES: readonly Temporality[] = TEMPORALITY_VALUES;

/**
 * Why the temporality holds: `source` is `cue` (a HISTORICAL / HYPOTHETICAL / ALLERGY cue of the
 * rules, an onset cue or a duration of the lexicon), `lexicon` (the concept names a chronic
 * condition, habit or allergy), `section` (a section default) or `default` (nothing fired: recent);
 * `rule` the rule or lexicon id (`hist.h-o`, `onset.duration`, `chronic.hypertension`,
 * `temporality.default`); `cue` the cue or lexicon term as written (original offsets; the section
 * header; null for the default); `scope` what the cue governs (the category scope, the cue through
 * the concept, the concept, the section or the clause).
 */
export interface TemporalityEvidence extends ReadonlyDeep<Static<typeof TemporalityEvidenceSchema>> {}

/**
 * The assertion of a concept: `status` (the summary), `categories` (those that hold, in
 * ASSERTION_CATEGORIES order; empty when the concept is present), `evidence` (at least one item:
 * the evidence of every category, or the default), `temporality` (independent of the status) and
 * `temporalityEvidence` (one item: the evidence that decided the temporality).
 */
export interface Assertion extends ReadonlyDeep<Static<typeof AssertionSchema>> {}

declare module '../../doc/types.js' {
  interface Concept {
    /** Set by the `assertions` component: negation, uncertainty, temporality, experiencer, with evidence. */
    readonly assertion?: Assertion;
  }
}

/** Summary status of a set of categories (see AssertionStatus). */
export function statusOf(
  categories: ReadonlySet<AssertionCategory> | readonly AssertionCategory[],
): AssertionStatus {
  const has = (c: AssertionCategory): boolean =>
    Array.isArray(categories)
      ? (categories as readonly AssertionCategory[]).includes(c)
      : (categories as ReadonlySet<AssertionCategory>).has(c);
  if (has('NEGATED')) return 'absent';
  if (has('FAMILY')) return 'family';
  if (has('ALLERGY')) return 'allergy';
  if (has('HYPOTHETICAL')) return 'hypothetical';
  if (has('POSSIBLE')) return 'possible';
  if (has('HISTORICAL')) return 'historical';
  if (has('CONDITIONAL')) return 'conditional';
  return 'present';
}

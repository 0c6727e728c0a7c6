/**
 * Assertion types: what the `assertions` component adds to every concept, and what the ConText
 * engine returns when it is called on its own. See docs/assertions.md.
 *
 * The component re-assigns the `concepts` layer: each concept is copied with an `assertion` field
 * (declared below by merging into `Concept`), so the JSON result carries it with the concept.
 */
import type { Span } from '../../doc/types.js';

/** The categories a cue or a section default can give. */
export type AssertionCategory =
  | 'NEGATED'
  | 'POSSIBLE'
  | 'HYPOTHETICAL'
  | 'HISTORICAL'
  | 'FAMILY'
  | 'CONDITIONAL'
  | 'ALLERGY';

export const ASSERTION_CATEGORIES: readonly AssertionCategory[] = [
  'NEGATED',
  'POSSIBLE',
  'HYPOTHETICAL',
  'HISTORICAL',
  'FAMILY',
  'CONDITIONAL',
  'ALLERGY',
];

/**
 * One summary value, from the categories that hold, by priority:
 * NEGATED -> `absent`, FAMILY -> `family`, ALLERGY -> `allergy`, HYPOTHETICAL -> `hypothetical`,
 * POSSIBLE -> `possible`, HISTORICAL -> `historical`, CONDITIONAL -> `conditional`, none -> `present`.
 * Only `present` is the patient's current, affirmed problem.
 */
export type AssertionStatus =
  | 'present'
  | 'absent'
  | 'possible'
  | 'hypothetical'
  | 'historical'
  | 'family'
  | 'conditional'
  | 'allergy';

/** A span of the original text with its text. */
export interface TextSpan extends Span {
  readonly text: string;
}

/** Why a category holds (or, for `AFFIRMED`, that nothing fired). */
export interface AssertionEvidence {
  /** The category this evidence supports; `AFFIRMED` for the default evidence. */
  readonly category: AssertionCategory | 'AFFIRMED';
  /** `cue`: a rule matched in the sentence; `section`: a section default; `default`: nothing fired. */
  readonly source: 'cue' | 'section' | 'default';
  /** Rule id (`neg.no`, `section.family-history`, `assertions.default`). */
  readonly rule: string;
  /** The cue as written (original offsets); the section header for a section default; null otherwise. */
  readonly cue: TextSpan | null;
  /** The scope the cue governs (original offsets): tokens after and/or before the cue; the section; the sentence. */
  readonly scope: Span;
}

/**
 * ConText's onset axis, apart from the status: `historical` when the condition began more than 14
 * days before the visit (a HISTORICAL cue, a long duration, a chronic modifier or a chronic condition,
 * habit or allergy of the lexicon, a social history / allergies / problem list section),
 * `hypothetical` with the HYPOTHETICAL category, otherwise `recent`.
 */
export type Temporality = 'recent' | 'historical' | 'hypothetical';
export const TEMPORALITIES: readonly Temporality[] = ['recent', 'historical', 'hypothetical'];

/** Why the temporality holds. */
export interface TemporalityEvidence {
  readonly temporality: Temporality;
  /**
   * `cue`: a cue in the sentence (a HISTORICAL / HYPOTHETICAL / ALLERGY cue of the rules, an onset
   * cue or a duration of the lexicon); `lexicon`: the concept names a chronic condition, habit or
   * allergy; `section`: a section (default); `default`: nothing fired (recent).
   */
  readonly source: 'cue' | 'lexicon' | 'section' | 'default';
  /** Rule or lexicon id (`hist.h-o`, `onset.duration`, `chronic.hypertension`, `temporality.default`). */
  readonly rule: string;
  /** The cue or lexicon term as written (original offsets); the section header; null for the default. */
  readonly cue: TextSpan | null;
  /** What the cue governs: the category scope, the cue through the concept, the concept, the section or the clause. */
  readonly scope: Span;
}

export interface Assertion {
  readonly status: AssertionStatus;
  /** The categories that hold, in ASSERTION_CATEGORIES order; empty when the concept is present. */
  readonly categories: readonly AssertionCategory[];
  /** At least one item: the evidence of every category, or the default. */
  readonly evidence: readonly AssertionEvidence[];
  /** ConText's onset axis (see Temporality); independent of the status. */
  readonly temporality: Temporality;
  /** One item: the evidence that decided the temporality. */
  readonly temporalityEvidence: readonly TemporalityEvidence[];
}

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

/**
 * How the assertion model's verdict changes a concept's assertion (the rest of the assertion, its
 * other categories and the temporality, stays the rules'):
 *
 * - model and rules agree: the assertion is unchanged (the rule's cue stays the evidence);
 * - the model negates what the rules left affirmed: NEGATED is added, with the evidence
 *   `{ category: 'NEGATED', source: 'cue', rule: <model name@version>, cue: <the nearest negation cue
 *   of the sentence, or null>, scope: <cue through concept, or the concept> }`;
 * - the model affirms what the rules negated: NEGATED and its evidence are removed; with no category
 *   left, the evidence is `{ category: 'AFFIRMED', source: 'default', rule: <model name@version>,
 *   cue: null, scope: <the rule's scope> }`.
 *
 * The status is recomputed from the categories (`statusOf`).
 */

import type { NegationCue } from '../../models/assertion/features.js';
import {
  ASSERTION_CATEGORIES,
  type Assertion,
  type AssertionCategory,
  type AssertionEvidence,
  statusOf,
} from '../assertions/index.js';

/** The assertion with the model's negation verdict applied (the same object when nothing changes). */
export function applyNegation(
  assertion: Assertion,
  negated: boolean,
  concept: { readonly start: number; readonly end: number },
  cue: NegationCue | null,
  model: string,
): Assertion {
  const ruled = assertion.categories.includes('NEGATED');
  if (ruled === negated) return assertion;
  if (negated) {
    const categories = ASSERTION_CATEGORIES.filter(
      (c) => c === 'NEGATED' || assertion.categories.includes(c),
    ) as AssertionCategory[];
    const scope = cue
      ? { start: Math.min(cue.start, concept.start), end: Math.max(cue.end, concept.end) }
      : { start: concept.start, end: concept.end };
    const evidence: AssertionEvidence = {
      category: 'NEGATED',
      source: 'cue',
      rule: model,
      cue: cue ? { start: cue.start, end: cue.end, text: cue.text } : null,
      scope,
    };
    // the default evidence (AFFIRMED) goes: NEGATED now holds
    const kept = assertion.evidence.filter((e) => e.category !== 'AFFIRMED');
    return { ...assertion, status: statusOf(categories), categories, evidence: [evidence, ...kept] };
  }
  const categories = assertion.categories.filter((c) => c !== 'NEGATED');
  const dropped = assertion.evidence.find((e) => e.category === 'NEGATED');
  let evidence = assertion.evidence.filter((e) => e.category !== 'NEGATED');
  if (evidence.length === 0) {
    evidence = [
      {
        category: 'AFFIRMED',
        source: 'default',
        rule: model,
        cue: null,
        scope: dropped
          ? { start: dropped.scope.start, end: dropped.scope.end }
          : { start: concept.start, end: concept.end },
      },
    ];
  }
  return { ...assertion, status: statusOf(categories), categories, evidence };
}

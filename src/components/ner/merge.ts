/**
 * Merge policies of the `ner` component: how a model's mentions combine with the concepts a
 * dictionary component (`concepts`) assigned before it. See docs/ner.md and
 * docs/decisions/0011-ner-merge-policy.md.
 *
 * - `model-only`: the model's mentions replace the layer.
 * - `model-first`: the model's mentions, then each dictionary concept that overlaps none of them.
 * - `dictionary-first`: the dictionary's concepts, then each model mention that overlaps none of them.
 * - `union`: both; a model mention with the same span and type as a dictionary concept is dropped
 *   (the dictionary's concept, matched by a rule, stays).
 *
 * Two concepts overlap when their half-open spans share a character. Every kept concept keeps its
 * own evidence: `component: 'ner'` and the model for a model mention, `component: 'concepts'` and the
 * pack rule for a dictionary concept. The result is sorted by start, longer first.
 */
import type { Concept } from '../../doc/types.js';

export const MERGE_POLICIES = ['model-only', 'model-first', 'dictionary-first', 'union'] as const;
export type MergePolicy = (typeof MERGE_POLICIES)[number];

/** Which of `others` overlap a span of `kept` (both sorted by start). */
function overlapsAny(kept: readonly Concept[], others: readonly Concept[]): boolean[] {
  const out = new Array<boolean>(others.length).fill(false);
  // kept spans by start, with the running maximum end, for a binary search per other concept
  const sorted = [...kept].sort((a, b) => a.start - b.start);
  const maxEnd: number[] = [];
  for (const [i, c] of sorted.entries()) maxEnd.push(Math.max(c.end, i > 0 ? (maxEnd[i - 1] as number) : 0));
  for (const [k, o] of others.entries()) {
    // last kept span starting before o.end
    let lo = 0;
    let hi = sorted.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as Concept).start < o.end) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    out[k] = last >= 0 && (maxEnd[last] as number) > o.start;
  }
  return out;
}

const byPosition = (a: Concept, b: Concept): number => a.start - b.start || b.end - a.end;

/** Combine model mentions and dictionary concepts under a policy (see the module comment). */
export function mergeConcepts(
  model: readonly Concept[],
  dictionary: readonly Concept[],
  policy: MergePolicy,
): Concept[] {
  switch (policy) {
    case 'model-only':
      return [...model].sort(byPosition);
    case 'model-first': {
      const hit = overlapsAny(model, dictionary);
      return [...model, ...dictionary.filter((_, i) => !hit[i])].sort(byPosition);
    }
    case 'dictionary-first': {
      const hit = overlapsAny(dictionary, model);
      return [...dictionary, ...model.filter((_, i) => !hit[i])].sort(byPosition);
    }
    case 'union': {
      const same = new Set(dictionary.map((c) => `${c.start}:${c.end}:${c.type}`));
      return [...dictionary, ...model.filter((c) => !same.has(`${c.start}:${c.end}:${c.type}`))].sort(
        byPosition,
      );
    }
  }
}

/**
 * The ensemble of the `transformer-ner` component: mentions of several sources (the transformer, a
 * linear model, the dictionary) vote by exact span and entity type. A mention's score is the sum,
 * over the sources that found it, of the source's weight times its probability (1 for a source that
 * gives none), divided by the total weight of all sources. Mentions scoring at least `threshold` are
 * kept, best first, each unless it overlaps one kept before. With the default weights (1 each) and
 * threshold (0.5), two sources of three must agree.
 */
import type { ModelMention } from '../ner/mentions.js';

export interface EnsembleSource {
  readonly name: string;
  readonly weight: number;
  readonly mentions: readonly ModelMention[];
}

export const DEFAULT_ENSEMBLE_THRESHOLD = 0.5;

/** The voted mentions, sorted by start (longer first); each names its voters in `detail`. */
export function ensembleMentions(
  sources: readonly EnsembleSource[],
  threshold = DEFAULT_ENSEMBLE_THRESHOLD,
): ModelMention[] {
  const total = sources.reduce((s, x) => s + x.weight, 0);
  if (total <= 0) return [];
  const votes = new Map<string, { start: number; end: number; type: string; score: number; by: string[] }>();
  for (const src of sources) {
    for (const m of src.mentions) {
      const key = `${m.start}:${m.end}:${m.type}`;
      let v = votes.get(key);
      if (!v) {
        v = { start: m.start, end: m.end, type: m.type, score: 0, by: [] };
        votes.set(key, v);
      }
      const p = m.probability ?? 1;
      // a source voting twice for the same span counts once (its best probability)
      if (v.by.some((b) => b.startsWith(`${src.name} `))) continue;
      v.score += src.weight * p;
      v.by.push(`${src.name} ${p.toFixed(3)}`);
    }
  }
  const ranked = [...votes.values()]
    .map((v) => ({ ...v, score: v.score / total }))
    .filter((v) => v.score >= threshold - 1e-12)
    .sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: typeof ranked = [];
  for (const v of ranked) if (!kept.some((k) => k.start < v.end && v.start < k.end)) kept.push(v);
  return kept
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .map((v) => ({
      start: v.start,
      end: v.end,
      type: v.type,
      probability: Math.min(1, v.score),
      detail: `ensemble ${v.score.toFixed(3)} >= ${threshold}: ${v.by.join(', ')}`,
    }));
}

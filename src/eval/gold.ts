/**
 * Gold documents as the span tasks score them: a text, typed spans into it (half-open, UTF-16) and,
 * when the corpus gives them, sentence spans. Readers' outputs are turned into GoldDocs here.
 */

import type { BratDocument } from '../corpora/brat.js';
import type { Span } from '../doc/types.js';

export interface GoldSpan extends Span {
  /** The type as written in the corpus (before any preset mapping). */
  readonly type: string;
  /** True when the corpus span is discontinuous; start/end then cover all its fragments. */
  readonly discontinuous?: boolean;
}

export interface GoldDoc {
  readonly id: string;
  readonly text: string;
  readonly spans: readonly GoldSpan[];
  readonly sentences?: readonly Span[];
}

/** A brat document as a GoldDoc: every text-bound entity, discontinuous ones by their extent. */
export function bratToGold(doc: BratDocument): GoldDoc {
  return {
    id: doc.id,
    text: doc.text,
    spans: doc.entities.map((e) => ({
      start: e.start,
      end: e.end,
      type: e.type,
      ...(e.fragments.length > 1 ? { discontinuous: true } : {}),
    })),
  };
}

/** Gold spans of one type set mapped to labels; the others counted by type. */
export function mapGold(
  spans: readonly GoldSpan[],
  map: ReadonlyMap<string, string>,
  ignored: Record<string, number>,
): GoldSpan[] {
  const out: GoldSpan[] = [];
  for (const s of spans) {
    const label = map.get(s.type);
    if (label === undefined) ignored[s.type] = (ignored[s.type] ?? 0) + 1;
    else out.push({ ...s, type: label });
  }
  return out;
}

/**
 * The sentences component: splits every section of the normalized view into units (sentences,
 * headers, list items, key-value lines, line fragments) and maps them back to the original text.
 * A unit never crosses a section boundary: section headers are units of their own and bodies are
 * split separately. See docs/sentences.md.
 */
import { Type } from '@sinclair/typebox';
import type { Section, Sentence, SentenceKind } from '../../doc/types.js';
import { defineComponent } from '../../pipeline/component.js';
import { DEFAULT_ABBREVIATIONS, loadAbbreviations } from './abbreviations.js';
import { type LineLayout, lineLengthBefore, NO_LAYOUT, SentenceSplitter, wrapWidth } from './split.js';

export {
  AbbreviationFileSchema,
  AbbreviationTable,
  DEFAULT_ABBREVIATIONS,
  loadAbbreviations,
} from './abbreviations.js';
export {
  type LineLayout,
  NO_LAYOUT,
  type RawSentence,
  SentenceSplitter,
  type SplitterOptions,
  textLayout,
  wrapWidth,
} from './split.js';

export const SentencesOptionsSchema = Type.Object(
  {
    abbreviations: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Abbreviation file, under resources/ or absolute (default ${DEFAULT_ABBREVIATIONS})`,
      }),
    ),
    lowercaseStarts: Type.Optional(
      Type.Boolean({
        description:
          'A period before a lower-case word ends a sentence unless the word before it is a listed abbreviation (notes written in lower case; default false)',
      }),
    ),
    labels: Type.Optional(
      Type.Boolean({
        description: '`Label:` lines are headers and `Key: value` lines key-value units (default true)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const sentencesComponent = defineComponent({
  name: 'sentences',
  version: '1.1.0',
  description:
    'Clinical sentence splitter: headers, list items, key-value lines, line fragments and sentences, never across a section boundary.',
  requires: ['normalized', 'sections'],
  assigns: ['sentences'],
  options: SentencesOptionsSchema,
  create(options, ctx) {
    const abbreviations = loadAbbreviations(ctx, options.abbreviations ?? DEFAULT_ABBREVIATIONS);
    const splitter = new SentenceSplitter(abbreviations, {
      ...(options.lowercaseStarts !== undefined ? { lowercaseStarts: options.lowercaseStarts } : {}),
      ...(options.labels !== undefined ? { labels: options.labels } : {}),
    });
    return (doc) => {
      const view = doc.get('normalized');
      const sections = doc.maybe('sections') ?? [];
      doc.set('sentences', sentencesOf(splitter, view, sections));
    };
  },
});

interface View {
  readonly text: string;
  readonly original: string;
  readonly isIdentityMap: boolean;
  toOriginal(start: number, end: number): [number, number];
  offsetToOriginal(i: number): number;
}

/** A stretch of the normalized text split on its own: a section body, a section header, or a gap. */
interface Region {
  a: number;
  b: number;
  header: boolean;
  section: number;
}

/** Split a normalized view, section by section, into sentences with original offsets. */
export function sentencesOf(
  splitter: SentenceSplitter,
  view: View,
  sections: readonly Section[],
): Sentence[] {
  const t = view.text;
  const out: Sentence[] = [];
  const identity = view.isIdentityMap;
  let section = -1;
  let prevEnd = 0;
  const emit = (start: number, end: number, kind: SentenceKind): void => {
    let s = start;
    let e = end;
    if (!identity) {
      [s, e] = view.toOriginal(start, end);
      // characters that normalization expanded map to one original range: keep spans disjoint
      if (s < prevEnd) s = prevEnd;
      if (e <= s) return;
    }
    prevEnd = e;
    out.push({ start: s, end: e, section, kind });
  };
  const layout = layoutOf(view);
  for (const r of regionsOf(view, sections)) {
    section = r.section;
    if (r.header) splitter.header(t, r.a, r.b, emit);
    else splitter.region(t, r.a, r.b, emit, layout);
  }
  return out;
}

/**
 * The line layout of a note, read in the original text: the normalizer already joined some wrapped
 * lines, and the lengths that tell a wrap are those of the lines as written.
 */
export function layoutOf(view: View): LineLayout {
  const original = view.original;
  const width = wrapWidth(original);
  if (width === 0) return NO_LAYOUT;
  return {
    width,
    lineLengthBefore: (q) => lineLengthBefore(original, view.isIdentityMap ? q : view.offsetToOriginal(q)),
  };
}

/** Smallest normalized index whose original offset is >= o (the identity when the map is). */
function toNormalized(view: View, o: number): number {
  const n = view.text.length;
  if (!(o > 0)) return 0;
  if (view.isIdentityMap) return Math.min(o, n);
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (view.offsetToOriginal(mid) < o) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Mapped {
  index: number;
  s: number;
  e: number;
  /** Header span [hs, bs) in normalized offsets; hs === bs when there is no header. */
  hs: number;
  bs: number;
}

/**
 * Cut the text into regions at every section start, end, header start and body start. Each region
 * belongs to the innermost section holding it (sections may nest: exam systems inside the exam),
 * or to none (-1).
 */
function regionsOf(view: View, sections: readonly Section[]): Region[] {
  const n = view.text.length;
  const mapped: Mapped[] = [];
  sections.forEach((sec, index) => {
    const s = toNormalized(view, sec.start);
    const e = toNormalized(view, sec.end);
    if (!(e > s)) return;
    let hs = s;
    let bs = s;
    if (sec.header) {
      bs = Math.min(e, Math.max(s, toNormalized(view, sec.bodyStart)));
      hs = Math.min(bs, Math.max(s, toNormalized(view, sec.header.start)));
    }
    mapped.push({ index, s, e, hs, bs });
  });
  if (mapped.length === 0) return n > 0 ? [{ a: 0, b: n, header: false, section: -1 }] : [];

  const cuts = new Set<number>([0, n]);
  for (const m of mapped) {
    cuts.add(m.s);
    cuts.add(m.e);
    cuts.add(m.hs);
    cuts.add(m.bs);
  }
  const points = [...cuts].filter((x) => x >= 0 && x <= n).sort((x, y) => x - y);
  mapped.sort((x, y) => x.s - y.s || y.e - x.e || x.index - y.index);

  const regions: Region[] = [];
  const stack: Mapped[] = [];
  let next = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k]!;
    const b = points[k + 1]!;
    while (next < mapped.length && mapped[next]!.s <= a) stack.push(mapped[next++]!);
    while (stack.length > 0 && stack[stack.length - 1]!.e <= a) stack.pop();
    let owner: Mapped | undefined;
    for (let j = stack.length - 1; j >= 0; j--) {
      const m = stack[j]!;
      if (m.s <= a && m.e >= b) {
        owner = m;
        break;
      }
    }
    const section = owner ? owner.index : -1;
    const header = owner !== undefined && owner.hs <= a && b <= owner.bs && owner.bs > owner.hs;
    const last = regions[regions.length - 1];
    if (last && last.section === section && last.header === header && last.b === a) last.b = b;
    else regions.push({ a, b, header, section });
  }
  return regions;
}

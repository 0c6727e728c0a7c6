/**
 * The `dates` component: absolute and relative dates, times, durations and ages, normalized to ISO
 * 8601 against `doc.meta.noteDate`, each attached to the concepts it governs when the two are in
 * the same sentence and clause. See docs/dates.md.
 */
import { Type } from '@sinclair/typebox';
import type { Doc } from '../../doc/doc.js';
import type { Concept, Sentence } from '../../doc/types.js';
import { defineComponent, type FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { lastStartingAtOrBefore, OffsetMapper } from '../../text/offsets.js';
import { parseIsoDate } from './calendar.js';
import { DateExtractor, type RawDate } from './extract.js';
import { CompiledDatePatterns, DatePatternsSchema, DEFAULT_DATE_PATTERNS } from './patterns.js';
import { CompiledDateRules, DateRulesSchema, DEFAULT_DATE_RULES } from './rules.js';
import type { DateMention } from './types.js';

export { addDays, addMonths, isoWeek, parseIsoDate, type Ymd } from './calendar.js';
export { type DateExtractInput, DateExtractor, type RawDate } from './extract.js';
export {
  CompiledDatePatterns,
  type DatePatterns,
  DatePatternsSchema,
  DEFAULT_DATE_PATTERNS,
  datePatternsJsonSchema,
} from './patterns.js';
export {
  CompiledDateRules,
  type DateRules,
  DateRulesSchema,
  DEFAULT_DATE_RULES,
  dateRulesJsonSchema,
} from './rules.js';
export * from './types.js';

export const COMPONENT = 'dates';

/** Concept types a date can govern. */
export const GOVERNED_TYPES: ReadonlySet<string> = new Set([
  'problem',
  'procedure',
  'lab',
  'medication',
  'device',
]);

export const DatesOptionsSchema = Type.Object(
  {
    rules: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Word lists, under resources/ or absolute (default ${DEFAULT_DATE_RULES})`,
      }),
    ),
    patterns: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Pattern words file, under resources/ or absolute (default ${DEFAULT_DATE_PATTERNS})`,
      }),
    ),
    governs: Type.Optional(
      Type.Boolean({
        description: 'Attach dates to the concepts they govern in their clause (default true)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Key of the in-memory cache entry of the built extractor (bump the version when the compiler changes). */
const EXTRACTOR_KIND = 'dates-extractor@1';

/**
 * Build the extractor from a word lists file and a pattern words file through the factory context:
 * the words compiled once (Maps, regexes), and once per content in a process when the context
 * caches compiled resources.
 */
export function loadDateExtractor(
  ctx: FactoryContext,
  path = DEFAULT_DATE_RULES,
  patternsPath = DEFAULT_DATE_PATTERNS,
): DateExtractor {
  const build = (c: FactoryContext): DateExtractor =>
    new DateExtractor(
      new CompiledDateRules(loadJsonResource(c, path, DateRulesSchema)),
      new CompiledDatePatterns(loadJsonResource(c, patternsPath, DatePatternsSchema)),
    );
  const compiled = ctx.compiled?.bind(ctx);
  if (!compiled) return build(ctx);
  const words = ctx.readResource(path);
  const patterns = ctx.readResource(patternsPath);
  return compiled(EXTRACTOR_KIND, `${words.length}\n${words}${patterns}`, () =>
    build({
      readResource: (p) => (p === path ? words : p === patternsPath ? patterns : ctx.readResource(p)),
      readResourceBytes: (p) => ctx.readResourceBytes(p),
      compiled,
    }),
  );
}

export const datesComponent = defineComponent({
  name: COMPONENT,
  version: '1.2.0',
  description:
    'Dates, times, relative dates (3 days ago, POD #2, last March), durations and ages, normalized to ISO 8601 against the note date and attached to the concepts they govern.',
  requires: ['normalized', 'sentences', 'concepts'],
  // values of labs and vitals are not dates: read when a measurements component ran before
  reads: ['measurements'],
  assigns: ['dates'],
  outputs: ['dates'],
  options: DatesOptionsSchema,
  create(options, ctx) {
    const extractor = loadDateExtractor(
      ctx,
      options.rules ?? DEFAULT_DATE_RULES,
      options.patterns ?? DEFAULT_DATE_PATTERNS,
    );
    const governs = options.governs ?? true;
    return (doc) => {
      doc.set('dates', datesOf(doc, extractor, governs));
    };
  },
});

/** Run the extractor on a Doc. */
export function datesOf(doc: Doc, extractor: DateExtractor, governs = true): DateMention[] {
  const view = doc.get('normalized');
  const mapper = new OffsetMapper(view);
  const noteDate = parseIsoDate(typeof doc.meta.noteDate === 'string' ? doc.meta.noteDate : undefined);
  // lab values are not dates (`8/10`, `2010`): take them from the measurements layer when it is there
  const exclude: { start: number; end: number }[] = [];
  for (const m of doc.maybe('measurements') ?? []) {
    if (m.value)
      exclude.push({ start: mapper.toNormalized(m.value.start), end: mapper.toNormalized(m.value.end) });
  }
  const raw = extractor.extract({ text: view.text, ...(noteDate ? { noteDate } : {}), exclude });
  const sentences = doc.maybe('sentences') ?? [];
  const concepts = doc.maybe('concepts') ?? [];
  const out: DateMention[] = [];
  const index = governs && raw.length > 0 ? conceptIndex(concepts) : undefined;
  for (const r of raw) {
    const [start, end] = mapper.toOriginal(r.start, r.end);
    const si = lastStartingAtOrBefore(sentences, start);
    const sentence = si >= 0 && start < sentences[si]!.end ? si : -1;
    const gov =
      governs && r.kind !== 'time' && r.kind !== 'age' && sentence >= 0
        ? governed(doc.text, start, end, sentences[sentence]!, concepts, r.rule === 'dur.of', index)
        : [];
    // the keys in this order: the JSON result writes them so
    out.push({
      start,
      end,
      text: doc.text.slice(start, end),
      kind: r.kind,
      ...(r.value !== undefined ? { value: r.value } : {}),
      ...(r.precision ? { precision: r.precision } : {}),
      ...(r.duration ? { duration: r.duration } : {}),
      ...(r.anchor ? { anchor: r.anchor } : {}),
      ...(r.offset ? { offset: r.offset } : {}),
      ...(r.approximate ? { approximate: true as const } : {}),
      ...(gov.length > 0 ? { governs: gov } : {}),
      sentence,
      evidence: evidenceOf(r),
    });
  }
  return out;
}

function evidenceOf(r: RawDate): DateMention['evidence'] {
  const detail = r.missing
    ? `no value: ${r.missing}`
    : r.usedNoteDate
      ? 'normalized against the note date'
      : undefined;
  return detail ? { component: COMPONENT, rule: r.rule, detail } : { component: COMPONENT, rule: r.rule };
}

/**
 * The concepts a date governs: in the same sentence and clause (no `;` between), the nearest concept
 * just before it (`MRI lumbar spine 03/02/2025`, `CABG x3 in 2016`) or, when none, just after it
 * (`On 03/02/2025 an MRI ...`); a date that opens a line or clause with a colon (`03/11/2025: LVEF
 * 25-30%, ...`) governs every concept of the clause.
 */
export function governed(
  text: string,
  start: number,
  end: number,
  sentence: Sentence,
  concepts: readonly Concept[],
  preferAfter = false,
  index: ConceptIndex = conceptIndex(concepts),
): number[] {
  // The clause is bounded by `;` (and the sentence). Only concepts within NEAR characters of the
  // date are looked at (through the index), and the clause is checked between each of them and the
  // date, so a date costs O(log n + nearby concepts), not a walk over the clause and every concept.
  const noSemicolon = (a: number, b: number): boolean => {
    for (let i = a; i < b; i++) if (text.charCodeAt(i) === 59 /* ; */) return false;
    return true;
  };
  const governedType = (i: number): boolean => GOVERNED_TYPES.has((concepts[i] as Concept).type);
  // `03/11/2025: LVEF ...`: a date that opens its clause with a colon governs the clause's concepts
  if (/^\s*:/.test(text.slice(end, end + 3)) && opensClause(text, start, sentence.start)) {
    let ce = sentence.end;
    for (let i = end; i < sentence.end; i++) {
      if (text.charCodeAt(i) === 59) {
        ce = i;
        break;
      }
    }
    const found: number[] = [];
    for (
      let k = lowerBound(index.byStart, (i) => (concepts[i] as Concept).start < end);
      k < index.byStart.length;
      k++
    ) {
      const i = index.byStart[k] as number;
      const c = concepts[i] as Concept;
      if (c.start >= ce) break;
      if (c.end <= ce && governedType(i)) found.push(i);
    }
    return found.sort((x, y) => x - y).slice(0, 6);
  }
  // before: c.end in [start - NEAR, start], c.start in the clause
  let before = -1;
  let bestGap = Number.POSITIVE_INFINITY;
  for (
    let k = lowerBound(index.byEnd, (i) => (concepts[i] as Concept).end < start - NEAR);
    k < index.byEnd.length;
    k++
  ) {
    const i = index.byEnd[k] as number;
    const c = concepts[i] as Concept;
    if (c.end > start) break;
    if (c.start < sentence.start || !governedType(i) || !noSemicolon(c.start, start)) continue;
    const gap = start - c.end;
    if (gap < bestGap || (gap === bestGap && i < before)) {
      bestGap = gap;
      before = i;
    }
  }
  // after: c.start in [end, end + NEAR], c.end in the clause
  let after = -1;
  let first = -1;
  let afterGap = Number.POSITIVE_INFINITY;
  for (
    let k = lowerBound(index.byStart, (i) => (concepts[i] as Concept).start < end);
    k < index.byStart.length;
    k++
  ) {
    const i = index.byStart[k] as number;
    const c = concepts[i] as Concept;
    if (c.start > end + NEAR) break;
    if (c.end > sentence.end || !governedType(i) || !noSemicolon(end, c.end)) continue;
    if (first < 0 || i < first) first = i;
    const gap = c.start - end;
    if (gap < afterGap || (gap === afterGap && i < after)) {
      afterGap = gap;
      after = i;
    }
  }
  // `6 weeks of physical therapy`
  if (preferAfter && first >= 0) return [first];
  if (before >= 0) return [before];
  return after >= 0 ? [after] : [];
}

/** How far (characters) a date looks for the concept it governs. */
const NEAR = 40;

/** Concept indices sorted by start and by end (for `governed`). */
export interface ConceptIndex {
  readonly byStart: readonly number[];
  readonly byEnd: readonly number[];
}

export function conceptIndex(concepts: readonly Concept[]): ConceptIndex {
  const ids = concepts.map((_, i) => i);
  const byStart = [...ids].sort(
    (x, y) => (concepts[x] as Concept).start - (concepts[y] as Concept).start || x - y,
  );
  const byEnd = ids.sort((x, y) => (concepts[x] as Concept).end - (concepts[y] as Concept).end || x - y);
  return { byStart, byEnd };
}

/** The first k with !before(arr[k]) (arr ordered so that `before` holds on a prefix). */
function lowerBound(arr: readonly number[], before: (i: number) => boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(arr[mid] as number)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether only blanks, bullets and `(` stand between the clause's start (`;` or the sentence start) and `start`. */
function opensClause(text: string, start: number, sentenceStart: number): boolean {
  for (let i = start - 1; i >= sentenceStart; i--) {
    const ch = text[i] as string;
    if (ch === ';') return true;
    if (!CLAUSE_LEAD.test(ch)) return false;
  }
  return true;
}
const CLAUSE_LEAD = /^[\s\-*\u2022(]$/;

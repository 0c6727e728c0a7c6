/**
 * Header coverage over a corpus of transcribed notes (MTSamples' `transcription` column): of the
 * header-like lines, how many the sectionizer maps to a known category. Used by bench/headers.ts and
 * by a test that is skipped when the corpus is absent. Nothing of the corpus is stored.
 *
 * Header-like, precisely: in the RAW text, at a line start (the text start, after `\n`, or after the
 * `.,` artefact that MTSamples writes for a line break), after optional spaces and an optional
 * numbering (`1.`, `2)`), a run of capital letters, spaces and `/ & ' ( ) -` that holds at least two
 * capital letters and at most 60 characters, followed by optional spaces and a colon that is not
 * followed by a digit (`10:30`). With `afterHeaderComma`, positions after the `:,` artefact count as
 * line starts too (`PHYSICAL EXAMINATION:,  VITAL SIGNS: ...`).
 *
 * Mapped: the sectionizer returns a section whose header starts at that position and whose category
 * is a known one (not `other`).
 *
 * With `shape: 'title'`, header-like lines are Title Case instead (`Neck:`, `Past Medical History:`,
 * `Lab Results:`): 1 to 5 words, each capitalized (small words such as `of`, `and` aside), letters
 * only, then a colon that is not followed by a digit, at the same line starts. Most of them are exam
 * systems and known headers; some are fields (`Manufacturer:`), so the share is not meant to reach 100%.
 */
import { performance } from 'node:perf_hooks';
import { normalize } from '../../doc/normalize.js';
import { fileResourceContext } from '../../resources.js';
import { readCsvObjects } from '../../text/csv.js';
import { DEFAULT_SECTION_RULES, loadSectionMatcher } from './index.js';
import type { HeaderMatcher } from './rules.js';
import { DEFAULT_SECTIONIZE_OPTIONS, sectionize } from './sectionize.js';

export interface HeaderCoverage {
  /** Notes read. */
  readonly notes: number;
  /** Header-like lines found. */
  readonly lines: number;
  /** Of those, mapped to a known category. */
  readonly mapped: number;
  /** mapped / lines. */
  readonly share: number;
  /** The most frequent unmapped header-like strings, with their counts. */
  readonly topUnmapped: [string, number][];
}

export interface CoverageOptions {
  /** CSV column holding the note text (default `transcription`). */
  readonly column?: string;
  /** How many unmapped headers to list (default 25). */
  readonly top?: number;
  /** Rule file (default sections/sections.json). */
  readonly rules?: string;
  /** Count positions after the `:,` artefact as line starts too (default false). */
  readonly afterHeaderComma?: boolean;
  /** Which header-like lines: in capitals (default) or in Title Case. */
  readonly shape?: HeaderShape;
}

/** The header-like lines a coverage counts: capitals (`PAST MEDICAL HISTORY:`) or Title Case (`Neck:`). */
export type HeaderShape = 'caps' | 'title';

const HEADER_LIKE = /(?:^|(?<=\n|\.,))[ \t]*((?:\d{1,2}[.)][ \t]*)?)([A-Z][A-Z /&'()-]{0,59}?)[ \t]*:(?!\d)/g;
const HEADER_LIKE_COLON =
  /(?:^|(?<=\n|[.:],))[ \t]*((?:\d{1,2}[.)][ \t]*)?)([A-Z][A-Z /&'()-]{0,59}?)[ \t]*:(?!\d)/g;
const CAPS = /[A-Z]/g;
const TITLE_WORD = "[A-Z][a-z'-]*";
const SMALL = '(?:of|and|the|for|in|on|at|to|with|or)';
const TITLE_RUN = `(${TITLE_WORD}(?:[ /](?:${TITLE_WORD}|${SMALL})){0,4})`;
const TITLE_LIKE = new RegExp(
  `(?:^|(?<=\\n|\\.,))[ \\t]*((?:\\d{1,2}[.)][ \\t]*)?)${TITLE_RUN}[ \\t]*:(?!\\d)`,
  'g',
);
const TITLE_LIKE_COLON = new RegExp(
  `(?:^|(?<=\\n|[.:],))[ \\t]*((?:\\d{1,2}[.)][ \\t]*)?)${TITLE_RUN}[ \\t]*:(?!\\d)`,
  'g',
);
const LOWER = /[a-z]/;
const ENDS_SMALL = new RegExp(`[ /]${SMALL}$`);

/** Header-like positions of a raw note: [offset of the header (numbering included), header text]. */
export function headerLikeLines(
  text: string,
  afterHeaderComma = false,
  shape: HeaderShape = 'caps',
): [number, string][] {
  const title = shape === 'title';
  const re = title
    ? afterHeaderComma
      ? TITLE_LIKE_COLON
      : TITLE_LIKE
    : afterHeaderComma
      ? HEADER_LIKE_COLON
      : HEADER_LIKE;
  re.lastIndex = 0;
  const out: [number, string][] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const run = m[2]!.trimEnd();
    // Title Case holds lower-case letters (`HPI:` is a capitals header); the last word is not a small one
    if (title ? !LOWER.test(run) || ENDS_SMALL.test(run) : (run.match(CAPS)?.length ?? 0) < 2) continue;
    const lead = m[0].length - m[0].trimStart().length;
    out.push([m.index + lead, run]);
  }
  return out;
}

/** Coverage of one note's header-like lines; adds unmapped strings to `unmapped`. */
export function noteCoverage(
  text: string,
  matcher: HeaderMatcher,
  unmapped: Map<string, number>,
  afterHeaderComma = false,
  shape: HeaderShape = 'caps',
): { lines: number; mapped: number } {
  const like = headerLikeLines(text, afterHeaderComma, shape);
  if (like.length === 0) return { lines: 0, mapped: 0 };
  const sections = sectionize(normalize(text), matcher, DEFAULT_SECTIONIZE_OPTIONS);
  const known = new Set<number>();
  for (const s of sections) {
    if (s.header && s.category !== 'other') known.add(s.header.start);
  }
  let mapped = 0;
  for (const [at, run] of like) {
    if (known.has(at)) mapped++;
    else unmapped.set(run, (unmapped.get(run) ?? 0) + 1);
  }
  return { lines: like.length, mapped };
}

/** Header coverage of the sectionizer over a CSV of notes. */
export async function headerCoverage(
  csvPath: string,
  options: CoverageOptions = {},
): Promise<HeaderCoverage> {
  const column = options.column ?? 'transcription';
  const matcher = loadSectionMatcher(fileResourceContext(), options.rules ?? DEFAULT_SECTION_RULES);
  const unmapped = new Map<string, number>();
  let notes = 0;
  let lines = 0;
  let mapped = 0;
  for await (const { row } of readCsvObjects(csvPath)) {
    const text = row[column];
    if (text === undefined) continue;
    notes++;
    const r = noteCoverage(
      text,
      matcher,
      unmapped,
      options.afterHeaderComma ?? false,
      options.shape ?? 'caps',
    );
    lines += r.lines;
    mapped += r.mapped;
  }
  const topUnmapped = [...unmapped]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.top ?? 25);
  return { notes, lines, mapped, share: lines === 0 ? 0 : mapped / lines, topUnmapped };
}

export interface SectionThroughput {
  readonly notes: number;
  readonly megabytes: number;
  /** MB/s of the normalizer alone. */
  readonly normalizeMBps: number;
  /** MB/s of the sectionizer alone (normalized views built beforehand). */
  readonly sectionsMBps: number;
  readonly sectionsPerNote: number;
}

/** Throughput of the sectionizer over a CSV of notes (UTF-8 MB per second, one core). */
export async function sectionThroughput(
  csvPath: string,
  options: { column?: string; rounds?: number } = {},
): Promise<SectionThroughput> {
  const column = options.column ?? 'transcription';
  const texts: string[] = [];
  let bytes = 0;
  for await (const { row } of readCsvObjects(csvPath)) {
    const text = row[column];
    if (text === undefined) continue;
    texts.push(text);
    bytes += Buffer.byteLength(text, 'utf8');
  }
  const matcher = loadSectionMatcher(fileResourceContext());
  const rounds = options.rounds ?? 5;
  const views = texts.map((t) => normalize(t));
  let sections = 0;
  for (const v of views) sections += sectionize(v, matcher).length; // warm-up
  let normalizeMs = Number.POSITIVE_INFINITY;
  let sectionsMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    for (const t of texts) normalize(t);
    normalizeMs = Math.min(normalizeMs, performance.now() - t0);
    t0 = performance.now();
    for (const v of views) sectionize(v, matcher);
    sectionsMs = Math.min(sectionsMs, performance.now() - t0);
  }
  const mb = bytes / 1e6;
  return {
    notes: texts.length,
    megabytes: mb,
    normalizeMBps: mb / (normalizeMs / 1000),
    sectionsMBps: mb / (sectionsMs / 1000),
    sectionsPerNote: texts.length === 0 ? 0 : sections / texts.length,
  };
}

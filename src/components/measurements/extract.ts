/**
 * Lab and vital-sign extraction over the normalized text. See docs/measurements.md.
 *
 * 1. Anchors: test names from the lexicon (a trie walked over the tokens layer) and `lab` concepts
 *    of the concepts layer; overlaps keep the longer one, merging what the other knows.
 * 2. From each anchor, sticky patterns read what follows on the same line: filler words
 *    (`level of`, `was`, `:`), then a value group (value, unit, converted value, flag, reference
 *    range, oxygen support), then more cells of a table row or a chain (`0.04 -> 0.06`).
 * 3. Fallbacks when nothing follows: a qualitative result before the test (`elevated troponin`,
 *    `negative for nitrite and leukocyte esterase`), a pain score before `pain` (`8/10 pain`).
 * 4. Panels written in one string: `BMP: 138/4.1/101/24/18/1.1/142`, `CBC 7.8>12.1/36<214`.
 * 5. A number with a lab-only unit (`2207 ng/mL`) that no anchor took: the words before it are the test.
 *
 * Everything here works in normalized offsets; the component maps the results to the original text.
 */
import type { Concept, Token } from '../../doc/types.js';
import { LineIndex, lineWindowStart } from '../../text/lines.js';
import { round } from '../../text/offsets.js';
import { SpanMask } from '../../text/span-mask.js';
import type { CompiledLexicon, CompiledPanel, TestEntry } from './lexicon.js';
import { type CompiledMeasurementPatterns, key } from './patterns.js';
import type { Comparator, FlagCode, ValueKind, VitalKind } from './types.js';
import { convertedExec, fillerExec, refExec, UnitMatcher, unitOnlyExec } from './unit-match.js';

// ---------------------------------------------------------------------------------------------
// Raw results (normalized offsets, no text)

export interface RawSpan {
  start: number;
  end: number;
}

export interface RawValue extends RawSpan {
  kind: ValueKind;
  value?: number;
  low?: number;
  high?: number;
  numerator?: number;
  denominator?: number;
  qualitative?: string;
  comparator?: Comparator;
}

export interface RawGroup {
  value: RawValue;
  unit?: RawSpan & { ucum: string };
  flag?: RawSpan & { code: FlagCode };
  ref?: RawSpan & { low?: number; high?: number; comparator?: Comparator };
  converted?: { value: number; ucum: string; span?: RawSpan };
  o2?: {
    device?: RawSpan & { code: string; display: string };
    flow?: RawSpan & { value: number };
    fio2?: RawSpan & { value: number };
  };
  components?: { systolic?: RawSpan & { value: number }; diastolic?: RawSpan & { value: number } };
  end: number;
}

export interface RawTest extends RawSpan {
  /** FHIR Observation category when a head word tells it (`scan` -> imaging). */
  category?: 'laboratory' | 'imaging' | 'exam';
  id?: string;
  name?: string;
  loinc?: string;
  concept?: number;
}

export interface RawMeasurement {
  kind: 'lab' | 'vital';
  vital?: VitalKind;
  test: RawTest;
  group: RawGroup;
  defaultUnit?: string;
  start: number;
  end: number;
  rule: string;
  detail: string;
}

/** An anchor: where a test (or a panel) is named. */
interface Anchor extends RawSpan {
  test?: TestEntry;
  panel?: CompiledPanel;
  concept?: number;
  conceptLoinc?: string;
  conceptName?: string;
  contextual: boolean;
}

export interface ExtractInput {
  /** The normalized text. */
  readonly text: string;
  /** Tokens with ORIGINAL offsets (the tokens layer) and the mapper to normalized offsets. */
  readonly tokens: readonly Token[];
  readonly concepts: readonly Concept[];
  readonly toNormalized: (o: number) => number;
  /** Section category at a normalized offset. */
  readonly categoryAt: (n: number) => string | undefined;
  /**
   * The text to read table layout from (tabs, runs of spaces): the original text when its offsets are
   * the normalized ones (normalization turns tabs into single spaces), else the normalized text.
   */
  readonly layout?: string;
}

// ---------------------------------------------------------------------------------------------
// Patterns (structure here; their words come from the pattern file, compiled once per `create`)

const NUM = String.raw`(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:\.\d+)?|\.\d+`;

const GAP_RE = /(?:[ \t]{2,}|\t)/y;
const PAIN_BEFORE_RE = /(?:^|[^\d/.])(?<n>\d{1,2})[ \t]*\/[ \t]*10[ \t]+$/;

/**
 * Where the copula that ends `before` starts (the space before it), or -1: `... levels were all `
 * -> the space before `were`. A word walk from the end, no regex over the window.
 */
function copulaStart(p: CompiledMeasurementPatterns, before: string): number {
  let i = before.length;
  let fallback = -1;
  for (let k = 0; k < 8; k++) {
    while (i > 0 && (before.charCodeAt(i - 1) === 32 || before.charCodeAt(i - 1) === 9)) i--;
    const wordEnd = i;
    while (i > 0 && isLetter(before.charCodeAt(i - 1))) i--;
    if (i === wordEnd) break;
    const w = before.slice(i, wordEnd).toLowerCase();
    let j = i;
    while (j > 0 && (before.charCodeAt(j - 1) === 32 || before.charCodeAt(j - 1) === 9)) j--;
    if (j === i) return fallback; // no space before the word
    const prev = /([A-Za-z]+)$/.exec(before.slice(Math.max(0, j - 12), j))?.[1]?.toLowerCase();
    // a two-word copula (`had been`, `came back`) starts at its first word
    if (prev !== undefined && p.copulaPhrases.get(w)?.has(prev)) return spaceBefore(before, j - prev.length);
    const copula = p.copulas.has(w);
    if (copula && !p.copulaAdverbs.has(w)) return j;
    if (copula) fallback = j;
    if (!p.copulaAdverbs.has(w)) return fallback;
    i = j;
  }
  return fallback;
}

/** The start of the run of spaces before position p (p itself when there is none). */
function spaceBefore(s: string, p: number): number {
  let j = p;
  while (j > 0 && (s.charCodeAt(j - 1) === 32 || s.charCodeAt(j - 1) === 9)) j--;
  return j === p ? -1 : j;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function parseNum(s: string): number {
  return Number(s.replace(/,/g, ''));
}

/** A number that may use a decimal comma (`9,11`); `1,000` is a thousand. */
function parseNumEu(s: string): number {
  if (/^\d{1,3}(?: \d{3})+$/.test(s)) return Number(s.replace(/ /g, ''));
  return /^\d+,\d{1,2}$/.test(s) ? Number(s.replace(',', '.')) : parseNum(s);
}

const fToC = (f: number): number => round(((f - 32) * 5) / 9, 1);
const cToF = (c: number): number => round((c * 9) / 5 + 32, 1);
const LB = 0.45359237;

// ---------------------------------------------------------------------------------------------

export class MeasurementExtractor {
  readonly #lex: CompiledLexicon;
  readonly #p: CompiledMeasurementPatterns;
  readonly #valueRe: RegExp;
  readonly #ftInRe: RegExp;
  /** The units (`[ \t]?(?<u>${U})${B}`, flag `iy`, without the regex). */
  readonly #units: UnitMatcher;
  readonly #qualRe: RegExp;
  readonly #flagRe: RegExp;
  readonly #refRe: RegExp;
  /** Words right before a number that make it part of a reference range, not a result. */
  readonly #refBeforeRe: RegExp;
  /** The filler alternatives before the unit in parentheses, and those after it (see `#filler`). */
  readonly #fillerHeadRe: RegExp;
  readonly #fillerTailRe: RegExp;
  readonly #chainRe: RegExp;
  readonly #notValueAfterRe: RegExp;
  /** Before the test in the same clause: the value is a goal, a threshold or an order, not a result. */
  /** Line index of the text of the current `extract` call. */
  #lines: LineIndex | undefined;
  readonly #conditionalBeforeRe: RegExp;
  readonly #conditionalAfterRe: RegExp;
  readonly #missingCellRe: RegExp;
  readonly #deviceRe: RegExp;
  readonly #flowRe: RegExp;
  readonly #fio2Re: RegExp;
  readonly #fio2LabelRe: RegExp;
  readonly #prepRe: RegExp;
  readonly #preQualRe: RegExp;
  readonly #forQualRe: RegExp;
  readonly #forListBreakRe: RegExp;
  /** The lab-only and link units the unit-only scan looks for. */
  readonly #unitOnlyUnits: UnitMatcher;
  /** A comparator right before a number. */
  readonly #cmpBeforeRe: RegExp;
  readonly #resultStickyRe: RegExp;
  readonly #respectivelyLinkRe: RegExp;
  /** A test's head word, a link, then a number. */
  readonly #headNumericRe: RegExp;
  readonly #headNotAfterRe: RegExp;
  /** A muscle strength grade out of 5, before or after `strength` / `power`. */
  readonly #strengthRe: RegExp;
  readonly #statusSubjectRe: RegExp;
  readonly #nonTestSubjectRe: RegExp;
  readonly #panelFillerRe: RegExp;

  constructor(lexicon: CompiledLexicon, patterns: CompiledMeasurementPatterns) {
    this.#lex = lexicon;
    this.#p = patterns;
    const P = patterns;
    const B = '(?:(?<=[^A-Za-z0-9])|(?![A-Za-z0-9]))';
    this.#valueRe = new RegExp(
      String.raw`[ \t]*(?:(?<cmp>${P.comparatorSource})[ \t]*)?(?:` +
        String.raw`(?<a>${NUM})(?:[ \t]*\/[ \t]*|[ \t]+(?:${P.ratioSource})[ \t]+)(?<b>${NUM})` +
        String.raw`|(?<t1>1)[ \t]*:[ \t]*(?<t2>\d+)` +
        String.raw`|(?<lo>${NUM})(?:[ \t]*[-–][ \t]*|[ \t]+(?:${P.rangeSource})[ \t]+)(?<hi>${NUM})` +
        String.raw`|(?<neg>[-−](?=\d))?(?<n>${NUM}))`,
      'iy',
    );
    this.#ftInRe = new RegExp(
      String.raw`[ \t]*(?<ft>[3-7])[ \t]*(?<fm>${P.feetSource})[ \t]*(?:(?<in>\d{1,2}(?:\.\d+)?)[ \t]*(?:${P.inchSource})?)?`,
      'iy',
    );
    this.#units = lexicon.unitMatcher;
    this.#qualRe = new RegExp(String.raw`[ \t]*(?<q>${lexicon.qualitativeSource})(?![A-Za-z0-9+])`, 'y');
    this.#flagRe = new RegExp(String.raw`[ \t]*(?<f>${lexicon.flagSource})${B}`, 'y');
    const REF = P.referenceSource;
    this.#refRe = new RegExp(
      String.raw`[ \t]*(?:(?<open>[(\[])|(?<semi>[;,])(?=[ \t]*(?:${REF})))?[ \t]*(?:(?<kw>${REF})[ \t]*[:=,]?[ \t]*)?` +
        String.raw`(?:(?<lo>${NUM})[ \t]*(?:[-–]|${P.rangeSource})[ \t]*(?<hi>${NUM})|(?<cmp><=|>=|≤|≥|<|>)[ \t]*(?<lim>${NUM}))`,
      'iy',
    );
    this.#refBeforeRe = new RegExp(
      String.raw`(?:${REF}|${P.referenceValueSource})(?:[ \t]*\([^()]{1,8}\))?[ \t]*(?:[:=,]|is|of|up[ \t]+to)?[ \t]*(?:[<>≤≥]=?|-)?[ \t]*$|(?:\d[ \t]*[-–]|[<>≤≥]=?)[ \t]*$`,
      'i',
    );
    this.#fillerHeadRe = /(?<p>[:=#~])|[,(](?=[ \t]*[<>≤≥]?[ \t]*[\d.])|-(?=[ \t])/iy;
    this.#fillerTailRe = new RegExp(
      String.raw`\((?<pa>[A-Za-z][A-Za-z0-9\-+ ]{0,14})\)|(?<w>${P.fillerSource})(?![A-Za-z0-9])`,
      'iy',
    );
    this.#chainRe = new RegExp(
      String.raw`[ \t]*(?:(?:${P.chainTimepointSource})[ \t]*)?(?:-+>|→|=>|${P.chainLinkSource})(?![A-Za-z])`,
      'iy',
    );
    this.#notValueAfterRe = new RegExp(String.raw`[ \t]*(?:${P.notAfterSource})(?![A-Za-z])`, 'iy');
    this.#conditionalBeforeRe = new RegExp(String.raw`\b(?:${P.conditionalBeforeSource})\b[^.;!?\n]*$`, 'i');
    this.#conditionalAfterRe = new RegExp(String.raw`^[ \t)]*(?:${P.conditionalAfterSource})\b`, 'i');
    this.#missingCellRe = new RegExp(
      String.raw`(?:--+|-|—|\.\.\.|\*\*\*|${P.missingCellSource})(?=[ \t]|$)`,
      'y',
    );
    this.#deviceRe = new RegExp(
      String.raw`[ \t]*(?:(?:${P.devicePrepositionSource})[ \t]+)?(?<d>${lexicon.deviceSource})${B}`,
      'y',
    );
    this.#flowRe = new RegExp(
      String.raw`[ \t]*(?<v>${NUM})(?:[ \t]*-[ \t]*(?<v2>${NUM}))?[ \t]*(?<u>${P.flowUnitSource})(?:[ \t]+(?:of[ \t]+)?(?<ox>${P.oxygenWordSource})(?![A-Za-z]))?`,
      'y',
    );
    const FIO2 = P.fio2Source;
    this.#fio2Re = new RegExp(
      String.raw`[ \t]*(?:,[ \t]*)?(?:(?:${FIO2})[ \t]*(?:of[ \t]*|[:=][ \t]*)?(?<a>${NUM})[ \t]*%?|(?<b>${NUM})[ \t]*%(?:[ \t]*(?:${FIO2}))?)`,
      'iy',
    );
    this.#fio2LabelRe = new RegExp(FIO2, 'i');
    this.#prepRe = new RegExp(String.raw`[ \t]*,?[ \t]*(?:${P.o2PrepositionSource})[ \t]+`, 'iy');
    this.#preQualRe = new RegExp(
      String.raw`(?:^|[^A-Za-z])(?<q>${P.resultBeforeSource})[ \t]+(?:(?:${P.specimenSource})[ \t]+)?$`,
      'i',
    );
    this.#forQualRe = new RegExp(
      String.raw`(?:^|[^A-Za-z])(?<q>${P.resultForSource})[ \t]+for[ \t]+(?<list>[^.;:\n]{0,80})$`,
      'i',
    );
    this.#forListBreakRe = new RegExp(String.raw`\b(?:${P.forListBreakerSource})\b`, 'i');
    const forms: string[] = [];
    for (const u of lexicon.rules.units) {
      if (
        (P.labOnlyUnits.has(u.ucum) || P.linkUnits.has(u.ucum)) &&
        (!u.onlyFor || u.onlyFor.includes('temp'))
      ) {
        for (const w of u.written) {
          forms.push(w);
          if (/\/[lL]$/.test(w)) forms.push(`${w.slice(0, -1)}litre`, `${w.slice(0, -1)}liter`);
          if (/^[A-Za-zµμ]+\/[A-Za-zµμ]+$/.test(w)) forms.push(w.replace('/', '/ '), w.replace('/', ' / '));
        }
      }
    }
    // single letters (`C`, `F`) are units only right after a temperature word
    this.#unitOnlyUnits = new UnitMatcher(forms.filter((f) => !/^[A-Za-z]$/.test(f)));
    this.#cmpBeforeRe = new RegExp(
      String.raw`(${P.unitComparatorSymbolSource}|(?<![A-Za-z])(?:${P.unitComparatorWordSource}))[ \t]*$`,
      'i',
    );
    this.#resultStickyRe = new RegExp(
      String.raw`(?<![A-Za-z])(?:${lexicon.resultWordSource})(?![A-Za-z\-])`,
      'y',
    );
    this.#respectivelyLinkRe = new RegExp(
      String.raw`[ \t](?:${P.respectivelyLinkSource})[ \t]+|:[ \t]*`,
      'g',
    );
    this.#headNumericRe = new RegExp(
      String.raw`\b(?<h>${P.headSource})\b(?:[ \t]*\([^()]{1,30}\))?(?:[ \t]*(?:,|:|=)|[ \t]+(?:${P.headLinkSource}))?[ \t]*(?=[<>≤≥~]?[ \t]*\d)`,
      'gi',
    );
    this.#headNotAfterRe = new RegExp(String.raw`\b(?:${P.headNotAfterSource})[ \t]*$`, 'i');
    const GRADE = String.raw`[0-5](?:[-–][0-5])?[+-]?\/5`;
    this.#strengthRe = new RegExp(
      String.raw`(?<![\d/])(?<a>${GRADE})(?![\d/])[ \t]+(?<h1>${P.strengthAfterSource})\b|\b(?<h2>${P.strengthBeforeSource})[ \t]*(?:${P.strengthLinkSource}|:|\()?[ \t]*(?<b>${GRADE})(?![\d/])`,
      'gi',
    );
    this.#statusSubjectRe = new RegExp(
      String.raw`\b((?:(?:${P.statusQualifierSource})[ \t]+)?(?:${P.statusNounSource}))(?:[ \t]+(?:of[ \t]+)?(?:the[ \t]+)?(?:${P.statusOwnerSource}))?[ \t]+(?:(?:${P.statusVerbSource})[ \t]+)*$`,
      'i',
    );
    this.#nonTestSubjectRe = new RegExp(String.raw`\b(?:${P.nonTestSubjectSource})\b`, 'i');
    this.#panelFillerRe = new RegExp(String.raw`[ \t]*(?:[:=-]|${P.panelFillerSource})?[ \t]*`, 'y');
  }

  /** The spans taken by results so far (of the current `extract` call), as a mask. */
  #consumedMask: SpanMask = new SpanMask(0);

  #consume(consumed: RawSpan[], span: RawSpan): void {
    consumed.push(span);
    this.#consumedMask.add(span.start, span.end);
  }

  /** Whether [s, e) overlaps a span taken so far (`consumed.some(c => c.start < e && s < c.end)`). */
  #taken(s: number, e: number): boolean {
    return this.#consumedMask.overlaps(s, e);
  }

  extract(input: ExtractInput): RawMeasurement[] {
    const { text } = input;
    this.#consumedMask = new SpanMask(text.length);
    const anchors = this.#anchors(input);
    const out: RawMeasurement[] = [];
    const consumed: RawSpan[] = [];
    let consumedUntil = -1;
    // line -> number of vital anchors (for contextual forms)
    const vitalLines = new Map<number, number>();
    const lines = new LineIndex(text);
    this.#lines = lines;
    const lineOf = (n: number): number => lines.start(n);
    for (const a of anchors) {
      if (a.test?.kind === 'vital') {
        const l = lineOf(a.start);
        vitalLines.set(l, (vitalLines.get(l) ?? 0) + 1);
      }
    }
    const layout = input.layout ?? text;
    const skip = this.#columnTables(text, layout, anchors, out, consumed);
    for (const a of anchors) {
      if (a.start < consumedUntil || skip.has(a)) continue;
      const produced = (
        a.panel ? this.#panel(text, a) : this.#fromAnchor(text, layout, a, input, vitalLines, lineOf)
      ).filter(
        // a value written before the test may belong to the result before it
        (m) =>
          m.group.value.start >= a.start ||
          m.rule === 'meas.qualitative.for' ||
          !this.#taken(m.group.value.start, m.group.value.end),
      );
      if (produced.length > 0) {
        for (const m of produced) out.push(m);
        const end = Math.max(...produced.map((m) => Math.max(m.end, m.group.end)));
        consumedUntil = Math.max(consumedUntil, end);
        this.#consume(consumed, {
          start: Math.min(a.start, ...produced.map((m) => m.group.value.start)),
          end,
        });
      }
    }
    this.#respectively(text, consumed, anchors, out);
    this.#headNumeric(text, consumed, anchors, out);
    this.#strength(text, consumed, out);
    const problems: RawSpan[] = [];
    for (const c of input.concepts) {
      if (c.type === 'problem')
        problems.push({ start: input.toNormalized(c.start), end: input.toNormalized(c.end) });
    }
    // where a result word may start: tokens whose norm starts one (and `(` of `(+)`)
    const resultStarts: number[] = [];
    const toks = input.tokens;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (this.#lex.startsResult(t.norm) || (t.norm === '(' && /^[+\-−]/.test(toks[i + 1]?.norm ?? '')))
        resultStarts.push(input.toNormalized(t.start));
    }
    this.#generic(text, consumed, anchors, out, problems, resultStarts);
    out.sort((x, y) => x.start - y.start || x.group.value.start - y.group.value.start);
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Anchors

  #anchors(input: ExtractInput): Anchor[] {
    const { text, tokens, toNormalized } = input;
    const found: Anchor[] = [];
    const trie = this.#lex.trie;
    const firstFilter = this.#lex.firstFilter;
    const n = tokens.length;
    for (let i = 0; i < n; i++) {
      const t0 = tokens[i]!;
      if (t0.kind !== 'word' || !firstFilter.mayHave(t0.norm)) continue;
      let node = trie.next.get(t0.norm);
      if (!node) continue;
      let best: Anchor | undefined;
      let j = i;
      const start = toNormalized(t0.start);
      for (;;) {
        const tj = tokens[j]!;
        const end = toNormalized(tj.end);
        for (const term of node.terminals) {
          if (term.exact !== undefined && text.slice(start, end).replace(/[ \t]+/g, '') !== term.exact)
            continue;
          if (best && best.end >= end) continue;
          best =
            term.kind === 'panel'
              ? { start, end, panel: this.#lex.panels.get(term.id)!, contextual: false }
              : { start, end, test: this.#lex.tests.get(term.id)!, contextual: term.contextual };
        }
        const next = tokens[j + 1];
        if (!next) break;
        const child = node.next.get(next.norm);
        if (!child) break;
        // tokens of a name are separated by nothing or a few spaces, on one line
        const gapStart = toNormalized(tj.end);
        const gapEnd = toNormalized(next.start);
        if (gapEnd - gapStart > 3 || !/^[ \t]*$/.test(text.slice(gapStart, gapEnd))) break;
        node = child;
        j++;
      }
      if (best) found.push(best);
    }
    input.concepts.forEach((c, index) => {
      if (c.type !== 'lab') return;
      const loinc = c.codes.find((k) => k.system === 'loinc');
      const a: Anchor = {
        start: toNormalized(c.start),
        end: toNormalized(c.end),
        concept: index,
        contextual: false,
        ...(loinc ? { conceptLoinc: loinc.code, conceptName: loinc.display } : {}),
      };
      found.push(a);
    });
    found.sort((x, y) => x.start - y.start || y.end - x.end);
    // resolve overlaps: the longer wins and takes what the other knows
    const out: Anchor[] = [];
    for (const a of found) {
      const last = out[out.length - 1];
      if (last && a.start < last.end) {
        const merged = mergeAnchors(last, a);
        out[out.length - 1] = merged;
        continue;
      }
      out.push(a);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Tables whose header row names the tests (`Time  Temp  BP  HR  RR  SpO2`), one reading per row

  #columnTables(
    text: string,
    layout: string,
    anchors: readonly Anchor[],
    out: RawMeasurement[],
    consumed: RawSpan[],
  ): Set<Anchor> {
    const used = new Set<Anchor>();
    // anchors by line
    let i = 0;
    while (i < anchors.length) {
      const a0 = anchors[i]!;
      const lines = this.#lines ?? new LineIndex(text);
      const ls = lines.start(a0.start);
      const le = lines.end(a0.start);
      let j = i;
      while (j < anchors.length && anchors[j]!.start < le) j++;
      const onLine = anchors.slice(i, j).filter((a) => a.test);
      i = j;
      if (onLine.length < 2) continue;
      const header = cellsOf(layout, ls, le);
      if (header.length < 2) continue;
      // every cell is a test name or a label (`Time`, `Date`)
      const cols: (Anchor | undefined)[] = [];
      let ok = true;
      for (const c of header) {
        const a = onLine.find((x) => x.start >= c.start && x.end <= c.end);
        if (a) cols.push(a);
        else if (this.#p.columnLabels.has(text.slice(c.start, c.end).toLowerCase())) cols.push(undefined);
        else {
          ok = false;
          break;
        }
      }
      if (!ok || cols.filter((c) => c).length < 2) continue;
      const tabs = layout.slice(ls, le).includes('\t');
      let rowStart = le + 1;
      let produced = 0;
      while (rowStart < text.length) {
        let rowEnd = text.indexOf('\n', rowStart);
        if (rowEnd < 0) rowEnd = text.length;
        const cells = cellsOf(layout, rowStart, rowEnd);
        if (cells.length < 2) break;
        const mapped: [RawSpan, Anchor | undefined][] = [];
        if (cells.length === header.length) {
          cells.forEach((c, k) => {
            mapped.push([c, cols[k]]);
          });
        } else if (!tabs && !layout.slice(rowStart, rowEnd).includes('\t')) {
          for (const c of cells) {
            let best = -1;
            let bestOv = 0;
            header.forEach((h, k) => {
              const ov = Math.min(c.end - rowStart, h.end - ls) - Math.max(c.start - rowStart, h.start - ls);
              if (ov > bestOv) {
                bestOv = ov;
                best = k;
              }
            });
            mapped.push([c, best >= 0 ? cols[best] : undefined]);
          }
        } else break;
        let rowProduced = 0;
        for (const [c, a] of mapped) {
          if (!a?.test) continue;
          const vital = a.test.vital;
          const g = this.#group(text, c.start, a, vital, a.test.id, a.test.qualitative !== false);
          if (!g || g.end > c.end + 1 || !this.#plausible(g, a.test, vital)) continue;
          this.#finishVital(g, vital);
          const rawTest = this.#rawTest(a);
          const m: RawMeasurement = {
            kind: a.test.kind === 'vital' ? 'vital' : 'lab',
            test: rawTest,
            group: g,
            // the cell: the header names the test for the whole column
            start: g.value.start,
            end: groupOwnEnd(g),
            rule: 'meas.column-table',
            detail: `test=header:${a.test.id}`,
          };
          if (vital) m.vital = vital;
          const du = this.#defaultUnit(g, a.test, vital);
          if (du) m.defaultUnit = du;
          out.push(m);
          rowProduced++;
        }
        if (rowProduced === 0) break;
        produced += rowProduced;
        this.#consume(consumed, { start: rowStart, end: rowEnd });
        rowStart = rowEnd + 1;
      }
      if (produced > 0) {
        for (const a of onLine) used.add(a);
        this.#consume(consumed, { start: ls, end: le });
        // the rows' anchors (a `T` in a cell) are inside consumed rows
        for (const a of anchors) if (a.start > le && a.start < rowStart) used.add(a);
      }
    }
    consumed.sort((x, y) => x.start - y.start);
    return used;
  }

  // -------------------------------------------------------------------------------------------
  // From a test anchor

  #fromAnchor(
    text: string,
    layout: string,
    a: Anchor,
    input: ExtractInput,
    vitalLines: Map<number, number>,
    lineOf: (n: number) => number,
  ): RawMeasurement[] {
    const test = a.test;
    const vital = test?.vital;
    const kind: 'lab' | 'vital' = test?.kind === 'vital' ? 'vital' : 'lab';
    const testId = test?.id;
    const allowQual = test?.qualitative !== false;
    const rawTest = this.#rawTest(a);
    const detail =
      rawTest.concept !== undefined
        ? `test=concept${testId ? `+lexicon:${testId}` : ''}`
        : `test=lexicon:${testId}`;
    const category = input.categoryAt(a.start);
    const vitalContext =
      (category !== undefined && this.#p.vitalSections.has(category)) ||
      (vitalLines.get(lineOf(a.start)) ?? 0) >= 2;

    // fillers between the test and the value
    let p = a.end;
    let headerUnit: (RawSpan & { ucum: string }) | undefined;
    let fillerQual: (RawSpan & { word: string }) | undefined;
    let tableGap = false;
    GAP_RE.lastIndex = p;
    if (GAP_RE.test(layout)) tableGap = true;
    for (let k = 0; k < 6; k++) {
      const m = fillerExec(this.#fillerHeadRe, this.#fillerTailRe, this.#units, text, p);
      if (!m) break;
      const g = m.groups;
      if (g.pu !== undefined) {
        const ucum = this.#lex.unit(g.pu, testId);
        if (ucum === undefined) break;
        const us = m.index + m[0].indexOf(g.pu);
        headerUnit = { start: us, end: us + g.pu.length, ucum };
        tableGap = true;
      } else if (g.w !== undefined && this.#p.fillerFlag(g.w) !== undefined) {
        const ws = m.index + m[0].length - g.w.length;
        fillerQual ??= { start: ws, end: ws + g.w.length, word: g.w.toLowerCase() };
      }
      p = m.index + m[0].length;
      if (p - a.end > 50) break;
    }
    if (p - a.end > 50) return [];
    if (!tableGap) {
      // `Sodium:   138` counts as a table row too
      const between = layout.slice(a.end, p);
      if (/[:]/.test(between) && /(?:[ \t]{2,}|\t)$/.test(between)) tableGap = true;
    }

    const groups: { g: RawGroup; rule: string }[] = [];
    const first = this.#group(text, p, a, vital, testId, allowQual);
    if (first) {
      groups.push({ g: first, rule: tableGap ? 'meas.table' : 'meas.inline' });
      let q = first.end;
      let rowUnit: (RawSpan & { ucum: string }) | undefined;
      if (tableGap) {
        // more cells of a table row
        for (let k = 0; k < 12; k++) {
          GAP_RE.lastIndex = q;
          if (!GAP_RE.test(layout)) break;
          const c = GAP_RE.lastIndex;
          this.#missingCellRe.lastIndex = c;
          if (this.#missingCellRe.test(text)) {
            q = this.#missingCellRe.lastIndex;
            continue;
          }
          const ue = this.#units.match(text, c);
          if (ue >= 0 && !/^\d/.test(text.charAt(c))) {
            const ucum = this.#lex.unit(text.slice(c, ue), testId);
            if (ucum !== undefined) {
              rowUnit = { start: c, end: ue, ucum };
              q = ue;
              continue;
            }
          }
          const g = this.#group(text, c, a, vital, testId, false, true);
          if (!g) break;
          groups.push({ g, rule: 'meas.table' });
          q = g.end;
        }
        // the last cell is the reference range when it is a range or a limit after values
        if (groups.length >= 2) {
          const last = groups[groups.length - 1]!.g;
          if (
            (last.value.kind === 'range' || last.value.comparator !== undefined) &&
            !last.flag &&
            !groups[groups.length - 2]!.g.ref
          ) {
            groups.pop();
            if (last.unit && !rowUnit) rowUnit = last.unit;
            const v = last.value;
            const ref = {
              start: v.start,
              end: last.unit ? Math.max(v.end, last.unit.end) : v.end,
              ...(v.kind === 'range' ? { low: v.low!, high: v.high! } : {}),
              ...(v.comparator !== undefined ? { comparator: v.comparator } : {}),
              ...(v.comparator !== undefined && v.value !== undefined
                ? v.comparator === '<' || v.comparator === '<='
                  ? { high: v.value }
                  : { low: v.value }
                : {}),
            };
            for (const x of groups) x.g.ref ??= ref;
          }
        }
        const unit = rowUnit ?? headerUnit;
        if (unit) {
          for (const x of groups) {
            if (!x.g.unit && x.g.value.kind !== 'qualitative') x.g.unit = unit;
          }
        }
      } else {
        if (headerUnit && !first.unit && first.value.kind !== 'qualitative') first.unit = headerUnit;
        // chains: `0.04 -> 0.06`, `89% on RA improving to 95% on 3L NC`
        for (let k = 0; k < 6; k++) {
          this.#chainRe.lastIndex = q;
          const cm = this.#chainRe.exec(text);
          if (!cm || cm.index !== q) break;
          const g = this.#group(text, this.#chainRe.lastIndex, a, vital, testId, false);
          if (!g) break;
          groups.push({ g, rule: 'meas.chain' });
          q = g.end;
        }
        // a unit written only after the last value of a chain applies to all
        const lastUnit = groups[groups.length - 1]!.g.unit;
        if (groups.length > 1 && lastUnit) {
          for (const x of groups) if (!x.g.unit && x.g.value.kind !== 'qualitative') x.g.unit = lastUnit;
        }
      }
      if (fillerQual && groups.length === 1 && !first.flag && first.value.kind !== 'qualitative') {
        const code: FlagCode = this.#p.fillerFlag(fillerQual.word) ?? 'H';
        first.flag = { start: fillerQual.start, end: fillerQual.end, code };
      }
    } else if (fillerQual && allowQual) {
      // `troponin was elevated`
      const value: RawValue = {
        start: fillerQual.start,
        end: fillerQual.end,
        kind: 'qualitative',
        qualitative: this.#lex.qualitative(fillerQual.word) ?? fillerQual.word,
      };
      groups.push({ g: { value, end: value.end }, rule: 'meas.qualitative.after' });
    }

    if (groups.length === 0) {
      if (a.contextual) return [];
      return this.#fallbacks(text, a, kind, vital, rawTest, detail, allowQual);
    }
    if (this.#conditional(text, a.start, groups[groups.length - 1]!.g.end)) return [];

    const out: RawMeasurement[] = [];
    for (const { g, rule } of groups) {
      if (!this.#plausible(g, test, vital)) continue;
      if (a.contextual && !vitalContext && !g.unit) continue;
      this.#finishVital(g, vital);
      const m: RawMeasurement = {
        kind,
        test: rawTest,
        group: g,
        start: Math.min(a.start, g.value.start),
        end: Math.max(a.end, groupOwnEnd(g)),
        rule,
        detail,
      };
      if (vital) m.vital = vital;
      const du = this.#defaultUnit(g, test, vital);
      if (du) m.defaultUnit = du;
      out.push(m);
    }
    return out;
  }

  /** A goal, a threshold or an order (`call if glucose < 70`, `hold for SBP < 100`), not a result. */
  #conditional(text: string, start: number, end: number): boolean {
    const before = text.slice(lineWindowStart(text, start, 60), start);
    if (this.#conditionalBeforeRe.test(before)) return true;
    return this.#conditionalAfterRe.test(text.slice(end, end + 30));
  }

  #rawTest(a: Anchor): RawTest {
    const t: RawTest = { start: a.start, end: a.end };
    if (a.test) {
      t.id = a.test.id;
      t.name = a.test.name;
      if (a.test.loinc) t.loinc = a.test.loinc;
    }
    if (a.concept !== undefined) {
      t.concept = a.concept;
      // a lab's LOINC comes from the pack; a vital sign keeps the vital-signs code of the lexicon
      if (a.conceptLoinc && (a.test?.kind !== 'vital' || !t.loinc)) t.loinc = a.conceptLoinc;
      if (!t.name && a.conceptName) t.name = a.conceptName;
    }
    return t;
  }

  /** A value group at p: value, unit, converted, flag, reference range, oxygen support. */
  #group(
    text: string,
    p: number,
    a: Anchor,
    vital: VitalKind | undefined,
    testId: string | undefined,
    allowQual: boolean,
    cell = false,
  ): RawGroup | null {
    let value: RawValue | undefined;
    let q = p;
    const components: RawGroup['components'] = {};
    let unitFromValue: (RawSpan & { ucum: string }) | undefined;
    if (vital === 'height') {
      this.#ftInRe.lastIndex = p;
      const m = this.#ftInRe.exec(text);
      // inches, or a feet mark that makes a height alone (`6 ft`)
      if (m && m.index === p && (m.groups!.in !== undefined || this.#p.feetAlone.has(m.groups!.fm!))) {
        const g = m.groups!;
        const s = p + (m[0].length - m[0].trimStart().length);
        const inches = Number(g.ft) * 12 + (g.in !== undefined ? Number(g.in) : 0);
        value = { start: s, end: p + m[0].length, kind: 'numeric', value: round(inches, 2) };
        unitFromValue = { start: s, end: p + m[0].length, ucum: '[in_i]' };
        q = p + m[0].length;
      }
    }
    if (!value) {
      this.#valueRe.lastIndex = p;
      const m = this.#valueRe.exec(text);
      if (m && m.index === p) {
        const g = m.groups!;
        const s = p + (m[0].length - m[0].trimStart().length);
        const e = p + m[0].length;
        const after = text.charCodeAt(e);
        const after2 = text.charCodeAt(e + 1);
        const isDigit = (c: number): boolean => c >= 48 && c <= 57;
        // a date, a time, a longer number: not a value
        const dateLike =
          isDigit(after) ||
          ((after === 47 || after === 46 || after === 58 || after === 45) && isDigit(after2)) ||
          (g.a !== undefined && /\//.test(m[0]) && (g.a.length > 3 || g.b!.length > 3) && vital !== 'bp');
        if (!dateLike) {
          const cmp = g.cmp !== undefined ? this.#p.comparator.get(key(g.cmp)) : undefined;
          if (g.a !== undefined) {
            const num = parseNum(g.a);
            const den = parseNum(g.b!);
            if (vital === 'bp' && testId === 'bp') {
              value = { start: s, end: e, kind: 'ratio', numerator: num, denominator: den };
              const bs = s + m[0].trimStart().indexOf(g.b!, g.a.length);
              components.systolic = { start: s, end: s + g.a.length, value: num };
              components.diastolic = { start: bs, end: bs + g.b!.length, value: den };
            } else if (vital === 'pain' || a.test?.scoreOutOf !== undefined) {
              // a score out of its maximum (`8/10`, `GCS 14/15`)
              if (den === (a.test?.scoreOutOf ?? 10) && num <= den)
                value = { start: s, end: e, kind: 'numeric', value: num };
            }
          } else if (g.t1 !== undefined) {
            value = { start: s, end: e, kind: 'ratio', numerator: 1, denominator: Number(g.t2) };
          } else if (g.lo !== undefined) {
            if (vital !== 'bp') {
              value = { start: s, end: e, kind: 'range', low: parseNum(g.lo), high: parseNum(g.hi!) };
              if (cmp) value.comparator = cmp;
            }
          } else if (g.n !== undefined) {
            const v = parseNum(g.n) * (g.neg !== undefined ? -1 : 1);
            value = { start: s, end: e, kind: 'numeric', value: v };
            if (cmp) value.comparator = cmp;
            if (testId === 'sbp') components.systolic = { start: s, end: e, value: v };
            else if (testId === 'dbp') components.diastolic = { start: s, end: e, value: v };
            else if (vital === 'bp') value = undefined;
          }
          if (value) q = e;
          // `2+`, `3+`: a qualitative grade, not a number
          if (value && allowQual && text.charAt(e) === '+' && value.kind === 'numeric') value = undefined;
        }
      }
    }
    if (!value && allowQual && !cell) {
      this.#qualRe.lastIndex = p;
      const m = this.#qualRe.exec(text);
      if (m && m.index === p) {
        const w = m.groups!.q!;
        const s = p + m[0].length - w.length;
        // `UA: negative for nitrite`: the result belongs to the tests after `for`
        if (/^[ \t]+for\b/i.test(text.slice(s + w.length, s + w.length + 6))) return null;
        value = {
          start: s,
          end: s + w.length,
          kind: 'qualitative',
          qualitative: this.#lex.qualitative(w) ?? w,
        };
        return { value, end: value.end };
      }
    }
    if (!value) return null;
    const group: RawGroup = { value, end: q };
    if (components.systolic || components.diastolic) group.components = components;
    if (unitFromValue) group.unit = unitFromValue;
    // unit
    if (!group.unit) {
      const um = this.#units.unitAt(text, q);
      if (um) {
        const ucum = this.#lex.unit(text.slice(um.start, um.end), testId);
        if (ucum !== undefined) {
          group.unit = { start: um.start, end: um.end, ucum };
          q = um.end;
        }
      }
    }
    // a letter right after the value that is not a unit: not a value (`3a`, `2x`); nor is a
    // number of hours, days, times or milligrams (`troponin at 3 h`, `x 2 doses`)
    if (!group.unit) {
      if (/[A-Za-z]/.test(text.charAt(value.end))) return null;
      this.#flagRe.lastIndex = value.end;
      const fm = this.#flagRe.exec(text);
      this.#notValueAfterRe.lastIndex = value.end;
      if (!(fm && fm.index === value.end) && this.#notValueAfterRe.test(text)) return null;
    }
    // converted value written next to it: `38.2 C (100.8 F)`, `80 kg (176 lb)`
    if (vital === 'temp' || vital === 'weight' || vital === 'height') {
      const cm = convertedExec(this.#units, text, q);
      if (cm) {
        const ucum = this.#lex.unit(cm.groups!.u!, testId);
        if (ucum !== undefined && ucum !== group.unit?.ucum) {
          const vs = q + cm[0].indexOf(cm.groups!.v!);
          const uEnd = q + cm[0].indexOf(cm.groups!.u!, cm[0].indexOf(cm.groups!.v!)) + cm.groups!.u!.length;
          group.converted = { value: parseNum(cm.groups!.v!), ucum, span: { start: vs, end: uEnd } };
          q = q + cm[0].length;
        }
      }
    }
    // flag, reference range, flag
    q = this.#flag(text, q, group);
    q = this.#ref(text, q, group, testId, cell);
    if (!group.flag) q = this.#flag(text, q, group);
    if (vital === 'spo2') q = this.#o2(text, q, group);
    group.end = q;
    return group;
  }

  #flag(text: string, q: number, group: RawGroup): number {
    this.#flagRe.lastIndex = q;
    const fm = this.#flagRe.exec(text);
    if (fm && fm.index === q) {
      const f = fm.groups!.f!;
      const code = this.#lex.flag(f);
      if (code) {
        const fs = q + fm[0].length - f.length;
        group.flag = { start: fs, end: fs + f.length, code };
        return q + fm[0].length;
      }
    }
    return q;
  }

  #ref(text: string, q: number, group: RawGroup, testId: string | undefined, cell: boolean): number {
    if (group.ref) return q;
    const rm = refExec(this.#refRe, this.#units, text, q);
    if (!rm) return q;
    const g = rm.groups;
    const bracketed = g.open !== undefined && g.close !== undefined;
    const bare = g.open === undefined && g.semi === undefined && g.close === undefined && g.kw === undefined;
    if (!(bracketed || g.kw !== undefined || (bare && g.lo !== undefined && !cell))) return q;
    // `(135-145)`; `; normal range, 9.6-12.8 s)` inside the parentheses of the value
    if (g.open !== undefined && g.close === undefined) return q;
    if (g.open === undefined && g.close !== undefined && g.semi === undefined && g.kw === undefined) return q;
    // a single space then a bare range right after a value with a gap of 2+ spaces is a table cell, not here
    if (bare && /^[ \t]{2,}/.test(rm[0])) return q;
    const s = q + (rm[0].length - rm[0].trimStart().length);
    const ref: NonNullable<RawGroup['ref']> = { start: s, end: q + rm[0].length };
    if (g.lo !== undefined) {
      ref.low = parseNum(g.lo);
      ref.high = parseNum(g.hi!);
    } else if (g.cmp !== undefined && g.lim !== undefined) {
      const c = this.#p.comparator.get(g.cmp)!;
      ref.comparator = c;
      if (c === '<' || c === '<=') ref.high = parseNum(g.lim);
      else ref.low = parseNum(g.lim);
    }
    if (ref.low !== undefined && ref.high !== undefined && ref.low > ref.high) return q;
    group.ref = ref;
    if (g.u !== undefined && !group.unit && group.value.kind !== 'qualitative') {
      const ucum = this.#lex.unit(g.u, testId);
      if (ucum !== undefined) {
        const us = q + rm[0].lastIndexOf(g.u);
        group.unit = { start: us, end: us + g.u.length, ucum };
      }
    }
    return q + rm[0].length;
  }

  #o2(text: string, q: number, group: RawGroup): number {
    let p = q;
    this.#prepRe.lastIndex = p;
    const pm = this.#prepRe.exec(text);
    if (pm && pm.index === p) p = this.#prepRe.lastIndex;
    const o2: NonNullable<RawGroup['o2']> = {};
    let end = q;
    let flowSaysO2 = false;
    const at = (re: RegExp, i: number): RegExpExecArray | null => {
      re.lastIndex = i;
      const m = re.exec(text);
      return m && m.index === i ? m : null;
    };
    for (let k = 0; k < 4; k++) {
      const xm = o2.fio2 ? null : at(this.#fio2Re, p);
      if (xm) {
        const raw = xm.groups!.a ?? xm.groups!.b!;
        // a bare `40%` is an FiO2 only when a device follows (`40% venturi mask`)
        const ok =
          xm.groups!.a !== undefined ||
          this.#fio2LabelRe.test(xm[0]) ||
          at(this.#deviceRe, p + xm[0].length) !== null;
        const v = parseNum(raw);
        if (ok && v >= 21 && v <= 100) {
          const vs = p + xm[0].indexOf(raw);
          o2.fio2 = {
            start: xm.groups!.a !== undefined ? p + xm[0].search(this.#fio2LabelRe) : vs,
            end: p + xm[0].length,
            value: v,
          };
          p += xm[0].length;
          end = p;
          continue;
        }
      }
      const fm = o2.flow ? null : at(this.#flowRe, p);
      if (fm) {
        const v = parseNum(fm.groups!.v!);
        const vs = p + fm[0].indexOf(fm.groups!.v!);
        if (v > 0 && v <= 80) {
          o2.flow = { start: vs, end: p + fm[0].length, value: v };
          flowSaysO2 = fm.groups!.ox !== undefined || this.#p.perMinuteFlowUnits.has(fm.groups!.u!);
          p += fm[0].length;
          end = p;
          continue;
        }
      }
      const dm = o2.device ? null : at(this.#deviceRe, p);
      if (dm) {
        const d = dm.groups!.d!;
        const info = this.#lex.device(d);
        if (info) {
          const ds = p + dm[0].length - d.length;
          o2.device = { start: ds, end: ds + d.length, code: info.code, display: info.display };
          p += dm[0].length;
          end = p;
          continue;
        }
      }
      break;
    }
    // a flow alone must say it is oxygen (`2 L O2`, `2 L/min`)
    if (o2.flow && !o2.device && !flowSaysO2) {
      delete o2.flow;
    }
    if (!o2.device && !o2.flow && !o2.fio2) return q;
    group.o2 = o2;
    return end;
  }

  #plausible(g: RawGroup, test: TestEntry | undefined, vital: VitalKind | undefined): boolean {
    const v = g.value;
    if (v.kind === 'qualitative') return true;
    const num = v.kind === 'numeric' ? v.value! : v.kind === 'range' ? v.high! : undefined;
    if (vital === 'bp') {
      const sys = g.components?.systolic?.value;
      const dia = g.components?.diastolic?.value;
      if (sys === undefined && dia === undefined) return false;
      if (sys !== undefined && (sys < 40 || sys > 300)) return false;
      if (dia !== undefined && (dia < 10 || dia > 200)) return false;
      return sys === undefined || dia === undefined || sys > dia;
    }
    if (num === undefined) return true;
    const unit = g.unit?.ucum;
    if (vital === 'temp') {
      if (unit === 'Cel') return num >= 25 && num <= 45;
      if (unit === '[degF]') return num >= 77 && num <= 113;
      return (num >= 30 && num <= 45) || (num >= 86 && num <= 113);
    }
    if (vital === 'weight') {
      if (unit === 'kg') return num > 0.2 && num <= 500;
      if (unit === '[lb_av]') return num >= 0.5 && num <= 1100;
      if (unit === 'g') return num >= 200 && num <= 10000;
      return num >= 1 && num <= 1000;
    }
    if (vital === 'height') {
      if (unit === 'cm') return num >= 20 && num <= 250;
      if (unit === 'm') return num >= 0.3 && num <= 2.5;
      if (unit === '[in_i]') return num >= 8 && num <= 100;
      return false;
    }
    if (unit !== undefined && vital === undefined) return true;
    const pl = test?.plausible;
    if (pl) return num >= pl[0] && num <= pl[1];
    return true;
  }

  #defaultUnit(g: RawGroup, test: TestEntry | undefined, vital: VitalKind | undefined): string | undefined {
    if (g.unit || g.value.kind === 'qualitative') return undefined;
    if (vital === 'temp') {
      const v = g.value.value ?? g.value.high;
      if (v === undefined) return undefined;
      return v >= 50 ? '[degF]' : 'Cel';
    }
    return test?.defaultUnit;
  }

  /** Conversions for temperature, weight and height (computed when not written). */
  #finishVital(g: RawGroup, vital: VitalKind | undefined): void {
    if (g.converted || g.value.kind !== 'numeric' || g.value.value === undefined) return;
    const v = g.value.value;
    const u = g.unit?.ucum ?? (vital === 'temp' ? (v >= 50 ? '[degF]' : 'Cel') : undefined);
    if (vital === 'temp') {
      if (u === 'Cel') g.converted = { value: cToF(v), ucum: '[degF]' };
      else if (u === '[degF]') g.converted = { value: fToC(v), ucum: 'Cel' };
    } else if (vital === 'weight') {
      if (u === 'kg') g.converted = { value: round(v / LB, 1), ucum: '[lb_av]' };
      else if (u === '[lb_av]') g.converted = { value: round(v * LB, 1), ucum: 'kg' };
    } else if (vital === 'height') {
      if (u === 'cm') g.converted = { value: round(v / 2.54, 1), ucum: '[in_i]' };
      else if (u === 'm') g.converted = { value: round(v / 0.0254, 1), ucum: '[in_i]' };
      else if (u === '[in_i]') g.converted = { value: round(v * 2.54, 1), ucum: 'cm' };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Fallbacks: a result written before the test

  #fallbacks(
    text: string,
    a: Anchor,
    kind: 'lab' | 'vital',
    vital: VitalKind | undefined,
    rawTest: RawTest,
    detail: string,
    allowQual: boolean,
  ): RawMeasurement[] {
    const before = text.slice(lineWindowStart(text, a.start, 100), a.start);
    const base = before.length;
    const origin = a.start - base;
    if (vital === 'pain') {
      const m = PAIN_BEFORE_RE.exec(before);
      if (m) {
        const s = origin + m.index + m[0].indexOf(m.groups!.n!);
        const e = origin + before.trimEnd().length;
        const value: RawValue = { start: s, end: e, kind: 'numeric', value: Number(m.groups!.n) };
        if (value.value! > 10) return [];
        return [
          {
            kind,
            vital,
            test: rawTest,
            group: { value, end: a.end },
            defaultUnit: '{score}',
            start: s,
            end: a.end,
            rule: 'meas.pain.before',
            detail,
          },
        ];
      }
      return [];
    }
    // `97.4% neutrophils`: a percentage written before the test
    const pct = /(?<![\d.,])(\d{1,3}(?:\.\d+)?)[ \t]*%[ \t]*$/.exec(before);
    if (
      pct &&
      kind === 'lab' &&
      (rawTest.id === undefined ? rawTest.concept !== undefined : rawTest.id.endsWith('-percent'))
    ) {
      const s = origin + pct.index;
      const value: RawValue = { start: s, end: s + pct[1]!.length, kind: 'numeric', value: Number(pct[1]) };
      const ps = origin + pct.index + pct[0].indexOf('%');
      return [
        {
          kind,
          test: rawTest,
          group: { value, unit: { start: ps, end: ps + 1, ucum: '%' }, end: ps + 1 },
          start: s,
          end: a.end,
          rule: 'meas.value-before',
          detail,
        },
      ];
    }
    if (!allowQual || kind === 'vital') return [];
    // the test must end its phrase (`nitrite and ...`, `lipase)`), not start a longer name (`LE edema`)
    if (!/^[ \t]*(?:[,.;:)\]]|and\b|or\b|\n|$)/.test(text.slice(a.end, a.end + 8))) return [];
    let m = this.#preQualRe.exec(before);
    let rule = 'meas.qualitative.before';
    if (!m) {
      m = this.#forQualRe.exec(before);
      rule = 'meas.qualitative.for';
      // the list after `for` holds only test names and separators
      if (m && this.#forListBreakRe.test(m.groups!.list!)) m = null;
    }
    if (!m) return [];
    const w = m.groups!.q!;
    const s = origin + m.index + m[0].indexOf(w);
    const value: RawValue = {
      start: s,
      end: s + w.length,
      kind: 'qualitative',
      qualitative: this.#lex.qualitative(w) ?? w.toLowerCase(),
    };
    return [
      {
        kind,
        test: rawTest,
        group: { value, end: value.end },
        start: s,
        end: a.end,
        rule,
        detail,
      },
    ];
  }

  // -------------------------------------------------------------------------------------------
  // Panels: `BMP: 138/4.1/101/24/18/1.1/142`, `CBC 7.8 > 12.1/36 < 214`

  #panel(text: string, a: Anchor): RawMeasurement[] {
    const panel = a.panel!;
    let p = a.end;
    for (let k = 0; k < 3; k++) {
      const m = this.#panelFillerRe;
      m.lastIndex = p;
      const r = m.exec(text);
      if (!r || r[0].length === 0) break;
      p += r[0].length;
    }
    const n = panel.tests.length;
    const nums: RawSpan[] = [];
    let shape: 'slash' | 'fishbone' | undefined;
    let end = p;
    if (panel.shapes.includes('fishbone') && n === 4) {
      const re = new RegExp(
        String.raw`(${NUM})[ \t]*>[ \t]*(${NUM})[ \t]*\/[ \t]*(${NUM})[ \t]*<[ \t]*(${NUM})(?![\d/.])`,
        'y',
      );
      re.lastIndex = p;
      const m = re.exec(text);
      if (m) {
        let from = 0;
        for (let i = 1; i <= 4; i++) {
          const at = m[0].indexOf(m[i]!, from);
          nums.push({ start: p + at, end: p + at + m[i]!.length });
          from = at + m[i]!.length;
        }
        shape = 'fishbone';
        end = p + m[0].length;
      }
    }
    if (!shape && panel.shapes.includes('slash')) {
      const re = new RegExp(
        String.raw`(?:${NUM})(?:[ \t]*\/[ \t]*(?:${NUM})){${n - 1}}(?![\d/.]|[ \t]*\/[ \t]*\d)`,
        'y',
      );
      re.lastIndex = p;
      const m = re.exec(text);
      if (m) {
        const numRe = new RegExp(NUM, 'g');
        for (let x = numRe.exec(m[0]); x; x = numRe.exec(m[0])) {
          nums.push({ start: p + x.index, end: p + x.index + x[0].length });
        }
        if (nums.length === n) {
          shape = 'slash';
          end = p + m[0].length;
        }
      }
    }
    if (!shape || nums.length !== n) return [];
    const out: RawMeasurement[] = [];
    panel.tests.forEach((t, i) => {
      const span = nums[i]!;
      const v = parseNum(text.slice(span.start, span.end));
      if (t.plausible && (v < t.plausible[0] || v > t.plausible[1])) return;
      const test: RawTest = { start: a.start, end: a.end, id: t.id, name: t.name };
      if (t.loinc) test.loinc = t.loinc;
      if (a.concept !== undefined) test.concept = a.concept;
      out.push({
        kind: 'lab',
        test,
        group: { value: { ...span, kind: 'numeric', value: v }, end },
        start: a.start,
        end: span.end,
        rule: `meas.panel.${panel.id}`,
        detail: `shape=${shape}`,
      });
    });
    // all values or none: a panel with an implausible value is not this panel
    return out.length === n ? out : [];
  }

  // -------------------------------------------------------------------------------------------
  // Results whose test no anchor names: a number with a result unit, a qualitative result after a
  // copula or before `for`, a qualitative word before a test's head word

  #generic(
    text: string,
    consumed: RawSpan[],
    anchors: readonly Anchor[],
    out: RawMeasurement[],
    problems: readonly RawSpan[],
    resultStarts: readonly number[],
  ): void {
    consumed.sort((a, b) => a.start - b.start);
    const taken = (s: number, e: number): boolean => this.#taken(s, e);
    const found: RawMeasurement[] = [];
    const units = this.#unitOnlyUnits;
    for (let m = unitOnlyExec(units, text, 0); m; m = unitOnlyExec(units, text, m.index + m.text.length)) {
      const s = m.index;
      const e = s + m.text.length;
      if (taken(s, e)) continue;
      // the next char must not continue a number (`2/3`) or a date
      if (/[\d/]/.test(text.charAt(e))) continue;
      // a bound of a reference range (`normal range, 44–133 μmol/L`, `<5 mg/L`)
      if (this.#refBeforeRe.test(text.slice(Math.max(0, s - 30), s))) continue;
      const g = m;
      const ucum = this.#lex.unit(g.u, undefined) ?? this.#lex.unit(g.u, 'temp');
      if (ucum === undefined) continue;
      const labOnly = this.#p.labOnlyUnits.has(ucum);
      const before = this.#testBefore(text, s, anchors);
      // a short form right before the value needs no link (`DLCO 42%`, `CVP 16 cmH2O`)
      const acronym =
        before !== null &&
        /^[A-Z][A-Za-z0-9-]{1,7}$/.test(text.slice(before.test.start, before.test.end)) &&
        /[A-Z].*[A-Z0-9]/.test(text.slice(before.test.start, before.test.end));
      let test: RawTest | null = before && (labOnly || before.linked || acronym) ? before.test : null;
      let rule = 'meas.unit-only';
      if (!test && (labOnly || (g.a !== undefined && ucum === 'mm[Hg]'))) {
        test = this.#testFar(text, s, anchors);
        rule = 'meas.unit-only.far';
      }
      if (!test) continue;
      const us = s + m.text.length - g.u.length;
      let value: RawValue;
      let vital: VitalKind | undefined;
      let components: RawGroup['components'];
      const words = text.slice(test.start, test.end).toLowerCase();
      if (g.a !== undefined) {
        if (ucum !== 'mm[Hg]') continue;
        const a = Number(g.a);
        const b = Number(g.b);
        if (!(a > b && a <= 300 && b >= 10)) continue;
        value = {
          start: s,
          end: s + m.text.length - g.u.length - (m.text.length - m.text.trimEnd().length),
          kind: 'ratio',
          numerator: a,
          denominator: b,
        };
        value.end = s + m.text.indexOf(g.b!, g.a.length) + g.b!.length;
        vital = 'bp';
        const bs = value.end - g.b!.length;
        components = {
          systolic: { start: s, end: s + g.a.length, value: a },
          diastolic: { start: bs, end: bs + g.b!.length, value: b },
        };
      } else {
        const n = g.n!;
        const ns = s + m.text.indexOf(n);
        const ne = ns + n.length;
        if (g.n2 !== undefined) {
          const n2e = ns + m.text.slice(ns - s).indexOf(g.n2, n.length) + g.n2.length;
          value = { start: ns, end: n2e, kind: 'range', low: parseNumEu(n), high: parseNumEu(g.n2) };
        } else value = { start: ns, end: ne, kind: 'numeric', value: parseNumEu(n) };
        // a comparator written before the number (`<20 mg/dL`, `over 125 bpm`)
        const cm = this.#cmpBeforeRe.exec(text.slice(Math.max(0, s - 14), s));
        if (cm) {
          const c = this.#p.unitComparator.get(key(cm[1]!));
          if (c) value.comparator = c;
        }
        // a vital sign: its unit and a word of its test (`pulse 88 bpm`)
        vital = this.#p.unitVitals.find((x) => x.ucum.has(ucum) && x.re.test(words))?.vital;
      }
      const group: RawGroup = { value, unit: { start: us, end: e, ucum }, end: e };
      if (components) group.components = components;
      let q = e;
      q = this.#flag(text, q, group);
      q = this.#ref(text, q, group, undefined, false);
      group.end = q;
      const mm: RawMeasurement = {
        kind: vital ? 'vital' : 'lab',
        test,
        group,
        start: Math.min(test.start, s),
        end: Math.max(e, groupOwnEnd(group)),
        rule,
        detail: rule === 'meas.unit-only' ? 'test=words-before' : 'test=nearest-words',
      };
      if (vital) {
        mm.vital = vital;
        if (vital === 'temp') this.#finishVital(group, vital);
      }
      found.push(mm);
      this.#consume(consumed, { start: s, end: q });
    }
    // sorted once (a sort per push was quadratic; the stable sort gives the same order)
    consumed.sort((a, b) => a.start - b.start);
    this.#genericQualitative(text, consumed, anchors, found, problems, resultStarts);
    for (const m of found) out.push(m);
  }

  /** `pH, PaCO2 and PaO2 were 7.50, 34 mmHg and 67 mmHg, respectively`: values zipped with their tests. */
  #respectively(text: string, consumed: RawSpan[], anchors: readonly Anchor[], out: RawMeasurement[]): void {
    RESPECTIVELY_RE.lastIndex = 0;
    for (let r = RESPECTIVELY_RE.exec(text); r; r = RESPECTIVELY_RE.exec(text)) {
      // back over the blanks and the comma before the word (`,?[ \t]*` in the pattern backtracked
      // over every run of blanks in the note: quadratic on a long one)
      let end = r.index;
      while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
      if (end > 0 && text.charCodeAt(end - 1) === 44) end--;
      const from = Math.max(0, end - 300);
      const window = text.slice(from, end);
      const cut = lastBoundary(window);
      const clauseStart = from + cut + 1;
      const clause = text.slice(clauseStart, end);
      // the last link word before a list of values
      const links = [...clause.matchAll(this.#respectivelyLinkRe)];
      for (let li = links.length - 1; li >= 0; li--) {
        const link = links[li]!;
        const vStart = clauseStart + link.index! + link[0].length;
        const groups: RawGroup[] = [];
        let p = vStart;
        for (let k = 0; k < 12; k++) {
          const g = this.#group(
            text,
            p,
            { start: p, end: p, contextual: false },
            undefined,
            undefined,
            false,
          );
          if (!g || g.value.kind === 'qualitative') break;
          groups.push(g);
          p = g.end;
          const sep = /^[ \t]*(?:,[ \t]*(?:and[ \t]+)?|and[ \t]+|;[ \t]*)/.exec(text.slice(p, end));
          if (!sep) break;
          p += sep[0].length;
        }
        if (groups.length < 2 || !/^[ \t]*,?[ \t]*$/.test(text.slice(groups[groups.length - 1]!.end, end)))
          continue;
        if (groups.some((g) => this.#taken(g.value.start, g.value.end))) break;
        // the tests: the items of the subject, or the whole subject
        const subjEnd = clauseStart + link.index!;
        const subject = text.slice(clauseStart, subjEnd);
        const items = [...subject.matchAll(/[^,]+?(?=,|[ \t]+and[ \t]+|$)/g)]
          .map((m) => {
            const raw = m[0].replace(/^[ \t]*(?:and[ \t]+)?/, '');
            const s0 = clauseStart + m.index! + (m[0].length - raw.length);
            return { start: s0, end: s0 + raw.trimEnd().length };
          })
          .filter((x) => x.end > x.start);
        const tests: RawTest[] = [];
        if (items.length >= groups.length) {
          for (const it of items.slice(items.length - groups.length)) {
            const t = this.#tailPhrase(text, it.start, it.end, anchors);
            if (!t) break;
            tests.push(t);
          }
        }
        const whole = this.#tailPhrase(text, clauseStart, subjEnd, anchors);
        if (tests.length !== groups.length && !whole) break;
        groups.forEach((g, i) => {
          const test = tests.length === groups.length ? tests[i]! : whole!;
          out.push({
            kind: 'lab',
            test,
            group: g,
            start: Math.min(test.start, g.value.start),
            end: groupOwnEnd(g),
            rule: 'meas.respectively',
            detail: tests.length === groups.length ? 'test=list-item' : 'test=subject',
          });
          this.#consume(consumed, { start: g.value.start, end: g.end });
        });
        break;
      }
    }
    consumed.sort((a, b) => a.start - b.start);
  }

  /** `MELD score was 11`, `E/A ratio 2.1`, `visual acuity was 20/20`: a number after a test's head word. */
  #headNumeric(text: string, consumed: RawSpan[], anchors: readonly Anchor[], out: RawMeasurement[]): void {
    const re = this.#headNumericRe;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const headStart = m.index;
      const headEnd = headStart + m.groups!.h!.length;
      const p = m.index + m[0].length;
      if (this.#taken(headStart, p + 1)) continue;
      if (this.#headNotAfterRe.test(text.slice(Math.max(0, headStart - 12), headStart))) continue;
      const scoreLike = this.#p.scoreHeads.has(key(m.groups!.h!));
      const pseudo: Anchor = { start: headStart, end: headEnd, contextual: false };
      let g = this.#group(text, p, pseudo, undefined, 'head-numeric', false);
      if (!g && scoreLike) {
        // `20/20`, `2/6`, `10/15`: a score out of its maximum
        const r = /(\d{1,3})[ \t]*\/[ \t]*(\d{1,3})(?![\d/])/y;
        r.lastIndex = p;
        const rm = r.exec(text);
        if (rm && Number(rm[1]) <= Number(rm[2])) {
          g = {
            value: {
              start: p,
              end: p + rm[0].length,
              kind: 'ratio',
              numerator: Number(rm[1]),
              denominator: Number(rm[2]),
            },
            end: p + rm[0].length,
          };
        }
      }
      if (!g || g.value.kind === 'qualitative') continue;
      // a year, a dose or a count of days is not a result
      if (g.unit && this.#p.amountUnits.has(g.unit.ucum)) continue;
      if (
        !g.unit &&
        g.value.kind === 'numeric' &&
        g.value.value !== undefined &&
        Number.isInteger(g.value.value) &&
        g.value.value >= 1900 &&
        g.value.value <= 2100
      )
        continue;
      const test = this.#tailPhrase(text, Math.max(0, headStart - 60), headEnd, anchors);
      if (!test) continue;
      const groups = [g];
      // `Apgar scores were 4 at 1 min, 7 at 5 min and 9 at 10 min`, `20/20 right eye and 20/30 left eye`
      for (let k = 0, q = g.end; k < 6; k++) {
        const more = /[ \t]*(?:[A-Za-z0-9][^,;.()]{0,30}?)?(?:,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)(?=\d)/y;
        more.lastIndex = q;
        if (!more.test(text)) break;
        const at = more.lastIndex;
        let gx = this.#group(text, at, pseudo, undefined, 'head-numeric', false);
        if (!gx && g.value.kind === 'ratio') {
          const r = /(\d{1,3})[ \t]*\/[ \t]*(\d{1,3})(?![\d/])/y;
          r.lastIndex = at;
          const rm = r.exec(text);
          if (rm)
            gx = {
              value: {
                start: at,
                end: at + rm[0].length,
                kind: 'ratio',
                numerator: Number(rm[1]),
                denominator: Number(rm[2]),
              },
              end: at + rm[0].length,
            };
        }
        if (!gx || gx.value.kind !== g.value.kind || (gx.unit?.ucum ?? '') !== (g.unit?.ucum ?? '')) break;
        groups.push(gx);
        q = gx.end;
      }
      // `from 19 mmHg to 8 mmHg`
      if (/\bfrom[ \t]*$/i.test(text.slice(p - 8, p))) {
        const to = /[ \t]+to[ \t]+/y;
        to.lastIndex = g.end;
        if (to.test(text)) {
          const g2 = this.#group(text, to.lastIndex, pseudo, undefined, 'head-numeric', false);
          if (g2 && g2.value.kind !== 'qualitative') groups.push(g2);
        }
      }
      for (const x of groups) {
        out.push({
          kind: 'lab',
          test,
          group: x,
          start: Math.min(test.start, x.value.start),
          end: groupOwnEnd(x),
          rule: 'meas.head-numeric',
          detail: 'test=head-word',
        });
        this.#consume(consumed, { start: x.value.start, end: x.end });
      }
      consumed.sort((a, b) => a.start - b.start);
    }
  }

  /** `2/5 strength`, `strength 4+/5`, `power (3–4/5)`: muscle strength grades (Medical Research Council scale). */
  #strength(text: string, consumed: RawSpan[], out: RawMeasurement[]): void {
    const re = this.#strengthRe;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const g = m.groups!;
      const score = g.a ?? g.b!;
      const vs = m.index + m[0].indexOf(score, g.a !== undefined ? 0 : m[0].length - score.length - 1);
      const ve = vs + score.length;
      if (this.#taken(vs, ve)) continue;
      const head = g.h1 ?? g.h2!;
      const hs = m.index + (g.h1 !== undefined ? m[0].indexOf(head) : 0);
      const first = /^(\d)/.exec(score)!;
      out.push({
        kind: 'lab',
        test: { start: hs, end: hs + head.length, category: 'exam' },
        group: { value: { start: vs, end: ve, kind: 'numeric', value: Number(first[1]) }, end: ve },
        start: Math.min(hs, vs),
        end: Math.max(hs + head.length, ve),
        rule: 'meas.strength',
        detail: 'scale=0-5',
      });
      this.#consume(consumed, { start: vs, end: ve });
    }
    consumed.sort((a, b) => a.start - b.start);
  }

  /** The last words of a phrase (up to 4, no stop words), with the anchor inside it when there is one. */
  #tailPhrase(text: string, start: number, end: number, anchors: readonly Anchor[]): RawTest | null {
    const words = [...text.slice(start, end).matchAll(/[A-Za-z0-9][A-Za-z0-9\-'/]*|\([^()]{1,20}\)/g)];
    // `oxygen saturation levels`: trailing `levels`, `values` are not the name
    let lastIdx = words.length - 1;
    while (lastIdx >= 0 && this.#p.backFillers.has(words[lastIdx]![0].toLowerCase())) lastIdx--;
    let first = -1;
    for (let i = lastIdx, k = 0; i >= 0 && k < 4; i--) {
      const w = words[i]![0];
      if (w.startsWith('(')) continue;
      if (this.#p.stopWords.has(w.toLowerCase()) || !/[A-Za-z]/.test(w)) break;
      first = i;
      k++;
    }
    if (first < 0) return null;
    const ts = start + words[first]!.index!;
    const last = words[lastIdx]!;
    const te = start + last.index! + last[0].length;
    const anchor = anchors.find((a) => a.start >= ts && a.end <= te && (a.test || a.concept !== undefined));
    return anchor ? { ...this.#rawTest(anchor), start: ts, end: te } : { start: ts, end: te };
  }

  #genericQualitative(
    text: string,
    consumed: RawSpan[],
    anchors: readonly Anchor[],
    out: RawMeasurement[],
    problems: readonly RawSpan[],
    starts: readonly number[],
  ): void {
    const re = this.#resultStickyRe;
    const taken = (s: number, e: number): boolean => this.#taken(s, e);
    for (const at of starts) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (!m) continue;
      const q = m[0];
      const s = m.index;
      const e = s + q.length;
      if (taken(s, e)) continue;
      const qualitative = this.#lex.qualitative(q) ?? q.toLowerCase();
      const value: RawValue = { start: s, end: e, kind: 'qualitative', qualitative };
      let test: RawTest | null = null;
      let rule = '';
      // `catalase-negative`, `CD20-positive`: the test is written before the hyphen
      // (`gram-positive cocci`, `C-reactive protein`: an adjective of the noun after it, not a result)
      const compoundEnds = /^(?:[ \t]*(?:[,;.)]|and\b|or\b|$)|$)/.test(text.slice(e, e + 6));
      if (text.charAt(s - 1) === '-' && compoundEnds) {
        const w = /([A-Za-z0-9][A-Za-z0-9]*(?:[ \t]+[A-Za-z0-9]+)?)-$/.exec(
          text.slice(Math.max(0, s - 30), s),
        );
        if (w && !this.#p.stopWords.has(w[1]!.toLowerCase())) {
          const words = w[1]!.split(/[ \t]+/);
          const keep =
            words.length > 1 && this.#p.stopWords.has(words[0]!.toLowerCase()) ? words.slice(1) : words;
          const te = s - 1;
          test = { start: te - keep.join(' ').length, end: te };
          rule = 'meas.qualitative.compound';
        }
      }
      // `positive for CD30`, `negative for acid-fast bacilli`
      const forM =
        /^[ \t]+for[ \t]+(?:the[ \t]+|an?[ \t]+)?([A-Za-z0-9][^\s,;:.()]*(?:[ \t]+[A-Za-z0-9][^\s,;:.()]*){0,3})/.exec(
          text.slice(e, e + 80),
        );
      // not `Negative for palpitations, orthopnea` (a review of systems): the result opens its line or
      // sentence, or what follows `for` is a problem
      const opens = /(?:^|[.:;]\s*|\n[ \t]*[-*•]?[ \t]*)$/.test(text.slice(Math.max(0, s - 4), s));
      if (forM && !opens && this.#p.forResults.has(key(qualitative))) {
        const words = forM[1]!.split(/[ \t]+/);
        const stop = words.findIndex((w) => this.#p.stopWords.has(w.toLowerCase()));
        const kept = stop >= 0 ? words.slice(0, stop) : words;
        if (kept.length > 0) {
          const ts = e + forM[0].length - forM[1]!.length;
          const te = ts + kept.join(' ').length;
          // `was negative for hepatitis viruses` is a result; `, negative for chest pain` is not
          const subjectBefore = copulaStart(this.#p, text.slice(Math.max(0, s - 60), s)) >= 0;
          if (
            text.slice(ts, te) === kept.join(' ') &&
            (subjectBefore || !problems.some((pr) => pr.start < te && ts < pr.end))
          ) {
            test = { start: ts, end: te };
            rule = 'meas.qualitative.for';
          }
        }
      }
      if (!test && text.charAt(s - 1) === '-') continue;
      if (!test) {
        const np = this.#subjectBefore(text, s, anchors, problems, this.#p.findingResults.has(key(q)));
        if (np) {
          test = np;
          rule = 'meas.qualitative.copula';
        }
      }
      // `ECG showed normal sinus rhythm`, `angiography presented normal coronary arteries`: the test
      // is the subject of the reporting verb before the result
      if (!test && this.#p.reportedResults.has(key(q))) {
        const clause = text.slice(lineWindowStart(text, s, 90), s);
        const v = lastReportVerb(this.#p.reportVerbs, clause);
        if (v >= 0 && !/[.;]\s/.test(clause.slice(v))) {
          const verbAt = s - clause.length + v;
          const np = this.#subjectBefore(text, verbAt + 1, anchors);
          if (np) {
            test = np;
            rule = 'meas.qualitative.reported';
          }
        }
      }
      // `His condition improved`, `the postoperative course was uneventful`: a clinical status
      if (!test && this.#p.statusResults.has(key(q))) {
        const before = text.slice(lineWindowStart(text, s, 80), s);
        const sm = this.#statusSubjectRe.exec(before);
        if (sm) {
          const ts = s - before.length + sm.index + sm[0].indexOf(sm[1]!);
          test = { start: ts, end: ts + sm[1]!.length, category: 'exam' };
          rule = 'meas.status';
        }
      }
      if (!test && this.#p.resultsBeforeHead.has(key(q))) {
        const np = this.#headAfter(text, e, anchors);
        if (np) {
          test = np;
          rule = 'meas.qualitative.before';
        }
      }
      if (!test) continue;
      out.push({
        kind: 'lab',
        test,
        group: { value, end: e },
        start: Math.min(test.start, s),
        end: Math.max(test.end, e),
        rule,
        detail: test.id ? `test=lexicon:${test.id}` : 'test=head-word',
      });
      this.#consume(consumed, { start: s, end: e });
    }
  }

  /** The category of a phrase: a head word in it, or an anchor over it. */
  #phraseTest(text: string, start: number, end: number, anchors: readonly Anchor[]): RawTest | null {
    for (const a of anchors) {
      if (a.start >= end) break;
      if (a.end > start && (a.test || a.concept !== undefined)) return { ...this.#rawTest(a), start, end };
    }
    const words = text.slice(start, end).match(/[A-Za-z][A-Za-z0-9-]*/g) ?? [];
    for (let i = words.length - 1; i >= 0; i--) {
      const c = this.#lex.head(words[i]!);
      if (c) return { start, end, category: c };
    }
    return null;
  }

  /** `<subject> was/were ... <result>`: the subject, when it names a test. */
  #subjectBefore(
    text: string,
    s: number,
    anchors: readonly Anchor[],
    problems: readonly RawSpan[] = [],
    finding = false,
  ): RawTest | null {
    const before = text.slice(lineWindowStart(text, s, 120), s);
    const base = s - before.length;
    const copAt = copulaStart(this.#p, before);
    const cop = copAt >= 0;
    let npEnd: number;
    if (cop) npEnd = base + copAt;
    else {
      // `ECG normal`, `CT: unremarkable`
      const direct = /[ \t]*[:,-]?[ \t]*$/.exec(before);
      npEnd = base + (direct ? direct.index : before.length);
    }
    // back over the noun phrase (`a test for the human immunodeficiency virus`, `bone marrow smear
    // and medulloculture`): words, determiners, prepositions and `and` inside it
    const head = text.slice(lineWindowStart(text, npEnd, 90), npEnd);
    const hb = npEnd - head.length;
    const words = [...head.matchAll(/[A-Za-z0-9][A-Za-z0-9\-'/]*|\([^()]{1,15}\)|[^\sA-Za-z0-9]/g)];
    let first = -1;
    let content = 0;
    for (let i = words.length - 1, k = 0; i >= 0 && k < 9; i--, k++) {
      const w = words[i]![0];
      if (w.startsWith('(')) continue;
      const lw = w.toLowerCase();
      if (this.#p.determiners.has(lw) || (this.#p.innerWords.has(lw) && content > 0)) continue;
      if (!/^[A-Za-z0-9]/.test(w) || this.#p.stopWords.has(lw) || this.#p.subjectStopWords.has(lw)) break;
      first = i;
      content++;
    }
    if (first < 0) return null;
    const start = hb + words[first]!.index!;
    const npText = text.slice(start, npEnd).trimEnd();
    if (!npText || !/[A-Za-z]{2}/.test(npText)) return null;
    let t = this.#phraseTest(text, start, start + npText.length, anchors);
    // `past medical history was unremarkable` is about the history, not a result
    if (this.#nonTestSubjectRe.test(npText)) return null;
    // `His kidneys were unremarkable`, `Speech was normal`: an exam finding of what the subject names
    if (!t && cop && finding && !problems.some((pr) => pr.start < start + npText.length && start < pr.end)) {
      t = { start, end: start + npText.length, category: 'exam' };
    }
    if (!t) {
      // `HIV negative`, `HBs-Ag negative`: a short form right before the result
      const acr = /(?:^|[\s,;(])([A-Z][A-Za-z0-9\-–]*[A-Z0-9][A-Za-z0-9\-–]*)$/.exec(npText);
      if (!acr || cop) return null;
      const as = start + npText.length - acr[1]!.length;
      return { start: as, end: as + acr[1]!.length };
    }
    // without a copula, the phrase must end with its head word (`ECG normal`) or be a short form (`HIV negative`)
    if (!cop) {
      const last = npText.match(/[A-Za-z][A-Za-z0-9-]*$/)?.[0];
      if (!last || (!this.#lex.head(last) && !anchors.some((a) => a.end === start + npText.length)))
        return null;
    }
    return t;
  }

  /** `elevated <jugular venous pressure>`: the phrase after a result word, up to its head word. */
  #headAfter(text: string, e: number, anchors: readonly Anchor[]): RawTest | null {
    const after = text.slice(e, e + 60);
    const m = /^[ \t]+((?:[A-Za-z][A-Za-z0-9\-']*[ \t]+){0,3}[A-Za-z][A-Za-z0-9\-']*)/.exec(after);
    if (!m) return null;
    const words = [...m[1]!.matchAll(/[A-Za-z][A-Za-z0-9\-']*/g)];
    const ts = e + m[0].length - m[1]!.length;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]![0];
      if (this.#p.stopWords.has(w.toLowerCase()) && i > 0) break;
      const we = ts + words[i]!.index! + w.length;
      const anchor = anchors.find((a) => a.start >= ts && a.start < we);
      if (anchor && (anchor.test || anchor.concept !== undefined))
        return { ...this.#rawTest(anchor), start: ts, end: Math.max(we, anchor.end) };
      const c = this.#lex.head(w);
      if (c) return { start: ts, end: we, category: c };
      // `elevated PTHrP`: a short form right after the result word
      if (i === 0 && /^[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9-]*$/.test(w)) return { start: ts, end: we };
    }
    return null;
  }

  /** The words naming the test before a value (`serum ferritin level of` -> `serum ferritin`). */
  #testBefore(
    text: string,
    s: number,
    anchors: readonly Anchor[],
  ): { test: RawTest; linked: boolean } | null {
    const from = lineWindowStart(text, s, 80);
    const before = text.slice(from, s);
    const words: { start: number; end: number; w: string }[] = [];
    const re = /[A-Za-z][A-Za-z0-9\-']*|[^\sA-Za-z]/g;
    for (let m = re.exec(before); m; m = re.exec(before)) {
      words.push({ start: from + m.index, end: from + m.index + m[0].length, w: m[0] });
    }
    let i = words.length - 1;
    let linked = false;
    // fillers (`level of`, `was`, `:`) between the name and the value
    while (i >= 0) {
      const w = words[i]!.w.toLowerCase();
      const punct = w === ':' || w === '=' || w === '(' || w === ',';
      if (this.#p.backFillers.has(w) || punct) {
        if (punct || this.#p.linkWords.has(w)) linked = true;
        i--;
      } else break;
    }
    let first = -1;
    const last = i;
    for (let k = 0; k < 4 && i >= 0; k++, i--) {
      const w = words[i]!.w;
      if (
        !/^[A-Za-z]/.test(w) ||
        this.#p.stopWords.has(w.toLowerCase()) ||
        this.#lex.unit(w, undefined) !== undefined
      )
        break;
      first = i;
    }
    if (first < 0 || last < 0) return null;
    const start = words[first]!.start;
    const end = words[last]!.end;
    if (!/[A-Za-z]{2}/.test(text.slice(start, end))) return null;
    // an anchor there is the test (and it took its value already)
    for (const a of anchors) {
      if (a.start < end && start < a.end) return null;
    }
    return { test: { start, end }, linked };
  }

  /** The nearest content words before a value in its sentence (`and 447 nmol/L` -> the test named earlier). */
  #testFar(text: string, s: number, anchors: readonly Anchor[]): RawTest | null {
    const from = lineWindowStart(text, s, 120);
    const before = text.slice(from, s);
    const cut = Math.max(before.lastIndexOf('. '), before.lastIndexOf(';'));
    const words = [...before.matchAll(/[A-Za-z][A-Za-z0-9\-']*/g)].filter((m) => m.index! > cut);
    let last = -1;
    for (let i = words.length - 1; i >= 0; i--) {
      const w = words[i]![0];
      const lw = w.toLowerCase();
      if (
        this.#p.stopWords.has(lw) ||
        this.#p.backFillers.has(lw) ||
        this.#lex.unit(w, undefined) !== undefined ||
        w.length < 2
      )
        continue;
      last = i;
      break;
    }
    if (last < 0) return null;
    let first = last;
    for (let i = last - 1; i >= 0 && last - i < 3; i--) {
      const w = words[i]![0];
      const gap = before.slice(words[i]!.index! + w.length, words[i + 1]!.index!);
      if (
        !/^[ \t-]+$/.test(gap) ||
        this.#p.stopWords.has(w.toLowerCase()) ||
        this.#p.backFillers.has(w.toLowerCase())
      )
        break;
      first = i;
    }
    const start = from + words[first]!.index!;
    const end = from + words[last]!.index! + words[last]![0].length;
    const anchor = anchors.find((a) => a.start < end && start < a.end);
    return anchor
      ? { ...this.#rawTest(anchor), start: Math.min(start, anchor.start), end: Math.max(end, anchor.end) }
      : { start, end };
  }
}

/** The word only: the comma and blanks before it are walked back in code (linear). */
const RESPECTIVELY_RE = /\brespectively\b/g;

/** Position of the space before the last reporting verb of a clause, or -1. */
function lastReportVerb(verbs: ReadonlySet<string>, clause: string): number {
  let at = -1;
  const re = /[ \t]([A-Za-z]+)(?=[ \t])/g;
  for (let m = re.exec(clause); m; m = re.exec(clause)) {
    if (verbs.has(m[1]!.toLowerCase())) at = m.index;
    re.lastIndex = m.index + 1;
  }
  return at;
}

/** Index of the last sentence boundary (`. `, `;`, a newline) in s, or -1. */
function lastBoundary(s: string): number {
  let k = -1;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (
      c === 10 ||
      c === 59 ||
      (c === 46 && (s.charCodeAt(i + 1) === 32 || s.charCodeAt(i + 1) === 10) && !/\d/.test(s.charAt(i - 1)))
    ) {
      k = i;
      break;
    }
  }
  return k;
}

/** Cells of a line: runs of text between tabs or runs of 2+ spaces. */
function cellsOf(text: string, ls: number, le: number): RawSpan[] {
  const cells: RawSpan[] = [];
  const re = /[^\t ]+(?: [^\t ]+)*/g;
  const line = text.slice(ls, le);
  for (let m = re.exec(line); m; m = re.exec(line))
    cells.push({ start: ls + m.index, end: ls + m.index + m[0].length });
  return cells;
}

function groupOwnEnd(g: RawGroup): number {
  let e = g.value.end;
  if (g.unit && g.unit.end > e && g.unit.start >= g.value.start) e = g.unit.end;
  if (g.flag && g.flag.end > e) e = g.flag.end;
  if (g.converted?.span && g.converted.span.end > e) e = g.converted.span.end;
  if (g.o2) {
    for (const x of [g.o2.device, g.o2.flow, g.o2.fio2]) if (x && x.end > e) e = x.end;
  }
  if (g.ref && g.ref.start >= g.value.end && g.ref.end > e && g.ref.start - e < 4) e = g.ref.end;
  return e;
}

function mergeAnchors(a: Anchor, b: Anchor): Anchor {
  const [long, short] = b.end - b.start > a.end - a.start ? [b, a] : [a, b];
  const m: Anchor = { ...long };
  if (!m.test && !m.panel && short.test && short.end <= long.end && short.start >= long.start) {
    m.test = short.test;
    m.contextual = short.contextual;
  }
  if (m.concept === undefined && short.concept !== undefined) {
    m.concept = short.concept;
    if (short.conceptLoinc) m.conceptLoinc = short.conceptLoinc;
    if (short.conceptName) m.conceptName = short.conceptName;
  }
  return m;
}

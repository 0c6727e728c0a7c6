/**
 * Date, time, relative date, duration and age extraction over the normalized text, and their
 * normalization to ISO 8601 against the note date. See docs/dates.md.
 *
 * Each pattern is a global regex run once over the text; candidates that overlap keep the longest
 * (then the more specific pattern); a date followed by a time becomes a datetime.
 */
import {
  addDays,
  addMonths,
  daysBetween,
  isoDate,
  isoMonth,
  isoWeek,
  isoYear,
  isValidDate,
  weekday,
  type Ymd,
} from './calendar.js';
import type { CompiledDatePatterns } from './patterns.js';
import { type CompiledDateRules, key } from './rules.js';
import type { DateAnchor, DateKind, DatePrecision, TimeAmount, TimeUnit } from './types.js';

export interface RawDate {
  start: number;
  end: number;
  kind: DateKind;
  rule: string;
  value?: string;
  precision?: DatePrecision;
  duration?: TimeAmount;
  anchor?: DateAnchor;
  offset?: TimeAmount;
  approximate?: boolean;
  /** Why there is no value. */
  missing?: string;
  /** The value depends on the note date (a relative date, a day or month written without a year). */
  usedNoteDate?: boolean;
}

interface Cand {
  start: number;
  end: number;
  kind: DateKind;
  rule: string;
  prio: number;
  y?: number;
  m?: number;
  d?: number;
  /** year written with 2 digits */
  yy?: boolean;
  hh?: number;
  mi?: number;
  ss?: number;
  part?: string;
  rel?: Relative;
  duration?: TimeAmount;
  approximate?: boolean;
  /** Where the match starts when the span leaves its cue out (`for 2 weeks`): ranks and blocks as the match. */
  matched?: number;
}

type Relative =
  | { type: 'offset'; n: number; high?: number; unit: TimeUnit; dir: -1 | 1; anchor: DateAnchor }
  | { type: 'deictic'; days: number }
  | { type: 'period'; which: 'last' | 'this' | 'next'; period: 'week' | 'month' | 'year' | 'weekend' }
  | { type: 'month'; which: 'last' | 'this' | 'next' | 'nearest'; month: number }
  | { type: 'weekday'; which: 'last' | 'this' | 'next'; day: number }
  | { type: 'event' }
  | { type: 'pod'; n: number }
  | { type: 'hospital-day'; n: number }
  | { type: 'age'; n: number; unit: TimeUnit };

export interface DateExtractInput {
  readonly text: string;
  readonly noteDate?: Ymd;
  /** Normalized spans of values other components own (lab values): numeric dates there are dropped. */
  readonly exclude?: readonly { start: number; end: number }[];
}

const MAX_MATCHES = 5000;
/** Characters a window reaches before and after a core match (longer than any pattern's prefix or suffix). */
const WINDOW_BEFORE = 100;
const WINDOW_AFTER = 80;

/** Merged windows [start, end) around the matches of a core regex. */
function windowsAround(core: RegExp, text: string): [number, number][] {
  const out: [number, number][] = [];
  core.lastIndex = 0;
  for (let m = core.exec(text); m; m = core.exec(text)) {
    if (m[0].length === 0) {
      core.lastIndex++;
      continue;
    }
    const ws = Math.max(0, m.index - WINDOW_BEFORE);
    const we = Math.min(text.length, m.index + m[0].length + WINDOW_AFTER);
    const last = out[out.length - 1];
    if (last && ws <= last[1]) last[1] = Math.max(last[1], we);
    else out.push([ws, we]);
  }
  return out;
}

export class DateExtractor {
  readonly #r: CompiledDateRules;
  readonly #patterns: {
    re: RegExp;
    rule: string;
    prio: number;
    /** Run only in windows around the matches of this cheap regex (the pattern cannot match elsewhere). */
    core?: RegExp;
    make: (m: RegExpExecArray, text: string) => Cand | null;
  }[];
  readonly #admissionRe: RegExp;
  readonly #surgeryRe: RegExp;
  readonly #birthRe: RegExp;
  /** Words of a date on its line that make it the surgery date (`s/p colectomy (03/11/2025)`). */
  readonly #surgeryCueRe: RegExp;
  readonly #clockCueRe: RegExp;
  readonly #eventFollowerRe: RegExp;
  readonly #bareNotAfterRe: RegExp;
  readonly #bareNotBeforeRe: RegExp;
  /** The cue of a `dur.for` match and an article after it (`for the `, `x `): left out of the span. */
  readonly #durationLeadRe: RegExp;
  readonly #dayCuePhraseRe: RegExp;
  readonly #dayListRe: RegExp;
  readonly #yearListRe: RegExp;

  constructor(rules: CompiledDateRules, patterns: CompiledDatePatterns) {
    this.#r = rules;
    const { MONTH, WEEKDAY, NUMWORD, ORDINAL, UNIT } = rules;
    const W = patterns;
    const QTY = String.raw`(?:\d+(?:\.\d+)?(?:\s*(?:1\/2|½))?|(?:${NUMWORD})(?=[\s-]))`;
    const RANGE2 = String.raw`(?:\s*(?:-|–|${W.RANGE_WORD})\s*(${QTY}))?`;
    const ORD = `(?:${W.ORDINAL_SUFFIX})`;
    const B = '(?<![A-Za-z0-9])';
    const E = '(?![A-Za-z0-9])';
    const P = (src: string, flags = 'gi'): RegExp => new RegExp(src, flags);
    const r = this.#r;
    // cheap regexes whose matches every match of a costly pattern contains: the costly ones run only near them
    const QTY_UNIT_CORE = P(`(?<![A-Za-z])(?:${UNIT})(?![A-Za-z])`);
    const MONTH_CORE = P(`(?<![A-Za-z])(?:${MONTH})(?![A-Za-z])`);
    const AGE_CORE = P('(?<![A-Za-z])age(?![A-Za-z])');
    const POD_CORE = P(W.POD_ANY);
    const HD_CORE = P(W.HD_ANY);
    const DAY_CORE = P(`(?<![A-Za-z])(?:${W.DAY_ANY})(?![A-Za-z])`);
    const MILITARY_CORE = P('(?<!\\d)[0-2]\\d[0-5]\\d(?!\\d)');
    const PERIODS = `${W.PERIOD}|${WEEKDAY}`;
    const PERIOD_CORE = P(`(?<![A-Za-z])(?:${PERIODS})(?![A-Za-z])`);
    this.#patterns = [
      // ---------------------------------------------------------------- absolute dates
      {
        rule: 'date.iso',
        prio: 9,
        re: P(String.raw`(?<![\d/.\-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d\-]|\.\d)`),
        make: (m) => this.#ymd(m, Number(m[1]), Number(m[2]), Number(m[3]), 'date.iso'),
      },
      {
        rule: 'date.mdy',
        prio: 9,
        re: P(String.raw`(?<![\d/.\-])(\d{1,2})([/\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/]|\.\d|-\d)`),
        make: (m) => {
          let a = Number(m[1]);
          let b = Number(m[3]);
          let rule = 'date.mdy';
          // day first when the first number cannot be a month (`14/03/2025`)
          if (a > 12 && b <= 12) {
            [a, b] = [b, a];
            rule = 'date.dmy';
          }
          const c = this.#ymd(m, Number(m[4]), a, b, rule);
          if (c && m[4]!.length === 2) c.yy = true;
          return c;
        },
      },
      {
        rule: 'date.dmy-dots',
        prio: 8,
        re: P(String.raw`(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![.\d])`),
        make: (m) => this.#ymd(m, Number(m[3]), Number(m[2]), Number(m[1]), 'date.dmy-dots'),
      },
      {
        rule: 'date.month-day',
        prio: 8,
        core: MONTH_CORE,
        re: P(
          String.raw`${B}(?:(${W.MONTH_DAY_PART})[\s-]+)?(${MONTH})\.?\s+(\d{1,2})${ORD}?${E}(?!:\d|\/)(?:,?\s+(\d{4})${E})?`,
        ),
        make: (m) => {
          if (!this.#monthWordOk(m[2]!)) return null;
          const month = r.month.get(m[2]!.toLowerCase())!;
          const day = Number(m[3]);
          if (m[4] === undefined && day > 31) return null;
          return this.#ymd(m, m[4] !== undefined ? Number(m[4]) : undefined, month, day, 'date.month-day');
        },
      },
      {
        rule: 'date.day-month',
        prio: 8,
        core: MONTH_CORE,
        re: P(String.raw`${B}(\d{1,2})${ORD}?\s+(?:of\s+)?(${MONTH})\.?${E}(?:,?\s+(\d{4})${E})?`),
        make: (m) => {
          if (!this.#monthWordOk(m[2]!)) return null;
          const month = r.month.get(m[2]!.toLowerCase())!;
          return this.#ymd(
            m,
            m[3] !== undefined ? Number(m[3]) : undefined,
            month,
            Number(m[1]),
            'date.day-month',
          );
        },
      },
      {
        rule: 'date.month-year',
        prio: 7,
        core: MONTH_CORE,
        re: P(String.raw`${B}(?:(${W.MONTH_PART})[\s-]+)?(${MONTH})\.?,?\s+(?:of\s+)?(\d{4})${E}`),
        make: (m) => {
          if (!this.#monthWordOk(m[2]!)) return null;
          const c: Cand = {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'date',
            rule: 'date.month-year',
            prio: 7,
            y: Number(m[3]),
            m: r.month.get(m[2]!.toLowerCase())!,
          };
          if (m[1] !== undefined) {
            c.part = m[1].toLowerCase().replace(/\s+/g, ' ');
            c.approximate = true;
          }
          return c;
        },
      },
      {
        rule: 'date.month',
        prio: 5,
        core: MONTH_CORE,
        re: P(String.raw`${B}(${W.MONTH_CUE})[\s-]+(${MONTH})${E}(?!\.?\s*\d)`),
        make: (m) => {
          const w = m[2]!;
          // a month written alone must be capitalized (`in March`, not `in may`)
          if (!/^[A-Z]/.test(w) || !this.#monthWordOk(w)) return null;
          const month = r.month.get(w.toLowerCase())!;
          const cue = W.monthCue.get(key(m[1]!));
          const ws = m.index + m[0].length - w.length;
          const which = cue?.which;
          if (which !== undefined) {
            return {
              start: m.index,
              end: m.index + m[0].length,
              kind: 'relative',
              rule: 'rel.last-next',
              prio: 6,
              rel: { type: 'month', which, month },
            };
          }
          // a part of the month (`mid-March`) is approximate and starts the mention
          const part = cue?.approximate === true;
          const c: Cand = {
            start: part ? m.index : ws,
            end: m.index + m[0].length,
            kind: 'date',
            rule: 'date.month',
            prio: 5,
            rel: { type: 'month', which: 'nearest', month },
          };
          if (part) c.approximate = true;
          return c;
        },
      },
      {
        rule: 'date.month-year-numeric',
        prio: 6,
        re: P(String.raw`(?<![\d/.\-])(\d{1,2})\/(\d{4})(?![\d/])`),
        make: (m) => {
          const month = Number(m[1]);
          if (month < 1 || month > 12) return null;
          return {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'date',
            rule: 'date.month-year-numeric',
            prio: 6,
            y: Number(m[2]),
            m: month,
          };
        },
      },
      {
        rule: 'date.md',
        prio: 4,
        re: P(String.raw`(?<![\d/.,\-])(\d{1,2})\/(\d{1,2})(?![\d/]|\.\d|-\d)`),
        make: (m, text) => {
          const month = Number(m[1]);
          const day = Number(m[2]);
          if (month < 1 || month > 12 || day < 1 || day > 31) return null;
          if (!this.#dayContext(text, m.index, m.index + m[0].length)) return null;
          return this.#ymd(m, undefined, month, day, 'date.md');
        },
      },
      {
        rule: 'date.year',
        prio: 3,
        re: P(String.raw`(?<![\d,.$#/])((?:19|20)\d{2})(?![\d,]\d|\.\d|\d|\s*(?:${W.YEAR_NOT_BEFORE}|\/))`),
        make: (m, text) => {
          if (!this.#yearContext(text, m.index, m.index + m[0].length)) return null;
          return {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'date',
            rule: 'date.year',
            prio: 7,
            y: Number(m[1]),
          };
        },
      },
      // ---------------------------------------------------------------- times
      {
        rule: 'time.clock',
        prio: 7,
        re: P(
          String.raw`(?<![\d:/.])([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(?:\s*([ap])\.?\s?m\b\.?)?(?![\d:]|\.\d)`,
        ),
        make: (m) =>
          this.#time(
            m,
            Number(m[1]),
            Number(m[2]),
            m[3] !== undefined ? Number(m[3]) : undefined,
            m[4],
            'time.clock',
          ),
      },
      {
        rule: 'time.ampm',
        prio: 7,
        re: P(String.raw`(?<![\d:.])(1[0-2]|0?[1-9])\s*([ap])\.?\s?m\b\.?`),
        make: (m) => this.#time(m, Number(m[1]), 0, undefined, m[2], 'time.ampm'),
      },
      {
        rule: 'time.military',
        prio: 6,
        core: MILITARY_CORE,
        re: P(
          String.raw`(?:\b(?:${W.MILITARY_CUE})\s+)((?:[01]\d|2[0-3])[0-5]\d)(\s*(?:${W.MILITARY_SUFFIX})\b)?(?![\d:/.,]|\s*(?:${W.MILITARY_NOT_BEFORE}|\/|-)\b)|(?<![\d:/.])((?:[01]\d|2[0-3])[0-5]\d)\s*(?:${W.MILITARY_BARE_SUFFIX})\b`,
        ),
        make: (m) => {
          const digits = m[1] ?? m[3]!;
          // `since 2016`, `from 1995`: a year unless written `at 2015` or `2015 hours`
          if (
            m[1] !== undefined &&
            m[2] === undefined &&
            /^(?:19|20)\d\d$/.test(digits) &&
            !this.#clockCueRe.test(m[0])
          )
            return null;
          const s = m.index + m[0].indexOf(digits);
          return {
            start: s,
            end: m.index + m[0].length,
            kind: 'time',
            rule: 'time.military',
            prio: 6,
            hh: Number(digits.slice(0, 2)),
            mi: Number(digits.slice(2)),
          };
        },
      },
      {
        rule: 'time.word',
        prio: 5,
        re: P(String.raw`\b(${W.CLOCK_WORD})\b`),
        make: (m) => ({
          start: m.index,
          end: m.index + m[0].length,
          kind: 'time',
          rule: 'time.word',
          prio: 5,
          hh: W.clockHour.get(key(m[1]!))!,
          mi: 0,
        }),
      },
      // ---------------------------------------------------------------- relative dates
      {
        rule: 'rel.deictic',
        prio: 6,
        re: P(String.raw`\b(${W.DEICTIC})\b`),
        make: (m) => {
          const days = W.deicticDays.get(key(m[1]!))!;
          return {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'relative',
            rule: 'rel.deictic',
            prio: 6,
            rel: { type: 'deictic', days },
          };
        },
      },
      {
        rule: 'rel.offset',
        prio: 7,
        core: QTY_UNIT_CORE,
        re: P(String.raw`${B}(${QTY})${RANGE2}[\s-]*(${UNIT})\s+(${rules.OFFSET_CUE})${E}`),
        make: (m, text) => {
          const n = r.amount(m[1]!);
          const unit = r.unitOf(m[3]!);
          if (n === undefined || unit === undefined) return null;
          const high = m[2] !== undefined ? r.amount(m[2]) : undefined;
          const direction = r.offsetCue.get(key(m[4]!));
          const after = text.slice(m.index + m[0].length, m.index + m[0].length + 30);
          let dir: -1 | 1 = -1;
          let anchor: DateAnchor = 'note';
          if (direction === 'future') dir = 1;
          else if (direction === 'event') {
            dir = 1;
            anchor = 'event';
          } else if (this.#eventFollowerRe.test(after)) {
            // `2 weeks prior to admission`: counted from that event
            anchor = 'event';
          }
          const c: Cand = {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'relative',
            rule: 'rel.offset',
            prio: 7,
            rel: { type: 'offset', n, unit, dir, anchor, ...(high !== undefined ? { high } : {}) },
          };
          if (r.approximate.has(m[1]!.toLowerCase().replace(/\s+/g, ' ')) || high !== undefined)
            c.approximate = true;
          return c;
        },
      },
      {
        rule: 'rel.last-next',
        prio: 6,
        core: PERIOD_CORE,
        re: P(String.raw`\b(${W.LAST_NEXT_CUE})\s+(${PERIODS})${E}`),
        make: (m) => {
          const cue = key(m[1]!);
          const which = W.lastNextCue.get(cue)?.which;
          const w = m[2]!.toLowerCase();
          const period = W.period.get(w);
          const base = {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'relative' as const,
            rule: 'rel.last-next',
            prio: 6,
          };
          if (which === undefined) return null;
          if (which === 'event' || period === 'day' || period === 'part-of-day') {
            if (W.deicticDays.has(`${cue} ${w}`)) return null; // `last night`: rel.deictic
            if (which === 'this' && period === 'part-of-day') return null; // `this morning`: rel.deictic
            return { ...base, rel: { type: 'event' } };
          }
          if (period === 'week' || period === 'month' || period === 'year' || period === 'weekend') {
            return {
              ...base,
              rel: { type: 'period', which, period },
              ...(period === 'weekend' ? { approximate: true } : {}),
            };
          }
          const day = period === undefined ? r.weekday.get(w) : undefined;
          if (day !== undefined) {
            if (!/^[A-Z]/.test(m[2]!) && m[2]!.length <= 3) return null;
            return { ...base, rel: { type: 'weekday', which, day } };
          }
          // seasons
          return { ...base, rel: { type: 'event' }, approximate: true };
        },
      },
      {
        rule: 'rel.in',
        prio: 6,
        core: QTY_UNIT_CORE,
        re: P(
          String.raw`\b(${W.IN_CUE})\s+(${QTY})${RANGE2}[\s-]*(${UNIT})${E}(?!\s+(?:${W.IN_NOT_BEFORE})\b)`,
        ),
        make: (m) => {
          const n = r.amount(m[2]!);
          const unit = r.unitOf(m[4]!);
          if (n === undefined || unit === undefined) return null;
          const high = m[3] !== undefined ? r.amount(m[3]) : undefined;
          const cue = W.inCue.get(key(m[1]!));
          const anchor: DateAnchor = cue?.anchor ?? 'note';
          const c: Cand = {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'relative',
            rule: 'rel.in',
            prio: 6,
            rel: { type: 'offset', n, unit, dir: 1, anchor, ...(high !== undefined ? { high } : {}) },
          };
          if (cue?.approximate === true || high !== undefined || r.approximate.has(m[2]!.toLowerCase()))
            c.approximate = true;
          return c;
        },
      },
      {
        // `at 3 months`, `by 6 weeks`: a point of a course counted from an event, not a duration; the
        // span is the amount (TimeML leaves the preposition out), minutes and seconds are left out
        // (`Apgar 9 at 10 min`, an imaging phase `at 3 min`)
        rule: 'rel.point',
        prio: 6,
        core: QTY_UNIT_CORE,
        re: P(
          String.raw`\b(?:${W.POINT_CUE})\s+(?:(?:${W.POINT_QUALIFIER})\s+)*((${QTY})${RANGE2}[\s-]*(${UNIT}))${E}(?!(?:\s|-)*(?:${W.POINT_NOT_BEFORE})${E})`,
        ),
        make: (m) => this.#point(m, m[1]!, m[2]!, m[3], m[4]!),
      },
      {
        // `2-month follow-up`, `2-year re-evaluation`, `two-month and six-month follow-up visits`
        rule: 'rel.point',
        prio: 7,
        core: QTY_UNIT_CORE,
        re: P(
          String.raw`\b((${QTY})${RANGE2}[\s-]+(${UNIT}))(?=[\s-]+(?:(?:and|or|,)\s*(?:${QTY})[\s-]+(?:${UNIT})[\s-]+)?(?:${W.POINT_NOUN})${E})`,
        ),
        make: (m) => this.#point(m, m[1]!, m[2]!, m[3], m[4]!),
      },
      {
        rule: 'rel.pod',
        prio: 8,
        core: POD_CORE,
        re: P(
          String.raw`\b(?:${W.POD_BEFORE})\s*#?\s*(\d{1,3})${E}|\b(\d{1,3})${ORD}\s+(?:${W.POD_AFTER_NUMBER})${E}|\b(${ORDINAL})\s+(?:${W.POD_AFTER_ORDINAL})${E}`,
        ),
        make: (m) => {
          const n =
            m[1] !== undefined
              ? Number(m[1])
              : m[2] !== undefined
                ? Number(m[2])
                : r.ordinal.get(m[3]!.toLowerCase());
          if (n === undefined) return null;
          return {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'relative',
            rule: 'rel.pod',
            prio: 8,
            rel: { type: 'pod', n },
          };
        },
      },
      {
        rule: 'rel.hospital-day',
        prio: 8,
        core: HD_CORE,
        re: P(
          String.raw`\b(?:${W.HD_BEFORE})\s*#?\s*(\d{1,3})${E}|\b(\d{1,3})${ORD}\s+(?:${W.HD_AFTER_NUMBER})${E}|\b(${ORDINAL})\s+(?:${W.HD_AFTER_ORDINAL})${E}`,
        ),
        make: (m) => {
          const n =
            m[1] !== undefined
              ? Number(m[1])
              : m[2] !== undefined
                ? Number(m[2])
                : r.ordinal.get(m[3]!.toLowerCase());
          if (n === undefined || n < 1) return null;
          return {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'relative',
            rule: 'rel.hospital-day',
            prio: 8,
            rel: { type: 'hospital-day', n },
          };
        },
      },
      {
        rule: 'rel.day-n',
        prio: 4,
        core: DAY_CORE,
        re: P(
          String.raw`\b(?:${W.DAY_BEFORE})\s*#?\s*(\d{1,3})${E}(?!\s*(?:\/|${W.DAY_NOT_BEFORE}|-\d))|\b(\d{1,3})${ORD}\s+(?:${W.DAY_AFTER_NUMBER})${E}|\b(?:the\s+)?(${ORDINAL})\s+(?:${W.DAY_AFTER_ORDINAL})${E}`,
        ),
        make: (m) => ({
          start: m.index,
          end: m.index + m[0].length,
          kind: 'relative',
          rule: 'rel.day-n',
          prio: 4,
          rel: { type: 'event' },
        }),
      },
      {
        rule: 'rel.age',
        prio: 7,
        core: AGE_CORE,
        re: P(
          String.raw`\b(?:(?:${W.AGE_CUE})\s+(?:the\s+)?)?age\s+(?:of\s+)?(\d{1,3})(?:\s*(${W.AGE_UNIT}))?(?:\s+old)?${E}(?![\s-]*(?:${W.AGE_YEAR_UNIT})[\s-]*old)|\b(\d{1,3})\s+(${W.OF_AGE_UNIT})\s+of\s+age${E}`,
        ),
        make: (m) => {
          const n = Number(m[1] ?? m[3]);
          const u = m[2] ?? m[4];
          const unit: TimeUnit = u !== undefined && W.ageMonthUnits.has(key(u)) ? 'mo' : 'a';
          if (n > 120) return null;
          return {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'relative',
            rule: 'rel.age',
            prio: 7,
            rel: { type: 'age', n, unit },
          };
        },
      },
      // ---------------------------------------------------------------- ages
      {
        rule: 'age.descriptor',
        prio: 8,
        re: P(
          String.raw`\b(\d{1,3})[\s-]*(?:(${W.AGE_YEAR_UNIT})[\s-]*(?:${W.YEAR_OLD})${E}|(?:${W.AGE_ABBREVIATION})(?![A-Za-z])|(${W.AGE_OTHER_UNIT})[\s-]*old${E})`,
        ),
        make: (m) => {
          const n = Number(m[1]);
          if (n > 120) return null;
          const unit: TimeUnit = m[3] !== undefined ? (r.unitOf(m[3]) ?? 'a') : 'a';
          return {
            start: m.index,
            end: m.index + m[0].length,
            kind: 'age',
            rule: 'age.descriptor',
            prio: 8,
            duration: { value: n, unit },
          };
        },
      },
      {
        // `aged 47 years`, `36 weeks of gestation`, `39 weeks' gestation`, `2 days of life`
        rule: 'age.of',
        prio: 6,
        core: QTY_UNIT_CORE,
        re: P(
          String.raw`\b(?:${W.AGED_CUE})\s+(${QTY})${RANGE2}[\s-]*(${UNIT})${E}|\b(${QTY})${RANGE2}[\s-]*(${UNIT})(?:\s+|(?=['’]))(?:${W.AGE_AFTER_AMOUNT})${E}`,
        ),
        make: (m) => {
          const c =
            m[1] !== undefined
              ? this.#duration(m, m[1], m[2], m[3]!, 'age.of', 6)
              : this.#duration(m, m[4]!, m[5], m[6]!, 'age.of', 6);
          if (!c || (c.duration?.value ?? 0) > 120) return null;
          c.kind = 'age';
          return c;
        },
      },
      // ---------------------------------------------------------------- durations
      {
        rule: 'dur.for',
        prio: 7,
        core: QTY_UNIT_CORE,
        re: P(
          String.raw`(?<![A-Za-z0-9])(${W.DURATION_CUE})\s*(?:(?:${W.DURATION_QUALIFIER})\s+)*(?:(${W.DURATION_PERIOD})\s+)?(${QTY})${RANGE2}\s*(?:(?:${W.DURATION_MORE})\s+)?[\s-]*(${UNIT})${E}`,
        ),
        make: (m) => {
          const c = this.#duration(m, m[3]!, m[4], m[5]!, 'dur.for', 7);
          // the span leaves out the cue and an article after it, as TimeML does: `for [2 weeks]`,
          // `over [the last 12 months]` -> `last 12 months`, `x [3 days]`
          const lead = this.#durationLeadRe.exec(m[0]);
          if (c && lead && lead[0].length < m[0].length) {
            c.matched = c.start;
            c.start = m.index + lead[0].length;
          }
          return c;
        },
      },
      {
        rule: 'dur.course',
        prio: 6,
        core: QTY_UNIT_CORE,
        re: P(String.raw`\b(${QTY})${RANGE2}[\s-]+(${UNIT})(?=[\s-]+(?:${W.COURSE_NOUN})${E})`),
        make: (m) => this.#duration(m, m[1]!, m[2], m[3]!, 'dur.course', 6),
      },
      {
        rule: 'dur.of',
        prio: 5,
        core: QTY_UNIT_CORE,
        re: P(String.raw`\b(${QTY})${RANGE2}[\s-]*(${UNIT})(?=\s+of\s+(?!age\b))`),
        make: (m) => this.#duration(m, m[1]!, m[2], m[3]!, 'dur.of', 5),
      },
      {
        rule: 'dur.bare',
        prio: 1,
        core: QTY_UNIT_CORE,
        re: P(String.raw`\b(${QTY})${RANGE2}[\s-]*(${W.BARE_UNIT})${E}`),
        make: (m, text) => {
          if (W.bareNotAmounts.has(key(m[1]!))) return null;
          const before = text.slice(Math.max(0, m.index - 12), m.index);
          if (this.#bareNotAfterRe.test(before)) return null;
          if (/^[\s-]*old\b/i.test(text.slice(m.index + m[0].length, m.index + m[0].length + 6))) return null;
          // `Apgar 9 at 10 min`, `at 3 min` of an imaging study: a time point, no duration
          if (/\bat\s*$/i.test(before) && this.#r.unitOf(m[3]!) === 'min') return null;
          if (this.#bareNotBeforeRe.test(text.slice(m.index + m[0].length, m.index + m[0].length + 24)))
            return null;
          return this.#duration(m, m[1]!, m[2], m[3]!, 'dur.bare', 1);
        },
      },
    ];
    this.#admissionRe = new RegExp(
      String.raw`(?:${rules.ADMISSION})\s*(?:date)?\s*[:#\-]?\s*(?:on\s+)?$`,
      'i',
    );
    this.#surgeryRe = new RegExp(String.raw`(?:${rules.SURGERY})\s*[:#\-]?\s*(?:on\s+)?$`, 'i');
    this.#birthRe = new RegExp(String.raw`(?:${rules.BIRTH})\s*[:#\-]?\s*$`, 'i');
    this.#surgeryCueRe = new RegExp(String.raw`\b(?:${W.SURGERY_CUE})\s+[^.;:]*$`, 'i');
    this.#clockCueRe = new RegExp(String.raw`^(?:${W.MILITARY_CLOCK_CUE})\s`, 'i');
    this.#eventFollowerRe = new RegExp(String.raw`^\s+(?:${W.EVENT_FOLLOWER})\b`, 'i');
    this.#bareNotAfterRe = new RegExp(String.raw`(?:${W.BARE_NOT_AFTER}|\/)\s*$`, 'i');
    this.#durationLeadRe = new RegExp(String.raw`^(?:${W.DURATION_CUE})\s*(?:(?:the|a|an)\s+)?`, 'i');
    this.#bareNotBeforeRe = new RegExp(String.raw`^[\s-]+(?:${W.BARE_NOT_BEFORE})(?![A-Za-z0-9])`, 'i');
    this.#dayCuePhraseRe = new RegExp(String.raw`\b(?:${rules.dayCuePhrases})\s*$`, 'i');
    this.#dayListRe = new RegExp(String.raw`\d{1,2}\/\d{1,2}\s*(?:-|–|${W.JOIN_WORD}|,)\s*$`);
    this.#yearListRe = new RegExp(String.raw`(?:19|20)\d{2}\s*(?:-|–|${W.JOIN_WORD}|,)\s*$`);
  }

  extract(input: DateExtractInput): RawDate[] {
    const { text } = input;
    const cands: Cand[] = [];
    const windowCache = new Map<RegExp, [number, number][]>();
    for (const p of this.#patterns) {
      if (p.core) {
        let windows = windowCache.get(p.core);
        if (!windows) {
          windows = windowsAround(p.core, text);
          windowCache.set(p.core, windows);
        }
        for (const [ws, we] of windows) {
          const sub = text.slice(ws, we);
          p.re.lastIndex = 0;
          for (let m = p.re.exec(sub); m; m = p.re.exec(sub)) {
            if (m[0].length === 0) {
              p.re.lastIndex++;
              continue;
            }
            // a match touching a window edge may be cut: the window is wide enough that real ones do not
            if (ws > 0 && m.index === 0) continue;
            if (we < text.length && m.index + m[0].length === sub.length) continue;
            m.index += ws;
            const c = p.make(m, text);
            if (c) cands.push(c);
          }
        }
        continue;
      }
      p.re.lastIndex = 0;
      let n = 0;
      for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
        if (m[0].length === 0) {
          p.re.lastIndex++;
          continue;
        }
        const c = p.make(m, text);
        if (c) cands.push(c);
        if (++n > MAX_MATCHES) break;
      }
    }
    // longest first, then the more specific pattern
    const from = (c: Cand): number => c.matched ?? c.start;
    cands.sort((a, b) => b.end - from(b) - (a.end - from(a)) || b.prio - a.prio || from(a) - from(b));
    const kept: Cand[] = [];
    const exclude = input.exclude ?? [];
    // overlap tests against character masks: a test per kept candidate or per excluded value was
    // quadratic on a note made of dates or lab values
    const keptMask = new Uint8Array(text.length + 1);
    const excludeMask = new Uint8Array(text.length + 1);
    for (const x of exclude) excludeMask.fill(1, Math.max(0, x.start), Math.min(text.length, x.end));
    const emptyKept: Cand[] = [];
    const overlaps = (
      mask: Uint8Array,
      spans: readonly { start: number; end: number }[],
      c: Cand,
    ): boolean => {
      if (c.end <= c.start) return spans.some((k) => k.start < c.end && c.start < k.end);
      for (let i = mask === keptMask ? from(c) : c.start; i < c.end; i++) if (mask[i] === 1) return true;
      return false;
    };
    for (const c of cands) {
      if (overlaps(keptMask, kept, c)) continue;
      if (emptyKept.length > 0 && emptyKept.some((k) => k.start < c.end && c.start < k.end)) continue;
      if (
        (c.rule === 'date.md' ||
          c.rule === 'date.year' ||
          c.kind === 'time' ||
          c.rule === 'date.month-year-numeric') &&
        overlaps(excludeMask, exclude, c)
      ) {
        continue;
      }
      kept.push(c);
      keptMask.fill(1, from(c), c.end);
      if (c.end <= c.start) emptyKept.push(c);
    }
    kept.sort((a, b) => a.start - b.start);
    // a date followed by a time is a datetime
    const merged: Cand[] = [];
    for (let i = 0; i < kept.length; i++) {
      const c = kept[i]!;
      const next = kept[i + 1];
      if (
        next &&
        c.kind === 'date' &&
        c.d !== undefined &&
        next.kind === 'time' &&
        (/^,?\s*(?:at\s+|@\s*)?$/i.test(text.slice(c.end, next.start)) ||
          (c.rule === 'date.iso' && next.start === c.end + 1 && text.charAt(c.end) === 'T')) &&
        !text.slice(c.end, next.start).includes('\n')
      ) {
        merged.push({
          ...c,
          end: next.end,
          kind: 'datetime',
          hh: next.hh!,
          mi: next.mi!,
          ...(next.ss !== undefined ? { ss: next.ss } : {}),
        });
        i++;
        continue;
      }
      merged.push(c);
    }
    const anchors = this.#anchors(text, merged, input.noteDate);
    return merged.map((c) => this.#resolve(c, input.noteDate, anchors, text));
  }

  // -------------------------------------------------------------------------------------------

  #monthWordOk(w: string): boolean {
    // words that are also English words are months only when capitalized
    return !this.#r.capitalizedOnly.has(w.toLowerCase()) || /^[A-Z]/.test(w);
  }

  #ymd(m: RegExpExecArray, y: number | undefined, mo: number, d: number, rule: string): Cand | null {
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
    if (y !== undefined && y >= 100 && !isValidDate(y, mo, d)) return null;
    if (y !== undefined && y >= 100 && (y < 1850 || y > 2150)) return null;
    const c: Cand = { start: m.index, end: m.index + m[0].length, kind: 'date', rule, prio: 0, m: mo, d };
    if (y !== undefined) c.y = y;
    return c;
  }

  #time(
    m: RegExpExecArray,
    h: number,
    mi: number,
    ss: number | undefined,
    ampm: string | undefined,
    rule: string,
  ): Cand | null {
    let hh = h;
    if (ampm !== undefined) {
      if (hh < 1 || hh > 12) return null;
      const pm = ampm.toLowerCase() === 'p';
      if (pm && hh !== 12) hh += 12;
      if (!pm && hh === 12) hh = 0;
    }
    const c: Cand = { start: m.index, end: m.index + m[0].length, kind: 'time', rule, prio: 7, hh, mi };
    if (ss !== undefined) c.ss = ss;
    return c;
  }

  #duration(
    m: RegExpExecArray,
    q: string,
    q2: string | undefined,
    u: string,
    rule: string,
    prio: number,
  ): Cand | null {
    const r = this.#r;
    const value = r.amount(q);
    const unit = r.unitOf(u);
    if (value === undefined || unit === undefined) return null;
    const high = q2 !== undefined ? r.amount(q2) : undefined;
    const duration: TimeAmount = high !== undefined ? { value, high, unit } : { value, unit };
    const c: Cand = { start: m.index, end: m.index + m[0].length, kind: 'duration', rule, prio, duration };
    if (r.approximate.has(q.toLowerCase().replace(/\s+/g, ' '))) c.approximate = true;
    return c;
  }

  /** `at 3 months`: an offset after an event; the span is the amount and its unit (group `amount`). */
  #point(m: RegExpExecArray, amount: string, q: string, q2: string | undefined, u: string): Cand | null {
    const r = this.#r;
    const n = r.amount(q);
    const unit = r.unitOf(u);
    if (n === undefined || unit === undefined || unit === 'min') return null;
    const high = q2 !== undefined ? r.amount(q2) : undefined;
    const start = m.index + m[0].length - amount.length;
    const c: Cand = {
      start,
      end: start + amount.length,
      kind: 'relative',
      rule: 'rel.point',
      prio: m[0].length === amount.length ? 7 : 6,
      rel: { type: 'offset', n, unit, dir: 1, anchor: 'event', ...(high !== undefined ? { high } : {}) },
    };
    if (high !== undefined || r.approximate.has(q.toLowerCase().replace(/\s+/g, ' '))) c.approximate = true;
    return c;
  }

  /** Words before a bare `M/D` that make it a day of a month. */
  #dayContext(text: string, s: number, e: number): boolean {
    const lineStart = text.lastIndexOf('\n', s - 1) + 1;
    const before = text.slice(Math.max(lineStart, s - 30), s);
    const after = text.slice(e, e + 12);
    if (/^\s*[-*•]?\s*$/.test(before)) return true; // at the start of a line or an item
    if (/^\s*:/.test(after) || /^,?\s*(?:at\s+)?\d{1,2}:\d{2}/.test(after)) return true;
    if (/\(\s*$/.test(before) && /^\s*\)/.test(after)) return true;
    // one of the two words before is a cue (`on 3/14`, `as of 3/14`, `last BM 3/12`)
    const w = /(?:([A-Za-z]+)\s+)?([A-Za-z]+)\s*[,:]?\s*$/.exec(before);
    if (
      w &&
      (this.#r.dayCues.has(w[2]!.toLowerCase()) ||
        (w[1] !== undefined && this.#r.dayCues.has(w[1].toLowerCase())))
    )
      return true;
    if (this.#dayCuePhraseRe.test(before)) return true;
    // `03/12 and 03/13`, `3/10-3/12`
    if (this.#dayListRe.test(before)) return true;
    return false;
  }

  /** Context that makes a bare 4-digit number a year. */
  #yearContext(text: string, s: number, e: number): boolean {
    const lineStart = text.lastIndexOf('\n', s - 1) + 1;
    const before = text.slice(Math.max(lineStart, s - 30), s);
    const after = text.slice(e, e + 3);
    if (/\(\s*$/.test(before) && /^\s*[),;]/.test(after)) return true;
    if (this.#yearListRe.test(before)) return true;
    if (/^\s*[-*•]?\s*$/.test(before) && /^\s*[:)-]/.test(after)) return true;
    const w = /([A-Za-z']+)\s*[,(]?\s*$/.exec(before);
    if (w && this.#r.yearCues.has(w[1]!.toLowerCase())) return true;
    return false;
  }

  /** Admission, surgery and birth dates written with their label. */
  #anchors(
    text: string,
    cands: readonly Cand[],
    note: Ymd | undefined,
  ): { admission?: Ymd; surgery?: Ymd; birth?: Ymd } {
    const out: { admission?: Ymd; surgery?: Ymd; birth?: Ymd } = {};
    for (const c of cands) {
      if ((c.kind !== 'date' && c.kind !== 'datetime') || c.m === undefined || c.d === undefined) continue;
      const ymd = this.#absolute(c, note);
      if (!ymd) continue;
      const lineStart = text.lastIndexOf('\n', c.start - 1) + 1;
      const before = text.slice(Math.max(lineStart, c.start - 40), c.start);
      if (!out.admission && this.#admissionRe.test(before)) out.admission = ymd;
      else if (!out.surgery && this.#surgeryRe.test(before)) out.surgery = ymd;
      else if (!out.birth && this.#birthRe.test(before)) out.birth = ymd;
    }
    if (!out.surgery) {
      // `POD #2 s/p laparoscopic sigmoid colectomy (03/11/2025)`, `underwent ... on 03/11/2025`
      for (const c of cands) {
        if ((c.kind !== 'date' && c.kind !== 'datetime') || c.d === undefined) continue;
        const lineStart = text.lastIndexOf('\n', c.start - 1) + 1;
        const before = text.slice(Math.max(lineStart, c.start - 80), c.start);
        if (this.#surgeryCueRe.test(before)) {
          const ymd = this.#absolute(c, note);
          if (ymd) {
            out.surgery = ymd;
            break;
          }
        }
      }
    }
    return out;
  }

  /** The full date of an absolute candidate (year from the note date when not written). */
  #absolute(c: Cand, note: Ymd | undefined): Ymd | undefined {
    if (c.m === undefined || c.d === undefined) return undefined;
    const y = this.#year(c, note);
    if (y === undefined) return undefined;
    return isValidDate(y, c.m, c.d) ? { y, m: c.m, d: c.d } : undefined;
  }

  #year(c: Cand, note: Ymd | undefined): number | undefined {
    if (c.y !== undefined) {
      if (!c.yy) return c.y;
      // two-digit year: 20yy unless that is more than 10 years after the note date (or after 2049)
      const limit = note ? note.y + 10 : 2049;
      return 2000 + c.y <= limit ? 2000 + c.y : 1900 + c.y;
    }
    if (!note || c.m === undefined) return undefined;
    // no year written: the year that puts the date closest to the note date
    let best = note.y;
    let bestDist = Number.POSITIVE_INFINITY;
    for (const y of [note.y - 1, note.y, note.y + 1]) {
      const d = Math.min(c.d ?? 15, 28);
      const dist = Math.abs(daysBetween(note, { y, m: c.m, d }));
      if (dist < bestDist) {
        bestDist = dist;
        best = y;
      }
    }
    return best;
  }

  #resolve(
    c: Cand,
    note: Ymd | undefined,
    anchors: { admission?: Ymd; surgery?: Ymd; birth?: Ymd },
    text: string,
  ): RawDate {
    const out = this.#resolveValue(c, note, anchors, text);
    if (
      out.value !== undefined &&
      note !== undefined &&
      ((out.anchor === 'note' && c.kind === 'relative') ||
        (c.kind !== 'relative' && c.y === undefined && c.m !== undefined) ||
        c.rel?.type === 'month')
    ) {
      out.usedNoteDate = true;
    }
    return out;
  }

  #resolveValue(
    c: Cand,
    note: Ymd | undefined,
    anchors: { admission?: Ymd; surgery?: Ymd; birth?: Ymd },
    text: string,
  ): RawDate {
    const out: RawDate = { start: c.start, end: c.end, kind: c.kind, rule: c.rule };
    if (c.approximate) out.approximate = true;
    const pad = (n: number): string => String(n).padStart(2, '0');
    const timeStr = (): string => `${pad(c.hh!)}:${pad(c.mi!)}${c.ss !== undefined ? `:${pad(c.ss)}` : ''}`;
    if (c.kind === 'time') {
      out.value = timeStr();
      out.precision = c.ss !== undefined ? 'second' : 'minute';
      return out;
    }
    if (c.kind === 'duration' || c.kind === 'age') {
      if (c.duration) out.duration = c.duration;
      return out;
    }
    if (c.kind === 'date' || c.kind === 'datetime') {
      if (c.rel?.type === 'month') {
        // a month without a year (`in March`)
        if (!note) {
          out.missing = 'needs-note-date';
          return out;
        }
        let y = note.y;
        let best = Number.POSITIVE_INFINITY;
        for (const yy of [note.y - 1, note.y, note.y + 1]) {
          const dist = Math.abs(daysBetween(note, { y: yy, m: c.rel.month, d: 15 }));
          if (dist < best) {
            best = dist;
            y = yy;
          }
        }
        out.value = isoMonth(y, c.rel.month);
        out.precision = 'month';
        return out;
      }
      if (c.m !== undefined && c.d !== undefined) {
        const y = this.#year(c, note);
        if (y === undefined) {
          out.value = `--${pad(c.m)}-${pad(c.d)}`;
          out.precision = 'day';
          out.missing = 'needs-note-date';
          return out;
        }
        if (!isValidDate(y, c.m, c.d)) {
          out.missing = 'invalid-date';
          return out;
        }
        out.value = isoDate({ y, m: c.m, d: c.d });
        out.precision = 'day';
        if (c.kind === 'datetime') {
          out.value += `T${timeStr()}`;
          out.precision = c.ss !== undefined ? 'second' : 'minute';
        }
        return out;
      }
      if (c.y !== undefined && c.m !== undefined) {
        out.value = isoMonth(c.y, c.m);
        out.precision = 'month';
        return out;
      }
      if (c.y !== undefined) {
        out.value = isoYear(c.y);
        out.precision = 'year';
        return out;
      }
      return out;
    }
    // relative
    const rel = c.rel!;
    switch (rel.type) {
      case 'deictic': {
        out.anchor = 'note';
        out.offset = { value: rel.days, unit: 'd' };
        if (!note) {
          out.missing = 'needs-note-date';
          return out;
        }
        out.value = isoDate(addDays(note, rel.days));
        out.precision = 'day';
        return out;
      }
      case 'offset': {
        out.anchor = rel.anchor;
        const signed = rel.dir * rel.n;
        out.offset =
          rel.high !== undefined
            ? { value: signed, high: rel.dir * rel.high, unit: rel.unit }
            : { value: signed, unit: rel.unit };
        if (rel.anchor !== 'note') {
          out.missing = 'anchor-is-an-event';
          return out;
        }
        if (!note) {
          out.missing = 'needs-note-date';
          return out;
        }
        const v = this.#shift(note, signed, rel.unit);
        out.value = v.value;
        out.precision = v.precision;
        if (!Number.isInteger(rel.n)) out.approximate = true;
        return out;
      }
      case 'period': {
        out.anchor = 'note';
        if (!note) {
          out.missing = 'needs-note-date';
          return out;
        }
        const k = rel.which === 'last' ? -1 : rel.which === 'next' ? 1 : 0;
        if (rel.period === 'week') {
          out.value = isoWeek(addDays(note, 7 * k));
          out.precision = 'week';
        } else if (rel.period === 'month') {
          const x = addMonths({ y: note.y, m: note.m, d: 1 }, k);
          out.value = isoMonth(x.y, x.m);
          out.precision = 'month';
        } else if (rel.period === 'year') {
          out.value = isoYear(note.y + k);
          out.precision = 'year';
        } else {
          // weekend: the Saturday before (last), of this week, or after (next)
          const wd = weekday(note);
          const thisSat = addDays(note, 6 - wd);
          const sat =
            k === 0
              ? thisSat
              : k < 0
                ? addDays(thisSat, wd === 7 ? 0 : -7)
                : addDays(thisSat, wd >= 6 ? 7 : 0);
          out.value = isoDate(sat);
          out.precision = 'day';
          out.approximate = true;
        }
        return out;
      }
      case 'month': {
        out.anchor = 'note';
        if (!note) {
          out.missing = 'needs-note-date';
          return out;
        }
        let y = note.y;
        if (rel.which === 'last') y = rel.month < note.m ? note.y : note.y - 1;
        else if (rel.which === 'next') y = rel.month > note.m ? note.y : note.y + 1;
        out.value = isoMonth(y, rel.month);
        out.precision = 'month';
        return out;
      }
      case 'weekday': {
        out.anchor = 'note';
        if (!note) {
          out.missing = 'needs-note-date';
          return out;
        }
        const wd = weekday(note);
        let delta: number;
        if (rel.which === 'last') delta = -((wd - rel.day + 7) % 7 || 7);
        else if (rel.which === 'next') delta = (rel.day - wd + 7) % 7 || 7;
        else delta = rel.day - wd;
        out.value = isoDate(addDays(note, delta));
        out.precision = 'day';
        return out;
      }
      case 'pod': {
        out.anchor = 'surgery';
        out.offset = { value: rel.n, unit: 'd' };
        if (anchors.surgery) {
          out.value = isoDate(addDays(anchors.surgery, rel.n));
          out.precision = 'day';
          return out;
        }
        // `POD #2 today`, `Today is POD 2`, or POD in the note's first lines (a daily progress
        // note's heading): the note is written on that day
        const lineStart = text.lastIndexOf('\n', c.start - 1) + 1;
        let lineEnd = text.indexOf('\n', c.end);
        if (lineEnd < 0) lineEnd = text.length;
        const headLines = text.slice(0, lineStart).split('\n').length - 1;
        if (note && (/\btoday\b/i.test(text.slice(lineStart, lineEnd)) || headLines < 4)) {
          out.anchor = 'note';
          out.value = isoDate(note);
          out.precision = 'day';
          return out;
        }
        out.missing = 'needs-surgery-date';
        return out;
      }
      case 'hospital-day': {
        out.anchor = 'admission';
        out.offset = { value: rel.n - 1, unit: 'd' };
        if (anchors.admission) {
          out.value = isoDate(addDays(anchors.admission, rel.n - 1));
          out.precision = 'day';
          return out;
        }
        out.missing = 'needs-admission-date';
        return out;
      }
      case 'age': {
        out.anchor = 'birth';
        out.offset = { value: rel.n, unit: rel.unit };
        if (anchors.birth && rel.unit === 'a') {
          out.value = isoYear(anchors.birth.y + rel.n);
          out.precision = 'year';
          out.approximate = true;
          return out;
        }
        out.missing = 'needs-birth-date';
        return out;
      }
      default: {
        out.anchor = 'event';
        out.missing = 'anchor-is-an-event';
        return out;
      }
    }
  }

  #shift(note: Ymd, n: number, unit: TimeUnit): { value: string; precision: DatePrecision } {
    switch (unit) {
      case 'min':
      case 'h': {
        const hours = unit === 'h' ? n : n / 60;
        return { value: isoDate(addDays(note, Math.trunc(hours / 24))), precision: 'day' };
      }
      case 'd':
        return { value: isoDate(addDays(note, Math.round(n))), precision: 'day' };
      case 'wk':
        return { value: isoDate(addDays(note, Math.round(n * 7))), precision: 'day' };
      case 'mo': {
        const x = addMonths(note, Math.round(n));
        return { value: isoMonth(x.y, x.m), precision: 'month' };
      }
      default:
        return { value: isoYear(note.y + Math.round(n)), precision: 'year' };
    }
  }
}

/**
 * The sig grammar: at a token, the longest sig element that starts there (a strength, a dose, a
 * form, a route, a frequency, as-needed with its reason, a duration, a status, an indication), with
 * its normalized value. Words come from the rule data (./lexicon.ts); the patterns that combine
 * numbers and units (`q4-6h`, `every 2 weeks`, `3x/week`, `x 7 days`, `0.5 mg/mL`) are here, each
 * with a `grammar.*` rule id. Works on the original text at token offsets, so spans are exact.
 */

import type { Token } from '../../doc/types.js';
import { StringPrefilter } from '../../text/prefilter.js';
import {
  MATCHER_BITS as B,
  type CompiledLexicon,
  END,
  type FormEntry,
  type IntensityEntry,
  phraseKey,
  type RouteEntry,
  type StatusEntry,
  type Timing,
  type UnitEntry,
} from './lexicon.js';
import type { Per } from './types.js';

export type ElementType =
  | 'strength'
  | 'dose'
  | 'form'
  | 'route'
  | 'frequency'
  | 'prn'
  | 'duration'
  | 'status'
  | 'indication'
  | 'intensity'
  /** A quantity that is not the dose: a maximum (`max 3 g/day`) or a dispensed amount (`#30 tabs`). */
  | 'skip'
  /** `then`, `followed by`: what follows is another step of the regimen. */
  | 'seq'
  /** `both`, `each`: the next element applies to every drug before it in the clause. */
  | 'dist';

export interface Quantity {
  readonly value: number;
  readonly valueHigh?: number;
  readonly unit: string;
  readonly per?: Per;
}

export interface Element {
  readonly type: ElementType;
  readonly start: number;
  readonly end: number;
  /** Token range [t0, t1). */
  readonly t0: number;
  t1: number;
  readonly rule: string;
  readonly quantity?: Quantity;
  readonly form?: FormEntry;
  readonly route?: RouteEntry;
  timing?: Timing;
  readonly reason?: { readonly start: number; readonly end: number };
  readonly duration?: { readonly value: number; readonly valueHigh?: number; readonly unit: string };
  readonly status?: StatusEntry;
  readonly intensity?: IntensityEntry;
}

/** What the scanner needs to know about the tokens around it. */
export interface ScanContext {
  readonly text: string;
  readonly tokens: readonly Token[];
  /** Exclusive end of the token range that may be read. */
  readonly limit: number;
  /** True when a drug mention starts at token i (reasons stop there). */
  isDrugStart(i: number): boolean;
}

const DASH = '(?:-|–|—)';
const TIME_PER = new Set(['min', 'h', 'd', 'wk', 'mo']);
/** Words before a bare duration that make it a point in time (`in 3 days`, `every 2 weeks`). */
const NOT_BEFORE_BARE_DURATION = new Set([
  'in',
  'within',
  'after',
  'every',
  'each',
  'per',
  'q',
  'past',
  'last',
  'next',
  'than',
]);
const RANGE_SEP = `\\s*(?:${DASH}|to\\s|or\\s)\\s*`;

/** Value of a number matched by the number pattern. */
export function parseNumber(s: string, words: ReadonlyMap<string, number>): number {
  let t = s.trim().toLowerCase();
  const frac: Record<string, number> = { '½': 0.5, '¼': 0.25, '¾': 0.75 };
  let extra = 0;
  const last = t.slice(-1);
  if (last in frac && t.length > 1) {
    extra = frac[last] as number;
    t = t.slice(0, -1);
  }
  if (t in frac) return frac[t] as number;
  let m = /^(\d+)\s+(\d)\s*\/\s*(\d)$/.exec(t);
  if (m) return Number(m[1]) + Number(m[2]) / Number(m[3]);
  m = /^(\d)\s*\/\s*(\d)$/.exec(t);
  if (m) return Number(m[1]) / Number(m[2]);
  if (/^[\d.,]+$/.test(t)) return Number(t.replaceAll(',', '')) + extra;
  m = /^(.+?)[\s-]+(hundred|thousand)$/.exec(t);
  if (m) {
    const base = words.get(phraseKey(m[1] as string));
    if (base !== undefined) return base * (m[2] === 'hundred' ? 100 : 1000);
  }
  return words.get(phraseKey(t)) ?? Number.NaN;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

interface Candidate {
  readonly type: ElementType;
  readonly end: number;
  readonly rule: string;
  readonly priority: number;
  readonly data: Partial<Element>;
}

/** Priorities break ties between matches of the same length (lower wins). */
const P = {
  duration: 0,
  frequency: 1,
  prn: 2,
  quantity: 3,
  count: 4,
  form: 5,
  route: 6,
  status: 7,
  indication: 8,
  intensity: 8,
  skip: 9,
  seq: 10,
  dist: 11,
} as const;

/**
 * A regular expression made on its first use: even parsing a large `iu` expression takes a while,
 * and a note uses only some of them (one without a dose uses none).
 */
class LazyRegExp {
  #re: RegExp | undefined;
  readonly #source: string;
  readonly #flags: string;

  constructor(source: string, flags: string) {
    this.#source = source;
    this.#flags = flags;
  }

  get re(): RegExp {
    return (this.#re ??= new RegExp(this.#source, this.#flags));
  }
}

export class SigGrammar {
  readonly lex: CompiledLexicon;
  readonly #quantity: LazyRegExp;
  readonly #per: LazyRegExp;
  readonly #qInterval: LazyRegExp;
  readonly #every: LazyRegExp;
  readonly #times: LazyRegExp;
  readonly #timeOfDay: LazyRegExp;
  readonly #count: LazyRegExp;
  readonly #duration: LazyRegExp;
  readonly #durationCourse: LazyRegExp;
  readonly #durationBare: LazyRegExp;
  readonly #notDuration: RegExp;
  readonly #number: LazyRegExp;
  /** First tokens of number words (`one`, `half`, `a` of `a half`). */
  readonly #numberFirst: ReadonlySet<string>;
  /** First tokens of duration leads (`x`, `for`, `during`). */
  readonly #durationFirst: ReadonlySet<string>;
  /** Some duration lead starts with a digit (else `grammar.duration` cannot match at one). */
  readonly #leadAtDigit: boolean;
  /** Words the number patterns may start with besides numbers (`every`, `at`, `once`, `for`). */
  readonly #grammarFirst: ReadonlySet<string>;
  readonly #grammarFilter: StringPrefilter;

  constructor(lex: CompiledLexicon) {
    this.lex = lex;
    this.#numberFirst = new Set(lex.numberFirsts);
    this.#durationFirst = new Set(['x', '×', ...lex.durationLeadFirsts]);
    this.#leadAtDigit = lex.durationLeads.some((l) => /^\s*[0-9]/.test(l));
    this.#grammarFirst = new Set([
      ...this.#durationFirst,
      'every',
      'each',
      'at',
      'noon',
      'midnight',
      'once',
      'twice',
      'thrice',
      'times',
    ]);
    this.#grammarFilter = new StringPrefilter(this.#grammarFirst);
    const NUM = lex.numberSource;
    const DIG = '\\d+(?:\\.\\d+)?';
    const unitEnd = `(?:(?<=[^\\p{L}\\p{N}])|${END})`;
    this.#number = new LazyRegExp(NUM, 'iuy');
    this.#quantity = new LazyRegExp(
      `(${NUM})(?:${RANGE_SEP}(${NUM}))?\\s*(?:-\\s*)?(${lex.unitSource})${unitEnd}`,
      'iuy',
    );
    this.#per = new LazyRegExp(
      `\\s*(\\/|per\\s+)\\s*(?:(${DIG})\\s*)?(${lex.perUnitSource})s?${unitEnd}`,
      'iuy',
    );
    const TIME = lex.timeUnitSource;
    this.#qInterval = new LazyRegExp(
      `q\\.?\\s*(${DIG})(?:\\s*(?:${DASH}|to)\\s*(${DIG}))?\\s*-?\\s*(${TIME})\\.?(?=$|[^\\p{L}\\p{N}])`,
      'iuy',
    );
    const ORD = 'other|second|third|fourth';
    this.#every = new LazyRegExp(
      `(?:every|each|q)\\s+(?:(${NUM}|${ORD})(?:\\s*(?:${DASH}|to|or)\\s*(${NUM}))?\\s*-?\\s*)?(${TIME})${END}`,
      'iuy',
    );
    const PERIOD =
      '24\\s*(?:hours|hrs|hr|h)|day|daily|d|week|weekly|wk|month|monthly|mo|hour|hourly|hr|h|year|yearly|yr|night|nightly';
    this.#times = new LazyRegExp(
      `(${NUM}|once|twice|thrice)(?:\\s*(?:${DASH}|to|or)\\s*(${NUM}))?\\s*(?:times|time|x|×)\\s*(?:(?:a|per|each|every|in\\s+a|a\\s+day\\s+per|\\/)\\s*)?(${PERIOD})${END}`,
      'iuy',
    );
    this.#timeOfDay = new LazyRegExp(
      `(?:at\\s+)?(?:(\\d{1,2})(?::(\\d{2}))?\\s*(a\\.?m\\.?|p\\.?m\\.?)(?=$|[^\\p{L}\\p{N}])|(noon|midnight)${END})`,
      'iuy',
    );
    this.#count = new LazyRegExp(
      `(?:x|×|times)\\s*(${NUM})(?:\\s+(?:doses?|injections?|infusions?))?${END}`,
      'iuy',
    );
    const LEADS = lex.durationLeadSource;
    const FILL = lex.durationFillerSource;
    this.#duration = new LazyRegExp(
      `(?:(?:x|×)\\s*|(?:${LEADS})\\s+)(?:(?:${FILL})\\s+)?(${NUM}|an?)(?:\\s*(?:${DASH}|to)\\s*(${NUM}))?\\s*-?\\s*(?:(?:${FILL})\\s+)?(${TIME})${END}`,
      'iuy',
    );
    this.#durationCourse = new LazyRegExp(
      `(${NUM})(?:\\s*(?:${DASH}|to)\\s*(${NUM}))?\\s*-?\\s*(${TIME})\\s+(?:${lex.courseSource})${END}`,
      'iuy',
    );
    this.#durationBare = new LazyRegExp(
      `(${NUM})(?:\\s*(?:${DASH}|to)\\s*(${NUM}))?\\s*-?\\s*(${TIME})${END}`,
      'iuy',
    );
    this.#notDuration =
      /\s*(?:ago|prior|before|earlier|later|after|old|post|postop|post-op|of\s+age|since|previously|back)(?![\p{L}\p{N}])/iuy;
  }

  /** A token norm that can start a number: digits, a fraction sign, a number word. */
  isNumeric(norm: string): boolean {
    const c = norm.charCodeAt(0);
    return (
      (c >= 48 && c <= 57) ||
      c === 46 ||
      c === 0xbd ||
      c === 0xbc ||
      c === 0xbe ||
      this.#numberFirst.has(norm)
    );
  }

  num(s: string): number {
    return parseNumber(s, this.lex.numberWords);
  }

  /** A strength or dose quantity at `pos`: `500 mg`, `2.5-5 mg`, `0.5 mg/mL`, `2 tabs`, `one tab`. */
  quantity(
    text: string,
    pos: number,
    norm?: string,
  ): { end: number; quantity: Quantity; unit: UnitEntry; lab: boolean } | null {
    if (norm !== undefined && !this.isNumeric(norm)) return null;
    const re = this.#quantity.re;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return null;
    const unit = this.lex.units.get(phraseKey(m[3] as string));
    if (!unit) return null;
    // `18G`, `14G` glued to the number is a needle or catheter gauge, not grams
    if (m[3] === 'G' && text.charCodeAt(pos + m[0].length - 2) !== 32) return null;
    let value = this.num(m[1] as string);
    let high = m[2] !== undefined ? this.num(m[2]) : undefined;
    if (!Number.isFinite(value) || (high !== undefined && !Number.isFinite(high))) return null;
    value = round(value * unit.factor);
    if (high !== undefined) high = round(high * unit.factor);
    let end = pos + m[0].length;
    let per: Per | undefined;
    let lab = false;
    const pers: { value: number; unit: string }[] = [];
    for (let k = 0; k < 2; k++) {
      const per = this.#per.re;
      per.lastIndex = end;
      const p = per.exec(text);
      if (!p) break;
      const pu = this.lex.perUnits.get(phraseKey(p[3] as string));
      if (!pu) break;
      // `30 mg per day` is a dose and a frequency; `30 mg/day` a daily amount
      if (p[1] !== '/' && TIME_PER.has(pu.ucum)) break;
      if (pu.lab) lab = true;
      pers.push({ value: p[2] !== undefined ? Number(p[2]) : 1, unit: pu.ucum });
      end += p[0].length;
    }
    if (pers.length > 0) {
      const first = pers[0] as { value: number; unit: string };
      per = { value: first.value, unit: pers.map((x) => x.unit).join('/') };
    }
    const quantity: Quantity = {
      value,
      ...(high !== undefined && high !== value ? { valueHigh: high } : {}),
      unit: unit.ucum,
      ...(per ? { per } : {}),
    };
    return { end, quantity, unit, lab };
  }

  /** A number alone at pos (for `take 2`): its end and value. */
  number(text: string, pos: number): { end: number; value: number } | null {
    const re = this.#number.re;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return null;
    const value = this.num(m[0]);
    return Number.isFinite(value) ? { end: pos + m[0].length, value } : null;
  }

  /**
   * A frequency at pos: a fixed phrase or an interval pattern. `norm`: the norm of the token at pos
   * (only the patterns that can start with it are tried); absent: all are.
   */
  frequency(text: string, pos: number, norm?: string): { end: number; timing: Timing; rule: string } | null {
    let best: { end: number; timing: Timing; rule: string } | null = null;
    const offer = (end: number, timing: Timing, rule: string): void => {
      if (!best || end > best.end) best = { end, timing, rule };
    };
    const all = norm === undefined;
    const n = norm ?? '';
    const fixed = this.lex.frequencies.match(text, pos, norm);
    if (fixed) offer(fixed.end, { ...fixed.entry.timing }, fixed.entry.id);
    const numeric = all || this.isNumeric(n);

    let re: RegExp;
    let m: RegExpExecArray | null = null;
    if (all || n.charCodeAt(0) === 113 /* q */) {
      re = this.#qInterval.re;
      re.lastIndex = pos;
      m = re.exec(text);
    }
    if (m) {
      const unit = this.lex.timeUnits.get(phraseKey(m[3] as string));
      const period = Number(m[1]);
      const max = m[2] !== undefined ? Number(m[2]) : undefined;
      if (unit && period > 0) {
        offer(
          pos + m[0].length,
          {
            frequency: 1,
            period,
            ...(max !== undefined && max > period ? { periodMax: max } : {}),
            periodUnit: unit,
          },
          'grammar.q-interval',
        );
      }
    }
    m = null;
    if (all || n === 'every' || n === 'each' || n === 'q') {
      re = this.#every.re;
      re.lastIndex = pos;
      m = re.exec(text);
    }
    if (m) {
      const unit = this.lex.timeUnits.get(phraseKey(m[3] as string));
      const ord: Record<string, number> = { other: 2, second: 2, third: 3, fourth: 4 };
      const raw = m[1]?.toLowerCase();
      const period = raw === undefined ? 1 : (ord[raw] ?? this.num(raw));
      const max = m[2] !== undefined ? this.num(m[2]) : undefined;
      if (unit && Number.isFinite(period) && period > 0) {
        offer(
          pos + m[0].length,
          {
            frequency: 1,
            period,
            ...(max !== undefined && Number.isFinite(max) && max > period ? { periodMax: max } : {}),
            periodUnit: unit,
          },
          'grammar.every',
        );
      }
    }
    m = null;
    if (numeric || n === 'once' || n === 'twice' || n === 'thrice' || /^\d+x$/.test(n)) {
      re = this.#times.re;
      re.lastIndex = pos;
      m = re.exec(text);
    }
    if (m) {
      const w: Record<string, number> = { once: 1, twice: 2, thrice: 3 };
      const raw = (m[1] as string).toLowerCase();
      const n = w[raw] ?? this.num(raw);
      const max = m[2] !== undefined ? this.num(m[2]) : undefined;
      const p = (m[3] as string).toLowerCase().replace(/\s+/g, '');
      let periodUnit: Timing['periodUnit'];
      let period = 1;
      if (/^24/.test(p) || p === 'day' || p === 'daily' || p === 'd' || p === 'night' || p === 'nightly')
        periodUnit = 'd';
      else if (p.startsWith('w')) periodUnit = 'wk';
      else if (p.startsWith('mo')) periodUnit = 'mo';
      else if (p.startsWith('h')) periodUnit = 'h';
      else periodUnit = 'a';
      if (/^24/.test(p)) period = 1;
      if (Number.isInteger(n) && n > 0 && n <= 24) {
        offer(
          pos + m[0].length,
          {
            frequency: n,
            ...(max !== undefined && Number.isInteger(max) && max > n ? { frequencyMax: max } : {}),
            period,
            periodUnit,
          },
          'grammar.times-per',
        );
      }
    }
    m = null;
    if (numeric || n === 'at' || n === 'noon' || n === 'midnight') {
      re = this.#timeOfDay.re;
      re.lastIndex = pos;
      m = re.exec(text);
    }
    if (m) {
      let time: string | null = null;
      if (m[4]) time = m[4].toLowerCase() === 'noon' ? '12:00:00' : '00:00:00';
      else {
        let h = Number(m[1]);
        const min = m[2] !== undefined ? Number(m[2]) : 0;
        const pm = /^p/i.test(m[3] as string);
        if (h >= 1 && h <= 12 && min < 60) {
          if (pm && h < 12) h += 12;
          if (!pm && h === 12) h = 0;
          time = `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}:00`;
        }
      }
      if (time) offer(pos + m[0].length, { timeOfDay: [time] }, 'grammar.time-of-day');
    }
    return best;
  }

  /** `x 3`, `x 2 doses`: Timing.repeat.count. */
  count(text: string, pos: number, norm?: string): { end: number; count: number } | null {
    if (norm !== undefined && norm !== 'x' && norm !== '×' && norm !== 'times' && !/^[x×]\d/.test(norm))
      return null;
    const re = this.#count.re;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return null;
    const n = this.num(m[1] as string);
    if (!Number.isInteger(n) || n < 1 || n > 12) return null;
    return { end: pos + m[0].length, count: n };
  }

  /** `x 7 days`, `for 2 weeks`, `x10d`, `for 5 more days`, `7-day course`, and (bare) `10 days`. */
  duration(
    text: string,
    pos: number,
    norm?: string,
  ): { end: number; value: number; valueHigh?: number; unit: string; rule: string } | null {
    if (
      norm !== undefined &&
      !this.isNumeric(norm) &&
      !this.#durationFirst.has(norm) &&
      !/^[x×]\d/.test(norm)
    ) {
      return null;
    }
    // `grammar.duration` starts with `x`, `×` or a lead word: never at a digit (unless a lead does)
    const c = text.charCodeAt(pos);
    const digit = c >= 48 && c <= 57;
    for (const [lazy, rule] of [
      [this.#duration, 'grammar.duration'],
      [this.#durationCourse, 'grammar.duration-course'],
      [this.#durationBare, 'grammar.duration-bare'],
    ] as const) {
      if (digit && lazy === this.#duration && !this.#leadAtDigit) continue;
      const re = lazy.re;
      re.lastIndex = pos;
      const m = re.exec(text);
      if (!m) continue;
      const raw = (m[1] as string).toLowerCase();
      const value = raw === 'a' || raw === 'an' ? 1 : this.num(raw);
      const high = m[2] !== undefined ? this.num(m[2]) : undefined;
      const unit = this.lex.timeUnits.get(phraseKey(m[3] as string));
      if (!unit || !Number.isFinite(value) || value <= 0) continue;
      // a bare number with a one-letter unit is not a duration (`212 H`, `5 d`)
      if (rule === 'grammar.duration-bare' && (m[3] as string).length < 3) continue;
      const end = pos + m[0].length;
      if (rule !== 'grammar.duration-course') {
        this.#notDuration.lastIndex = end;
        if (this.#notDuration.test(text)) return null;
      }
      return {
        end,
        value,
        ...(high !== undefined && Number.isFinite(high) && high > value ? { valueHigh: high } : {}),
        unit,
        rule,
      };
    }
    return null;
  }

  /** The longest element starting at token i (ties: the priorities above), or null. */
  elementAt(ctx: ScanContext, i: number): Element | null {
    const tok = ctx.tokens[i];
    if (!tok) return null;
    const { text } = ctx;
    const pos = tok.start;
    const lex = this.lex;
    const norm = tok.norm;
    const numeric = this.isNumeric(norm);
    const mask = lex.firstFilter.mayHave(norm) ? (lex.firstMask.get(norm) ?? 0) : 0;
    const c0 = norm.charCodeAt(0);
    // a plain word that no phrase and no pattern starts with: nothing here (most tokens)
    if (
      mask === 0 &&
      !numeric &&
      c0 !== 113 /* q */ &&
      c0 !== 120 /* x */ &&
      norm !== '×' &&
      !(this.#grammarFilter.mayHave(norm) && this.#grammarFirst.has(norm))
    ) {
      return null;
    }
    const cands: Candidate[] = [];
    const add = (
      type: ElementType,
      end: number,
      rule: string,
      priority: number,
      data: Partial<Element>,
    ): void => {
      if (end > pos) cands.push({ type, end, rule, priority, data });
    };
    const has = (bit: number): boolean => (mask & bit) !== 0;

    // durations (`x 7 days`, `for 2 weeks`, `10 days`)
    const d = this.duration(text, pos, norm);
    const before = i > 0 ? (ctx.tokens[i - 1] as Token).norm : '';
    if (d && !(d.rule === 'grammar.duration-bare' && NOT_BEFORE_BARE_DURATION.has(before))) {
      add('duration', d.end, d.rule, P.duration, {
        duration: {
          value: d.value,
          ...(d.valueHigh !== undefined ? { valueHigh: d.valueHigh } : {}),
          unit: d.unit,
        },
      });
    }
    // frequencies
    const f = this.frequency(text, pos, norm);
    if (f && !(f.rule === 'count.once' && this.#conjunctionOnce(ctx, f.end))) {
      add('frequency', f.end, f.rule, P.frequency, { timing: f.timing });
    }
    // count (`x 2 doses`)
    const c = this.count(text, pos, norm);
    if (c) add('frequency', c.end, 'grammar.count', P.count, { timing: { count: c.count } });
    // as needed, with its reason
    const prn = has(B.asNeeded) ? lex.asNeeded.match(text, pos, norm) : null;
    if (prn) {
      let end = prn.end;
      let reason: { start: number; end: number } | undefined;
      let j = this.#tokenAt(ctx, end);
      const jt = ctx.tokens[j];
      const link = j < ctx.limit && jt ? lex.reasonLinks.match(text, jt.start, jt.norm) : null;
      if (link) j = this.#tokenAt(ctx, link.end);
      const r = this.#reason(ctx, j, false);
      if (r) {
        reason = r;
        end = r.end;
      }
      add('prn', end, lex.asNeededId, P.prn, reason ? { reason } : {});
    }
    // quantities
    if (numeric) {
      const q = this.quantity(text, pos, norm);
      if (q) {
        if (q.lab) {
          add('skip', q.end, 'grammar.lab-quantity', P.quantity, {});
        } else {
          const kind = q.unit.kind;
          const isDose = kind === 'form' || ((kind === 'units' || kind === 'volume') && !q.quantity.per);
          add(isDose ? 'dose' : 'strength', q.end, q.unit.id, P.quantity, { quantity: q.quantity });
        }
      }
    }
    if (!(norm.charCodeAt(0) >= 48 && norm.charCodeAt(0) <= 57)) {
      // forms (with the route they imply), routes
      const fm = has(B.forms) ? lex.forms.match(text, pos, norm) : null;
      if (fm) {
        const route = fm.entry.route ? lex.routeByCode.get(fm.entry.route) : undefined;
        add('form', fm.end, fm.entry.id, P.form, { form: fm.entry, ...(route ? { route } : {}) });
      }
      const rt = has(B.routes) ? lex.routes.match(text, pos, norm) : null;
      if (rt) add('route', rt.end, rt.entry.id, P.route, { route: rt.entry });
      const it = has(B.intensities) ? lex.intensities.match(text, pos, norm) : null;
      if (it) add('intensity', it.end, it.entry.id, P.intensity, { intensity: it.entry });
      // status
      const st = has(B.statuses) ? lex.statuses.match(text, pos, norm) : null;
      if (st && !this.#followedBy(ctx, st.end, st.entry.notBefore)) {
        add('status', st.end, st.entry.id, P.status, { status: st.entry });
      }
      // indication: `for hypertension`
      const lead = has(B.indicationLeads) ? lex.indicationLeads.match(text, pos, norm) : null;
      if (lead) {
        const r = this.#reason(ctx, this.#tokenAt(ctx, lead.end), true);
        if (r) add('indication', r.end, 'grammar.indication', P.indication, { reason: r });
      }
      // a maximum or a dispensed amount: not the dose
      const skip =
        (has(B.maxLeads) ? lex.maxLeads.match(text, pos, norm) : null) ??
        (has(B.dispenseLeads) ? lex.dispenseLeads.match(text, pos, norm) : null);
      if (skip) {
        let end = skip.end;
        const j = this.#tokenAt(ctx, end);
        const next = ctx.tokens[j];
        if (next && j < ctx.limit) {
          const colon = text.charCodeAt(next.start) === 58 ? 1 : 0;
          const k = colon ? j + 1 : j;
          const nt = ctx.tokens[k];
          if (nt && k < ctx.limit) {
            const q = this.quantity(text, nt.start, nt.norm);
            const n = q ? null : this.number(text, nt.start);
            end = q ? q.end : n ? n.end : end;
          }
        }
        add('skip', end, 'grammar.not-dose', P.skip, {});
      }
      const seq = has(B.sequence) ? lex.sequence.match(text, pos, norm) : null;
      if (seq) add('seq', seq.end, 'grammar.sequence', P.seq, {});
      const dist = has(B.distribute) ? lex.distribute.match(text, pos, norm) : null;
      if (dist) add('dist', dist.end, 'grammar.distribute', P.dist, {});
    }
    if (cands.length === 0) return null;
    let best = cands[0] as Candidate;
    for (const c of cands) {
      if (c.end > best.end || (c.end === best.end && c.priority < best.priority)) best = c;
    }
    const t1 = this.#tokenAt(ctx, best.end);
    return { type: best.type, start: pos, end: best.end, t0: i, t1, rule: best.rule, ...best.data };
  }

  /** `once` followed by a plain word is the conjunction (`once she stopped vomiting`), not a single dose. */
  #conjunctionOnce(ctx: ScanContext, end: number): boolean {
    if (!/once$/i.test(ctx.text.slice(Math.max(0, end - 4), end))) return false;
    const j = this.#tokenAt(ctx, end);
    const t = ctx.tokens[j];
    if (!t || j >= ctx.limit || t.kind !== 'word') return false;
    return (
      !this.lex.sigWords.has(t.norm) && !this.lex.separators.has(t.norm) && !this.lex.asNeeded.has(t.norm)
    );
  }

  /** The status of a table cell (`CONTINUE`, `HOLD`, `new`), matched on its first words. */
  tableStatus(text: string, pos: number): { end: number; status: StatusEntry } | null {
    const m = this.lex.tableStatuses.match(text, pos);
    return m ? { end: m.end, status: m.entry } : null;
  }

  /** Index of the first token starting at or after `offset`. */
  #tokenAt(ctx: ScanContext, offset: number): number {
    const { tokens } = ctx;
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tokens[mid] as Token).start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #followedBy(ctx: ScanContext, offset: number, words: ReadonlySet<string>): boolean {
    if (words.size === 0) return false;
    const j = this.#tokenAt(ctx, offset);
    const t = ctx.tokens[j];
    return t !== undefined && j < ctx.limit && words.has(t.norm);
  }

  /** Whether a sig element (other than route/form/indication) starts at token j: a reason stops there. */
  #elementStarts(ctx: ScanContext, j: number): boolean {
    const t = ctx.tokens[j] as Token;
    const { text } = ctx;
    const n = t.norm;
    return (
      this.duration(text, t.start, n) !== null ||
      this.frequency(text, t.start, n) !== null ||
      this.quantity(text, t.start, n) !== null ||
      this.lex.asNeeded.match(text, t.start, n) !== null ||
      this.lex.statuses.match(text, t.start, n) !== null ||
      this.lex.maxLeads.match(text, t.start, n) !== null ||
      this.lex.dispenseLeads.match(text, t.start, n) !== null ||
      this.lex.sequence.match(text, t.start, n) !== null
    );
  }

  /**
   * The words of a reason (`pain`, `moderate-severe pain`, `hypertension`) from token j: at most six
   * tokens, stopping at punctuation, a line or cell break, a stop word, a drug or another element.
   * `indication`: the first word must not be a number or a denied word (`for 2 weeks`, `for now`).
   */
  #reason(ctx: ScanContext, j: number, indication: boolean): { start: number; end: number } | null {
    const { tokens, text } = ctx;
    const lex = this.lex;
    let k = j;
    // skip determiners: `for his diabetes`
    while (k < ctx.limit && lex.indicationSkipFirst.has((tokens[k] as Token).norm) && k - j < 2) k++;
    if (k >= ctx.limit) return null;
    const first = tokens[k] as Token;
    if (k > j && this.#gapBreaks(text, (tokens[k - 1] as Token).end, first.start)) return null;
    if (j > 0 && k === j && j < tokens.length) {
      const prev = tokens[j - 1] as Token;
      if (this.#gapBreaks(text, prev.end, first.start)) return null;
    }
    if (first.kind !== 'word') return null;
    if (indication && lex.indicationDenyFirst.has(first.norm)) return null;
    let end = -1;
    let n = 0;
    for (let x = k; x < ctx.limit && n < 6; x++) {
      const t = tokens[x] as Token;
      if (x > k && this.#gapBreaks(text, (tokens[x - 1] as Token).end, t.start)) break;
      if (ctx.isDrugStart(x)) break;
      if (t.kind === 'punct' && t.norm !== '-' && t.norm !== '/' && t.norm !== "'") break;
      if (t.kind === 'symbol' && t.norm !== '/' && t.norm !== '&') break;
      if (lex.reasonStop.has(t.norm)) break;
      if (this.#elementStarts(ctx, x)) break;
      if (t.kind === 'punct' || t.kind === 'symbol') {
        // a joiner inside the reason (`nausea/vomiting`, `moderate-severe`) needs a word after it
        const nx = tokens[x + 1];
        if (!nx || x + 1 >= ctx.limit || nx.kind !== 'word' || nx.start !== t.end) break;
        continue;
      }
      end = t.end;
      n++;
    }
    if (end < 0) return null;
    return { start: first.start, end };
  }

  /** A line break, a table cell border or a wide gap between two tokens. */
  #gapBreaks(text: string, a: number, b: number): boolean {
    if (b - a >= 2) {
      const gap = text.slice(a, b);
      if (gap.includes('\n') || gap.includes('\t') || gap.includes('  ') || gap.includes('|')) return true;
    }
    return false;
  }
}

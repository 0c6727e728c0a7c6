/**
 * Temporality: ConText's onset axis (`recent`, `historical`, `hypothetical`), kept apart from the
 * status categories. A condition is historical when it began more than `onsetDays` (14) days before
 * the visit: a HISTORICAL cue, an explicit long duration (`for 3 years`, `since 2010`), a chronic
 * modifier (`chronic`, `known`), a chronic condition, habit or allergy of our lexicon
 * (`resources/assertions/chronic.json`) or a section whose content began before the visit (social
 * history, allergies, problem list). Recent-onset cues (`new onset`, `acute`, `exacerbation`, a short
 * duration) override the lexicon. See docs/assertions.md, "Temporality".
 *
 * The lexicon and the cues are matched with one small token trie over a window of the target's
 * clause; durations are read by code (numbers and units).
 */

import { type Static, Type } from '@sinclair/typebox';
import { ClinoteError } from '../../errors/error.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { StringPrefilter } from '../../text/prefilter.js';
import { tokenize } from '../../text/tokenize.js';
import { normToken, withText } from './rules.js';

export { TEMPORALITIES, type Temporality } from './types.js';

export const DEFAULT_CHRONIC_LEXICON = 'assertions/chronic.json';
export const TEMPORALITY_DEFAULT_RULE = 'temporality.default';

const ID = '^[a-z][a-z0-9]*(\\.[a-z0-9]+(-[a-z0-9]+)*)+$';
const Terms = Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true });

const LexiconEntrySchema = Type.Object(
  { id: Type.String({ pattern: ID }), terms: Terms, note: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

const ModifierSchema = Type.Object(
  {
    id: Type.String({ pattern: ID }),
    temporality: Type.Union([Type.Literal('recent'), Type.Literal('historical')]),
    where: Type.Union([Type.Literal('before'), Type.Literal('around')], {
      description: 'before: only before the concept (or inside it); around: before, inside or after it',
    }),
    window: Type.Integer({
      minimum: 1,
      maximum: 20,
      description: 'Word tokens between the cue and the concept',
    }),
    reach: Type.Optional(
      Type.Union([Type.Literal('phrase'), Type.Literal('clause')], {
        description:
          'phrase (default for `before`): the cue does not reach past `,`, `and`, `or`, `with`; clause: only `;`, `but`, `which`, ... stop it',
      }),
    ),
    weak: Type.Optional(
      Type.Boolean({ description: 'A weak recent cue does not override the lexicon (a time of the visit)' }),
    ),
    terms: Terms,
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ChronicLexiconSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    description: Type.Optional(Type.String()),
    onsetDays: Type.Integer({
      minimum: 1,
      description: 'A condition that began more than this many days before the visit is historical',
    }),
    conditions: Type.Array(LexiconEntrySchema, { description: 'Chronic conditions (head terms)' }),
    habits: Type.Array(LexiconEntrySchema, { description: 'Long-standing habits (social history)' }),
    allergies: Type.Array(LexiconEntrySchema, { description: 'Allergy words' }),
    modifiers: Type.Array(ModifierSchema, { description: 'Onset cues: chronic / recent modifiers' }),
    sections: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: ID }),
          sections: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), {
            minItems: 1,
            uniqueItems: true,
          }),
          note: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    $id: 'https://clinote.dev/schemas/assertion-chronic.json',
    title: 'Clinote temporality lexicon',
    description: 'Chronic conditions, habits, allergies, onset cues and sections for the temporality axis.',
  },
);
export type ChronicLexicon = Static<typeof ChronicLexiconSchema>;

/** The JSON Schema file kept beside the lexicon (`resources/assertions/chronic.schema.json`); a test keeps it in step. */
export function chronicLexiconJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...ChronicLexiconSchema };
}

/** Read and validate the lexicon through the factory context (CLINOTE_E_RESOURCE_INVALID when bad). */
export function loadChronicLexicon(ctx: FactoryContext, path = DEFAULT_CHRONIC_LEXICON): ChronicLexicon {
  return loadJsonResource(ctx, path, ChronicLexiconSchema);
}

/** Kinds of a lexicon match, from the strongest for the resolution. */
export type TermKind = 'lexicon' | 'modifier';

export interface TermEntry {
  readonly id: string;
  readonly kind: TermKind;
  readonly temporality: 'recent' | 'historical';
  readonly where: 'before' | 'around' | 'inside';
  readonly window: number;
  readonly weak: boolean;
  /** The cue does not reach past list separators (`,`, `and`, `with`). */
  readonly phrase: boolean;
}

/** A node of the lexicon's token trie. */
export interface TermNode {
  next: Map<string, TermNode> | null;
  entry: TermEntry | null;
}

const F_STOP = 1;
const F_LIST_STOP = 2;
const F_AND_OR = 4;
/** The token may start a duration (the test at the top of `#durationAt`). */
const F_DURATION = 8;
/** The token's facts are computed. */
const F_DONE = 128;

/**
 * Per-token facts of one sentence for the onset search (`CompiledLexicon.index`), computed once
 * and shared by every target of the sentence; the results are those of the search without it.
 */
export interface OnsetIndex {
  readonly norm: readonly string[];
  /** The trie node of token i as the first token of a term (once its flags are F_DONE). */
  readonly first: (TermNode | undefined)[];
  /** F_* bits of token i; 0 until computed (on the first use). */
  readonly flags: Uint8Array;
}

/** Can token t start a duration: a digit, `x2`, `×`, a number word or a lead word. */
function mayStartDuration(t: string): boolean {
  const c0 = t.charCodeAt(0);
  return (
    (c0 >= 48 && c0 <= 57) ||
    c0 === 120 ||
    c0 === 215 ||
    t === 'for' ||
    YEAR_LEAD.has(t) ||
    WORD_NUMBERS.has(t)
  );
}

/** The F_* bits of a token (without F_DONE). */
function tokenFlags(t: string): number {
  const c0 = t.charCodeAt(0);
  let f = TOKEN_FLAGS_FILTER.mayHave(t) ? (TOKEN_FLAGS.get(t) ?? 0) : 0;
  if ((c0 >= 48 && c0 <= 57) || c0 === 120 || c0 === 215) f |= F_DURATION;
  return f;
}

/** One onset match in a sentence: token range [s, e) and what it says. */
export interface OnsetMatch {
  readonly s: number;
  readonly e: number;
  readonly rule: string;
  readonly temporality: 'recent' | 'historical';
  /** 0 hypothetical/historical category, 1 duration, 2 strong recent, 3 chronic modifier, 4 lexicon, 5 weak recent. */
  readonly rank: number;
  /** Word tokens between the match and the target (0 inside or adjacent). */
  readonly distance: number;
}

/** The lexicon compiled: one token trie for every term, the sections, the onset threshold. */
export class CompiledLexicon {
  readonly version: string;
  readonly onsetDays: number;
  readonly sections: readonly { readonly id: string; readonly sections: ReadonlySet<string> }[];
  readonly #root: TermNode = { next: null, entry: null };
  /** A quick test before a lookup in the root of the trie. */
  readonly #rootFilter: StringPrefilter;
  /** Number of terms. */
  readonly terms: number;

  /** The checked lexicon as JSON data, from which `fromData` builds an equal lexicon. */
  readonly data: LexiconData;

  /** Compile and check a lexicon (CLINOTE_E_RESOURCE_INVALID for a duplicate id or term). */
  constructor(file: ChronicLexicon);
  constructor(file: ChronicLexicon | null, trusted?: LexiconData);
  constructor(file: ChronicLexicon | null, trusted?: LexiconData) {
    const data = file === null ? (trusted as LexiconData) : lexiconData(file);
    this.data = data;
    this.version = data.version;
    this.onsetDays = data.onsetDays;
    for (const [e, seq] of data.terms) {
      let node = this.#root;
      for (const t of seq) {
        node.next ??= new Map();
        let c = node.next.get(t);
        if (!c) node.next.set(t, (c = { next: null, entry: null }));
        node = c;
      }
      node.entry = data.entries[e] as TermEntry;
    }
    this.sections = data.sections.map((s) => ({ id: s.id, sections: new Set(s.sections) }));
    this.terms = data.terms.length;
    this.#rootFilter = new StringPrefilter(this.#root.next?.keys() ?? []);
  }

  /** The lexicon of `data` (from `CompiledLexicon.data`), trusted: not checked again. */
  static fromData(data: LexiconData): CompiledLexicon {
    return new CompiledLexicon(null, data);
  }

  /** The per-token facts of a sentence's tokens (lower-cased norms) for `matches` and `duration`. */
  index(norm: readonly string[]): OnsetIndex {
    const n = norm.length;
    return { norm, first: new Array<TermNode | undefined>(n), flags: new Uint8Array(n) };
  }

  /** The F_* bits of token i of an index, computed on the first call. */
  #flags(idx: OnsetIndex, i: number): number {
    let f = idx.flags[i] as number;
    if (f === 0) {
      const t = idx.norm[i] as string;
      f = tokenFlags(t) | F_DONE;
      idx.flags[i] = f;
      const root = this.#root.next;
      idx.first[i] = root === null || !this.#rootFilter.mayHave(t) ? undefined : root.get(t);
    }
    return f;
  }

  /**
   * The onset matches that bear on target tokens [ta, tb) in tokens [lo, hi) (the target's clause,
   * cut to a window): lexicon terms inside the target, modifiers before it (or around it) within
   * their window, and durations. Stop words (`;`, `but`, ...) end the reach of a cue; `and`, `or`
   * and commas end the reach of a `before` modifier too.
   */
  matches(
    norm: readonly string[],
    isWord: (i: number) => boolean,
    lo: number,
    hi: number,
    ta: number,
    tb: number,
    index?: OnsetIndex,
  ): OnsetMatch[] {
    const out: OnsetMatch[] = [];
    const root = this.#root.next;
    if (root === null) return out;
    const idx = index !== undefined && index.norm === norm ? index : undefined;
    let i = lo;
    while (i < hi) {
      let node: TermNode | undefined;
      if (idx !== undefined) {
        this.#flags(idx, i);
        node = idx.first[i];
      } else node = root.get(norm[i] as string);
      if (node === undefined) {
        i++;
        continue;
      }
      let best: TermEntry | null = null;
      let bestEnd = i;
      let j = i + 1;
      for (;;) {
        if (node.entry !== null) {
          best = node.entry;
          bestEnd = j;
        }
        if (j >= hi || node.next === null) break;
        const c: TermNode | undefined = node.next.get(norm[j] as string);
        if (c === undefined) break;
        node = c;
        j++;
      }
      if (best === null) {
        i++;
        continue;
      }
      const m = this.#place(best, norm, isWord, i, bestEnd, ta, tb, idx);
      if (m !== null) out.push(m);
      i = bestEnd;
    }
    return out;
  }

  #place(
    entry: TermEntry,
    norm: readonly string[],
    isWord: (i: number) => boolean,
    s: number,
    e: number,
    ta: number,
    tb: number,
    idx: OnsetIndex | undefined,
  ): OnsetMatch | null {
    const inside = s < tb && e > ta;
    let distance = 0;
    if (!inside) {
      if (entry.where === 'inside') return null;
      const after = s >= tb;
      if (after && entry.where === 'before') return null;
      const [a, b] = after ? [tb, s] : [e, ta];
      const strict = entry.phrase;
      for (let k = a; k < b; k++) {
        if (idx !== undefined) {
          const f = this.#flags(idx, k);
          if (f & F_STOP || (strict && f & F_LIST_STOP)) return null;
        } else {
          const t = norm[k] as string;
          if (STOP.has(t) || (strict && LIST_STOP.has(t))) return null;
        }
        if (isWord(k)) distance++;
      }
      if (distance > entry.window) return null;
    }
    let rank: number;
    if (entry.kind === 'lexicon') rank = RANK_LEXICON;
    else if (entry.temporality === 'historical') rank = RANK_CHRONIC;
    else rank = entry.weak ? RANK_WEAK_RECENT : RANK_RECENT;
    return { s, e, rule: entry.id, temporality: entry.temporality, rank, distance };
  }

  /**
   * Durations near the target: `for 3 years`, `x 2 days`, `2-week history`, `10 years ago`,
   * `since 2010`, `in 2015`, `for years`. The nearest after the target wins, else the nearest
   * before it; historical when longer than `onsetDays`.
   */
  duration(
    norm: readonly string[],
    isWord: (i: number) => boolean,
    lo: number,
    hi: number,
    ta: number,
    tb: number,
    index?: OnsetIndex,
  ): OnsetMatch | null {
    const idx = index !== undefined && index.norm === norm ? index : undefined;
    let best: OnsetMatch | null = null;
    // after the target
    let d = 0;
    for (let i = tb; i < hi; i++) {
      const f = idx !== undefined ? this.#flags(idx, i) : 0;
      if (idx !== undefined ? f & F_STOP : STOP.has(norm[i] as string)) break;
      const m = idx !== undefined && !(f & F_DURATION) ? null : this.#durationAt(norm, i, hi, d);
      if (m !== null) return m;
      if (isWord(i)) d++;
      if (d > DURATION_WINDOW) break;
    }
    // before the target, nearest first; a duration that trails an earlier word (`knee pain for 3
    // years, rash`) belongs to that word, not to the target
    d = 0;
    for (let i = ta - 1; i >= lo; i--) {
      const f = idx !== undefined ? this.#flags(idx, i) : 0;
      if (idx !== undefined) {
        if (f & (F_STOP | F_AND_OR)) break;
      } else {
        const t = norm[i] as string;
        if (STOP.has(t) || t === 'and' || t === 'or') break;
      }
      const m = idx !== undefined && !(f & F_DURATION) ? null : this.#durationAt(norm, i, ta, d);
      if (m !== null && m.e <= ta) {
        let p = m.s - 1;
        while (p >= lo && (LEADS.has(norm[p] as string) || FILLERS.has(norm[p] as string))) p--;
        if (p < lo || !isWord(p)) best = m;
        break;
      }
      if (isWord(i)) d++;
      if (d > DURATION_WINDOW) break;
    }
    return best;
  }

  /** A duration starting at token i (its lead word or quantity), or null. */
  #durationAt(norm: readonly string[], i: number, hi: number, distance: number): OnsetMatch | null {
    const t = norm[i] as string;
    // most tokens cannot start a duration: a digit, `x2`, `×`, a number word or a lead word can
    if (!mayStartDuration(t)) return null;
    const long = (s: number, e: number, rule: string): OnsetMatch => ({
      s,
      e,
      rule,
      temporality: 'historical',
      rank: RANK_DURATION,
      distance,
    });
    // since 2010, in 2015, since the 1990s
    if (YEAR_LEAD.has(t) && i + 1 < hi) {
      let k = i + 1;
      if (norm[k] === 'the' && k + 1 < hi) k++;
      const y = norm[k] as string;
      if (/^(19|20)\d\d(s|'s)?$/.test(y))
        return long(i, k + 1, t === 'since' ? 'onset.since-year' : 'onset.year');
      return null;
    }
    // for years, for many years, for months
    if (t === 'for' && i + 1 < hi) {
      let k = i + 1;
      if (VAGUE.has(norm[k] as string) && k + 1 < hi) k++;
      const u = UNIT_DAYS.get(norm[k] as string);
      if (u !== undefined && u >= 30 && /s$/.test(norm[k] as string)) return long(i, k + 1, 'onset.duration');
    }
    // [lead] Q unit [ago|history]
    let q = quantity(norm[i] as string);
    let k = i + 1;
    let glued = false;
    if (q === null) {
      const g = /^[x×](\d+)$/.exec(t);
      if (g) {
        q = Number(g[1]);
        glued = true;
      } else {
        const m = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(t);
        if (m && UNIT_DAYS.has(m[2] as string)) {
          const days = Number(m[1]) * (UNIT_DAYS.get(m[2] as string) as number);
          return this.#onset(i, i + 1, days, distance, norm, i, i + 1);
        }
        return null;
      }
    }
    if (k < hi && norm[k] === '-') k++;
    const unit = k < hi ? UNIT_DAYS.get(norm[k] as string) : undefined;
    if (unit === undefined) return null;
    return this.#onset(i, k + 1, q * unit, distance, norm, glued ? i + 1 : i, k + 1, glued);
  }

  #onset(
    s: number,
    e: number,
    days: number,
    distance: number,
    norm: readonly string[],
    qs: number,
    ue: number,
    glued = false,
  ): OnsetMatch | null {
    const next = norm[ue];
    if (next === 'old' || (next === '-' && norm[ue + 1] === 'old')) return null; // `67 year old`
    // a lead before the quantity, or `ago` / `history` / `duration` after the unit
    let lead = glued;
    for (let k = qs - 1, n = 0; !lead && k >= 0 && n < 3; k--, n++) {
      const w = norm[k] as string;
      if (LEADS.has(w)) lead = true;
      else if (!FILLERS.has(w)) break;
    }
    let end = e;
    if (!lead && next !== undefined && TRAILS.has(next)) {
      lead = true;
      end = ue + 1;
    }
    if (!lead) return null;
    return {
      s,
      e: end,
      rule: days > this.onsetDays ? 'onset.duration' : 'onset.duration-short',
      temporality: days > this.onsetDays ? 'historical' : 'recent',
      rank: RANK_DURATION,
      distance,
    };
  }
}

/**
 * A checked lexicon as JSON data (`CompiledLexicon.data`): the entries and every term as its tokens,
 * in the order they go into the trie.
 */
export interface LexiconData {
  readonly version: string;
  readonly onsetDays: number;
  readonly sections: readonly { readonly id: string; readonly sections: readonly string[] }[];
  readonly entries: readonly TermEntry[];
  /** Index in `entries`, and the term's tokens. */
  readonly terms: readonly (readonly [number, readonly string[]])[];
}

/** Check a lexicon and cut its terms into tokens. */
function lexiconData(file: ChronicLexicon): LexiconData {
  const ids = new Set<string>();
  const seen = new Map<string, string>();
  const entries: TermEntry[] = [];
  const terms: [number, string[]][] = [];
  const add = (id: string, term: string): void => {
    const seq = tokenize(term).map((t) => normToken(t.norm));
    if (seq.length === 0) throw lexiconError(id, `term '${term}' has no tokens`);
    const key = seq.join('\u0001');
    const other = seen.get(key);
    if (other !== undefined) throw lexiconError(id, `term '${term}' is also in '${other}'`);
    seen.set(key, id);
    terms.push([entries.length - 1, seq]);
  };
  const unique = (id: string): void => {
    if (ids.has(id)) throw lexiconError(id, 'duplicate id');
    ids.add(id);
  };
  for (const group of [file.conditions, file.habits, file.allergies]) {
    for (const c of group) {
      unique(c.id);
      entries.push({
        id: c.id,
        kind: 'lexicon',
        temporality: 'historical',
        where: 'inside',
        window: 0,
        weak: false,
        phrase: false,
      });
      for (const t of c.terms) add(c.id, t);
    }
  }
  for (const m of file.modifiers) {
    unique(m.id);
    entries.push({
      id: m.id,
      kind: 'modifier',
      temporality: m.temporality,
      where: m.where,
      window: m.window,
      weak: m.weak === true,
      phrase: (m.reach ?? (m.where === 'before' ? 'phrase' : 'clause')) === 'phrase',
    });
    for (const t of m.terms) add(m.id, t);
  }
  const sections = file.sections.map((s) => {
    unique(s.id);
    return { id: s.id, sections: s.sections };
  });
  return { version: file.version, onsetDays: file.onsetDays, sections, entries, terms };
}

/** Key of the on-disk cache entry of a compiled lexicon (bump the version when the compiler changes). */
const LEXICON_KIND = 'assertion-chronic@1';

/**
 * The lexicon read, checked and compiled through the factory context, kept by content hash
 * (`ctx.compiled`): the same instance in this process, its data (disk cache) in the next.
 */
export function loadCompiledLexicon(ctx: FactoryContext, path = DEFAULT_CHRONIC_LEXICON): CompiledLexicon {
  const compiled = ctx.compiled?.bind(ctx);
  if (!compiled) return new CompiledLexicon(loadChronicLexicon(ctx, path));
  const text = ctx.readResource(path);
  return compiled(`${LEXICON_KIND}:runtime`, text, () => {
    const data = compiled(
      LEXICON_KIND,
      text,
      () => new CompiledLexicon(loadChronicLexicon(withText(ctx, path, text), path)).data,
      { persist: true },
    );
    // built from the data on a miss too: one way to the runtime structures, cached or not
    return CompiledLexicon.fromData(data);
  });
}

export const RANK_DURATION = 1;
export const RANK_RECENT = 2;
export const RANK_CHRONIC = 3;
export const RANK_LEXICON = 4;
export const RANK_WEAK_RECENT = 5;

const DURATION_WINDOW = 8;

/** Tokens that end the reach of an onset cue. */
const STOP = new Set([
  ';',
  'but',
  'however',
  'although',
  'though',
  'whereas',
  'which',
  'who',
  'except',
  'presents',
  'presented',
  'presenting',
]);
/** Tokens that also end the reach of a `before` modifier: `chronic cough and fever`. */
const LIST_STOP = new Set([',', 'and', 'or', '/', 'with', 'without', '.', ':']);

const YEAR_LEAD = new Set(['since', 'in', 'during', 'circa', 'around']);
const VAGUE = new Set(['many', 'several', 'some', 'a', 'few', 'multiple', 'numerous']);
const LEADS = new Set(['for', 'x', '×', 'over', 'lasting', 'of', 'since', 'past', 'last', 'previous']);
const FILLERS = new Set([
  'the',
  'approximately',
  'about',
  'around',
  'nearly',
  'almost',
  'roughly',
  '~',
  'over',
  'past',
  'last',
  'more',
  'than',
  'at',
  'least',
  'a',
]);
const TRAILS = new Set(['ago', 'history', 'hx', 'duration', 'prior', 'before', 'earlier']);

const UNIT_DAYS = new Map<string, number>([
  ['day', 1],
  ['days', 1],
  ['d', 1],
  ['week', 7],
  ['weeks', 7],
  ['wk', 7],
  ['wks', 7],
  ['month', 30],
  ['months', 30],
  ['mo', 30],
  ['mos', 30],
  ['year', 365],
  ['years', 365],
  ['yr', 365],
  ['yrs', 365],
  ['y', 365],
  ['decade', 3650],
  ['decades', 3650],
]);

const WORD_NUMBERS = new Map<string, number>([
  ['a', 1],
  ['an', 1],
  ['one', 1],
  ['two', 2],
  ['couple', 2],
  ['three', 3],
  ['few', 3],
  ['several', 3],
  ['four', 4],
  ['five', 5],
  ['many', 5],
  ['six', 6],
  ['seven', 7],
  ['eight', 8],
  ['nine', 9],
  ['ten', 10],
  ['eleven', 11],
  ['twelve', 12],
  ['fourteen', 14],
  ['fifteen', 15],
  ['twenty', 20],
  ['thirty', 30],
]);

/** F_* bits of the words that have some (digits, `x`, `×` are tested apart). */
const TOKEN_FLAGS = new Map<string, number>();
for (const t of STOP) TOKEN_FLAGS.set(t, (TOKEN_FLAGS.get(t) ?? 0) | F_STOP);
for (const t of LIST_STOP) TOKEN_FLAGS.set(t, (TOKEN_FLAGS.get(t) ?? 0) | F_LIST_STOP);
for (const t of ['and', 'or']) TOKEN_FLAGS.set(t, (TOKEN_FLAGS.get(t) ?? 0) | F_AND_OR);
for (const t of ['for', ...YEAR_LEAD, ...WORD_NUMBERS.keys()]) {
  TOKEN_FLAGS.set(t, (TOKEN_FLAGS.get(t) ?? 0) | F_DURATION);
}

const TOKEN_FLAGS_FILTER = new StringPrefilter(TOKEN_FLAGS.keys());

function quantity(t: string): number | null {
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  return WORD_NUMBERS.get(t) ?? null;
}

function lexiconError(id: string, why: string): ClinoteError {
  return new ClinoteError('CLINOTE_E_RESOURCE_INVALID', `temporality lexicon '${id}': ${why}`, { id });
}

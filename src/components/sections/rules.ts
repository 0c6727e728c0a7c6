/**
 * The section rule file (`resources/sections/sections.json`): its schema and the header matcher
 * compiled from it.
 *
 * A header as written ("PAST MEDICAL HISTORY/PROBLEM LIST", "Hx of Present Illness (per pt)") is
 * turned into a key: lower case; `(s)`/`(es)` and other parentheses dropped; `&`/`+` -> `and`,
 * `w/` -> `with`; other punctuation -> space; each word singularized (`diagnoses` -> `diagnosis`,
 * `allergies` -> `allergy`), expanded by the file's `abbreviations` (`hx` -> `history`) and dropped
 * when it is one of the file's `stopwords` (`and`, `of`, `the`, ...). The key is the words joined
 * without spaces, so `follow-up`, `follow up` and `followup` agree, as do `pre-op` and `preoperative`.
 *
 * A header then matches, in this order of preference:
 * - `exact`: its whole key is a synonym's key, or is once a trailing word (`exam`, `system`) is dropped;
 * - `prefix` / `suffix`: its first (last) words are a synonym allowed to match that way; the longest
 *   such match wins (`PAST MEDICAL HISTORY/PROBLEM LIST` -> `past medical history`);
 * - fuzzy (`HeaderMatch.fuzzy`): informal words read as words of the synonyms (`Past Med Hx`,
 *   `Histroy`), exact matches only (see `HeaderMatcher.match`).
 */
import { type Static, Type } from '@sinclair/typebox';
import { ClinoteError } from '../../errors/error.js';

const Id = Type.String({ pattern: '^[a-z][a-z0-9_]*$', description: 'Category id' });

export const MatchModeSchema = Type.Union(
  [Type.Literal('exact'), Type.Literal('prefix'), Type.Literal('suffix')],
  { description: 'How a synonym may match a header' },
);

export const HeaderRuleSchema = Type.Object(
  {
    id: Type.String({
      pattern: '^[a-z][a-z0-9_]*(\\.[a-z0-9][a-z0-9_-]*)+$',
      description: 'Rule id, `<category>.<name>`; reported as evidence.rule',
    }),
    headers: Type.Array(Type.String({ minLength: 1, maxLength: 80 }), {
      minItems: 1,
      description: 'Synonyms as a clinician writes them; matched after normalization',
    }),
    match: Type.Optional(
      Type.Array(MatchModeSchema, {
        minItems: 1,
        uniqueItems: true,
        description:
          'Default ["exact", "prefix"]. `exact` only for short or ambiguous abbreviations; add `suffix` for head nouns (`... diagnosis`)',
      }),
    ),
    note: Type.Optional(Type.String({ description: 'Why the rule is there' })),
  },
  { additionalProperties: false },
);

export const CategorySchema = Type.Object(
  {
    id: Id,
    label: Type.String({ minLength: 1, description: 'Human-readable name' }),
    kind: Type.Union([Type.Literal('section'), Type.Literal('subsection')], {
      description:
        '`subsection`: a part of another section (an exam system, a ROS system); a `section` with `parents` may also nest',
    }),
    parents: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        uniqueItems: true,
        description: 'Categories this one nests in when it appears inside them',
      }),
    ),
    description: Type.Optional(Type.String()),
    rules: Type.Array(HeaderRuleSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const SectionRulesSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$', description: 'Version of the rule data' }),
    description: Type.Optional(Type.String()),
    abbreviations: Type.Record(Type.String({ pattern: '^[a-z0-9]+$' }), Type.String({ minLength: 1 }), {
      description: 'Word -> replacement words, applied to every header word (`hx` -> `history`)',
    }),
    stopwords: Type.Array(Type.String({ pattern: '^[a-z]+$' }), {
      uniqueItems: true,
      description: 'Words ignored when matching (`of`, `and`, ...)',
    }),
    trailingWords: Type.Array(Type.String({ pattern: '^[a-z]+$' }), {
      uniqueItems: true,
      description:
        'Words that may end a header without changing its category (`RECTAL EXAM` = `rectal`), after normalization',
    }),
    nonHeaderWords: Type.Array(Type.String({ pattern: '^[a-z]+$' }), {
      uniqueItems: true,
      description:
        'A capitalized line starting with one of these words is body text, never an unknown header (`NONE`, `NEGATIVE`)',
    }),
    categories: Type.Array(CategorySchema, { minItems: 1 }),
  },
  {
    additionalProperties: false,
    $id: 'https://clinote.dev/schemas/sections.json',
    title: 'Clinote section rules',
    description: 'Section header categories and their synonyms, for the `sections` component.',
  },
);

export type SectionRules = Static<typeof SectionRulesSchema>;

/**
 * Categories that are headers only inside one of their `parents`: a group of a diagnosis list
 * (`Primary:`, `Secondary:`) or of a medication list (`New:`, `Stopped:`) is no section elsewhere. (Kept here rather than as a key of the rule
 * file, so that a rule file stays readable by earlier versions; a test checks the ids exist.)
 */
export const INSIDE_PARENTS_ONLY: ReadonlySet<string> = new Set(['diagnosis_group', 'medication_group']);

/**
 * Rules whose mixed-case headers followed by text on the same line are headers only at a paragraph
 * start: `Note: take with food` inside a section is a remark, not a new section.
 */
export const PARAGRAPH_ONLY_RULES: ReadonlySet<string> = new Set(['comments.note']);
export type MatchMode = Static<typeof MatchModeSchema>;

/** A category as the sectionizer uses it. */
export interface CategoryInfo {
  readonly id: string;
  readonly kind: 'section' | 'subsection';
  readonly parents: ReadonlySet<string>;
  /** Only a header inside one of its parents (`Primary:` in a diagnosis list). */
  readonly insideParentsOnly: boolean;
}

export interface HeaderMatch {
  readonly category: CategoryInfo;
  /** Rule id (`<category>.<name>`). */
  readonly rule: string;
  readonly mode: MatchMode;
  /**
   * Matched only after an informal word was read as a known one (`Med` -> `medical`, a typo
   * `Histroy` -> `history`, `Coord` -> `coordination`): reported with detail `fuzzy`.
   */
  readonly fuzzy: boolean;
  /** The rule's `paragraphOnly` flag. */
  readonly paragraphOnly: boolean;
}

interface Entry {
  readonly category: CategoryInfo;
  readonly rule: string;
  readonly modes: readonly MatchMode[];
  readonly synonym: string;
  readonly paragraphOnly: boolean;
}

const PAREN_PLURAL = /\s*\((?:e?s)\)/g;
const PAREN = /\([^)]*(?:\)|$)/g;
const NON_ALNUM = /[^a-z0-9]+/g;

/** The raw lower-case tokens of a header, before singulars and abbreviations (see the module comment). */
export function headerTokens(header: string): string[] {
  let s = header.toLowerCase().replace(PAREN_PLURAL, '');
  if (s.includes('(')) {
    const without = s.replace(PAREN, ' ');
    s = /[a-z0-9]/.test(without) ? without : s;
  }
  s = s
    .replace(/&|\+/g, ' and ')
    .replace(/\bw\//g, ' with ')
    .replace(/['\u2019]/g, '')
    .replace(NON_ALNUM, ' ');
  return s.split(' ').filter((w) => w !== '');
}

/** The normalized words of one raw token: its abbreviation expansion or its singular, stopwords dropped. */
function expandToken(
  raw: string,
  abbreviations: ReadonlyMap<string, readonly string[]>,
  stopwords: ReadonlySet<string>,
): string[] {
  const expanded = abbreviations.get(raw) ?? abbreviations.get(singular(raw));
  if (expanded) return expanded.filter((w) => !stopwords.has(w));
  const w = singular(raw);
  return stopwords.has(w) ? [] : [w];
}

/** Words of a header after normalization (see the module comment). */
export function headerWords(
  header: string,
  abbreviations: ReadonlyMap<string, readonly string[]>,
  stopwords: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const raw of headerTokens(header))
    for (const w of expandToken(raw, abbreviations, stopwords)) out.push(w);
  return out;
}

/** A plain English singular, good enough for header words; words under 4 letters are kept. */
export function singular(w: string): string {
  const n = w.length;
  if (n < 4 || w.charCodeAt(n - 1) !== 115 /* s */) return w;
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.endsWith('oses')) return `${w.slice(0, -2)}is`;
  if (w.endsWith('sses') || w.endsWith('xes')) return w.slice(0, -2);
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) return w;
  return w.slice(0, -1);
}

/** Damerau-Levenshtein distance of a and b is at most 1 (one insertion, deletion, substitution or swap). */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === la && i === lb) return true;
  if (la === lb) {
    // substitution, or a swap of two neighbours
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Key of a set of words, order aside (duplicates kept). */
function wordSetKey(words: readonly string[]): string {
  return [...words].sort().join(' ');
}

/** a and b (same length) differ by a swap of two neighbouring letters. */
function isSwap(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Fuzzy matching limits (see `HeaderMatcher.match`). */
const TRUNCATION_MIN = 3;
const TRUNCATION_MAX = 6;
/** A truncation leaves out at least this many letters (`Gen` -> `general`; not `Tee` -> `teeth`). */
const TRUNCATION_CUT = 3;
const TRUNCATION_CANDIDATES = 8;
/** A typo: the written word has 6+ letters, the known one 7+ (`Alergy`; not `Supine` -> `spine`). */
const TYPO_MIN = 6;
const TYPO_KNOWN_MIN = 7;
/** A substituted letter only in long words (`Musculoskelatal`; not `Motility` -> `mobility`). */
const SUBSTITUTION_MIN = 9;
const MAX_COMBINATIONS = 64;
/** Headers of more words than this are not read informally (a sentence before a colon). */
const MAX_FUZZY_TOKENS = 6;

/**
 * A checked section rule file as JSON data (`HeaderMatcher.data`): the normalized lookup key of every
 * header, so that `HeaderMatcher.fromData` normalizes nothing.
 */
export interface HeaderMatcherData {
  readonly version: string;
  readonly abbreviations: readonly (readonly [string, readonly string[]])[];
  readonly stopwords: readonly string[];
  readonly nonHeaderWords: readonly string[];
  readonly trailing: readonly string[];
  readonly categories: readonly {
    readonly id: string;
    readonly kind: 'section' | 'subsection';
    readonly parents: readonly string[];
    readonly insideParentsOnly: boolean;
  }[];
  readonly containers: readonly string[];
  /** Each rule: category id, rule id, match modes, paragraph only. */
  readonly rules: readonly (readonly [string, string, readonly MatchMode[], boolean])[];
  /** Each header's lookup key and the index of its rule in `rules`. */
  readonly keys: readonly (readonly [string, number])[];
  /** Each synonym of 2+ words: its words sorted, and the index of its rule (-1: several categories). */
  readonly wordSets: readonly (readonly [string, number])[];
  /** Every normalized word of the synonyms (what an informal word may be read as). */
  readonly vocabulary: readonly string[];
}

/**
 * Maps header strings to categories. Built once per component instance; `match` caches its answers
 * (headers repeat a lot across notes).
 */
export class HeaderMatcher {
  readonly version: string;
  readonly categories: ReadonlyMap<string, CategoryInfo>;
  /** Categories that some other category nests in. */
  readonly containers: ReadonlySet<string>;
  readonly nonHeaderWords: ReadonlySet<string>;
  readonly #abbreviations: ReadonlyMap<string, readonly string[]>;
  readonly #stopwords: ReadonlySet<string>;
  readonly #trailing: ReadonlySet<string>;
  readonly #byKey = new Map<string, Entry>();
  /** Synonyms of 2+ words by their sorted words (order-free reading: `History Family`); null: ambiguous. */
  readonly #byWordSet = new Map<string, Entry | null>();
  readonly #vocabulary: ReadonlySet<string>;
  /** Built on the first fuzzy lookup: prefix (3 to 6 letters) -> words; one-deletion variant -> words. */
  #byPrefix: Map<string, string[]> | null = null;
  #byDeletion: Map<string, string[]> | null = null;
  #cache = new Map<string, HeaderMatch | null>();

  /** The checked rules as JSON data, from which `fromData` builds an equal matcher. */
  readonly data: HeaderMatcherData;

  constructor(rules: SectionRules, path?: string);
  constructor(rules: SectionRules | null, path?: string, trusted?: HeaderMatcherData);
  constructor(rules: SectionRules | null, path = 'sections rules', trusted?: HeaderMatcherData) {
    if (rules === null) {
      // from data checked by an earlier build
      const d = trusted as HeaderMatcherData;
      this.data = d;
      this.version = d.version;
      this.#abbreviations = new Map(d.abbreviations);
      this.#stopwords = new Set(d.stopwords);
      this.nonHeaderWords = new Set(d.nonHeaderWords);
      this.#trailing = new Set(d.trailing);
      this.#vocabulary = new Set(d.vocabulary);
      const categories = new Map<string, CategoryInfo>();
      for (const c of d.categories) {
        categories.set(c.id, {
          id: c.id,
          kind: c.kind,
          parents: new Set(c.parents),
          insideParentsOnly: c.insideParentsOnly,
        });
      }
      this.categories = categories;
      this.containers = new Set(d.containers);
      // one entry per rule (the header as written is only for the errors of a check)
      const entries = d.rules.map(
        ([category, rule, modes, paragraphOnly]): Entry => ({
          category: categories.get(category) as CategoryInfo,
          rule,
          modes,
          synonym: '',
          paragraphOnly,
        }),
      );
      for (const [key, rule] of d.keys) this.#byKey.set(key, entries[rule] as Entry);
      for (const [set, rule] of d.wordSets)
        this.#byWordSet.set(set, rule < 0 ? null : (entries[rule] as Entry));
      return;
    }
    this.version = rules.version;
    const fail = (msg: string, details: Record<string, unknown> = {}): never => {
      throw new ClinoteError('CLINOTE_E_RESOURCE_INVALID', `${path}: ${msg}`, { path, ...details });
    };
    const abbreviations = new Map<string, readonly string[]>();
    for (const [k, v] of Object.entries(rules.abbreviations)) {
      abbreviations.set(k, v.toLowerCase().split(/\s+/).filter(Boolean));
    }
    this.#abbreviations = abbreviations;
    this.#stopwords = new Set(rules.stopwords);
    this.nonHeaderWords = new Set(rules.nonHeaderWords);
    this.#trailing = new Set(rules.trailingWords.map((w) => this.words(w).join('')));

    const categories = new Map<string, CategoryInfo>();
    for (const c of rules.categories) {
      if (categories.has(c.id) || c.id === 'other' || c.id === 'preamble') {
        fail(`categories: duplicate or reserved category id '${c.id}'`, { category: c.id });
      }
      const insideParentsOnly = INSIDE_PARENTS_ONLY.has(c.id);
      if (insideParentsOnly && !c.parents) {
        fail(`category '${c.id}': a category that is a header only inside its parents needs parents`, {
          category: c.id,
        });
      }
      categories.set(c.id, {
        id: c.id,
        kind: c.kind,
        parents: new Set(c.parents ?? []),
        insideParentsOnly,
      });
    }
    const containers = new Set<string>();
    for (const c of categories.values()) {
      for (const p of c.parents) {
        if (!categories.has(p)) fail(`category '${c.id}': unknown parent '${p}'`, { category: c.id });
        // a group of a list (`Primary:`) does not make its parents hold unknown `KEY:` parts
        if (!c.insideParentsOnly) containers.add(p);
      }
    }
    if (rules.categories.some((c) => c.kind === 'subsection' && !c.parents)) {
      const c = rules.categories.find((x) => x.kind === 'subsection' && !x.parents)!;
      fail(`category '${c.id}': a subsection needs parents`, { category: c.id });
    }
    this.categories = categories;
    this.containers = containers;

    const ruleIds = new Set<string>();
    const ruleData: [string, string, readonly MatchMode[], boolean][] = [];
    const keys: [string, number][] = [];
    const wordSets = new Map<string, number>();
    const vocabulary = new Set<string>();
    for (const c of rules.categories) {
      const info = categories.get(c.id)!;
      for (const r of c.rules) {
        if (ruleIds.has(r.id)) fail(`duplicate rule id '${r.id}'`, { rule: r.id });
        if (!r.id.startsWith(`${c.id}.`)) fail(`rule '${r.id}' must start with '${c.id}.'`, { rule: r.id });
        ruleIds.add(r.id);
        const modes = r.match ?? ['exact', 'prefix'];
        const paragraphOnly = PARAGRAPH_ONLY_RULES.has(r.id);
        ruleData.push([c.id, r.id, modes, paragraphOnly]);
        for (const h of r.headers) {
          const words = this.words(h);
          const key = words.join('');
          if (key === '') fail(`rule '${r.id}': header '${h}' is empty after normalization`, { rule: r.id });
          const prev = this.#byKey.get(key);
          if (prev) {
            fail(`rule '${r.id}': header '${h}' normalizes like '${prev.synonym}' of rule '${prev.rule}'`, {
              rule: r.id,
              other: prev.rule,
            });
          }
          for (const w of words) if (/^[a-z]{3,}$/.test(w)) vocabulary.add(w);
          const entry: Entry = { category: info, rule: r.id, modes, synonym: h, paragraphOnly };
          this.#byKey.set(key, entry);
          keys.push([key, ruleData.length - 1]);
          if (words.length >= 2 && modes.includes('exact')) {
            const set = wordSetKey(words);
            const prevSet = this.#byWordSet.get(set);
            if (prevSet === undefined) {
              this.#byWordSet.set(set, entry);
              wordSets.set(set, ruleData.length - 1);
            } else if (prevSet !== null && prevSet.category !== info) {
              // the same words name two categories in two orders: no order-free reading
              this.#byWordSet.set(set, null);
              wordSets.set(set, -1);
            }
          }
        }
      }
    }
    this.#vocabulary = vocabulary;
    this.data = {
      version: rules.version,
      abbreviations: [...abbreviations],
      stopwords: [...this.#stopwords],
      nonHeaderWords: [...this.nonHeaderWords],
      trailing: [...this.#trailing],
      categories: [...categories.values()].map((c) => ({
        id: c.id,
        kind: c.kind,
        parents: [...c.parents],
        insideParentsOnly: c.insideParentsOnly,
      })),
      containers: [...containers],
      rules: ruleData,
      keys,
      wordSets: [...wordSets],
      vocabulary: [...vocabulary].sort(),
    };
  }

  /** The matcher of `data` (from `HeaderMatcher.data`), trusted: not checked again. */
  static fromData(data: HeaderMatcherData): HeaderMatcher {
    return new HeaderMatcher(null, undefined, data);
  }

  /** Normalized words of a header. */
  words(header: string): string[] {
    return headerWords(header, this.#abbreviations, this.#stopwords);
  }

  /** The lookup key of a header (normalized words joined without spaces). */
  key(header: string): string {
    return this.words(header).join('');
  }

  /**
   * The category of a header as written (without numbering or colon), or null when unknown.
   *
   * Its normalized words are looked up first (`exact`, then the longest `prefix`/`suffix`). Unless
   * that is exact, and when `fuzzy` is on, informal words are read as words of the synonyms: an
   * abbreviation may also be a truncation (`Med` -> `medical` as well as `medication`); a word of 3
   * to 6 letters that no synonym has may be a truncation of one at least 3 letters longer (`Musc` ->
   * `musculoskeletal`), only next to a word read as written (`Musc Exam`); a word of 6+ letters that
   * no synonym has may be one edit from a synonym word of 7+ letters (a letter inserted, dropped, two
   * neighbours swapped: `Alergies`, `Histroy`; a letter substituted only in words of 9+ letters:
   * `Musculoskelatal`); and the words of a synonym may come in another order (`History Family`,
   * `Procedure Indication`). Headers of at most 6 words are read so, with at most 64 readings (else none);
   * a reading counts only when it is exactly a synonym (a trailing word such as `exam` aside), and it
   * is kept only when all such readings agree on the category. It is taken over a plain prefix or
   * suffix match. With `fuzzy` false only the plain lookup is done (a line without a colon, where
   * most short lines are values rather than headers).
   */
  match(header: string, fuzzy = true): HeaderMatch | null {
    const key = fuzzy ? header : `\u0000${header}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const plain = this.#lookup(this.words(header), false);
    let result = plain;
    if (fuzzy && (plain === null || plain.mode !== 'exact')) {
      // an informal reading wins over a weaker plain one: `Past Med Hx` is past medical history, not
      // a suffix match of `history`
      const fuzzy = this.#fuzzy(header);
      if (fuzzy !== null) result = fuzzy; // always exact: better than a plain prefix or suffix
    }
    if (this.#cache.size >= 50_000) this.#cache = new Map();
    this.#cache.set(key, result);
    return result;
  }

  #result(e: Entry, mode: MatchMode, fuzzy: boolean): HeaderMatch {
    return { category: e.category, rule: e.rule, mode, fuzzy, paragraphOnly: e.paragraphOnly };
  }

  /** An exact match of normalized words, or of them without a trailing word (`exam`). */
  #exact(w: readonly string[], fuzzy: boolean): HeaderMatch | null {
    const k = w.length;
    if (k === 0) return null;
    const exact = this.#byKey.get(w.join(''));
    if (exact?.modes.includes('exact')) return this.#result(exact, 'exact', fuzzy);
    if (k > 1 && this.#trailing.has(w[k - 1]!)) {
      const e = this.#byKey.get(w.slice(0, k - 1).join(''));
      if (e?.modes.includes('exact')) return this.#result(e, 'exact', fuzzy);
    }
    return null;
  }

  /** Exact (with a trailing word dropped), else the longest prefix or suffix, of normalized words. */
  #lookup(w: readonly string[], fuzzy: boolean): HeaderMatch | null {
    const k = w.length;
    if (k === 0) return null;
    const exact = this.#exact(w, fuzzy);
    if (exact) return exact;
    let best: HeaderMatch | null = null;
    let bestLen = 0;
    for (let j = k - 1; j >= 1 && j > bestLen; j--) {
      const e = this.#byKey.get(w.slice(0, j).join(''));
      if (e?.modes.includes('prefix')) {
        best = this.#result(e, 'prefix', fuzzy);
        bestLen = j;
      }
    }
    for (let j = 1; j < k && k - j > bestLen; j++) {
      const e = this.#byKey.get(w.slice(j).join(''));
      if (e?.modes.includes('suffix')) {
        best = this.#result(e, 'suffix', fuzzy);
        bestLen = k - j;
      }
    }
    return best;
  }

  /** Other readings of one raw token (see `match`); [] when it has none. */
  #alternatives(raw: string, truncations: boolean): string[][] {
    const sg = singular(raw);
    const abbreviation = this.#abbreviations.has(raw) || this.#abbreviations.has(sg);
    if (!/^[a-z]+$/.test(sg) || this.#stopwords.has(sg)) return [];
    if (!abbreviation && this.#vocabulary.has(sg)) return [];
    const out: string[][] = [];
    const seen = new Set<string>(expandToken(raw, this.#abbreviations, this.#stopwords));
    const add = (w: string): void => {
      if (!seen.has(w)) {
        seen.add(w);
        out.push([w]);
      }
    };
    if (truncations && sg.length >= TRUNCATION_MIN && sg.length <= TRUNCATION_MAX) {
      for (const w of this.#prefixIndex().get(sg) ?? []) if (w.length >= sg.length + TRUNCATION_CUT) add(w);
    }
    if (!abbreviation && sg.length >= TYPO_MIN) {
      const del = this.#deletionIndex();
      const probes = [sg];
      for (let i = 0; i < sg.length; i++) probes.push(sg.slice(0, i) + sg.slice(i + 1));
      for (const p of probes) {
        for (const w of del.get(p) ?? []) {
          if (w.length < TYPO_KNOWN_MIN || !withinOneEdit(sg, w)) continue;
          if (w.length === sg.length && sg.length < SUBSTITUTION_MIN && !isSwap(sg, w)) continue;
          add(w);
        }
      }
    }
    return out;
  }

  #fuzzy(header: string): HeaderMatch | null {
    const options: string[][][] = [];
    let alternatives = 0;
    const tokens = headerTokens(header);
    if (tokens.length > MAX_FUZZY_TOKENS) return null;
    const bases = tokens.map((raw) => expandToken(raw, this.#abbreviations, this.#stopwords));
    // a truncation needs context: another word of the header read as written (`Gen Exam`, `Past Med Hx`)
    const known = bases.map((b) => b.length > 0 && b.every((w) => this.#vocabulary.has(w)));
    const knownCount = known.filter(Boolean).length;
    for (let i = 0; i < tokens.length; i++) {
      const base = bases[i]!;
      const alt = this.#alternatives(tokens[i]!, knownCount - (known[i] ? 1 : 0) > 0);
      if (base.length === 0 && alt.length === 0) continue;
      alternatives += alt.length;
      options.push([base, ...alt]);
    }
    // the words as written, in another order (`History Family`, `Diagnosis Discharge`)
    let best = this.#unordered(bases.flat());
    if (alternatives === 0) return best;
    let combos = 1;
    for (const o of options) combos *= o.length;
    if (combos > MAX_COMBINATIONS) return null;
    // every reading but the plain one (index 0 everywhere), tried in order
    const pick = new Array<number>(options.length).fill(0);
    for (let c = 1; c < combos; c++) {
      for (let i = options.length - 1; i >= 0; i--) {
        pick[i]!++;
        if (pick[i]! < options[i]!.length) break;
        pick[i] = 0;
      }
      const words: string[] = [];
      for (let i = 0; i < options.length; i++) for (const w of options[i]![pick[i]!]!) words.push(w);
      // an informal reading must name a synonym whole: a prefix of one says too little (`Rest Echo`)
      const m = this.#exact(words, true) ?? this.#unordered(words);
      if (m === null) continue;
      if (best === null) best = m;
      else if (best.category.id !== m.category.id) return null; // ambiguous
    }
    return best;
  }

  /** A synonym of 2+ words with the same words in another order. */
  #unordered(words: readonly string[]): HeaderMatch | null {
    if (words.length < 2) return null;
    const e = this.#byWordSet.get(wordSetKey(words));
    return e ? this.#result(e, 'exact', true) : null;
  }

  #prefixIndex(): Map<string, string[]> {
    if (this.#byPrefix) return this.#byPrefix;
    const index = new Map<string, string[]>();
    for (const w of this.#vocabulary) {
      for (let n = TRUNCATION_MIN; n <= TRUNCATION_MAX && n < w.length; n++) {
        const p = w.slice(0, n);
        const list = index.get(p) ?? [];
        if (list.length <= TRUNCATION_CANDIDATES) list.push(w);
        index.set(p, list);
      }
    }
    // a truncation shared by too many words says nothing
    for (const [p, list] of index) if (list.length > TRUNCATION_CANDIDATES) index.delete(p);
    this.#byPrefix = index;
    return index;
  }

  #deletionIndex(): Map<string, string[]> {
    if (this.#byDeletion) return this.#byDeletion;
    const index = new Map<string, string[]>();
    const put = (k: string, w: string): void => {
      const list = index.get(k);
      if (list) {
        if (!list.includes(w)) list.push(w);
      } else index.set(k, [w]);
    };
    for (const w of this.#vocabulary) {
      if (w.length < TYPO_MIN - 1) continue;
      put(w, w);
      for (let i = 0; i < w.length; i++) put(w.slice(0, i) + w.slice(i + 1), w);
    }
    this.#byDeletion = index;
    return index;
  }
}

/** The JSON Schema file kept beside the rule data (`resources/sections/sections.schema.json`); a test keeps it in step. */
export function sectionRulesJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...SectionRulesSchema };
}

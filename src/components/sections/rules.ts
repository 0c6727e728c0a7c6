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
 *   such match wins (`PAST MEDICAL HISTORY/PROBLEM LIST` -> `past medical history`).
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
export type MatchMode = Static<typeof MatchModeSchema>;

/** A category as the sectionizer uses it. */
export interface CategoryInfo {
  readonly id: string;
  readonly kind: 'section' | 'subsection';
  readonly parents: ReadonlySet<string>;
}

export interface HeaderMatch {
  readonly category: CategoryInfo;
  /** Rule id (`<category>.<name>`). */
  readonly rule: string;
  readonly mode: MatchMode;
}

interface Entry {
  readonly category: CategoryInfo;
  readonly rule: string;
  readonly modes: readonly MatchMode[];
  readonly synonym: string;
}

const PAREN_PLURAL = /\s*\((?:e?s)\)/g;
const PAREN = /\([^)]*(?:\)|$)/g;
const NON_ALNUM = /[^a-z0-9]+/g;

/** Words of a header after normalization (see the module comment). */
export function headerWords(
  header: string,
  abbreviations: ReadonlyMap<string, readonly string[]>,
  stopwords: ReadonlySet<string>,
): string[] {
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
  const out: string[] = [];
  for (const raw of s.split(' ')) {
    if (raw === '') continue;
    const expanded = abbreviations.get(raw) ?? abbreviations.get(singular(raw));
    if (expanded) {
      for (const w of expanded) if (!stopwords.has(w)) out.push(w);
      continue;
    }
    const w = singular(raw);
    if (!stopwords.has(w)) out.push(w);
  }
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
  }[];
  readonly containers: readonly string[];
  /** Each rule: category id, rule id, match modes. */
  readonly rules: readonly (readonly [string, string, readonly MatchMode[]])[];
  /** Each header's lookup key and the index of its rule in `rules`. */
  readonly keys: readonly (readonly [string, number])[];
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
      const categories = new Map<string, CategoryInfo>();
      for (const c of d.categories) {
        categories.set(c.id, { id: c.id, kind: c.kind, parents: new Set(c.parents) });
      }
      this.categories = categories;
      this.containers = new Set(d.containers);
      // one entry per rule (the header as written is only for the errors of a check)
      const entries = d.rules.map(
        ([category, rule, modes]): Entry => ({
          category: categories.get(category) as CategoryInfo,
          rule,
          modes,
          synonym: '',
        }),
      );
      for (const [key, rule] of d.keys) this.#byKey.set(key, entries[rule] as Entry);
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
      categories.set(c.id, { id: c.id, kind: c.kind, parents: new Set(c.parents ?? []) });
    }
    const containers = new Set<string>();
    for (const c of categories.values()) {
      for (const p of c.parents) {
        if (!categories.has(p)) fail(`category '${c.id}': unknown parent '${p}'`, { category: c.id });
        containers.add(p);
      }
    }
    if (rules.categories.some((c) => c.kind === 'subsection' && !c.parents)) {
      const c = rules.categories.find((x) => x.kind === 'subsection' && !x.parents)!;
      fail(`category '${c.id}': a subsection needs parents`, { category: c.id });
    }
    this.categories = categories;
    this.containers = containers;

    const ruleIds = new Set<string>();
    const ruleData: [string, string, readonly MatchMode[]][] = [];
    const keys: [string, number][] = [];
    for (const c of rules.categories) {
      const info = categories.get(c.id)!;
      for (const r of c.rules) {
        if (ruleIds.has(r.id)) fail(`duplicate rule id '${r.id}'`, { rule: r.id });
        if (!r.id.startsWith(`${c.id}.`)) fail(`rule '${r.id}' must start with '${c.id}.'`, { rule: r.id });
        ruleIds.add(r.id);
        const modes = r.match ?? ['exact', 'prefix'];
        ruleData.push([c.id, r.id, modes]);
        for (const h of r.headers) {
          const key = this.key(h);
          if (key === '') fail(`rule '${r.id}': header '${h}' is empty after normalization`, { rule: r.id });
          const prev = this.#byKey.get(key);
          if (prev) {
            fail(`rule '${r.id}': header '${h}' normalizes like '${prev.synonym}' of rule '${prev.rule}'`, {
              rule: r.id,
              other: prev.rule,
            });
          }
          this.#byKey.set(key, { category: info, rule: r.id, modes, synonym: h });
          keys.push([key, ruleData.length - 1]);
        }
      }
    }
    this.data = {
      version: rules.version,
      abbreviations: [...abbreviations],
      stopwords: [...this.#stopwords],
      nonHeaderWords: [...this.nonHeaderWords],
      trailing: [...this.#trailing],
      categories: [...categories.values()].map((c) => ({ id: c.id, kind: c.kind, parents: [...c.parents] })),
      containers: [...containers],
      rules: ruleData,
      keys,
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

  /** The category of a header as written (without numbering or colon), or null when unknown. */
  match(header: string): HeaderMatch | null {
    const cached = this.#cache.get(header);
    if (cached !== undefined) return cached;
    const result = this.#match(header);
    if (this.#cache.size >= 50_000) this.#cache = new Map();
    this.#cache.set(header, result);
    return result;
  }

  #match(header: string): HeaderMatch | null {
    const w = this.words(header);
    const k = w.length;
    if (k === 0) return null;
    const exact = this.#byKey.get(w.join(''));
    if (exact?.modes.includes('exact')) return { category: exact.category, rule: exact.rule, mode: 'exact' };
    if (k > 1 && this.#trailing.has(w[k - 1]!)) {
      const e = this.#byKey.get(w.slice(0, k - 1).join(''));
      if (e?.modes.includes('exact')) return { category: e.category, rule: e.rule, mode: 'exact' };
    }
    let best: HeaderMatch | null = null;
    let bestLen = 0;
    for (let j = k - 1; j >= 1 && j > bestLen; j--) {
      const e = this.#byKey.get(w.slice(0, j).join(''));
      if (e?.modes.includes('prefix')) {
        best = { category: e.category, rule: e.rule, mode: 'prefix' };
        bestLen = j;
      }
    }
    for (let j = 1; j < k && k - j > bestLen; j++) {
      const e = this.#byKey.get(w.slice(j).join(''));
      if (e?.modes.includes('suffix')) {
        best = { category: e.category, rule: e.rule, mode: 'suffix' };
        bestLen = k - j;
      }
    }
    return best;
  }
}

/** The JSON Schema file kept beside the rule data (`resources/sections/sections.schema.json`); a test keeps it in step. */
export function sectionRulesJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...SectionRulesSchema };
}

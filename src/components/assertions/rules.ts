/**
 * The assertion rule file: its schema, the token-pattern language, and the compiled rule set (one
 * token trie for every pattern of every rule). See docs/assertions.md, "Rule format".
 *
 * Pattern language (elements separated by spaces; each literal is cut with the note tokenizer, so a
 * pattern matches exactly the tokens a note gives, case-insensitively):
 *
 *   no                      a literal token (matches the token's lower-cased text)
 *   (-)  h/o  s/p  [ ]      literals may hold punctuation: `(-)` is the tokens `(` `-` `)`
 *   (evidence|sign|signs)   one of the alternatives (an alternative may be several words: `(r/o|rule out)`);
 *                           parentheses with no letter, digit or `|` inside are a literal: `(-)`, `(+)`
 *   any?  (a|b)?            an optional element
 *   *                       any one word or number token;  `*?`: zero or one
 *   ^  $                    at the start: only at the start of a clause; at the end: only before the end
 *                           of a clause (end of sentence, line break, `. , ; : ) ] ! ?`)
 *   \*  \?  \(  \^  \$      a literal `*`, `?`, `(`, `^`, `$` (a backslash makes any character literal)
 */

import { type Static, Type } from '@sinclair/typebox';
import { ClinoteError } from '../../errors/error.js';
import type { FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { StringPrefilter } from '../../text/prefilter.js';
import { tokenize } from '../../text/tokenize.js';
import { ASSERTION_CATEGORIES, type AssertionCategory } from './types.js';

export const DIRECTIONS = ['forward', 'backward', 'bidirectional', 'terminate', 'pseudo'] as const;
export type Direction = (typeof DIRECTIONS)[number];

const CategorySchema = Type.Union(
  ASSERTION_CATEGORIES.map((c) => Type.Literal(c)),
  { description: 'NEGATED, POSSIBLE, HYPOTHETICAL, HISTORICAL, FAMILY, CONDITIONAL or ALLERGY' },
);

const RULE_ID = '^[a-z][a-z0-9]*(\\.[a-z0-9]+(-[a-z0-9]+)*)+$';
const NAME_LIST = (description: string) =>
  Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), { minItems: 1, uniqueItems: true, description });

export const AssertionRuleSchema = Type.Object(
  {
    id: Type.String({ pattern: RULE_ID, description: 'Stable rule id, e.g. `neg.no-evidence-of`' }),
    pattern: Type.String({ minLength: 1, description: 'Token pattern, e.g. `no (evidence|sign|signs) of`' }),
    direction: Type.Union(
      DIRECTIONS.map((d) => Type.Literal(d)),
      {
        description:
          'forward / backward / bidirectional: a cue with a scope; terminate: ends scopes; pseudo: blocks the cues it overlaps',
      },
    ),
    category: Type.Optional(
      Type.Union([CategorySchema, Type.Array(CategorySchema, { minItems: 1, uniqueItems: true })], {
        description:
          'The category (or categories) a cue gives, required for cues (`former`: NEGATED and HISTORICAL); for terminate and pseudo rules, the categories they end (default: all)',
      }),
    ),
    terminates: Type.Optional(
      Type.Array(CategorySchema, {
        minItems: 1,
        uniqueItems: true,
        description: 'Cues only: other categories whose scopes this cue ends (`to evaluate` ends a denial)',
      }),
    ),
    maxScope: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 200,
        description:
          'Longest scope in word tokens (punctuation not counted); default: the file maxScope of the category',
      }),
    ),
    types: Type.Optional(NAME_LIST('Concept types the cue applies to (default: all)')),
    sections: Type.Optional(NAME_LIST('Section categories the rule is used in (default: everywhere)')),
    local: Type.Optional(
      Type.Boolean({
        description:
          'Cues only: a local cue (alternatives joined by `or` / `vs`, a trailing `?`): its scope reaches only the list item next to it (it stops at `,` `;` `:` `and` `with` `without` `but` `plus` `including`), it ends no other scope, and it does not apply inside the scope of a denial (`no atelectasis or pneumonia`)',
      }),
    ),
    note: Type.Optional(Type.String({ description: 'Why the rule exists' })),
  },
  { additionalProperties: false },
);

export const SectionDefaultSchema = Type.Object(
  {
    id: Type.String({ pattern: RULE_ID }),
    sections: NAME_LIST('Section categories (a subsection counts as its parent too)'),
    category: CategorySchema,
    types: Type.Optional(NAME_LIST('Concept types the default applies to (default: all)')),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const maxScopeProps = Object.fromEntries(
  ASSERTION_CATEGORIES.map((c) => [c, Type.Integer({ minimum: 1, maximum: 200 })]),
) as Record<AssertionCategory, ReturnType<typeof Type.Integer>>;

export const AssertionRulesSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$', description: 'Version of the rule data' }),
    description: Type.Optional(Type.String()),
    maxScope: Type.Object(maxScopeProps, {
      additionalProperties: false,
      description: 'Default longest scope of each category, in word tokens',
    }),
    rules: Type.Array(AssertionRuleSchema, { minItems: 1 }),
    sections: Type.Array(SectionDefaultSchema, { description: 'Section-aware defaults' }),
  },
  {
    additionalProperties: false,
    $id: 'https://clinote.dev/schemas/assertion-rules.json',
    title: 'Clinote assertion rules',
    description:
      'ConText cues, terminators, pseudo-cues and section defaults for the `assertions` component.',
  },
);

export type AssertionRule = Static<typeof AssertionRuleSchema>;
export type SectionDefault = Static<typeof SectionDefaultSchema>;
export type AssertionRules = Static<typeof AssertionRulesSchema>;

/** The JSON Schema file kept beside the rule data (`resources/assertions/rules.schema.json`); a test keeps it in step. */
export function assertionRulesJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...AssertionRulesSchema };
}

export const DEFAULT_ASSERTION_RULES = 'assertions/rules.json';

/** Read and validate a rule file through the factory context (CLINOTE_E_RESOURCE_INVALID when it is bad). */
export function loadAssertionRules(ctx: FactoryContext, path = DEFAULT_ASSERTION_RULES): AssertionRules {
  return loadJsonResource(ctx, path, AssertionRulesSchema);
}

// ---------------------------------------------------------------------------------------------
// Category bits

export const CATEGORY_BIT: Readonly<Record<AssertionCategory, number>> = {
  NEGATED: 1,
  POSSIBLE: 2,
  HYPOTHETICAL: 4,
  HISTORICAL: 8,
  FAMILY: 16,
  CONDITIONAL: 32,
  ALLERGY: 64,
};
export const ALL_CATEGORIES = 127;
const POLARITY = CATEGORY_BIT.NEGATED | CATEGORY_BIT.POSSIBLE;

// ---------------------------------------------------------------------------------------------
// Patterns

/** The token that stands for `*` in an expanded sequence. */
export const ANY = '\u0000*';

export interface ParsedPattern {
  /** Every token sequence the pattern stands for (`ANY` for a wildcard). */
  readonly sequences: readonly (readonly string[])[];
  readonly anchorStart: boolean;
  readonly anchorEnd: boolean;
}

/** Most sequences one pattern may expand to. */
export const MAX_EXPANSIONS = 4096;

function patternError(rule: string, pattern: string, why: string): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_ASSERTION_PATTERN_INVALID',
    `assertion rule '${rule}': pattern '${pattern}' ${why}`,
    { rule, pattern },
  );
}

/** Tokens of a literal (escapes removed), lower-cased. */
function literalTokens(literal: string): string[] {
  return tokenize(literal).map((t) => normToken(t.norm));
}

/** Token text as matchers compare it: lower case, typographic apostrophes made straight. */
export function normToken(norm: string): string {
  return norm.indexOf('\u2019') >= 0 ? norm.replaceAll('\u2019', "'") : norm;
}

const GROUP = /\((?:\\.|[^()\\])*\)\??/y;

/** A parsed pattern before expansion: each element is its alternatives (`[]`: the element is optional). */
export interface PatternElements {
  readonly elements: readonly (readonly (readonly string[])[])[];
  readonly anchorStart: boolean;
  readonly anchorEnd: boolean;
}

/**
 * Parse a pattern into its token sequences. Throws CLINOTE_E_ASSERTION_PATTERN_INVALID for an empty
 * pattern, one starting with a wildcard, an empty alternative, or one expanding past MAX_EXPANSIONS.
 */
export function parsePattern(pattern: string, ruleId = '?'): ParsedPattern {
  const parsed = parseElements(pattern, ruleId);
  const { elements, anchorStart, anchorEnd } = parsed;
  checkElements(parsed, pattern, ruleId);
  let sequences: string[][] = [[]];
  for (const alts of elements) {
    const next: string[][] = [];
    for (const s of sequences) for (const a of alts) next.push(s.concat(a));
    sequences = next;
  }
  sequences = sequences.filter((s) => s.length > 0);
  // identical sequences from different alternatives are one
  const seen = new Set<string>();
  const unique = sequences.filter((s) => {
    const k = s.join('\u0001');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { sequences: unique, anchorStart, anchorEnd };
}

/** Parse a pattern into its elements (the syntax errors of `parsePattern`, not the expansion's). */
export function parseElements(pattern: string, ruleId = '?'): PatternElements {
  // elements: each is a list of alternatives, each alternative a token list
  const elements: string[][][] = [];
  let anchorStart = false;
  let anchorEnd = false;
  const p = pattern.trim();
  let i = 0;
  const n = p.length;
  while (i < n) {
    const c = p[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    GROUP.lastIndex = i;
    const g = GROUP.exec(p);
    // `(a|b)`, `(for)?` are groups; `(-)`, `(+)` (no letter, digit or `|` inside) are literals
    if (g && /[|\p{L}\p{N}]/u.test(g[0].replace(/\\./g, ''))) {
      const raw = g[0];
      const optional = raw.endsWith('?');
      const inner = raw.slice(1, optional ? -2 : -1);
      const alts = inner.split(/(?<!\\)\|/).map((a) => a.trim());
      if (alts.some((a) => a === '')) throw patternError(ruleId, pattern, 'has an empty alternative');
      const tokenAlts = alts.map((a) =>
        a.split(/\s+/).flatMap((w) => (w === '*' ? [ANY] : literalTokens(unescapeLiteral(w)))),
      );
      if (tokenAlts.some((t) => t.length === 0)) {
        throw patternError(ruleId, pattern, 'has an alternative with no tokens');
      }
      elements.push(optional ? [...tokenAlts, []] : tokenAlts);
      i += raw.length;
      continue;
    }
    let j = i;
    while (j < n && p[j] !== ' ' && p[j] !== '\t') j++;
    const word = p.slice(i, j);
    i = j;
    if (word === '^') {
      if (elements.length > 0) throw patternError(ruleId, pattern, 'has `^` after its start');
      anchorStart = true;
      continue;
    }
    if (word === '$') {
      anchorEnd = true;
      continue;
    }
    if (anchorEnd) throw patternError(ruleId, pattern, 'has elements after `$`');
    if (word === '*') {
      elements.push([[ANY]]);
      continue;
    }
    if (word === '*?') {
      elements.push([[ANY], []]);
      continue;
    }
    const optional = word.length > 1 && word.endsWith('?') && !word.endsWith('\\?');
    const literal = unescapeLiteral(optional ? word.slice(0, -1) : word);
    const tokens = literalTokens(literal);
    if (tokens.length === 0) throw patternError(ruleId, pattern, `has an element '${word}' with no tokens`);
    elements.push(optional ? [tokens, []] : [tokens]);
  }
  return { elements, anchorStart, anchorEnd };
}

/**
 * The expansion errors of a parsed pattern, without expanding it: more than MAX_EXPANSIONS
 * sequences (empty ones counted), no token at all, a sequence starting with a wildcard.
 */
function checkElements(parsed: PatternElements, pattern: string, ruleId: string): void {
  let count = 1;
  for (const alts of parsed.elements) {
    count *= alts.length;
    if (count > MAX_EXPANSIONS) {
      throw patternError(ruleId, pattern, `expands to more than ${MAX_EXPANSIONS} token sequences`);
    }
  }
  // every alternative has tokens but the optional one: no elements is the only empty pattern
  if (parsed.elements.length === 0) throw patternError(ruleId, pattern, 'matches no tokens');
  for (const alts of parsed.elements) {
    if (alts.some((a) => a[0] === ANY)) throw patternError(ruleId, pattern, 'starts with a wildcard');
    if (!alts.some((a) => a.length === 0)) break;
  }
}

/** The tokens a sequence of a parsed pattern may start with. */
function firstTokens(parsed: PatternElements): Set<string> {
  const out = new Set<string>();
  for (const alts of parsed.elements) {
    for (const a of alts) if (a.length > 0) out.add(a[0] as string);
    if (!alts.some((a) => a.length === 0)) break;
  }
  return out;
}

function unescapeLiteral(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

// ---------------------------------------------------------------------------------------------
// Compiled rules

export interface CompiledRule {
  readonly id: string;
  readonly direction: Direction;
  /** The categories of a cue (forward/backward/bidirectional); empty for terminate and pseudo rules. */
  readonly categories: readonly AssertionCategory[];
  /** Bits of `categories`, or the bits a terminate/pseudo rule applies to. */
  readonly bits: number;
  /** Bits of the scopes this rule ends: a cue's own categories and its `terminates`; a terminator's categories. */
  readonly stops: number;
  readonly maxScope: number;
  /** Concept types the cue applies to; null: all. */
  readonly types: ReadonlySet<string> | null;
  /** Section categories the rule is used in; null: everywhere. */
  readonly sections: ReadonlySet<string> | null;
  /** A local cue (`or`, `vs`, a trailing `?`): scope up to a list separator, ends no other scope, void inside a denial. */
  readonly local: boolean;
  /** Position in the rule file (earlier wins a tie). */
  readonly order: number;
}

/** One token sequence of a rule at a trie node. */
export interface TrieEntry {
  readonly rule: CompiledRule;
  readonly length: number;
  /** Wildcards in the sequence (fewer is more specific). */
  readonly wild: number;
  readonly anchorStart: boolean;
  readonly anchorEnd: boolean;
}

export class TrieNode {
  next: Map<string, TrieNode> | null = null;
  any: TrieNode | null = null;
  entries: TrieEntry[] | null = null;
  /** A quick test before `next.get` (set on the root of a compiled trie). */
  filter: StringPrefilter | null = null;
  /**
   * In a rule set built from its data (`CompiledRules.fromData`): the sequences that go through
   * this node, not yet expanded past it. `expandNode` turns them into the node's entries and
   * children (each with its own pending sequences) the first time a note reaches the node.
   */
  pending: Pending[] | (() => Pending[]) | null = null;

  child(token: string): TrieNode {
    if (token === ANY) return (this.any ??= new TrieNode());
    this.next ??= new Map();
    let c = this.next.get(token);
    if (!c) this.next.set(token, (c = new TrieNode()));
    return c;
  }
}

export interface CompiledSectionDefault {
  readonly id: string;
  readonly sections: ReadonlySet<string>;
  readonly category: AssertionCategory;
  readonly bit: number;
  readonly types: ReadonlySet<string> | null;
}

/**
 * A checked rule file as JSON data (`CompiledRules.data`): the rules with their computed fields and
 * their parsed patterns, not expanded. `CompiledRules.fromData` builds the same rule set from it
 * without checking or parsing anything again (the disk cache keeps it; see `loadCompiledRules`).
 */
export interface RulesData {
  readonly version: string;
  readonly sequences: number;
  /** Each compiled rule as data: its sets as arrays, its order given by its place. */
  readonly rules: readonly (Omit<CompiledRule, 'types' | 'sections' | 'order'> & {
    readonly types: readonly string[] | null;
    readonly sections: readonly string[] | null;
  })[];
  /** The parsed pattern of each rule, in rule order. */
  readonly patterns: readonly PatternElements[];
  /** Each token a sequence may start with, and the rules (by order, ascending) that have such a sequence. */
  readonly firsts: readonly (readonly [string, readonly number[]])[];
  readonly sectionDefaults: readonly {
    readonly id: string;
    readonly sections: readonly string[];
    readonly category: AssertionCategory;
    readonly types: readonly string[] | null;
  }[];
}

/**
 * A rule file compiled: one trie for all patterns, and the section defaults. Built from a rule file
 * (checked, every sequence in the trie), or from the data of one (`fromData`: a node of the trie is
 * expanded when a note first reaches it, see `expandNode`; the cues found are the same).
 */
export class CompiledRules {
  readonly version: string;
  readonly root = new TrieNode();
  readonly rules: readonly CompiledRule[];
  readonly sectionDefaults: readonly CompiledSectionDefault[];
  /** Number of token sequences in the trie. */
  readonly sequences: number;
  /** The checked rules as JSON data, from which `fromData` builds an equal rule set. */
  readonly data: RulesData;

  /** Compile and check a rule file (CLINOTE_E_ASSERTION_RULE_INVALID, CLINOTE_E_ASSERTION_PATTERN_INVALID). */
  constructor(file: AssertionRules);
  constructor(file: AssertionRules | null, trusted?: RulesData);
  constructor(file: AssertionRules | null, trusted?: RulesData) {
    if (file === null) {
      // from data checked by an earlier build
      const data = trusted as RulesData;
      this.data = data;
      this.version = data.version;
      this.sequences = data.sequences;
      this.rules = data.rules.map((r, order) => ({
        id: r.id,
        direction: r.direction,
        categories: r.categories,
        bits: r.bits,
        stops: r.stops,
        maxScope: r.maxScope,
        local: r.local === true,
        types: r.types ? new Set(r.types) : null,
        sections: r.sections ? new Set(r.sections) : null,
        order,
      }));
      const root = this.root;
      root.next = new Map();
      for (const [token, orders] of data.firsts) {
        const node = new TrieNode();
        // the sequences that start with the token, made when a note first has the token
        node.pending = () => {
          const pending: Pending[] = [];
          for (const order of orders) {
            const parsed = data.patterns[order] as PatternElements;
            startAt(pending, this.rules[order] as CompiledRule, parsed, 0, token);
          }
          return pending;
        };
        root.next.set(token, node);
      }
      this.root.filter = new StringPrefilter(root.next.keys());
      this.sectionDefaults = data.sectionDefaults.map((s) => ({
        id: s.id,
        sections: new Set(s.sections),
        category: s.category,
        bit: CATEGORY_BIT[s.category],
        types: s.types ? new Set(s.types) : null,
      }));
      return;
    }
    this.version = file.version;
    const ids = new Set<string>();
    const rules: CompiledRule[] = [];
    const ruleData: RulesData['rules'][number][] = [];
    const patterns: PatternElements[] = [];
    const firsts = new Map<string, number[]>();
    /** Sections of each rule as a key (two sequences of rules with the same key may not be equal). */
    const sectionKeys: string[] = [];
    let sequences = 0;
    file.rules.forEach((r, order) => {
      if (ids.has(r.id)) throw ruleError(r.id, 'duplicate rule id');
      ids.add(r.id);
      const cats = r.category === undefined ? [] : Array.isArray(r.category) ? r.category : [r.category];
      const isCue =
        r.direction === 'forward' || r.direction === 'backward' || r.direction === 'bidirectional';
      if (isCue && cats.length === 0) throw ruleError(r.id, `a ${r.direction} rule needs a category`);
      if (!isCue && r.maxScope !== undefined) throw ruleError(r.id, `a ${r.direction} rule has no scope`);
      if (!isCue && r.types !== undefined)
        throw ruleError(r.id, `a ${r.direction} rule applies to every type`);
      if (!isCue && r.terminates !== undefined) {
        throw ruleError(r.id, `a ${r.direction} rule has no 'terminates' (use its category)`);
      }
      if (!isCue && r.local !== undefined) throw ruleError(r.id, `a ${r.direction} rule has no local scope`);
      const bits = cats.length === 0 ? ALL_CATEGORIES : cats.reduce((b, c) => b | CATEGORY_BIT[c], 0);
      let stops = (r.terminates ?? []).reduce((b, c) => b | CATEGORY_BIT[c], bits);
      // a cue on the polarity axis ends the scope of the other polarity (`possible effusion,
      // without pneumothorax`)
      if (isCue && bits & POLARITY) stops |= POLARITY;
      const data = {
        id: r.id,
        direction: r.direction,
        categories: isCue ? cats : [],
        bits,
        stops,
        maxScope: r.maxScope ?? (isCue ? Math.max(...cats.map((c) => file.maxScope[c])) : 0),
        local: r.local === true,
        types: r.types ?? null,
        sections: r.sections ?? null,
      };
      ruleData.push(data);
      const rule: CompiledRule = {
        ...data,
        types: r.types ? new Set(r.types) : null,
        sections: r.sections ? new Set(r.sections) : null,
        order,
      };
      rules.push(rule);
      const sectionKey = r.sections ? [...r.sections].sort().join(',') : '';
      sectionKeys[order] = sectionKey;
      const parsed = parseElements(r.pattern, r.id);
      checkElements(parsed, r.pattern, r.id);
      patterns.push(parsed);
      for (const t of firstTokens(parsed)) {
        const list = firsts.get(t);
        if (list === undefined) firsts.set(t, [order]);
        else list.push(order);
      }
      sequences += insertSequences(this.root, parsed, rule, (entries, path) => {
        // the same tokens (same node), anchors and sections as an earlier sequence
        const other = entries.find(
          (e) =>
            e.anchorStart === parsed.anchorStart &&
            e.anchorEnd === parsed.anchorEnd &&
            sectionKeys[e.rule.order] === sectionKey,
        );
        if (other !== undefined) {
          throw ruleError(
            r.id,
            `pattern '${r.pattern}' matches the same tokens as rule '${other.rule.id}' (${path.map((t) => (t === ANY ? '*' : t)).join(' ')})`,
          );
        }
      });
    });
    this.rules = rules;
    this.sequences = sequences;
    if (this.root.next !== null) this.root.filter = new StringPrefilter(this.root.next.keys());
    const sectionIds = new Set<string>();
    this.sectionDefaults = file.sections.map((s) => {
      if (ids.has(s.id) || sectionIds.has(s.id)) throw ruleError(s.id, 'duplicate rule id');
      sectionIds.add(s.id);
      return {
        id: s.id,
        sections: new Set(s.sections),
        category: s.category,
        bit: CATEGORY_BIT[s.category],
        types: s.types ? new Set(s.types) : null,
      };
    });
    this.data = {
      version: file.version,
      sequences,
      rules: ruleData,
      patterns,
      firsts: [...firsts],
      sectionDefaults: file.sections.map((s) => ({
        id: s.id,
        sections: s.sections,
        category: s.category,
        types: s.types ?? null,
      })),
    };
  }

  /**
   * The rule set of `data` (from `CompiledRules.data`), trusted: not checked again. Its trie is
   * expanded node by node as notes reach them, so building it costs little.
   */
  static fromData(data: RulesData): CompiledRules {
    return new CompiledRules(null, data);
  }
}

/**
 * A sequence of a pattern waiting at a node of a lazily built trie: it has matched the tokens on
 * the way to the node, up to token `j` of alternative `alt` of element `k`.
 */
export interface Pending {
  readonly rule: CompiledRule;
  readonly parsed: PatternElements;
  readonly k: number;
  readonly alt: readonly string[];
  readonly j: number;
  /** Tokens and wildcards matched so far. */
  readonly length: number;
  readonly wild: number;
}

/**
 * The sequences of a pattern that start with `first` (never a wildcard), to wait at the root's
 * child for it, from element `k` on (the elements before it matched nothing: optional ones skipped).
 */
function startAt(
  out: Pending[],
  rule: CompiledRule,
  parsed: PatternElements,
  k: number,
  first: string,
): void {
  const alts = parsed.elements[k];
  if (alts === undefined) return; // every element skipped: the empty sequence, never an entry
  for (const alt of alts) {
    if (alt.length === 0) startAt(out, rule, parsed, k + 1, first);
    else if (alt[0] === first) out.push({ rule, parsed, k, alt, j: 1, length: 1, wild: 0 });
  }
}

/**
 * Expand the pending sequences of a node (see `TrieNode.pending`): the ones that end here become
 * its entries (a rule once: equal sequences of one pattern are one), the others wait at its
 * children. The node then holds what the eagerly built trie holds at the same place.
 */
export function expandNode(node: TrieNode): void {
  const waiting = node.pending;
  if (waiting === null) return;
  node.pending = null;
  const pending = typeof waiting === 'function' ? waiting() : waiting;
  const advance = (p: Pending): void => {
    if (p.j < p.alt.length) {
      const t = p.alt[p.j] as string;
      const c = node.child(t);
      if (c.pending === null) c.pending = [];
      (c.pending as Pending[]).push({
        rule: p.rule,
        parsed: p.parsed,
        k: p.k,
        alt: p.alt,
        j: p.j + 1,
        length: p.length + 1,
        wild: p.wild + (t === ANY ? 1 : 0),
      });
      return;
    }
    const k = p.k + 1;
    const alts = p.parsed.elements[k];
    if (alts === undefined) {
      const entries = (node.entries ??= []);
      for (const e of entries) if (e.rule === p.rule) return;
      entries.push({
        rule: p.rule,
        length: p.length,
        wild: p.wild,
        anchorStart: p.parsed.anchorStart,
        anchorEnd: p.parsed.anchorEnd,
      });
      return;
    }
    for (const alt of alts) {
      advance({ rule: p.rule, parsed: p.parsed, k, alt, j: 0, length: p.length, wild: p.wild });
    }
  };
  for (const p of pending) advance(p);
}

/**
 * Add the token sequences of a parsed pattern to a trie, in the order `parsePattern` lists them, an
 * identical sequence once. `conflict` sees the entries already at a sequence's node (of other
 * rules) before its entry is added. Returns the number of sequences added.
 */
function insertSequences(
  root: TrieNode,
  parsed: PatternElements,
  rule: CompiledRule,
  conflict: (entries: readonly TrieEntry[], path: readonly string[]) => void,
): number {
  const { elements, anchorStart, anchorEnd } = parsed;
  const path: string[] = [];
  let added = 0;
  const walk = (k: number, node: TrieNode, wild: number): void => {
    if (k === elements.length) {
      if (path.length === 0) return;
      const entries = node.entries;
      if (entries !== null) {
        // the same sequence from another alternative of the pattern
        for (const e of entries) if (e.rule === rule) return;
        conflict(entries, path);
      }
      (node.entries ??= []).push({ rule, length: path.length, wild, anchorStart, anchorEnd });
      added++;
      return;
    }
    for (const alt of elements[k] as readonly (readonly string[])[]) {
      let n = node;
      let w = wild;
      for (const t of alt) {
        n = n.child(t);
        path.push(t);
        if (t === ANY) w++;
      }
      walk(k + 1, n, w);
      path.length -= alt.length;
    }
  };
  walk(0, root, 0);
  return added;
}

/** Key of the on-disk cache entry of a compiled rule file (bump the version when the compiler changes). */
const RULES_KIND = 'assertion-rules@2';

/**
 * A rule file read, checked and compiled through the factory context, with its compiled form kept
 * by content hash (`ctx.compiled`): a file compiled once is neither validated nor parsed again, in
 * this process (the same instance) or the next (its data, from the disk cache).
 */
export function loadCompiledRules(ctx: FactoryContext, path = DEFAULT_ASSERTION_RULES): CompiledRules {
  const compiled = ctx.compiled?.bind(ctx);
  if (!compiled) return new CompiledRules(loadAssertionRules(ctx, path));
  const text = ctx.readResource(path);
  return compiled(`${RULES_KIND}:runtime`, text, () => {
    const data = compiled(
      RULES_KIND,
      text,
      () => new CompiledRules(loadAssertionRules(withText(ctx, path, text), path)).data,
      { persist: true },
    );
    // built from the data on a miss too: one way to the runtime structures, cached or not
    return CompiledRules.fromData(data);
  });
}

/** The context with one resource's text already read (read once: every read records its hash). */
export function withText(ctx: FactoryContext, path: string, text: string): FactoryContext {
  const out: FactoryContext = {
    readResource: (p) => (p === path ? text : ctx.readResource(p)),
    readResourceBytes: (p) => ctx.readResourceBytes(p),
  };
  if (ctx.compiled) out.compiled = ctx.compiled.bind(ctx);
  return out;
}

function ruleError(rule: string, why: string): ClinoteError {
  return new ClinoteError('CLINOTE_E_ASSERTION_RULE_INVALID', `assertion rule '${rule}': ${why}`, { rule });
}

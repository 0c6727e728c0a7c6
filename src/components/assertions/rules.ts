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

/**
 * Parse a pattern into its token sequences. Throws CLINOTE_E_ASSERTION_PATTERN_INVALID for an empty
 * pattern, one starting with a wildcard, an empty alternative, or one expanding past MAX_EXPANSIONS.
 */
export function parsePattern(pattern: string, ruleId = '?'): ParsedPattern {
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
  let sequences: string[][] = [[]];
  for (const alts of elements) {
    const next: string[][] = [];
    for (const s of sequences) for (const a of alts) next.push(s.concat(a));
    if (next.length > MAX_EXPANSIONS) {
      throw patternError(ruleId, pattern, `expands to more than ${MAX_EXPANSIONS} token sequences`);
    }
    sequences = next;
  }
  sequences = sequences.filter((s) => s.length > 0);
  if (sequences.length === 0) throw patternError(ruleId, pattern, 'matches no tokens');
  if (sequences.some((s) => s[0] === ANY)) throw patternError(ruleId, pattern, 'starts with a wildcard');
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

/** A rule file compiled: one trie for all patterns, and the section defaults. */
export class CompiledRules {
  readonly version: string;
  readonly root = new TrieNode();
  readonly rules: readonly CompiledRule[];
  readonly sectionDefaults: readonly CompiledSectionDefault[];
  /** Number of token sequences in the trie. */
  readonly sequences: number;

  constructor(file: AssertionRules) {
    this.version = file.version;
    const ids = new Set<string>();
    const rules: CompiledRule[] = [];
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
      const bits = cats.length === 0 ? ALL_CATEGORIES : cats.reduce((b, c) => b | CATEGORY_BIT[c], 0);
      let stops = (r.terminates ?? []).reduce((b, c) => b | CATEGORY_BIT[c], bits);
      // a cue on the polarity axis ends the scope of the other polarity (`possible effusion,
      // without pneumothorax`)
      if (isCue && bits & POLARITY) stops |= POLARITY;
      const rule: CompiledRule = {
        id: r.id,
        direction: r.direction,
        categories: isCue ? cats : [],
        bits,
        stops,
        maxScope: r.maxScope ?? (isCue ? Math.max(...cats.map((c) => file.maxScope[c])) : 0),
        types: r.types ? new Set(r.types) : null,
        sections: r.sections ? new Set(r.sections) : null,
        order,
      };
      rules.push(rule);
      const sectionKey = r.sections ? [...r.sections].sort().join(',') : '';
      sectionKeys[order] = sectionKey;
      const parsed = parsePattern(r.pattern, r.id);
      for (const seq of parsed.sequences) {
        let node = this.root;
        for (const t of seq) node = node.child(t);
        // the same tokens (same node), anchors and sections as an earlier sequence
        const other = node.entries?.find(
          (e) =>
            e.anchorStart === parsed.anchorStart &&
            e.anchorEnd === parsed.anchorEnd &&
            sectionKeys[e.rule.order] === sectionKey,
        );
        if (other !== undefined) {
          throw ruleError(
            r.id,
            `pattern '${r.pattern}' matches the same tokens as rule '${other.rule.id}' (${seq.map((t) => (t === ANY ? '*' : t)).join(' ')})`,
          );
        }
        (node.entries ??= []).push({
          rule,
          length: seq.length,
          wild: seq.reduce((k, t) => k + (t === ANY ? 1 : 0), 0),
          anchorStart: parsed.anchorStart,
          anchorEnd: parsed.anchorEnd,
        });
        sequences++;
      }
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
  }
}

function ruleError(rule: string, why: string): ClinoteError {
  return new ClinoteError('CLINOTE_E_ASSERTION_RULE_INVALID', `assertion rule '${rule}': ${why}`, { rule });
}

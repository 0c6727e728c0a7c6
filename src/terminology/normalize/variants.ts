/**
 * Term variants: the ways clinicians write a vocabulary term. Each variant has the token keys the
 * matcher looks for, a penalty (0 for the term as written; small for noise removal; larger for
 * aggressive simplifications) and a rule id, so a match can say why it matched.
 *
 * Rules run in four stages, each over every variant made so far:
 *   1. noise      - `NOS`, `NEC`, `, unspecified`, `[...]`, `(disorder)`, `, initial encounter`...
 *   2. simplify   - parenthetical nonessential modifiers, `without complications`
 *   3. restructure- inversions: `Fracture, femur` -> `femur fracture`; `Pain in left knee` ->
 *                   `left knee pain`
 *   4. rewrite    - roman/arabic numerals after type/stage/grade, diabetes forms, `malignant
 *                   neoplasm of X` -> `X cancer`, leading qualifiers (`essential`, `other`), salts
 * A variant made by several rules carries their ids joined by `+` and the sum of their penalties.
 * Generated variants that end up empty, a single generic word or only function words are dropped.
 */
import type { SemanticType, SourceConcept, SourceTerm } from '../types.js';
import { termKeys } from './term-keys.js';

export interface TermVariant {
  /** Token keys of the variant, in order. */
  readonly keys: readonly string[];
  /** 0 for the term as written; higher for looser variants (at most MAX_PENALTY). */
  readonly penalty: number;
  /** Rule id (`original`, or rule ids joined by `+`). */
  readonly rule: string;
}

export interface VariantRule {
  readonly penalty: number;
  readonly stage: 'noise' | 'simplify' | 'restructure' | 'rewrite';
  readonly description: string;
}

/** Every rule, with its penalty. docs/terminology-sources.md lists them. */
export const VARIANT_RULES = {
  original: { penalty: 0, stage: 'noise', description: 'the term as written' },
  'noise.bracket': { penalty: 0.02, stage: 'noise', description: 'drop `[...]` (LOINC property, notes)' },
  'noise.semtag': {
    penalty: 0.02,
    stage: 'noise',
    description: 'drop a trailing semantic tag: `(disorder)`, `(finding)`, `(procedure)`...',
  },
  'noise.nec': {
    penalty: 0.05,
    stage: 'noise',
    description: 'drop `NOS`, `NEC`, `not elsewhere classified`, `not otherwise specified`',
  },
  'noise.unspecified': {
    penalty: 0.05,
    stage: 'noise',
    description: 'drop `, unspecified`, `unspecified site of`, `site not specified`, `unspecified`',
  },
  'noise.encounter': {
    penalty: 0.05,
    stage: 'noise',
    description: 'drop `, initial encounter...` (ICD-10-CM 7th character A)',
  },
  'noise.later-encounter': {
    penalty: 0.4,
    stage: 'noise',
    description: 'drop `, subsequent encounter...` or `, sequela` (7th characters D, G, K, P, S...)',
  },
  'noise.article': { penalty: 0.02, stage: 'noise', description: '`of the` -> `of`, `in the` -> `in`...' },
  'noise.possessive': { penalty: 0.02, stage: 'noise', description: "`Crohn's disease` -> `Crohn disease`" },
  'paren.drop': {
    penalty: 0.05,
    stage: 'simplify',
    description: 'drop parenthetical nonessential modifiers: `Essential (primary) hypertension`',
  },
  'without.complications': {
    penalty: 0.1,
    stage: 'simplify',
    description: 'drop `without complications`, `without mention of ...`, `with or without ...`',
  },
  'invert.comma': {
    penalty: 0.05,
    stage: 'restructure',
    description:
      '`Fracture, femur` -> `femur fracture`; `Diabetes mellitus, type 2` -> `type 2 diabetes mellitus`',
  },
  'invert.of': {
    penalty: 0.15,
    stage: 'restructure',
    description: '`Pain in left knee` -> `left knee pain`; `Abscess of liver` -> `liver abscess`',
  },
  'numeral.roman': {
    penalty: 0.02,
    stage: 'rewrite',
    description: '`type II` -> `type 2`, `stage IV` -> `stage 4`',
  },
  'numeral.arabic': {
    penalty: 0.02,
    stage: 'rewrite',
    description: '`type 2` -> `type II`, `stage 4` -> `stage IV`',
  },
  'diabetes.reorder': {
    penalty: 0.05,
    stage: 'rewrite',
    description: '`type 2 diabetes mellitus` <-> `diabetes mellitus type 2`',
  },
  'diabetes.short': { penalty: 0.1, stage: 'rewrite', description: '`diabetes mellitus` -> `diabetes`' },
  'neoplasm.cancer': {
    penalty: 0.2,
    stage: 'rewrite',
    description: '`malignant neoplasm of X` -> `X cancer`, `cancer of X`',
  },
  'neoplasm.secondary': {
    penalty: 0.25,
    stage: 'rewrite',
    description: '`secondary malignant neoplasm of X` -> `X metastasis`, `metastasis to X`',
  },
  'qualifier.drop': {
    penalty: 0.3,
    stage: 'rewrite',
    description: 'drop a leading `essential`, `idiopathic`, `other`, `other specified` (problems)',
  },
  'salt.drop': {
    penalty: 0.1,
    stage: 'rewrite',
    description: 'drop a trailing salt or ester: `metoprolol succinate` -> `metoprolol` (medications)',
  },
} as const satisfies Record<string, VariantRule>;

export type VariantRuleId = keyof typeof VARIANT_RULES;

/** Penalties are capped here (the pack stores them in hundredths). */
export const MAX_PENALTY = 0.9;
/** At most this many variants per term (the original included). */
export const MAX_VARIANTS = 16;

/** Function words: a generated variant may not start or end with one, nor be made only of them. */
const FUNCTION_WORDS = new Set([
  'a',
  'an',
  'the',
  'of',
  'in',
  'on',
  'at',
  'to',
  'for',
  'by',
  'with',
  'without',
  'and',
  'or',
  'due',
  'from',
  'as',
  'not',
  'other',
  'unspecified',
  'specified',
  'site',
  'than',
  'into',
  'following',
  'after',
  'before',
  'during',
  'nec',
  'nos',
]);

/**
 * One-word variants that are too generic to stand for a concept when a rule produced them (the
 * term as written is kept: `Pain` may well be a symptom concept).
 */
export const GENERIC_WORDS: ReadonlySet<string> = new Set([
  'disease',
  'disorder',
  'syndrome',
  'condition',
  'finding',
  'problem',
  'abnormality',
  'abnormal',
  'lesion',
  'injury',
  'neoplasm',
  'tumor',
  'mass',
  'complication',
  'deficiency',
  'encounter',
  'status',
  'history',
  'procedure',
  'test',
  'therapy',
  'treatment',
  'drug',
  'medication',
  'examination',
  'screening',
  'type',
  'stage',
  'grade',
  'part',
  'level',
  'cancer',
  'metastasis',
  'sequela',
  'effect',
  'poisoning',
  'accident',
  'change',
  'state',
]);

interface Candidate {
  readonly text: string;
  readonly penalty: number;
  readonly rules: readonly string[];
}

type Rewrite = (text: string, type: SemanticType) => readonly { text: string; rule: VariantRuleId }[];

const SPACES = /\s+/g;

function tidy(s: string): string {
  return s
    .replace(SPACES, ' ')
    .replace(/\s+([,;:)])/g, '$1')
    .replace(/\(\s+/g, '(')
    .replace(/^[\s,;:-]+|[\s,;:-]+$/g, '')
    .replace(/,\s*,/g, ',');
}

function wordCount(s: string): number {
  const t = s.trim();
  return t === '' ? 0 : t.split(SPACES).length;
}

// ---------------------------------------------------------------------------------------------
// Stage 1: noise (all noise rules that apply make one variant)

const SEMTAGS =
  'disorder|finding|procedure|body structure|substance|product|morphologic abnormality|situation|qualifier value|observable entity|regime/therapy|clinical drug|medicinal product|event|physical object|specimen|organism|navigational concept|attribute';

const NOISE: readonly { id: VariantRuleId; patterns: readonly (readonly [RegExp, string])[] }[] = [
  { id: 'noise.bracket', patterns: [[/\s*\[[^\]]*\]/g, ' ']] },
  { id: 'noise.semtag', patterns: [[new RegExp(`\\s*\\((?:${SEMTAGS})\\)\\s*$`, 'i'), '']] },
  {
    id: 'noise.nec',
    patterns: [
      [/,?\s+(?:NOS|NEC)\b(?=\s*(?:,|\(|\)|$))/g, ''],
      [/,?\s*\bnot (?:elsewhere classified|otherwise specified|classified elsewhere)\b/gi, ''],
    ],
  },
  {
    id: 'noise.unspecified',
    patterns: [
      [/,?\s*\bsite not specified\b/gi, ''],
      [
        /,\s*(?:site |part |type )?(?:unspecified|not specified)(?:\s+(?:site|type|part|side|laterality|organism|cause|region))?\s*(?=,|$)/gi,
        '',
      ],
      [/\bunspecified (?:site|part|region)s? of\s+/gi, ''],
      [/\bof unspecified (?:site|part|region)s?\b/gi, ''],
      [/\bunspecified\s+/gi, ''],
    ],
  },
  { id: 'noise.encounter', patterns: [[/,\s*initial encounter\b[^,]*/gi, '']] },
  {
    id: 'noise.later-encounter',
    patterns: [[/,\s*(?:subsequent encounter\b[^,]*|sequelae?)\s*$/gi, '']],
  },
  { id: 'noise.article', patterns: [[/\b(of|in|to|on|at|with|from|for) the\b/gi, '$1']] },
  { id: 'noise.possessive', patterns: [[/(\p{L})['\u2019]s\b/gu, '$1']] },
];

function noise(text: string): { text: string; rules: VariantRuleId[] } | null {
  let t = text;
  const rules: VariantRuleId[] = [];
  for (const rule of NOISE) {
    let changed = false;
    for (const [re, to] of rule.patterns) {
      const next = t.replace(re, to);
      if (next !== t) {
        changed = true;
        t = next;
      }
    }
    if (changed) {
      rules.push(rule.id);
      t = tidy(t);
    }
  }
  return rules.length > 0 ? { text: t, rules } : null;
}

// ---------------------------------------------------------------------------------------------
// Stage 2: simplify

function simplify(text: string): { text: string; rules: VariantRuleId[] } | null {
  let t = text;
  const rules: VariantRuleId[] = [];
  const noParens = tidy(t.replace(/\s*\([^()]*\)/g, ' '));
  if (noParens !== t && /\p{L}/u.test(noParens)) {
    t = noParens;
    rules.push('paren.drop');
  }
  const noWithout = tidy(
    t
      .replace(/\s+without (?:mention of [^,]*|(?:other |any )?complications?)\b/gi, ' ')
      .replace(/\s+with or without [^,]*/gi, ' '),
  );
  if (noWithout !== t) {
    t = noWithout;
    rules.push('without.complications');
  }
  return rules.length > 0 ? { text: t, rules } : null;
}

// ---------------------------------------------------------------------------------------------
// Stage 3: restructure

/** A comma tail starting with one of these is not an inverted head (`Pneumonia, due to ...`). */
const TAIL_BLOCK = new Set([
  ...FUNCTION_WORDS,
  'includes',
  'including',
  'each',
  'per',
  'initial',
  'subsequent',
  'sequela',
  'any',
  'all',
  'either',
  'both',
  'when',
  'which',
  'that',
  'except',
  'any',
  'so',
  'described',
  'stated',
  'unilateral',
  'bilateral',
  'left',
  'right',
  'single',
  'multiple',
  'complete',
  'incomplete',
]);

const INNER_BLOCK = /\b(?:of|in|with|without|due|and|or|by|from|to|for|on|at|following|not|except)\b/i;

function invertComma(text: string): string | null {
  const parts = text.split(',');
  if (parts.length !== 2) return null;
  const head = parts[0]!.trim();
  const tail = parts[1]!.trim();
  const hw = wordCount(head);
  const tw = wordCount(tail);
  if (hw < 1 || hw > 4 || tw < 1 || tw > 3) return null;
  if (/[()[\]]/.test(head) || /[()[\]]/.test(tail)) return null;
  const first = tail.split(SPACES)[0]!.toLowerCase();
  if (TAIL_BLOCK.has(first) || INNER_BLOCK.test(tail) || INNER_BLOCK.test(head)) return null;
  return `${tail} ${head}`;
}

function invertOf(text: string): string | null {
  const m = /^(\S+(?: \S+)?) (of|in) (.+)$/i.exec(text);
  if (!m) return null;
  const head = m[1]!;
  const tail = m[3]!;
  if (/[,()[\]]/.test(text)) return null;
  const tw = wordCount(tail);
  if (tw < 1 || tw > 3 || INNER_BLOCK.test(tail)) return null;
  const headWords = head.toLowerCase().split(' ');
  if (headWords.some((w) => FUNCTION_WORDS.has(w))) return null;
  if (FUNCTION_WORDS.has(tail.split(' ')[0]!.toLowerCase())) return null;
  return `${tail} ${head}`;
}

const restructure: Rewrite = (text) => {
  const out: { text: string; rule: VariantRuleId }[] = [];
  const c = invertComma(text);
  if (c) out.push({ text: c, rule: 'invert.comma' });
  const o = invertOf(text);
  if (o) out.push({ text: o, rule: 'invert.of' });
  return out;
};

// ---------------------------------------------------------------------------------------------
// Stage 4: rewrite

/** Roman numerals i..x and the Arabic number each writes (`type ii` is `type 2`). */
export const ROMAN: Readonly<Record<string, string>> = {
  i: '1',
  ii: '2',
  iii: '3',
  iv: '4',
  v: '5',
  vi: '6',
  vii: '7',
  viii: '8',
  ix: '9',
  x: '10',
};
const ARABIC: Record<string, string> = Object.fromEntries(Object.entries(ROMAN).map(([r, a]) => [a, r]));
const NUMBERED = '(type|stage|grade|class|phase|degree|tier)';
const ROMAN_RE = new RegExp(`\\b${NUMBERED} (i{1,3}|iv|vi{0,3}|ix|x)\\b`, 'gi');
const ARABIC_RE = new RegExp(`\\b${NUMBERED} (10|[1-9])\\b`, 'gi');

const SALTS =
  'hydrochloride|hcl|hydrobromide|besylate|besilate|maleate|tartrate|bitartrate|succinate|sulfate|sulphate|bisulfate|citrate|acetate|mesylate|fumarate|hemifumarate|phosphate|bromide|hyclate|monohydrate|dihydrate|trihydrate|hydrate|anhydrous|disodium|sodium|potassium|calcium|magnesium|dipropionate|propionate|valerate|furoate|gluconate|lactate|malate|napsylate|nitrate|oxalate|pamoate|stearate|tromethamine|xinafoate|medoxomil|axetil|cilexetil|mofetil|decanoate|enanthate|cypionate|ethylsuccinate|estolate|palmitate|aspartate|carbonate';
const SALT_RE = new RegExp(`^(.+?)\\s+(?:${SALTS})$`, 'i');
/** A salt-less rest that is itself another substance: keep the salt (`ferrous sulfate`). */
const SALT_KEEP = new Set([
  'ferrous',
  'ferric',
  'iron',
  'zinc',
  'copper',
  'cupric',
  'magnesium',
  'calcium',
  'sodium',
  'potassium',
  'lithium',
  'aluminum',
  'aluminium',
  'barium',
  'silver',
  'manganese',
  'chromium',
  'selenium',
  'ammonium',
  'hydrogen',
  'cobalt',
  'strontium',
  'bismuth',
]);

const rewrite: Rewrite = (text, type) => {
  const out: { text: string; rule: VariantRuleId }[] = [];
  const roman = text.replace(ROMAN_RE, (_m, w: string, n: string) => `${w} ${ROMAN[n.toLowerCase()] ?? n}`);
  if (roman !== text) out.push({ text: roman, rule: 'numeral.roman' });
  const arabic = text.replace(
    ARABIC_RE,
    (_m, w: string, n: string) => `${w} ${(ARABIC[n] ?? n).toUpperCase()}`,
  );
  if (arabic !== text) out.push({ text: arabic, rule: 'numeral.arabic' });

  if (type === 'problem') {
    const lower = text.toLowerCase();
    // type N diabetes mellitus ... <-> diabetes mellitus type N ...
    const dm1 = /^(type \S+) diabetes mellitus\b(.*)$/.exec(lower);
    const dm2 = /^diabetes mellitus,? (type \S+)\b(.*)$/.exec(lower);
    if (dm1) {
      out.push({ text: `diabetes mellitus ${dm1[1]}${dm1[2]}`, rule: 'diabetes.reorder' });
      out.push({ text: `${dm1[1]} diabetes${dm1[2]}`, rule: 'diabetes.short' });
    } else if (dm2) {
      out.push({ text: `${dm2[1]} diabetes mellitus${dm2[2]}`, rule: 'diabetes.reorder' });
      out.push({ text: `diabetes ${dm2[1]}${dm2[2]}`, rule: 'diabetes.short' });
    } else if (/\bdiabetes mellitus\b/.test(lower)) {
      out.push({ text: lower.replace(/\bdiabetes mellitus\b/, 'diabetes'), rule: 'diabetes.short' });
    }
    const sec = /^secondary malignant neoplasm of (.+)$/.exec(lower);
    const prim = /^(?:primary )?malignant neoplasm of (.+)$/.exec(lower);
    if (sec && wordCount(sec[1]!) <= 4 && !/[,(]/.test(sec[1]!) && !/\b(?:and|or)\b/.test(sec[1]!)) {
      out.push({ text: `${sec[1]} metastasis`, rule: 'neoplasm.secondary' });
      out.push({ text: `metastasis to ${sec[1]}`, rule: 'neoplasm.secondary' });
    } else if (
      prim &&
      wordCount(prim[1]!) <= 4 &&
      !/[,(]/.test(prim[1]!) &&
      !/\b(?:and|or)\b/.test(prim[1]!)
    ) {
      out.push({ text: `${prim[1]} cancer`, rule: 'neoplasm.cancer' });
      out.push({ text: `cancer of ${prim[1]}`, rule: 'neoplasm.cancer' });
    }
    const q = /^(?:other specified|other|essential|idiopathic)\s+(.+)$/i.exec(text);
    if (q) out.push({ text: q[1]!, rule: 'qualifier.drop' });
  }
  if (type === 'medication') {
    const m = SALT_RE.exec(text.trim());
    if (m && m[1]!.length >= 4 && !SALT_KEEP.has(m[1]!.toLowerCase().split(' ').pop()!)) {
      out.push({ text: m[1]!, rule: 'salt.drop' });
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------

/** Term kinds that are used as written (plus noise removal): acronyms and brand names. */
const LITERAL_KINDS = new Set(['abbreviation', 'brand']);

function acceptable(keys: readonly string[]): boolean {
  if (keys.length === 0) return false;
  if (keys.every((k) => FUNCTION_WORDS.has(k) || /^\d+$/.test(k))) return false;
  if (FUNCTION_WORDS.has(keys[0]!) || FUNCTION_WORDS.has(keys[keys.length - 1]!)) return false;
  if (keys.length === 1) {
    const k = keys[0]!;
    if (k.length < 3 || GENERIC_WORDS.has(k)) return false;
  }
  return true;
}

/**
 * All variants of a term of a concept: the term as written first (unless it has no keys), then
 * the others by penalty, deduplicated on their keys (the lowest penalty kept).
 */
export function termVariants(
  concept: Pick<SourceConcept, 'type'>,
  term: Pick<SourceTerm, 'text' | 'kind'>,
): TermVariant[] {
  const original = tidy(term.text);
  const originalKeys = termKeys(original);
  if (originalKeys.length === 0) return [];
  const byKeys = new Map<string, TermVariant>();
  byKeys.set(originalKeys.join(' '), { keys: originalKeys, penalty: 0, rule: 'original' });

  const pool: Candidate[] = [{ text: original, penalty: 0, rules: [] }];
  const seenText = new Set<string>([original.toLowerCase()]);
  const add = (from: Candidate, text: string, rules: readonly VariantRuleId[]): void => {
    const t = tidy(text);
    const low = t.toLowerCase();
    if (t === '' || seenText.has(low)) return;
    seenText.add(low);
    let penalty = from.penalty;
    for (const r of rules) penalty += VARIANT_RULES[r].penalty;
    const c: Candidate = {
      text: t,
      penalty: Math.min(MAX_PENALTY, penalty),
      rules: [...from.rules, ...rules],
    };
    pool.push(c);
    const keys = termKeys(t);
    if (!acceptable(keys)) return;
    const id = keys.join(' ');
    const prev = byKeys.get(id);
    if (prev === undefined || c.penalty < prev.penalty) {
      byKeys.set(id, { keys, penalty: round(c.penalty), rule: c.rules.join('+') });
    }
  };

  const literal = LITERAL_KINDS.has(term.kind);
  for (const c of [...pool]) {
    const n = noise(c.text);
    if (n) add(c, n.text, n.rules);
  }
  if (!literal) {
    for (const c of [...pool]) {
      const s = simplify(c.text);
      if (s) add(c, s.text, s.rules);
    }
    for (const c of [...pool]) for (const r of restructure(c.text, concept.type)) add(c, r.text, [r.rule]);
    const before = [...pool];
    for (const c of before) for (const r of rewrite(c.text, concept.type)) add(c, r.text, [r.rule]);
    // a second rewrite pass: `Diabetes mellitus, type II` -> `type II diabetes mellitus` -> `type 2 ...`
    for (const c of pool.slice(before.length)) {
      for (const r of rewrite(c.text, concept.type)) add(c, r.text, [r.rule]);
    }
  }
  const [first, ...rest] = [...byKeys.values()];
  rest.sort((a, b) => a.penalty - b.penalty);
  return [first!, ...rest].slice(0, MAX_VARIANTS);
}

function round(p: number): number {
  return Math.round(p * 100) / 100;
}

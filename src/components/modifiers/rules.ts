/** The modifiers word lists (resources/modifiers/modifiers.json): schema and compiled patterns. */
import { type Static, Type } from '@sinclair/typebox';
import type { ModifierKind } from './types.js';

export const DEFAULT_MODIFIER_RULES = 'modifiers/modifiers.json';

const Words = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 });
const ValueList = Type.Array(
  Type.Object(
    {
      value: Type.String({ minLength: 1 }),
      written: Words,
      exact: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), {
          description:
            'Short forms matched only as written (case), and only right before a body site or the concept',
        }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const ModifierRulesSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    description: Type.Optional(Type.String()),
    laterality: ValueList,
    eyes: ValueList,
    severity: ValueList,
    course: ValueList,
    acuity: ValueList,
    grade: Type.Object(
      { words: Words, values: Words },
      { additionalProperties: false, description: 'Severity grades: `grade 2`, `grade II`' },
    ),
    bodySites: ValueList,
    stopWords: Type.Array(Type.String(), {
      description: 'Words that end a noun phrase when looking left of a concept',
    }),
  },
  { additionalProperties: false },
);

export type ModifierRules = Static<typeof ModifierRulesSchema>;

export type HitKind = ModifierKind;

export interface Hit {
  start: number;
  end: number;
  kind: HitKind;
  value: string;
  /** A short form (`L`, `R`) that must stand right before a body site or the concept. */
  exact?: boolean;
  /** A pain score (`8/10`): a severity only for pain. */
  score?: boolean;
  /** Index of the anatomy concept behind a body site. */
  concept?: number;
  code?: { system: string; code: string };
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function alt(words: Iterable<string>): string {
  return [...new Set(words)]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map((w) => esc(w).replace(/ /g, '[ \\t]+'))
    .join('|');
}

const ROMAN: Record<string, string> = { i: '1', ii: '2', iii: '3', iv: '4', v: '5' };

export class CompiledModifierRules {
  readonly rules: ModifierRules;
  readonly #values = new Map<string, { kind: HitKind; value: string }>();
  readonly #exact = new Map<string, { kind: HitKind; value: string }>();
  readonly wordRe: RegExp;
  /** The same, sticky: tried only where a token that starts a modifier word stands. */
  readonly wordStickyRe: RegExp;
  /** Lower-cased first words of the modifier words (`acute` of `acute on chronic`). */
  readonly firstWords: ReadonlySet<string>;
  readonly exactRe: RegExp;
  readonly gradeRe: RegExp;
  readonly scoreRe: RegExp;
  readonly #stop: ReadonlySet<string>;

  constructor(rules: ModifierRules) {
    this.rules = rules;
    const words: string[] = [];
    const add = (kind: HitKind, list: ModifierRules['laterality']): void => {
      for (const e of list) {
        for (const w of e.written) {
          const k = w.toLowerCase().replace(/\s+/g, ' ');
          if (!this.#values.has(k)) this.#values.set(k, { kind, value: e.value });
          words.push(w);
        }
        for (const x of e.exact ?? []) this.#exact.set(x, { kind, value: e.value });
      }
    };
    // order matters for equal forms: the first list wins
    add('laterality', rules.laterality);
    add('acuity', rules.acuity);
    add('severity', rules.severity);
    add('course', rules.course);
    add('bodySite', rules.bodySites);
    for (const e of rules.eyes)
      for (const w of e.written) this.#exact.set(w, { kind: 'laterality', value: e.value });
    this.wordRe = new RegExp(`(?<![A-Za-z0-9/])(?:${alt(words)})(?![A-Za-z0-9])`, 'gi');
    this.wordStickyRe = new RegExp(`(?<![A-Za-z0-9/])(?:${alt(words)})(?![A-Za-z0-9])`, 'iy');
    this.firstWords = new Set(words.map((w) => w.toLowerCase().split(/[^a-z0-9]/)[0]!).filter((w) => w));
    this.exactRe = new RegExp(`(?<![A-Za-z0-9/])(?:${alt(this.#exact.keys())})(?![A-Za-z0-9/])`, 'g');
    this.gradeRe = new RegExp(
      `(?<![A-Za-z0-9])(?:${alt(rules.grade.words)})[ \\t]*(${alt(rules.grade.values)})(?![A-Za-z0-9])`,
      'gi',
    );
    this.scoreRe = /(?<![\d/.])(\d{1,2})[ \t]*\/[ \t]*10(?![\d/])/g;
    this.#stop = new Set(rules.stopWords.map((w) => w.toLowerCase()));
  }

  isStopWord(w: string): boolean {
    return this.#stop.has(w.toLowerCase());
  }

  word(w: string): { kind: HitKind; value: string } | undefined {
    return this.#values.get(w.toLowerCase().replace(/\s+/g, ' '));
  }

  exact(w: string): { kind: HitKind; value: string } | undefined {
    return this.#exact.get(w);
  }

  grade(v: string): string {
    const lower = v.toLowerCase();
    return `grade ${ROMAN[lower] ?? lower}`;
  }
}

/**
 * The measurements lexicon (resources/measurements/measurements.json): its schema, and the compiled
 * form the extractor uses (a token trie of test names, and precompiled unit, flag, qualitative and
 * oxygen-device patterns).
 */
import { type Static, Type } from '@sinclair/typebox';
import { StringPrefilter } from '../../text/prefilter.js';
import { tokenize } from '../../text/tokenize.js';
import { RULE_ID_PATTERN } from './patterns.js';
import { type FlagCode, FlagCodeSchema, VitalKindSchema } from './types.js';
import { UnitMatcher } from './unit-match.js';

export const DEFAULT_MEASUREMENT_RULES = 'measurements/measurements.json';

const Strings = Type.Array(Type.String({ minLength: 1 }));
const Id = Type.String({ pattern: RULE_ID_PATTERN, description: 'Stable rule id, unique in the file' });

export const TestEntrySchema = Type.Object(
  {
    id: Type.String({
      pattern: '^[a-z0-9][a-z0-9-]*$',
      description: 'Stable id, unique in the file: the `test.id` of the results and in their evidence',
    }),
    name: Type.String({ minLength: 1 }),
    kind: Type.Union([Type.Literal('lab'), Type.Literal('vital')]),
    vital: Type.Optional(VitalKindSchema),
    loinc: Type.Optional(Type.String({ pattern: '^\\d{1,7}-\\d$' })),
    aliases: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Names matched whatever their case',
    }),
    abbreviations: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Short forms matched only as written (case)',
      }),
    ),
    contextual: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          'Forms accepted only in a vital-sign context (vital_signs section, another vital on the line) or with a written unit',
      }),
    ),
    plausible: Type.Optional(
      Type.Tuple([Type.Number(), Type.Number()], {
        description: 'Plausible numeric values when no unit is written (conventional US units)',
      }),
    ),
    defaultUnit: Type.Optional(Type.String({ description: 'UCUM unit assumed when none is written' })),
    singleLetterUnits: Type.Optional(Strings),
    qualitative: Type.Optional(
      Type.Boolean({ description: 'Whether qualitative results are accepted (default true)' }),
    ),
    scoreOutOf: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'A score written out of its maximum (`14/15`): the value is the first number',
      }),
    ),
  },
  { additionalProperties: false },
);

export const MeasurementRulesSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    description: Type.Optional(Type.String()),
    tests: Type.Array(TestEntrySchema, { minItems: 1 }),
    units: Type.Array(
      Type.Object(
        {
          id: Id,
          ucum: Type.String({ minLength: 1 }),
          written: Strings,
          onlyFor: Type.Optional(
            Type.Array(Type.String(), { description: 'Test ids for which this written form is a unit' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    qualitative: Type.Array(
      Type.Object(
        { id: Id, value: Type.String({ minLength: 1 }), written: Strings },
        { additionalProperties: false },
      ),
    ),
    flags: Type.Array(
      Type.Object({ id: Id, code: FlagCodeSchema, written: Strings }, { additionalProperties: false }),
    ),
    devices: Type.Array(
      Type.Object(
        {
          id: Id,
          code: Type.String({ minLength: 1 }),
          display: Type.String({ minLength: 1 }),
          written: Strings,
        },
        { additionalProperties: false },
      ),
    ),
    resultWords: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          'Qualitative results read after a copula or before `for` when the test is named by its head word (`liver function was normal`, `positive for CD30`)',
      }),
    ),
    resultHeads: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Id,
            category: Type.Union([Type.Literal('laboratory'), Type.Literal('imaging'), Type.Literal('exam')]),
            words: Strings,
          },
          { additionalProperties: false },
        ),
        {
          description:
            'Head words that make a noun phrase a test (`level`, `scan`, `examination`), with its FHIR category',
        },
      ),
    ),
    panels: Type.Array(
      Type.Object(
        {
          id: Type.String({
            pattern: '^[a-z0-9][a-z0-9-]*$',
            description: 'Stable id, unique in the file: the results have rule `meas.panel.<id>`',
          }),
          written: Strings,
          shapes: Type.Array(Type.Union([Type.Literal('slash'), Type.Literal('fishbone')]), { minItems: 1 }),
          tests: Type.Array(Type.String(), {
            minItems: 2,
            description: 'Test ids, in the order of the values',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    $id: 'https://clinote.dev/schemas/measurements.json',
    title: 'Clinote measurements lexicon',
    description:
      'Lab and vital-sign tests, UCUM units, qualitative results, flags, oxygen devices and panels, for the `measurements` component.',
  },
);

export type MeasurementRules = Static<typeof MeasurementRulesSchema>;

/** The JSON Schema file kept beside the lexicon (`resources/measurements/measurements.schema.json`); a test keeps it in step. */
export function measurementRulesJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...MeasurementRulesSchema };
}
export type TestEntry = Static<typeof TestEntrySchema>;

/** What a trie path ends on: a test (with the form that must match exactly, for abbreviations) or a panel. */
export interface Terminal {
  readonly kind: 'test' | 'panel';
  readonly id: string;
  /** Case-sensitive form (abbreviation): the matched text, spaces removed, must equal it. */
  readonly exact?: string;
  /** Form that needs a vital-sign context or a written unit. */
  readonly contextual: boolean;
}

export interface TrieNode {
  readonly next: Map<string, TrieNode>;
  terminals: Terminal[];
}

export interface CompiledPanel {
  readonly id: string;
  readonly shapes: readonly ('slash' | 'fishbone')[];
  readonly tests: readonly TestEntry[];
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A regex alternation of the forms, longest first; inner spaces match runs of spaces. */
export function alternation(forms: Iterable<string>): string {
  const uniq = [...new Set(forms)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return uniq.map((f) => escapeRe(f).replace(/ /g, '[ \\t]+')).join('|');
}

/** The form and its case variants (lower, upper, capitalized) when it is a word of 3+ letters. */
function withCaseVariants(form: string): string[] {
  if (!/[a-z]{3}/i.test(form)) return [form];
  const cap = form.charAt(0).toUpperCase() + form.slice(1);
  return [form, form.toLowerCase(), form.toUpperCase(), cap];
}

/** Written units and their spellings: `/litre` and `/liter` for `/L`, a space after the slash. */
function unitVariants(written: readonly string[]): string[] {
  const out = new Set<string>();
  for (const w of written) {
    out.add(w);
    if (/\/[lL]$/.test(w)) {
      out.add(`${w.slice(0, -1)}litre`);
      out.add(`${w.slice(0, -1)}liter`);
    }
    if (/^[A-Za-zµμ]+\/[A-Za-zµμ]+$/.test(w)) {
      out.add(w.replace('/', '/ '));
      out.add(w.replace('/', ' / '));
    }
  }
  return [...out];
}

/** Keys of a test name: the norms of its tokens, as the tokenizer gives them. */
export function termKeys(term: string): string[] {
  return tokenize(term).map((t) => t.norm);
}

export class CompiledLexicon {
  readonly rules: MeasurementRules;
  readonly version: string;
  readonly tests = new Map<string, TestEntry>();
  readonly panels = new Map<string, CompiledPanel>();
  readonly trie: TrieNode = { next: new Map(), terminals: [] };
  /** Unit written form (lower-cased, or exact) -> UCUM and the tests it is restricted to. */
  readonly #unitsExact = new Map<string, { ucum: string; onlyFor?: readonly string[] }>();
  readonly #unitsLower = new Map<string, { ucum: string; onlyFor?: readonly string[] }>();
  readonly #unitForms: readonly string[];
  #unitSource: string | undefined;
  /** The unit forms matched as `(?:${unitSource})` with its boundary, without the regex (unit-match.ts). */
  readonly unitMatcher: UnitMatcher;
  readonly #qualitative = new Map<string, string>();
  readonly qualitativeSource: string;
  readonly #flags = new Map<string, FlagCode>();
  readonly flagSource: string;
  readonly #devices = new Map<string, { code: string; display: string }>();
  readonly deviceSource: string;
  /** Head word (lower-cased, or exact for upper-case ones like `CT`) -> category. */
  readonly #heads = new Map<string, 'laboratory' | 'imaging' | 'exam'>();
  readonly resultWordSource: string;
  /** Lower-cased first tokens of the result words (`within` of `within normal limits`). */
  readonly #resultFirst = new Set<string>();
  readonly #resultFirstFilter: StringPrefilter;
  /** A quick test before `trie.next.get(norm)`: false for most tokens that start no test name. */
  readonly firstFilter: StringPrefilter;

  constructor(rules: MeasurementRules) {
    this.rules = rules;
    this.version = rules.version;
    for (const t of rules.tests) {
      this.tests.set(t.id, t);
      const contextual = new Set((t.contextual ?? []).map((c) => c.toLowerCase()));
      for (const a of t.aliases) {
        this.#add(termKeys(a), {
          kind: 'test',
          id: t.id,
          contextual: contextual.has(a.toLowerCase()),
        });
      }
      for (const a of t.abbreviations ?? []) {
        this.#add(termKeys(a), {
          kind: 'test',
          id: t.id,
          exact: a.replace(/\s+/g, ''),
          contextual: contextual.has(a.toLowerCase()),
        });
      }
    }
    for (const p of rules.panels) {
      const tests = p.tests.map((id) => {
        const t = this.tests.get(id);
        if (!t) throw new Error(`panel '${p.id}' names an unknown test '${id}'`);
        return t;
      });
      this.panels.set(p.id, { id: p.id, shapes: p.shapes, tests });
      for (const w of p.written) this.#add(termKeys(w), { kind: 'panel', id: p.id, contextual: false });
    }
    const unitForms: string[] = [];
    for (const u of rules.units) {
      for (const w of unitVariants(u.written)) {
        const entry = u.onlyFor ? { ucum: u.ucum, onlyFor: u.onlyFor } : { ucum: u.ucum };
        if (!this.#unitsExact.has(w)) this.#unitsExact.set(w, entry);
        const lw = w.toLowerCase();
        if (!this.#unitsLower.has(lw)) this.#unitsLower.set(lw, entry);
        unitForms.push(w);
      }
    }
    this.#unitForms = unitForms;
    this.unitMatcher = new UnitMatcher(unitForms);
    const qForms: string[] = [];
    for (const q of rules.qualitative) {
      for (const w of q.written) {
        for (const v of withCaseVariants(w)) {
          if (!this.#qualitative.has(v)) this.#qualitative.set(v, q.value);
          qForms.push(v);
        }
      }
    }
    this.qualitativeSource = alternation(qForms);
    const fForms: string[] = [];
    for (const f of rules.flags) {
      for (const w of f.written) {
        for (const v of withCaseVariants(w)) {
          if (!this.#flags.has(v)) this.#flags.set(v, f.code);
          fForms.push(v);
        }
      }
    }
    this.flagSource = alternation(fForms);
    const dForms: string[] = [];
    for (const d of rules.devices) {
      for (const w of d.written) {
        for (const v of withCaseVariants(w)) {
          if (!this.#devices.has(v)) this.#devices.set(v, { code: d.code, display: d.display });
          dForms.push(v);
        }
      }
    }
    this.deviceSource = alternation(dForms);
    for (const h of rules.resultHeads ?? []) {
      for (const w of h.words) this.#heads.set(/^[A-Z]{2,}/.test(w) ? w : w.toLowerCase(), h.category);
    }
    const rForms: string[] = [];
    for (const w of rules.resultWords ?? []) {
      for (const v of withCaseVariants(w)) rForms.push(v);
      const first = termKeys(w)[0];
      if (first) this.#resultFirst.add(first);
    }
    this.resultWordSource = alternation(rForms);
    this.#resultFirstFilter = new StringPrefilter(this.#resultFirst);
    this.firstFilter = new StringPrefilter(this.trie.next.keys());
  }

  /** A regex alternation of the unit forms (computed on first use: the extractor reads units with `unitMatcher`). */
  get unitSource(): string {
    this.#unitSource ??= alternation(this.#unitForms);
    return this.#unitSource;
  }

  /** Whether a token (its norm) may start a result word. */
  startsResult(norm: string): boolean {
    return this.#resultFirstFilter.mayHave(norm) && this.#resultFirst.has(norm);
  }

  /** Category of a test head word (`level` -> laboratory, `CT` -> imaging), if it is one. */
  head(word: string): 'laboratory' | 'imaging' | 'exam' | undefined {
    return (
      this.#heads.get(word) ?? (/^[A-Z]{2,}/.test(word) ? undefined : this.#heads.get(word.toLowerCase()))
    );
  }

  #add(keys: readonly string[], terminal: Terminal): void {
    if (keys.length === 0) return;
    let node = this.trie;
    for (const k of keys) {
      let n = node.next.get(k);
      if (!n) {
        n = { next: new Map(), terminals: [] };
        node.next.set(k, n);
      }
      node = n;
    }
    if (
      !node.terminals.some(
        (t) => t.kind === terminal.kind && t.id === terminal.id && t.exact === terminal.exact,
      )
    ) {
      node.terminals.push(terminal);
    }
  }

  /** UCUM of a written unit for a test (undefined when the form is not a unit for this test). */
  unit(written: string, testId: string | undefined): string | undefined {
    const w = written.replace(/[ \t]+/g, ' ');
    const e = this.#unitsExact.get(w) ?? this.#unitsLower.get(w.toLowerCase());
    if (!e) return undefined;
    if (e.onlyFor && (testId === undefined || !e.onlyFor.includes(testId))) return undefined;
    return e.ucum;
  }

  qualitative(written: string): string | undefined {
    const w = written.replace(/[ \t]+/g, ' ');
    return this.#qualitative.get(w) ?? this.#qualitative.get(w.toLowerCase());
  }

  flag(written: string): FlagCode | undefined {
    return this.#flags.get(written.replace(/[ \t]+/g, ' '));
  }

  device(written: string): { code: string; display: string } | undefined {
    const w = written.replace(/[ \t]+/g, ' ');
    return this.#devices.get(w) ?? this.#devices.get(w.toLowerCase());
  }
}

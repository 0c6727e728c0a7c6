/**
 * The rule data of the `medications` component (resources/medications/sig.json and context.json):
 * TypeBox schemas (validated when the component is built; the JSON Schema files beside the data are
 * kept in step by a test) and the compiled form the extractor uses: one sticky, case-insensitive
 * regular expression per phrase list, longest phrase first, and maps from a matched phrase back to
 * its entry. Phrases are plain text: a space matches any run of whitespace; every match must end at
 * a word boundary.
 */

import { type Static, type TLiteral, type TUnion, Type } from '@sinclair/typebox';
import { StringPrefilter } from '../../text/prefilter.js';
import { tokenize } from '../../text/tokenize.js';

function literals<T extends string>(
  values: readonly T[],
  options: { description?: string } = {},
): TUnion<TLiteral<T>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as TUnion<TLiteral<T>[]>;
}

const Id = Type.String({
  pattern: '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$',
  description: 'Rule id, e.g. `route.po`',
});
const Phrase = Type.String({ minLength: 1 });
const Phrases = Type.Array(Phrase, { minItems: 1, uniqueItems: true });
const Words = Type.Array(Phrase, { uniqueItems: true });

/** Changes of a medication the sig lexicon can name (the `medications` layer's status values). */
export const SIG_STATUSES = [
  'started',
  'stopped',
  'continued',
  'held',
  'increased',
  'decreased',
  'changed',
] as const;
/** Intensities the sig lexicon can name (the `medications` layer's intensity values). */
export const SIG_INTENSITIES = [
  'high',
  'low',
  'standard',
  'maintenance',
  'loading',
  'prophylactic',
  'stress',
] as const;

const PeriodUnit = literals(['s', 'min', 'h', 'd', 'wk', 'mo', 'a'] as const);
const Day = literals(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const);

export const TimingSchema = Type.Object(
  {
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    frequency: Type.Optional(Type.Integer({ minimum: 1 })),
    frequencyMax: Type.Optional(Type.Integer({ minimum: 1 })),
    period: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    periodMax: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    periodUnit: Type.Optional(PeriodUnit),
    dayOfWeek: Type.Optional(Type.Array(Day, { minItems: 1, uniqueItems: true })),
    timeOfDay: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{2}:\\d{2}:\\d{2}$' }), { minItems: 1 })),
    when: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]+$' }), { minItems: 1, uniqueItems: true })),
  },
  { additionalProperties: false, description: 'FHIR R4 Timing.repeat' },
);

const UnitKind = literals(['mass', 'amount', 'units', 'volume', 'concentration', 'form'] as const, {
  description:
    'mass, amount, concentration: a strength; units and volume: a dose unless a `per` follows; form: a dose in form units',
});

export const SigLexiconSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$', description: 'Version of the rule data' }),
    description: Type.Optional(Type.String()),
    numberWords: Type.Record(
      Type.String({ pattern: '^[a-z][a-z -]*$' }),
      Type.Number({ exclusiveMinimum: 0 }),
      {
        description: 'Number words (`one` -> 1, `half` -> 0.5)',
      },
    ),
    units: Type.Array(
      Type.Object(
        {
          id: Id,
          ucum: Type.String({ minLength: 1 }),
          kind: UnitKind,
          factor: Type.Optional(
            Type.Number({ exclusiveMinimum: 0, description: 'Multiplier (`million units`)' }),
          ),
          forms: Phrases,
        },
        { additionalProperties: false },
      ),
      { description: 'Units of a strength or a dose amount' },
    ),
    perUnits: Type.Array(
      Type.Object(
        {
          id: Id,
          ucum: Type.String({ minLength: 1 }),
          lab: Type.Optional(
            Type.Boolean({
              description: 'A laboratory denominator (`mg/dL`): the quantity is not a medication',
            }),
          ),
          forms: Phrases,
        },
        { additionalProperties: false },
      ),
      { description: 'Denominators after `/` or `per` (`mg/mL`, `mg/kg/day`)' },
    ),
    timeUnits: Type.Array(
      Type.Object({ ucum: PeriodUnit, forms: Phrases }, { additionalProperties: false }),
      { description: 'Time units of intervals and durations' },
    ),
    routes: Type.Array(
      Type.Object(
        {
          id: Id,
          code: Type.String({ pattern: '^[A-Z]+$' }),
          display: Type.String({ minLength: 1 }),
          requiresForm: Type.Optional(
            Type.Array(Type.String({ pattern: '^[A-Z]+$' }), {
              description:
                'Kept only when the mention has one of these forms (or a dose in drops): `OD`/`OS` with eye drops',
            }),
          ),
          phrases: Phrases,
        },
        { additionalProperties: false },
      ),
    ),
    forms: Type.Array(
      Type.Object(
        {
          id: Id,
          code: Type.String({ pattern: '^[A-Z]+$' }),
          display: Type.String({ minLength: 1 }),
          route: Type.Optional(
            Type.String({
              pattern: '^[A-Z]+$',
              description: 'Route the form implies (`nasal spray` -> NAS)',
            }),
          ),
          adjacent: Type.Optional(
            Type.Boolean({
              description: 'Kept only right after the drug name (ambiguous abbreviations: `ER`, `CR`)',
            }),
          ),
          phrases: Phrases,
        },
        { additionalProperties: false },
      ),
    ),
    frequencies: Type.Array(
      Type.Object({ id: Id, timing: TimingSchema, phrases: Phrases }, { additionalProperties: false }),
      {
        description:
          'Fixed frequency phrases; intervals (`q6h`, `every 2 weeks`, `3x/week`) are parsed by the grammar',
      },
    ),
    intensities: Type.Array(
      Type.Object(
        {
          id: Id,
          value: literals(SIG_INTENSITIES),
          phrases: Phrases,
        },
        { additionalProperties: false },
      ),
      {
        description: 'Dose intensity written without an amount (`high-dose`, `low-dose`, `maintenance dose`)',
      },
    ),
    asNeeded: Type.Object(
      { id: Type.String({ minLength: 1 }), phrases: Phrases, reasonLinks: Words },
      { additionalProperties: false },
    ),
    durationLeads: Words,
    durationFillers: Words,
    courseWords: Words,
    statuses: Type.Array(
      Type.Object(
        {
          id: Id,
          value: literals(SIG_STATUSES),
          tableOnly: Type.Optional(
            Type.Boolean({ description: 'Only in the status column of a medication table' }),
          ),
          notBefore: Type.Optional(
            Type.Array(Phrase, { description: 'Not a status when the next word is one of these' }),
          ),
          phrases: Phrases,
        },
        { additionalProperties: false },
      ),
    ),
    statusForwardWords: Words,
    indicationLeads: Words,
    reasonStopWords: Words,
    indicationSkipFirst: Words,
    indicationDenyFirst: Type.Array(Phrase),
    maxLeads: Words,
    dispenseLeads: Words,
    sequenceWords: Words,
    distributeWords: Words,
    connectorWords: Words,
    separatorWords: Words,
  },
  {
    additionalProperties: false,
    $id: 'https://clinote.dev/schemas/medications-sig.json',
    title: 'Clinote medication sig lexicon',
    description:
      'Units, routes, forms, frequencies, as-needed, durations and statuses for the `medications` component.',
  },
);
export type SigLexicon = Static<typeof SigLexiconSchema>;

const ColumnWords = Type.Array(Phrase, { uniqueItems: true });

export const MedicationContextSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$', description: 'Version of the rule data' }),
    description: Type.Optional(Type.String()),
    listSections: Type.Array(Type.String({ pattern: '^[a-z_]+$' }), {
      uniqueItems: true,
      description:
        'Section categories holding medication lists (a drug-like word before a sig there is a drug)',
    }),
    skipSections: Type.Array(Type.String({ pattern: '^[a-z_]+$' }), {
      uniqueItems: true,
      description: 'Section categories where drug names are not medications taken (allergies)',
    }),
    columns: Type.Object(
      {
        drug: ColumnWords,
        dose: ColumnWords,
        route: ColumnWords,
        frequency: ColumnWords,
        indication: ColumnWords,
        status: ColumnWords,
        duration: ColumnWords,
      },
      { additionalProperties: false, description: 'Header words of medication table columns' },
    ),
    salts: Type.Array(Phrase, {
      uniqueItems: true,
      description: 'Words that extend a drug name (`metoprolol tartrate`)',
    }),
    stems: Type.Array(Type.String({ pattern: '^[a-z]+$' }), {
      uniqueItems: true,
      description:
        'Drug-name endings (USAN/INN stems): a word ending so, followed by a strength, is a drug head',
    }),
    stemMinRoot: Type.Integer({ minimum: 1, description: 'Letters a word needs before its stem' }),
    nonDrugWords: Type.Array(Phrase, { uniqueItems: true, description: 'Words that are never a drug head' }),
    drugClasses: Type.Array(Phrase, {
      uniqueItems: true,
      description:
        'Drug class words (`antibiotics`, `steroids`, `diuretics`): a drug head when a route or form is written with them (`IV antibiotics`)',
    }),
  },
  {
    additionalProperties: false,
    $id: 'https://clinote.dev/schemas/medications-context.json',
    title: 'Clinote medication context rules',
    description:
      'Medication sections, table columns, salts, drug-name stems, non-drug words and drug classes for the `medications` component.',
  },
);
export type MedicationContext = Static<typeof MedicationContextSchema>;

/** The JSON Schema files kept beside the rule data; a test keeps them in step. */
export function sigLexiconJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...SigLexiconSchema };
}
export function medicationContextJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...MedicationContextSchema };
}

// ---------------------------------------------------------------------------------------------
// Compiled form

/** The key a phrase or a matched text is looked up by: lower case, whitespace runs as one space. */
export function phraseKey(s: string): string {
  const l = s.toLowerCase();
  return /\s/.test(l) ? l.replace(/\s+/g, ' ').trim() : l;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Regex source of an alternation of phrases, longest first; spaces match whitespace runs. */
export function alternation(phrases: Iterable<string>): string {
  return alternatives(phrases).join('|');
}

/** The alternatives of `alternation`, in its order. */
function alternatives(phrases: Iterable<string>): string[] {
  const list = [...new Set([...phrases].map(phraseKey))].filter((p) => p !== '');
  list.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return list.map((p) => p.split(' ').map(escapeRegex).join('\\s+'));
}

/** Nothing of a word follows (letters and digits). */
export const END = '(?![\\p{L}\\p{N}])';

/** Where a phrase may end: a phrase ending in a non-word character (`b.i.d.`, `/day`) needs no boundary after it. */
const PHRASE_END = `(?:(?<=[^\\p{L}\\p{N}])|${END})`;

function phraseRegex(phrases: Iterable<string>): RegExp {
  const alt = alternation(phrases);
  return new RegExp(alt === '' ? '(?!)' : `(?:${alt})${PHRASE_END}`, 'iuy');
}

/** `PHRASE_END` alone, compiled once for every group (a `\p{L}` class under `iu` is slow to compile). */
let phraseEnd: RegExp | undefined;

/** Whether a phrase may end at `end` of `text` (`PHRASE_END` holds there). */
function endsPhrase(text: string, end: number): boolean {
  const re = (phraseEnd ??= new RegExp(PHRASE_END, 'iuy'));
  re.lastIndex = end;
  return re.test(text);
}

/**
 * The phrases that start with one token, matched as `phraseRegex` of them matches (the first
 * phrase, in its order, that matches and ends on `PHRASE_END`), without compiling `PHRASE_END`
 * into every group's expression: one expression of the phrases finds the first that matches; when
 * the boundary holds after it, that is the answer, else the phrases are tried one by one (rare).
 * Each phrase matches in one way only (words and whitespace runs), so this is the same match.
 */
class PhraseGroup {
  readonly #sources: readonly string[];
  readonly #any: RegExp;
  readonly #each: (RegExp | undefined)[];

  constructor(phrases: readonly string[]) {
    this.#sources = alternatives(phrases);
    this.#any = new RegExp(`(?:${this.#sources.join('|')})`, 'iuy');
    this.#each = new Array(this.#sources.length);
  }

  /** The matched text at `pos`, or null. */
  exec(text: string, pos: number): string | null {
    const any = this.#any;
    any.lastIndex = pos;
    const m = any.exec(text);
    if (m === null) return null;
    if (endsPhrase(text, pos + m[0].length)) return m[0];
    for (let i = 0; i < this.#sources.length; i++) {
      const re = (this.#each[i] ??= new RegExp(`(?:${this.#sources[i]})`, 'iuy'));
      re.lastIndex = pos;
      const one = re.exec(text);
      if (one !== null && endsPhrase(text, pos + one[0].length)) return one[0];
    }
    return null;
  }
}

/**
 * A phrase list as JSON data (`phraseData`): the phrase keys (first of equal keys wins), their
 * entries (an entry shared by several phrases listed once) and the keys grouped by their first
 * token as the tokenizer writes it.
 */
export interface PhraseData<T> {
  readonly values: readonly T[];
  /** Each key and the index of its entry in `values`. */
  readonly keys: readonly (readonly [key: string, value: number])[];
  /** Each first token and the indexes in `keys` of the keys that start with it. */
  readonly groups: readonly (readonly [first: string, keys: readonly number[]])[];
}

/** Key the phrases and group them by first token (what the constructor of PhraseMatcher does). */
export function phraseData<T>(entries: Iterable<[phrase: string, entry: T]>): PhraseData<T> {
  const values: T[] = [];
  const index = new Map<T, number>();
  const keys: [string, number][] = [];
  const seen = new Set<string>();
  for (const [p, e] of entries) {
    const k = phraseKey(p);
    if (seen.has(k)) continue;
    seen.add(k);
    let i = index.get(e);
    if (i === undefined) {
      i = values.length;
      values.push(e);
      index.set(e, i);
    }
    keys.push([k, i]);
  }
  const groups = new Map<string, number[]>();
  keys.forEach(([p], i) => {
    const first = tokenize(p)[0]?.norm ?? '';
    let g = groups.get(first);
    if (!g) groups.set(first, (g = []));
    g.push(i);
  });
  return { values, keys, groups: [...groups] };
}

/** A sticky case-insensitive matcher for phrases, with the entry of each phrase. */
export class PhraseMatcher<T> {
  /** Every phrase (made on the first use: a `\p{L}` regular expression takes long to build). */
  #re: RegExp | undefined;
  readonly #data: PhraseData<T>;
  /** Key -> entry, made on the first use (many lists are not used by a given note). */
  #entries: Map<string, T> | undefined;
  /**
   * The phrases of each first token (as the tokenizer writes it), matched together, made on the
   * first use of that token; till then the indexes of their keys in the data.
   */
  readonly #byFirst = new Map<string, PhraseGroup | readonly number[]>();

  constructor(entries: Iterable<[phrase: string, entry: T]>);
  constructor(entries: Iterable<[phrase: string, entry: T]> | null, trusted?: PhraseData<T>);
  constructor(entries: Iterable<[phrase: string, entry: T]> | null, trusted?: PhraseData<T>) {
    const data = entries !== null ? phraseData(entries) : (trusted as PhraseData<T>);
    this.#data = data;
    for (const [first, list] of data.groups) this.#byFirst.set(first, list);
  }

  /** Key -> entry. */
  #map(): Map<string, T> {
    if (this.#entries === undefined) {
      const { values, keys } = this.#data;
      this.#entries = new Map();
      for (const [k, i] of keys) this.#entries.set(k, values[i] as T);
    }
    return this.#entries;
  }

  /** The matcher of `data` (from `phraseData`), trusted. */
  static fromData<T>(data: PhraseData<T>): PhraseMatcher<T> {
    return new PhraseMatcher<T>(null, data);
  }

  /**
   * The phrase at `pos` (longest), or null. `first`: the norm of the token at `pos`, when known:
   * only the phrases that start with that token are tried.
   */
  match(text: string, pos: number, first?: string): { end: number; entry: T; text: string } | null {
    let found: string | null;
    if (first === undefined) {
      const re = (this.#re ??= phraseRegex(this.#map().keys()));
      re.lastIndex = pos;
      found = re.exec(text)?.[0] ?? null;
    } else {
      let g = this.#byFirst.get(first);
      if (g === undefined) return null;
      if (!(g instanceof PhraseGroup)) {
        const keys = this.#data.keys;
        g = new PhraseGroup(g.map((i) => (keys[i] as readonly [string, number])[0]));
        this.#byFirst.set(first, g);
      }
      found = g.exec(text, pos);
    }
    if (found === null) return null;
    const entry = this.#map().get(phraseKey(found));
    if (entry === undefined) return null;
    return { end: pos + found.length, entry, text: found };
  }

  /** The first tokens of the phrases. */
  firsts(): IterableIterator<string> {
    return this.#byFirst.keys();
  }

  has(phrase: string): boolean {
    return this.#map().has(phraseKey(phrase));
  }
}

/** Bits of CompiledLexicon.firstMask. */
export const MATCHER_BITS = {
  forms: 1,
  routes: 2,
  intensities: 4,
  statuses: 8,
  indicationLeads: 16,
  maxLeads: 32,
  dispenseLeads: 64,
  sequence: 128,
  distribute: 256,
  asNeeded: 512,
  frequencies: 1024,
} as const;

export interface UnitEntry {
  readonly id: string;
  readonly ucum: string;
  readonly kind: 'mass' | 'amount' | 'units' | 'volume' | 'concentration' | 'form';
  readonly factor: number;
}

export interface PerUnitEntry {
  readonly id: string;
  readonly ucum: string;
  readonly lab: boolean;
}

export type Timing = Static<typeof TimingSchema>;

export interface RouteEntry {
  readonly id: string;
  readonly code: string;
  readonly display: string;
  readonly requiresForm?: readonly string[];
}

export interface FormEntry {
  readonly id: string;
  readonly code: string;
  readonly display: string;
  readonly route?: string;
  readonly adjacent: boolean;
}

export interface StatusEntry {
  readonly id: string;
  readonly value: (typeof SIG_STATUSES)[number];
  readonly tableOnly: boolean;
  readonly notBefore: ReadonlySet<string>;
}

export interface IntensityEntry {
  readonly id: string;
  readonly value: 'high' | 'low' | 'standard' | 'maintenance' | 'loading' | 'prophylactic' | 'stress';
}

export type ColumnRole = keyof MedicationContext['columns'];

/** Everything the extractor needs, built once per component instance. */
export class CompiledLexicon {
  readonly version: string;
  readonly numberWords: ReadonlyMap<string, number>;
  /** Regex source of one number (digits, fractions, words). */
  readonly numberSource: string;
  readonly units: ReadonlyMap<string, UnitEntry>;
  readonly perUnits: ReadonlyMap<string, PerUnitEntry>;
  readonly timeUnits: ReadonlyMap<string, Timing['periodUnit'] & string>;
  /** Regex sources of the unit alternations. */
  readonly unitSource: string;
  readonly perUnitSource: string;
  readonly timeUnitSource: string;
  readonly routes: PhraseMatcher<RouteEntry>;
  readonly routeByCode: ReadonlyMap<string, RouteEntry>;
  readonly forms: PhraseMatcher<FormEntry>;
  readonly frequencies: PhraseMatcher<{ id: string; timing: Timing }>;
  readonly intensities: PhraseMatcher<IntensityEntry>;
  readonly asNeeded: PhraseMatcher<string>;
  readonly asNeededId: string;
  readonly reasonLinks: PhraseMatcher<true>;
  readonly statuses: PhraseMatcher<StatusEntry>;
  readonly tableStatuses: PhraseMatcher<StatusEntry>;
  readonly durationLeadSource: string;
  readonly durationLeads: readonly string[];
  readonly durationFillerSource: string;
  readonly courseSource: string;
  readonly indicationLeads: PhraseMatcher<true>;
  readonly maxLeads: PhraseMatcher<true>;
  readonly dispenseLeads: PhraseMatcher<true>;
  readonly sequence: PhraseMatcher<true>;
  readonly distribute: PhraseMatcher<true>;
  readonly statusForward: ReadonlySet<string>;
  readonly reasonStop: ReadonlySet<string>;
  readonly indicationSkipFirst: ReadonlySet<string>;
  readonly indicationDenyFirst: ReadonlySet<string>;
  readonly connectors: ReadonlySet<string>;
  readonly separators: ReadonlySet<string>;
  /**
   * Token norm -> bit mask of the phrase lists that have a phrase starting with that token (see
   * MATCHER_BITS): one lookup tells whether a token can start a lexicon element at all.
   */
  readonly firstMask: ReadonlyMap<string, number>;
  /** A quick test before `firstMask.get` (false: no phrase starts with the token). */
  readonly firstFilter: StringPrefilter;
  /** Token norms that make a sentence worth a look: unit words (`mg`, `tabs`, `units`), drug classes. */
  readonly triggers: ReadonlySet<string>;
  /** A quick test before `triggers.has` (false: not a trigger). */
  readonly triggerFilter: StringPrefilter;
  /** Every single word of the sig lexicon (never a drug head). */
  readonly sigWords: ReadonlySet<string>;
  // context
  readonly listSections: ReadonlySet<string>;
  readonly skipSections: ReadonlySet<string>;
  readonly columns: ReadonlyMap<string, ColumnRole>;
  readonly salts: ReadonlySet<string>;
  readonly stems: readonly string[];
  readonly stemMinRoot: number;
  readonly nonDrug: ReadonlySet<string>;
  readonly drugClasses: PhraseMatcher<true>;

  /** First tokens of the number words (as the tokenizer writes them). */
  readonly numberFirsts: readonly string[];
  /** First tokens of the duration leads. */
  readonly durationLeadFirsts: readonly string[];
  /** The compiled lexicon as JSON data, from which `fromData` builds an equal lexicon. */
  readonly data: SigLexiconData;

  constructor(sig: SigLexicon, context: MedicationContext);
  constructor(sig: SigLexicon | null, context: MedicationContext | null, trusted?: SigLexiconData);
  constructor(sig: SigLexicon | null, context: MedicationContext | null, trusted?: SigLexiconData) {
    const d = sig !== null && context !== null ? sigLexiconData(sig, context) : (trusted as SigLexiconData);
    this.data = d;
    this.version = d.version;
    this.numberWords = new Map(d.numberWords);
    this.numberSource = d.numberSource;
    this.numberFirsts = d.numberFirsts;
    this.units = new Map(d.units);
    this.unitSource = d.unitSource;
    this.perUnits = new Map(d.perUnits);
    this.perUnitSource = d.perUnitSource;
    this.timeUnits = new Map(d.timeUnits);
    this.timeUnitSource = d.timeUnitSource;
    this.routes = PhraseMatcher.fromData(d.routes);
    this.routeByCode = new Map(d.routeByCode);
    this.forms = PhraseMatcher.fromData(d.forms);
    this.frequencies = PhraseMatcher.fromData(d.frequencies);
    this.intensities = PhraseMatcher.fromData(d.intensities);
    this.asNeeded = PhraseMatcher.fromData(d.asNeeded);
    this.asNeededId = d.asNeededId;
    this.reasonLinks = PhraseMatcher.fromData(d.reasonLinks);
    this.statuses = PhraseMatcher.fromData(statusData(d.statuses));
    this.tableStatuses = PhraseMatcher.fromData(statusData(d.tableStatuses));
    this.durationLeadSource = d.durationLeadSource;
    this.durationLeads = d.durationLeads;
    this.durationLeadFirsts = d.durationLeadFirsts;
    this.durationFillerSource = d.durationFillerSource;
    this.courseSource = d.courseSource;
    this.indicationLeads = PhraseMatcher.fromData(d.indicationLeads);
    this.maxLeads = PhraseMatcher.fromData(d.maxLeads);
    this.dispenseLeads = PhraseMatcher.fromData(d.dispenseLeads);
    this.sequence = PhraseMatcher.fromData(d.sequence);
    this.distribute = PhraseMatcher.fromData(d.distribute);
    this.statusForward = new Set(d.statusForward);
    this.reasonStop = new Set(d.reasonStop);
    this.indicationSkipFirst = new Set(d.indicationSkipFirst);
    this.indicationDenyFirst = new Set(d.indicationDenyFirst);
    this.connectors = new Set(d.connectors);
    this.separators = new Set(d.separators);

    const mask = new Map<string, number>();
    const lists: [number, PhraseMatcher<unknown>][] = [
      [MATCHER_BITS.forms, this.forms],
      [MATCHER_BITS.routes, this.routes],
      [MATCHER_BITS.intensities, this.intensities],
      [MATCHER_BITS.statuses, this.statuses],
      [MATCHER_BITS.indicationLeads, this.indicationLeads],
      [MATCHER_BITS.maxLeads, this.maxLeads],
      [MATCHER_BITS.dispenseLeads, this.dispenseLeads],
      [MATCHER_BITS.sequence, this.sequence],
      [MATCHER_BITS.distribute, this.distribute],
      [MATCHER_BITS.asNeeded, this.asNeeded],
      [MATCHER_BITS.frequencies, this.frequencies],
    ];
    for (const [bit, m] of lists) for (const f of m.firsts()) mask.set(f, (mask.get(f) ?? 0) | bit);
    this.firstMask = mask;
    this.firstFilter = new StringPrefilter(mask.keys());
    this.triggers = new Set(d.triggers);
    this.triggerFilter = new StringPrefilter(this.triggers);
    this.sigWords = new Set(d.sigWords);

    this.listSections = new Set(d.listSections);
    this.skipSections = new Set(d.skipSections);
    this.columns = new Map(d.columns);
    this.salts = new Set(d.salts);
    this.stems = d.stems;
    this.stemMinRoot = d.stemMinRoot;
    this.nonDrug = new Set(d.nonDrug);
    this.drugClasses = PhraseMatcher.fromData(d.drugClasses);
  }

  /** The lexicon of `data` (from `CompiledLexicon.data`), trusted: not checked or computed again. */
  static fromData(data: SigLexiconData): CompiledLexicon {
    return new CompiledLexicon(null, null, data);
  }

  /** A word that ends with a drug stem, with enough letters before it. */
  hasDrugStem(word: string): boolean {
    const w = word.toLowerCase();
    if (!/^[a-z][a-z-]*[a-z]$/.test(w)) return false;
    for (const s of this.stems) {
      if (w.length >= s.length + this.stemMinRoot && w.endsWith(s)) return true;
    }
    return false;
  }
}

/** A status entry as JSON data (`notBefore` a list). */
type StatusData = Omit<StatusEntry, 'notBefore'> & { readonly notBefore: readonly string[] };

function statusData(d: PhraseData<StatusData>): PhraseData<StatusEntry> {
  return { ...d, values: d.values.map((e) => ({ ...e, notBefore: new Set(e.notBefore) })) };
}

/**
 * The sig lexicon and the medication context compiled to JSON data (`CompiledLexicon.data`): what
 * the constructor computes from the rule files (keys, regex sources, phrase groups, word sets),
 * from which `CompiledLexicon.fromData` builds the lexicon without tokenizing anything.
 */
export interface SigLexiconData {
  readonly version: string;
  readonly numberWords: readonly (readonly [string, number])[];
  readonly numberSource: string;
  readonly numberFirsts: readonly string[];
  readonly units: readonly (readonly [string, UnitEntry])[];
  readonly unitSource: string;
  readonly perUnits: readonly (readonly [string, PerUnitEntry])[];
  readonly perUnitSource: string;
  readonly timeUnits: readonly (readonly [string, Timing['periodUnit'] & string])[];
  readonly timeUnitSource: string;
  readonly routes: PhraseData<RouteEntry>;
  readonly routeByCode: readonly (readonly [string, RouteEntry])[];
  readonly forms: PhraseData<FormEntry>;
  readonly frequencies: PhraseData<{ id: string; timing: Timing }>;
  readonly intensities: PhraseData<IntensityEntry>;
  readonly asNeeded: PhraseData<string>;
  readonly asNeededId: string;
  readonly reasonLinks: PhraseData<true>;
  readonly statuses: PhraseData<StatusData>;
  readonly tableStatuses: PhraseData<StatusData>;
  readonly durationLeadSource: string;
  readonly durationLeads: readonly string[];
  readonly durationLeadFirsts: readonly string[];
  readonly durationFillerSource: string;
  readonly courseSource: string;
  readonly indicationLeads: PhraseData<true>;
  readonly maxLeads: PhraseData<true>;
  readonly dispenseLeads: PhraseData<true>;
  readonly sequence: PhraseData<true>;
  readonly distribute: PhraseData<true>;
  readonly statusForward: readonly string[];
  readonly reasonStop: readonly string[];
  readonly indicationSkipFirst: readonly string[];
  readonly indicationDenyFirst: readonly string[];
  readonly connectors: readonly string[];
  readonly separators: readonly string[];
  readonly triggers: readonly string[];
  readonly sigWords: readonly string[];
  readonly listSections: readonly string[];
  readonly skipSections: readonly string[];
  readonly columns: readonly (readonly [string, ColumnRole])[];
  readonly salts: readonly string[];
  readonly stems: readonly string[];
  readonly stemMinRoot: number;
  readonly nonDrug: readonly string[];
  readonly drugClasses: PhraseData<true>;
}

/** Compile the rule files to the lexicon's data (see `SigLexiconData`). */
export function sigLexiconData(sig: SigLexicon, context: MedicationContext): SigLexiconData {
  const firstOf = (p: string): string => tokenize(p)[0]?.norm ?? '';
  const numberWords = new Map<string, number>();
  for (const [w, v] of Object.entries(sig.numberWords)) numberWords.set(phraseKey(w), v);
  const words = alternation(numberWords.keys());
  const digits = '(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|\\.\\d+)';
  const fraction = '(?:[1-3]\\s*\\/\\s*[2-4](?![\\d/]))';
  const numberSource =
    `(?:${digits}(?:\\s+${fraction}|[½¼¾])?|${fraction}|[½¼¾]|` +
    `(?:${words})(?:[\\s-]+(?:hundred|thousand))?${END})`;

  const units = new Map<string, UnitEntry>();
  for (const u of sig.units) {
    for (const f of u.forms) {
      units.set(phraseKey(f), { id: u.id, ucum: u.ucum, kind: u.kind, factor: u.factor ?? 1 });
    }
  }
  const perUnits = new Map<string, PerUnitEntry>();
  for (const u of sig.perUnits) {
    for (const f of u.forms) perUnits.set(phraseKey(f), { id: u.id, ucum: u.ucum, lab: u.lab === true });
  }
  const timeUnits = new Map<string, Timing['periodUnit'] & string>();
  for (const t of sig.timeUnits) for (const f of t.forms) timeUnits.set(phraseKey(f), t.ucum);

  const routeByCode = new Map<string, RouteEntry>();
  const routes = phraseData(
    sig.routes.flatMap((r) => {
      const entry: RouteEntry = {
        id: r.id,
        code: r.code,
        display: r.display,
        ...(r.requiresForm ? { requiresForm: r.requiresForm } : {}),
      };
      if (!r.requiresForm && !routeByCode.has(r.code)) routeByCode.set(r.code, entry);
      return r.phrases.map((p): [string, RouteEntry] => [p, entry]);
    }),
  );
  const forms = phraseData(
    sig.forms.flatMap((f) => {
      const entry: FormEntry = {
        id: f.id,
        code: f.code,
        display: f.display,
        adjacent: f.adjacent === true,
        ...(f.route ? { route: f.route } : {}),
      };
      return f.phrases.map((p): [string, FormEntry] => [p, entry]);
    }),
  );
  const frequencies = phraseData(
    sig.frequencies.flatMap((f) => {
      const entry = { id: f.id, timing: f.timing };
      return f.phrases.map((p): [string, { id: string; timing: Timing }] => [p, entry]);
    }),
  );
  const intensities = phraseData(
    sig.intensities.flatMap((x) =>
      x.phrases.map((p): [string, IntensityEntry] => [p, { id: x.id, value: x.value }]),
    ),
  );
  const statusEntries = (tableOnly: boolean): [string, StatusData][] =>
    sig.statuses
      .filter((s) => (s.tableOnly === true) === tableOnly)
      .flatMap((s) => {
        const entry: StatusData = {
          id: s.id,
          value: s.value,
          tableOnly: s.tableOnly === true,
          notBefore: [...new Set((s.notBefore ?? []).map(phraseKey))],
        };
        return s.phrases.map((p): [string, StatusData] => [p, entry]);
      });

  const triggers = new Set<string>();
  for (const k of units.keys()) if (!k.includes(' ')) triggers.add(k);
  // drug classes (`IV antibiotics`) make a sentence worth a look too
  for (const c of context.drugClasses) {
    const first = tokenize(c)[0]?.norm;
    if (first) triggers.add(first);
  }
  const sigWords = new Set<string>();
  const addWords = (phrases: Iterable<string>): void => {
    for (const p of phrases) for (const w of phraseKey(p).split(' ')) if (w !== '') sigWords.add(w);
  };
  addWords(units.keys());
  for (const r of sig.routes) addWords(r.phrases);
  for (const f of sig.forms) addWords(f.phrases);
  for (const f of sig.frequencies) addWords(f.phrases);
  for (const s of sig.statuses) addWords(s.phrases);
  for (const x of sig.intensities) addWords(x.phrases);
  addWords(sig.asNeeded.phrases);
  addWords(sig.connectorWords);

  const columns = new Map<string, ColumnRole>();
  for (const [role, list] of Object.entries(context.columns) as [ColumnRole, string[]][]) {
    for (const w of list) if (!columns.has(phraseKey(w))) columns.set(phraseKey(w), role);
  }
  return {
    version: `${sig.version}+${context.version}`,
    numberWords: [...numberWords],
    numberSource,
    numberFirsts: [...numberWords.keys()].map(firstOf),
    units: [...units],
    unitSource: alternation(units.keys()),
    perUnits: [...perUnits],
    perUnitSource: alternation(perUnits.keys()),
    timeUnits: [...timeUnits],
    timeUnitSource: alternation(timeUnits.keys()),
    routes,
    routeByCode: [...routeByCode],
    forms,
    frequencies,
    intensities,
    asNeeded: phraseData(sig.asNeeded.phrases.map((p): [string, string] => [p, sig.asNeeded.id])),
    asNeededId: sig.asNeeded.id,
    reasonLinks: trueData(sig.asNeeded.reasonLinks),
    statuses: phraseData(statusEntries(false)),
    tableStatuses: phraseData([...statusEntries(true), ...statusEntries(false)]),
    durationLeadSource: alternation(sig.durationLeads),
    durationLeads: sig.durationLeads,
    durationLeadFirsts: sig.durationLeads.map(firstOf),
    durationFillerSource: alternation(sig.durationFillers),
    courseSource: alternation(sig.courseWords),
    indicationLeads: trueData(sig.indicationLeads),
    maxLeads: trueData(sig.maxLeads),
    dispenseLeads: trueData(sig.dispenseLeads),
    sequence: trueData(sig.sequenceWords),
    distribute: trueData(sig.distributeWords),
    statusForward: lowerList(sig.statusForwardWords),
    reasonStop: lowerList(sig.reasonStopWords),
    indicationSkipFirst: lowerList(sig.indicationSkipFirst),
    indicationDenyFirst: lowerList(sig.indicationDenyFirst),
    connectors: lowerList(sig.connectorWords),
    separators: lowerList(sig.separatorWords),
    triggers: [...triggers],
    sigWords: [...sigWords],
    listSections: context.listSections,
    skipSections: context.skipSections,
    columns: [...columns],
    salts: lowerList(context.salts),
    stems: [...context.stems].sort((a, b) => b.length - a.length),
    stemMinRoot: context.stemMinRoot,
    nonDrug: lowerList(context.nonDrugWords),
    drugClasses: trueData(context.drugClasses),
  };
}

function trueData(phrases: readonly string[]): PhraseData<true> {
  return phraseData(phrases.map((p): [string, true] => [p, true]));
}

/** The distinct keys of words, in order (a Set of them is the Set of the keys). */
function lowerList(words: readonly string[]): string[] {
  return [...new Set(words.map(phraseKey))];
}

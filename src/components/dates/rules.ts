/** The dates word lists (resources/dates/dates.json): schema and the regex pieces built from them. */
import { type Static, Type } from '@sinclair/typebox';

export const DEFAULT_DATE_RULES = 'dates/dates.json';

const Words = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 });

export const DateRulesSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    description: Type.Optional(Type.String()),
    months: Type.Array(
      Type.Object(
        { month: Type.Integer({ minimum: 1, maximum: 12 }), written: Words },
        { additionalProperties: false },
      ),
      { minItems: 12, maxItems: 12 },
    ),
    weekdays: Type.Array(
      Type.Object(
        { day: Type.Integer({ minimum: 1, maximum: 7 }), written: Words },
        { additionalProperties: false },
      ),
      { minItems: 7, maxItems: 7 },
    ),
    numbers: Type.Record(Type.String(), Type.Number(), {
      description: 'Number words (`two` -> 2, `several` -> 3)',
    }),
    approximateNumbers: Type.Array(Type.String(), {
      description: 'Number words that make the amount approximate',
    }),
    ordinals: Type.Record(Type.String(), Type.Integer({ minimum: 1 })),
    units: Type.Array(
      Type.Object(
        {
          ucum: Type.Union(['min', 'h', 'd', 'wk', 'mo', 'a'].map((u) => Type.Literal(u))),
          written: Words,
        },
        { additionalProperties: false },
      ),
    ),
    yearCues: Type.Array(Type.String(), {
      description: 'Words before a bare 4-digit number that make it a year (`in 2016`, `since 2019`)',
    }),
    dayCues: Type.Array(Type.String(), {
      description: 'Words before a bare `M/D` that make it a day of a month (`on 3/14`)',
    }),
    pastCues: Words,
    eventCues: Words,
    futureCues: Words,
    admissionLabels: Words,
    surgeryLabels: Words,
    birthLabels: Type.Optional(Words),
  },
  { additionalProperties: false },
);

export type DateRules = Static<typeof DateRulesSchema>;

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Alternation of words, longest first, inner spaces matching any run of spaces. */
export function alt(words: Iterable<string>): string {
  return [...new Set(words)]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map((w) => esc(w).replace(/ /g, '\\s+'))
    .join('|');
}

export class CompiledDateRules {
  readonly rules: DateRules;
  readonly month = new Map<string, number>();
  readonly weekday = new Map<string, number>();
  readonly number = new Map<string, number>();
  readonly approximate: ReadonlySet<string>;
  readonly ordinal = new Map<string, number>();
  readonly unit = new Map<string, string>();
  readonly yearCues: ReadonlySet<string>;
  readonly dayCues: ReadonlySet<string>;
  readonly past: ReadonlySet<string>;
  readonly event: ReadonlySet<string>;
  readonly future: ReadonlySet<string>;
  // regex sources
  readonly MONTH: string;
  readonly WEEKDAY: string;
  readonly NUMWORD: string;
  readonly ORDINAL: string;
  readonly UNIT: string;
  readonly ADMISSION: string;
  readonly SURGERY: string;
  readonly BIRTH: string;

  constructor(rules: DateRules) {
    this.rules = rules;
    for (const m of rules.months) for (const w of m.written) this.month.set(w.toLowerCase(), m.month);
    for (const d of rules.weekdays) for (const w of d.written) this.weekday.set(w.toLowerCase(), d.day);
    for (const [w, n] of Object.entries(rules.numbers)) this.number.set(w.toLowerCase(), n);
    this.approximate = new Set(rules.approximateNumbers.map((w) => w.toLowerCase()));
    for (const [w, n] of Object.entries(rules.ordinals)) this.ordinal.set(w.toLowerCase(), n);
    for (const u of rules.units) for (const w of u.written) this.unit.set(w.toLowerCase(), u.ucum);
    this.yearCues = new Set(rules.yearCues.map((w) => w.toLowerCase()));
    this.dayCues = new Set(rules.dayCues.map((w) => w.toLowerCase()));
    this.past = new Set(rules.pastCues.map((w) => w.toLowerCase()));
    this.event = new Set(rules.eventCues.map((w) => w.toLowerCase()));
    this.future = new Set(rules.futureCues.map((w) => w.toLowerCase()));
    this.MONTH = alt(this.month.keys());
    this.WEEKDAY = alt(this.weekday.keys());
    this.NUMWORD = alt(this.number.keys());
    this.ORDINAL = alt(this.ordinal.keys());
    this.UNIT = alt(this.unit.keys());
    this.ADMISSION = alt(rules.admissionLabels);
    this.SURGERY = alt(rules.surgeryLabels);
    this.BIRTH = alt(rules.birthLabels ?? ['date of birth', 'DOB', 'D.O.B.', 'born on']);
  }

  /** A number as written (`3`, `2.5`, `two`, `several`, `3 1/2`). */
  amount(s: string): number | undefined {
    const t = s.trim().toLowerCase().replace(/\s+/g, ' ');
    if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
    const half = /^(\d+)\s*(?:1\/2|½)$/.exec(t);
    if (half) return Number(half[1]) + 0.5;
    return this.number.get(t);
  }

  unitOf(s: string): string | undefined {
    const t = s.toLowerCase();
    return this.unit.get(t) ?? this.unit.get(t.replace(/s$/, ''));
  }
}

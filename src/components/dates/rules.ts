/** The dates word lists (resources/dates/dates.json): schema and the regex pieces built from them. */
import { type Static, Type } from '@sinclair/typebox';
import { closed, Literals } from '../../doc/schema.js';
import { type TimeUnit, TimeUnitSchema } from './types.js';

export const DEFAULT_DATE_RULES = 'dates/dates.json';

/** Rule ids of the resource files: lower-case words joined by `.` or `-` (`date.month.jan`). */
export const RULE_ID_PATTERN = '^[a-z0-9]+(?:[.-][a-z0-9]+)*$';

const Id = Type.String({ pattern: RULE_ID_PATTERN, description: 'Stable rule id, unique in the file' });
const Words = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 });

export const OFFSET_DIRECTIONS = ['past', 'event', 'future'] as const;
export type OffsetDirection = (typeof OFFSET_DIRECTIONS)[number];

export const DateRulesSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    description: Type.Optional(Type.String()),
    months: Type.Array(
      Type.Object(
        {
          id: Id,
          month: Type.Integer({ minimum: 1, maximum: 12 }),
          written: Words,
          capitalizedOnly: Type.Optional(
            Type.Array(Type.String({ minLength: 1 }), {
              description: 'Forms that are also English words: a month only when capitalized (`May`, `Mar`)',
            }),
          ),
        },
        closed,
      ),
      { minItems: 12, maxItems: 12 },
    ),
    weekdays: Type.Array(
      Type.Object({ id: Id, day: Type.Integer({ minimum: 1, maximum: 7 }), written: Words }, closed),
      { minItems: 7, maxItems: 7 },
    ),
    numbers: Type.Record(Type.String(), Type.Number(), {
      description: 'Number words (`two` -> 2, `several` -> 3)',
    }),
    approximateNumbers: Type.Array(Type.String(), {
      description: 'Number words that make the amount approximate',
    }),
    ordinals: Type.Record(Type.String(), Type.Integer({ minimum: 1 })),
    units: Type.Array(Type.Object({ id: Id, ucum: TimeUnitSchema, written: Words }, closed)),
    yearCues: Type.Array(Type.String(), {
      description: 'Words before a bare 4-digit number that make it a year (`in 2016`, `since 2019`)',
    }),
    dayCues: Type.Array(Type.String(), {
      description: 'Words before a bare `M/D` that make it a day of a month (`on 3/14`, `as of 3/14`)',
    }),
    offsetCues: Type.Array(
      Type.Object(
        {
          id: Id,
          direction: Literals(OFFSET_DIRECTIONS, {
            description:
              '`past`: before the note date (`3 days ago`); `event`: after an event the text names (`2 days later`); `future`: after the note date (`3 days from now`)',
          }),
          written: Words,
        },
        closed,
      ),
      {
        minItems: 1,
        description: 'Words after an amount of time that make it a relative date (rule `rel.offset`)',
      },
    ),
    admissionLabels: Words,
    surgeryLabels: Words,
    birthLabels: Words,
  },
  {
    ...closed,
    $id: 'https://clinote.dev/schemas/dates.json',
    title: 'Clinote date words',
    description: 'Month, weekday and number words, time units and cues, for the `dates` component.',
  },
);

export type DateRules = Static<typeof DateRulesSchema>;

/** The JSON Schema file kept beside the word lists (`resources/dates/dates.schema.json`); a test keeps it in step. */
export function dateRulesJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...DateRulesSchema };
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Alternation of words, longest first, inner spaces matching any run of spaces. */
export function alt(words: Iterable<string>): string {
  return [...new Set(words)]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map((w) => esc(w).replace(/ /g, '\\s+'))
    .join('|');
}

/** Alternation of words in the order listed, inner spaces matching any run of spaces. */
export function ordered(words: Iterable<string>): string {
  return [...new Set(words)].map((w) => esc(w).replace(/ /g, '\\s+')).join('|');
}

/** The key of a form for Set and Map lookups: lower case, one space between words. */
export function key(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ');
}

export class CompiledDateRules {
  readonly rules: DateRules;
  readonly month = new Map<string, number>();
  /** Month forms (lower case) that are months only when capitalized. */
  readonly capitalizedOnly: ReadonlySet<string>;
  readonly weekday = new Map<string, number>();
  readonly number = new Map<string, number>();
  readonly approximate: ReadonlySet<string>;
  readonly ordinal = new Map<string, number>();
  readonly unit = new Map<string, TimeUnit>();
  readonly yearCues: ReadonlySet<string>;
  readonly dayCues: ReadonlySet<string>;
  /** Cues of more than one word (`as of`): a regex source. */
  readonly dayCuePhrases: string;
  /** Offset cue (key) -> direction. */
  readonly offsetCue = new Map<string, OffsetDirection>();
  // regex sources
  readonly MONTH: string;
  readonly WEEKDAY: string;
  readonly NUMWORD: string;
  readonly ORDINAL: string;
  readonly UNIT: string;
  readonly OFFSET_CUE: string;
  readonly ADMISSION: string;
  readonly SURGERY: string;
  readonly BIRTH: string;

  constructor(rules: DateRules) {
    this.rules = rules;
    for (const m of rules.months) for (const w of m.written) this.month.set(w.toLowerCase(), m.month);
    this.capitalizedOnly = new Set(
      rules.months.flatMap((m) => m.capitalizedOnly ?? []).map((w) => w.toLowerCase()),
    );
    for (const d of rules.weekdays) for (const w of d.written) this.weekday.set(w.toLowerCase(), d.day);
    for (const [w, n] of Object.entries(rules.numbers)) this.number.set(w.toLowerCase(), n);
    this.approximate = new Set(rules.approximateNumbers.map((w) => w.toLowerCase()));
    for (const [w, n] of Object.entries(rules.ordinals)) this.ordinal.set(w.toLowerCase(), n);
    for (const u of rules.units) for (const w of u.written) this.unit.set(w.toLowerCase(), u.ucum);
    this.yearCues = new Set(rules.yearCues.map((w) => w.toLowerCase()));
    this.dayCues = new Set(rules.dayCues.map((w) => w.toLowerCase()));
    const phrases = rules.dayCues.filter((w) => /\s/.test(w.trim()));
    this.dayCuePhrases = phrases.length > 0 ? alt(phrases) : '(?!)';
    for (const c of rules.offsetCues) for (const w of c.written) this.offsetCue.set(key(w), c.direction);
    this.MONTH = alt(this.month.keys());
    this.WEEKDAY = alt(this.weekday.keys());
    this.NUMWORD = alt(this.number.keys());
    this.ORDINAL = alt(this.ordinal.keys());
    this.UNIT = alt(this.unit.keys());
    this.OFFSET_CUE = alt(rules.offsetCues.flatMap((c) => c.written));
    this.ADMISSION = alt(rules.admissionLabels);
    this.SURGERY = alt(rules.surgeryLabels);
    this.BIRTH = alt(rules.birthLabels);
  }

  /** A number as written (`3`, `2.5`, `two`, `several`, `3 1/2`). */
  amount(s: string): number | undefined {
    const t = s.trim().toLowerCase().replace(/\s+/g, ' ');
    if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
    const half = /^(\d+)\s*(?:1\/2|½)$/.exec(t);
    if (half) return Number(half[1]) + 0.5;
    return this.number.get(t);
  }

  unitOf(s: string): TimeUnit | undefined {
    const t = s.toLowerCase();
    return this.unit.get(t) ?? this.unit.get(t.replace(/s$/, ''));
  }
}

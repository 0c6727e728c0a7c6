/**
 * The dates pattern words (resources/dates/patterns.json): the words of the extractor's patterns
 * (parts of a month, cues of a month or a military time, clock words, deictic words, cues of `last
 * week` and `in 3 days`, postoperative and hospital day labels, age and duration words...), its
 * schema, and the compiled form (Maps and regex sources) the extractor builds once per `create`.
 *
 * In every list a space matches any run of whitespace; the forms of a regex alternation are tried
 * in the order listed (put a longer form before a shorter one it starts with).
 */
import { type Static, Type } from '@sinclair/typebox';
import { closed, Literals } from '../../doc/schema.js';
import { key, ordered, RULE_ID_PATTERN } from './rules.js';
import { DateAnchorSchema } from './types.js';

export const DEFAULT_DATE_PATTERNS = 'dates/patterns.json';

const Id = Type.String({ pattern: RULE_ID_PATTERN, description: 'Stable rule id, unique in the file' });
const Words = (description: string) =>
  Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description });

export const LAST_NEXT = ['last', 'this', 'next'] as const;
export const PERIODS = ['week', 'month', 'year', 'weekend', 'day', 'part-of-day', 'season'] as const;

const DayCount = (description: string) =>
  Type.Object(
    {
      beforeNumber: Words('Labels before the number (`POD #2`, `hospital day 3`)'),
      afterNumber: Words('Labels after an ordinal number (`9th POD`, `3rd hospital day`)'),
      afterOrdinal: Words('Labels after an ordinal word (`second postoperative day`)'),
    },
    { ...closed, description },
  );

export const DatePatternsSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    description: Type.Optional(Type.String()),
    ordinalSuffixes: Words('Suffixes of ordinal numbers (`3rd`, `14th`)'),
    rangeWords: Words('Words between two amounts of a range (`3 to 4 days`, `2 or 3 weeks`), besides dashes'),
    joinWords: Words(
      'Words between two dates or years of a range or a list (`3/10 to 3/12`, `2019 and 2021`), as written (case), besides dashes and commas',
    ),
    month: Type.Object(
      {
        dayParts: Words('Words before a month and day (`mid March 3`)'),
        parts: Words('Parts of a month before a month and year (`mid-March 2023`, `the end of May 2024`)'),
        cues: Type.Array(
          Type.Object(
            {
              id: Id,
              which: Type.Optional(
                Literals(LAST_NEXT, {
                  description:
                    'A relative month (`last March`: rule `rel.last-next`) counted from the note date',
                }),
              ),
              approximate: Type.Optional(
                Type.Boolean({
                  description: 'Part of the month: approximate, and the mention starts at the cue',
                }),
              ),
              written: Words('Forms, matched whatever their case'),
            },
            { ...closed, description: 'Cues of a month written alone' },
          ),
          { minItems: 1, description: 'Words before a month written alone (`in March`, `since November`)' },
        ),
      },
      { ...closed, description: 'Months (rules `date.month-day`, `date.month-year`, `date.month`)' },
    ),
    yearNotBefore: Words('Units after a 4-digit number that make it not a year (`2000 mg`), besides a slash'),
    militaryTime: Type.Object(
      {
        cues: Words('Words before a 4-digit time (`at 1430`, `since 0800`)'),
        clockCues: Words('Cues after which a 19xx or 20xx number is a time, not a year (`at 2015`)'),
        suffixes: Words('Words after the time (`1430 hrs`)'),
        bareSuffixes: Words('Words that make a 4-digit number a time with no cue (`0800 hours`)'),
        notBefore: Words(
          'Units after the number that make it not a time (`1500 mg`), besides a slash or dash',
        ),
      },
      { ...closed, description: 'Times written with 4 digits (rule `time.military`)' },
    ),
    clockWords: Type.Array(
      Type.Object(
        {
          id: Id,
          hour: Type.Integer({ minimum: 0, maximum: 23 }),
          written: Words('Forms, matched whatever their case'),
        },
        { ...closed, description: 'A time of day written as a word' },
      ),
      { minItems: 1, description: 'Times written as words (`noon`, rule `time.word`)' },
    ),
    deictic: Type.Array(
      Type.Object(
        {
          id: Id,
          days: Type.Integer({ description: 'Days from the note date' }),
          written: Words('Forms, matched whatever their case'),
        },
        { ...closed, description: 'Words of a day relative to the note date' },
      ),
      {
        minItems: 1,
        description: 'Days named relative to the note (`yesterday`, `last night`, rule `rel.deictic`)',
      },
    ),
    eventFollowers: Words(
      'Words after `<amount> prior` that make it counted from an event (`2 weeks prior to admission`)',
    ),
    lastNext: Type.Object(
      {
        cues: Type.Array(
          Type.Object(
            {
              id: Id,
              which: Type.Union([...LAST_NEXT.map((w) => Type.Literal(w)), Type.Literal('event')], {
                description: '`last`, `this`, `next` (from the note date) or `event` (`the following day`)',
              }),
              written: Words('Forms, matched whatever their case'),
            },
            { ...closed, description: 'Cues of a period' },
          ),
          { minItems: 1, description: 'Words before a period (`last week`, `the following day`)' },
        ),
        periods: Type.Array(
          Type.Object(
            {
              id: Id,
              period: Literals(PERIODS, {
                description:
                  '`week`, `month`, `year`, `weekend` (a date from the note date); `day`, `part-of-day` (an event, unless deictic); `season` (an approximate event)',
              }),
              written: Words('Forms, matched whatever their case'),
            },
            { ...closed, description: 'A period after a cue' },
          ),
          { minItems: 1, description: 'Periods after the cue (besides the weekdays)' },
        ),
      },
      { ...closed, description: '`last week`, `next Monday`, `the following day` (rule `rel.last-next`)' },
    ),
    inCues: Type.Array(
      Type.Object(
        {
          id: Id,
          anchor: Type.Optional(DateAnchorSchema),
          approximate: Type.Optional(
            Type.Boolean({ description: 'The amount is approximate (`within 2 weeks`)' }),
          ),
          written: Words('Forms, matched whatever their case'),
        },
        { ...closed, description: 'Cues of an amount of time after the note date (or an event)' },
      ),
      { minItems: 1, description: 'Words before an amount of time to come (`in 6 weeks`, rule `rel.in`)' },
    ),
    inNotBefore: Words('Words after such an amount that make it no date (`in 3 days ago`, `in 5 years old`)'),
    postOpDay: DayCount('Postoperative days (rule `rel.pod`)'),
    hospitalDay: DayCount('Hospital days (rule `rel.hospital-day`)'),
    dayNumber: Type.Object(
      {
        ...DayCount('').properties,
        notBefore: Words('Words after `day <n>` that make it no day count (`day 3 of life`)'),
      },
      { ...closed, description: 'Days of a course (`day 5`, rule `rel.day-n`)' },
    ),
    age: Type.Object(
      {
        cues: Words('Words before `age <n>` (`at age 5`)'),
        yearUnits: Words('Year words of an age (`74 years old`, `age 5 yrs`)'),
        monthUnits: Words('Month words of an age (`age 6 months`)'),
        ofAgeUnits: Words('Units before `of age` (`16 years of age`)'),
        yearOld: Words('Words after years that make an age (`74 years old`, `74 y o`)'),
        abbreviations: Words('Abbreviations of years old (`74 yo`, `42 y/o`)'),
        otherUnits: Words('Units of an age before `old` (`6-month-old`, `3 day old`)'),
        agedCues: Words(
          'Words before an amount of time that make it an age (`aged 47 years`, rule `age.of`)',
        ),
        afterAmount: Words(
          'Words after an amount of time that make it an age (`36 weeks of gestation`, `2 days of life`, rule `age.of`)',
        ),
      },
      { ...closed, description: 'Ages (rules `rel.age`, `age.descriptor`)' },
    ),
    duration: Type.Object(
      {
        cues: Words('Words before a duration (`for 6 weeks`, `x 3 days`)'),
        qualifiers: Words(
          'Words between the cue and the amount (`for about 2 weeks`, `for at least 3 days`)',
        ),
        periodWords: Words('Words before the amount (`for the past 2 years`)'),
        moreWords: Words('Words between the amount and the unit (`x 2 more days`)'),
        courseNouns: Words('Nouns after `<amount>-<unit>` that make it a duration (`6-week course`)'),
        bareUnits: Words('Units of a duration written with no cue (`lasted 100 minutes`)'),
        bareNotAmounts: Words('Amounts that make no bare duration (`a day`, `once a week`)'),
        bareNotAfter: Words(
          'Words before a bare amount that make it a frequency (`twice a day`, `per week`)',
        ),
        bareNotBefore: Words(
          'Words after a bare amount of time that make it the name of something else (`6-minute walk test`)',
        ),
      },
      { ...closed, description: 'Durations (rules `dur.for`, `dur.course`, `dur.bare`)' },
    ),
    points: Type.Object(
      {
        cues: Words(
          'Words before an amount of time that make it a point of a course, not a duration (`at 3 months`, `by 6 weeks`)',
        ),
        qualifiers: Words('Words between the cue and the amount (`at about 3 months`)'),
        nouns: Words(
          'Nouns after `<amount>-<unit>` that make it a point of a course (`2-month follow-up`, `2-year re-evaluation`)',
        ),
        notBefore: Words(
          'Words after `at <amount> <unit>` that make it no point of a course (`at 36 weeks of gestation`)',
        ),
      },
      { ...closed, description: 'Points of a course counted from an event (rule `rel.point`)' },
    ),
    surgeryCues: Words(
      'Words before a date on its line that make it the surgery date (`s/p colectomy (03/11/2025)`)',
    ),
  },
  {
    ...closed,
    $id: 'https://clinote.dev/schemas/date-patterns.json',
    title: 'Clinote date patterns',
    description:
      'The words of the `dates` extractor patterns: parts and cues of months, military times, clock words, deictic days, last/next periods, amounts to come, postoperative and hospital days, ages, durations.',
  },
);

export type DatePatterns = Static<typeof DatePatternsSchema>;

/** The JSON Schema file kept beside the data (`resources/dates/patterns.schema.json`); a test keeps it in step. */
export function datePatternsJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...DatePatternsSchema };
}

type MonthCue = DatePatterns['month']['cues'][number];
type LastNextCue = DatePatterns['lastNext']['cues'][number];
type Period = DatePatterns['lastNext']['periods'][number]['period'];
type InCue = DatePatterns['inCues'][number];

/** Map from the key of every written form of the entries to the entry (the first one wins). */
function byForm<E extends { readonly written: readonly string[] }>(
  entries: readonly E[],
): ReadonlyMap<string, E> {
  const map = new Map<string, E>();
  for (const e of entries) for (const w of e.written) if (!map.has(key(w))) map.set(key(w), e);
  return map;
}

/** The pattern words compiled once: Maps for lookups, regex sources for the patterns. */
export class CompiledDatePatterns {
  readonly patterns: DatePatterns;
  readonly ORDINAL_SUFFIX: string;
  readonly RANGE_WORD: string;
  readonly JOIN_WORD: string;
  readonly MONTH_DAY_PART: string;
  readonly MONTH_PART: string;
  readonly MONTH_CUE: string;
  readonly monthCue: ReadonlyMap<string, MonthCue>;
  readonly YEAR_NOT_BEFORE: string;
  readonly MILITARY_CUE: string;
  readonly MILITARY_CLOCK_CUE: string;
  readonly MILITARY_SUFFIX: string;
  readonly MILITARY_BARE_SUFFIX: string;
  readonly MILITARY_NOT_BEFORE: string;
  readonly CLOCK_WORD: string;
  readonly clockHour: ReadonlyMap<string, number>;
  readonly DEICTIC: string;
  readonly deicticDays: ReadonlyMap<string, number>;
  readonly EVENT_FOLLOWER: string;
  readonly LAST_NEXT_CUE: string;
  readonly lastNextCue: ReadonlyMap<string, LastNextCue>;
  readonly PERIOD: string;
  readonly period: ReadonlyMap<string, Period>;
  readonly IN_CUE: string;
  readonly inCue: ReadonlyMap<string, InCue>;
  readonly IN_NOT_BEFORE: string;
  readonly POD_BEFORE: string;
  readonly POD_AFTER_NUMBER: string;
  readonly POD_AFTER_ORDINAL: string;
  readonly POD_ANY: string;
  readonly HD_BEFORE: string;
  readonly HD_AFTER_NUMBER: string;
  readonly HD_AFTER_ORDINAL: string;
  readonly HD_ANY: string;
  readonly DAY_BEFORE: string;
  readonly DAY_AFTER_NUMBER: string;
  readonly DAY_AFTER_ORDINAL: string;
  readonly DAY_ANY: string;
  readonly DAY_NOT_BEFORE: string;
  readonly AGE_CUE: string;
  readonly AGE_UNIT: string;
  readonly AGE_YEAR_UNIT: string;
  readonly ageMonthUnits: ReadonlySet<string>;
  readonly OF_AGE_UNIT: string;
  readonly YEAR_OLD: string;
  readonly AGE_ABBREVIATION: string;
  readonly AGE_OTHER_UNIT: string;
  readonly AGED_CUE: string;
  readonly AGE_AFTER_AMOUNT: string;
  readonly DURATION_CUE: string;
  readonly DURATION_QUALIFIER: string;
  readonly DURATION_PERIOD: string;
  readonly DURATION_MORE: string;
  readonly COURSE_NOUN: string;
  readonly BARE_UNIT: string;
  readonly bareNotAmounts: ReadonlySet<string>;
  readonly BARE_NOT_AFTER: string;
  readonly BARE_NOT_BEFORE: string;
  readonly POINT_CUE: string;
  readonly POINT_QUALIFIER: string;
  readonly POINT_NOUN: string;
  readonly POINT_NOT_BEFORE: string;
  readonly SURGERY_CUE: string;

  constructor(patterns: DatePatterns) {
    this.patterns = patterns;
    const p = patterns;
    this.ORDINAL_SUFFIX = ordered(p.ordinalSuffixes);
    this.RANGE_WORD = ordered(p.rangeWords);
    this.JOIN_WORD = ordered(p.joinWords);
    this.MONTH_DAY_PART = ordered(p.month.dayParts);
    this.MONTH_PART = ordered(p.month.parts);
    this.MONTH_CUE = ordered(p.month.cues.flatMap((c) => c.written));
    this.monthCue = byForm(p.month.cues);
    this.YEAR_NOT_BEFORE = ordered(p.yearNotBefore);
    const m = p.militaryTime;
    this.MILITARY_CUE = ordered(m.cues);
    this.MILITARY_CLOCK_CUE = ordered(m.clockCues);
    this.MILITARY_SUFFIX = ordered(m.suffixes);
    this.MILITARY_BARE_SUFFIX = ordered(m.bareSuffixes);
    this.MILITARY_NOT_BEFORE = ordered(m.notBefore);
    this.CLOCK_WORD = ordered(p.clockWords.flatMap((c) => c.written));
    this.clockHour = new Map([...byForm(p.clockWords)].map(([k, e]) => [k, e.hour]));
    this.DEICTIC = ordered(p.deictic.flatMap((d) => d.written));
    this.deicticDays = new Map([...byForm(p.deictic)].map(([k, e]) => [k, e.days]));
    this.EVENT_FOLLOWER = ordered(p.eventFollowers);
    this.LAST_NEXT_CUE = ordered(p.lastNext.cues.flatMap((c) => c.written));
    this.lastNextCue = byForm(p.lastNext.cues);
    this.PERIOD = ordered(p.lastNext.periods.flatMap((x) => x.written));
    this.period = new Map([...byForm(p.lastNext.periods)].map(([k, e]) => [k, e.period]));
    this.IN_CUE = ordered(p.inCues.flatMap((c) => c.written));
    this.inCue = byForm(p.inCues);
    this.IN_NOT_BEFORE = ordered(p.inNotBefore);
    const counts = (c: DatePatterns['postOpDay']): [string, string, string, string] => [
      ordered(c.beforeNumber),
      ordered(c.afterNumber),
      ordered(c.afterOrdinal),
      ordered([...c.beforeNumber, ...c.afterNumber, ...c.afterOrdinal]),
    ];
    [this.POD_BEFORE, this.POD_AFTER_NUMBER, this.POD_AFTER_ORDINAL, this.POD_ANY] = counts(p.postOpDay);
    [this.HD_BEFORE, this.HD_AFTER_NUMBER, this.HD_AFTER_ORDINAL, this.HD_ANY] = counts(p.hospitalDay);
    [this.DAY_BEFORE, this.DAY_AFTER_NUMBER, this.DAY_AFTER_ORDINAL, this.DAY_ANY] = counts(p.dayNumber);
    this.DAY_NOT_BEFORE = ordered(p.dayNumber.notBefore);
    const a = p.age;
    this.AGE_CUE = ordered(a.cues);
    this.AGE_UNIT = ordered([...a.yearUnits, ...a.monthUnits]);
    this.AGE_YEAR_UNIT = ordered(a.yearUnits);
    this.ageMonthUnits = new Set(a.monthUnits.map(key));
    this.OF_AGE_UNIT = ordered(a.ofAgeUnits);
    this.YEAR_OLD = ordered(a.yearOld);
    this.AGE_ABBREVIATION = ordered(a.abbreviations);
    this.AGE_OTHER_UNIT = ordered(a.otherUnits);
    this.AGED_CUE = ordered(a.agedCues);
    this.AGE_AFTER_AMOUNT = ordered(a.afterAmount);
    const d = p.duration;
    this.DURATION_CUE = ordered(d.cues);
    this.DURATION_QUALIFIER = ordered(d.qualifiers);
    this.DURATION_PERIOD = ordered(d.periodWords);
    this.DURATION_MORE = ordered(d.moreWords);
    this.COURSE_NOUN = ordered(d.courseNouns);
    this.BARE_UNIT = ordered(d.bareUnits);
    this.bareNotAmounts = new Set(d.bareNotAmounts.map(key));
    this.BARE_NOT_AFTER = ordered(d.bareNotAfter);
    this.BARE_NOT_BEFORE = ordered(d.bareNotBefore);
    const pt = p.points;
    this.POINT_CUE = ordered(pt.cues);
    this.POINT_QUALIFIER = ordered(pt.qualifiers);
    this.POINT_NOUN = ordered(pt.nouns);
    this.POINT_NOT_BEFORE = ordered(pt.notBefore);
    this.SURGERY_CUE = ordered(p.surgeryCues);
  }
}

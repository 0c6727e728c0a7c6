/**
 * The measurements pattern words (resources/measurements/patterns.json): the vocabulary of the
 * extractor's patterns (comparators, filler and link words, chain and condition cues, reference
 * labels, oxygen words, the words around a test named by its phrase, head words...), its schema,
 * and the compiled form (Sets, Maps and regex sources) the extractor builds once per `create`.
 *
 * In every list a space matches a run of spaces or tabs, and the forms of a regex alternation are
 * tried in the order listed (put a longer form before a shorter one it starts with).
 */
import { type Static, Type } from '@sinclair/typebox';
import { closed, Literals } from '../../doc/schema.js';
import {
  type Comparator,
  ComparatorSchema,
  type FlagCode,
  type VitalKind,
  VitalKindSchema,
} from './types.js';

export const DEFAULT_MEASUREMENT_PATTERNS = 'measurements/patterns.json';

/** Rule ids of the resource files: lower-case words joined by `.` or `-` (`cmp.le`, `flow.per-minute`). */
export const RULE_ID_PATTERN = '^[a-z0-9]+(?:[.-][a-z0-9]+)*$';

const Id = Type.String({ pattern: RULE_ID_PATTERN, description: 'Stable rule id, unique in the file' });
const Words = (description: string) =>
  Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description });

const ComparatorEntry = Type.Object(
  { id: Id, comparator: ComparatorSchema, written: Words('Forms, symbols or words') },
  { ...closed, description: 'Written forms of a comparator' },
);

export const MeasurementPatternsSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    description: Type.Optional(Type.String()),
    value: Type.Object(
      {
        comparators: Type.Array(ComparatorEntry, {
          minItems: 1,
          description: 'Comparators before a value (`<0.01`, `less than 5`), matched whatever their case',
        }),
        ratioWords: Words(
          'Words between the two numbers of a ratio or a score (`120 over 80`, `8 out of 10`)',
        ),
        rangeWords: Words('Words between the bounds of a range (`2 to 3`)'),
        feet: Words('Marks and words of feet in a height (`5\'10"`, `5 ft 10 in`)'),
        feetAlone: Words('Feet marks that make a height without inches (`6 ft`), as written (case)'),
        inches: Words('Marks and words of inches after the feet'),
        notAfter: Words(
          'Words right after a number without a unit that make it not a value: a time, a dose, a count (`troponin at 3 h`, `K 2 tabs`)',
        ),
      },
      { ...closed, description: 'The value group' },
    ),
    fillers: Type.Object(
      {
        words: Words('Words between a test and its value (`level of`, `was`, `on admission`)'),
        results: Type.Array(
          Type.Object(
            {
              id: Id,
              flag: Literals(['H', 'L'] as const, { description: 'The flag the word sets on a value' }),
              written: Words('Forms, matched whatever their case'),
            },
            { ...closed, description: 'Filler words that are a result (`TSH elevated at 12.4`)' },
          ),
          {
            minItems: 1,
            description:
              'Result words between a test and its value: they set a flag (`aPTT prolonged to 53.5 s`), or are the result when no value follows (`troponin was elevated`)',
          },
        ),
      },
      { ...closed, description: 'Between a test and its value' },
    ),
    chain: Type.Object(
      {
        timepoints: Words('Time points a chain link may start with (`96.4 kg on admission -> 91.1 kg`)'),
        links: Words('Words linking two values of the same test (`then`, `improving to`), besides arrows'),
      },
      { ...closed, description: 'Chains of values of one test (rule `meas.chain`)' },
    ),
    table: Type.Object(
      {
        missingCells: Words('Cells that hold no value (`N/A`, `pending`), as written (case), besides dashes'),
        columnLabels: Words('Header cells of a vitals table that are not tests (`Time`, `Date`)'),
      },
      { ...closed, description: 'Table rows and columns (rules `meas.table`, `meas.column-table`)' },
    ),
    reference: Type.Object(
      {
        labels: Words(
          'Labels of a reference range (`ref`, `normal range`, `ULN`); here a space matches any run of spaces, or none',
        ),
        valueLabels: Words(
          'More labels that make a number a bound of a reference range when written before it',
        ),
      },
      { ...closed, description: 'Reference ranges' },
    ),
    conditional: Type.Object(
      {
        before: Words(
          'Words before the test in its clause that make the value a goal, a threshold or an order',
        ),
        after: Words('Words right after the value that make it a goal or a threshold (`parameters`)'),
      },
      {
        ...closed,
        description: 'Values that are not results (`call if glucose < 70`, `hold for SBP < 100`)',
      },
    ),
    oxygen: Type.Object(
      {
        devicePrepositions: Words('Words before an oxygen device (`via NC`), lower case'),
        prepositions: Words('Words between an SpO2 value and its oxygen support (`on`, `via`, `while on`)'),
        flowUnits: Type.Array(
          Type.Object(
            {
              id: Id,
              perMinute: Type.Optional(
                Type.Boolean({
                  description: 'A rate: the flow is oxygen even with no device or oxygen word (`2 L/min`)',
                }),
              ),
              written: Words('Forms, as written (case)'),
            },
            { ...closed, description: 'Written units of an oxygen flow' },
          ),
          { minItems: 1, description: 'Units of an oxygen flow, in litres per minute' },
        ),
        oxygenWords: Words('Words after a flow that say it is oxygen (`2 L O2`), as written (case)'),
        fio2Labels: Words('Labels of an inspired oxygen fraction (`FiO2 40%`)'),
      },
      { ...closed, description: 'Oxygen support written with SpO2' },
    ),
    before: Type.Object(
      {
        results: Words('Qualitative results written before a test (`elevated troponin`)'),
        specimens: Words('Specimen words between such a result and the test (`positive urine hCG`)'),
        resultsFor: Words('Results before `for` and a list of tests (`negative for nitrite and LE`)'),
        forListBreakers: Words('Words that make the text after `for` not a list of tests'),
      },
      {
        ...closed,
        description: 'A result written before its test (rules `meas.qualitative.before`, `.for`)',
      },
    ),
    unitOnly: Type.Object(
      {
        labOnlyUnits: Words(
          'UCUM units only a lab result carries: a number with one is a result (`2207 ng/mL`)',
        ),
        linkUnits: Words(
          'UCUM units a result carries when a link word or a short form ties it to the words before (`capacity of 79%`)',
        ),
        comparators: Type.Array(ComparatorEntry, {
          minItems: 1,
          description: 'Comparators right before such a number (`<20 mg/dL`, `over 125 bpm`)',
        }),
        vitals: Type.Array(
          Type.Object(
            {
              id: Id,
              vital: VitalKindSchema,
              ucum: Words('The UCUM units of the value'),
              words: Type.Optional(Words('Whole words of the test phrase that name the vital sign')),
              stems: Type.Optional(Words('Word starts of the test phrase that name the vital sign')),
            },
            { ...closed, description: 'A vital sign read from its unit and the words of its test' },
          ),
          {
            minItems: 1,
            description: 'Vital signs among such results (`pulse 88 bpm`), the first that fits',
          },
        ),
      },
      { ...closed, description: 'Numbers with a result unit that no test anchors (rules `meas.unit-only*`)' },
    ),
    phrase: Type.Object(
      {
        stopWords: Words('Words that end a test phrase looking left of a value or result'),
        backFillers: Words('Filler words between a test phrase and its value (`level of`, `was`)'),
        linkWords: Words('Filler words that link a value to the phrase before it (`capacity of 79%`)'),
        determiners: Words('Words a subject phrase may hold but not start with (`the`, `repeat`)'),
        innerWords: Words('Words inside a subject phrase (`test for the virus`, `smear and culture`)'),
        subjectStopWords: Words('Words that end the subject of a result looking left (`not`, `all`)'),
        nonTestSubjects: Words(
          'Subjects whose result is not a test result (`past medical history was unremarkable`)',
        ),
      },
      { ...closed, description: 'Tests named by the words of their phrase' },
    ),
    copula: Type.Object(
      {
        verbs: Words('Copulas a result may follow (`was`, `remained`, `tested`)'),
        adverbs: Words('Words between a copula and the result (`also`, `found to be`)'),
        phrases: Words('Two-word copulas (`had been`, `came back`)'),
      },
      { ...closed, description: 'A subject, a copula, then a result (rule `meas.qualitative.copula`)' },
    ),
    results: Type.Object(
      {
        reportVerbs: Words('Reporting verbs whose subject is a test (`ECG showed normal sinus rhythm`)'),
        reported: Words('Results read after a reporting verb'),
        finding: Words(
          'Results that make a finding of any subject after a copula (`kidneys were unremarkable`)',
        ),
        status: Words('Clinical-status results (`condition improved`)'),
        beforeHead: Words('Results read before a test head word (`elevated jugular venous pressure`)'),
        forResults: Words('Normalized results that take the tests after `for` (`positive for CD30`)'),
      },
      { ...closed, description: 'Qualitative results whose test no anchor names' },
    ),
    status: Type.Object(
      {
        qualifiers: Words('Words before a status noun (`clinical`, `postoperative`)'),
        nouns: Words('Status nouns (`condition`, `course`)'),
        owners: Words('Whose status (`of the patient`, `his`)'),
        verbs: Words('Verbs and adverbs between the status and the result (`had been`, `gradually`)'),
      },
      { ...closed, description: 'The subject of a clinical status (rule `meas.status`)' },
    ),
    headNumeric: Type.Object(
      {
        heads: Type.Array(
          Type.Object(
            {
              id: Id,
              score: Type.Optional(
                Type.Boolean({ description: 'A score: read `n/m` as a score out of its maximum (`20/20`)' }),
              ),
              written: Words('Forms, matched whatever their case'),
            },
            { ...closed, description: 'Head words of a test' },
          ),
          { minItems: 1, description: 'Head words a number follows (`MELD score was 11`, `E/A ratio 2.1`)' },
        ),
        links: Words('Words between the head word and the number (`was`, `measured at`, `rose to`)'),
        notAfter: Words('Words before the head word that make it not a test (`reference`, `control`)'),
        amountUnits: Words('UCUM units of amounts (doses, weights), not results: such a number is no result'),
      },
      { ...closed, description: 'A number after a test head word (rule `meas.head-numeric`)' },
    ),
    strength: Type.Object(
      {
        headsAfter: Words('Words after a grade out of 5 (`4/5 strength`)'),
        headsBefore: Words('Words before a grade out of 5 (`strength 4+/5`)'),
        links: Words('Words between the word before and the grade (`strength of 4/5`)'),
      },
      { ...closed, description: 'Muscle strength grades (rule `meas.strength`)' },
    ),
    respectivelyLinks: Words(
      'Words before the list of values of `..., respectively` (`pH and PaCO2 were 7.50 and 34, respectively`)',
    ),
    panelFillers: Words('Words between a panel name and its values (`BMP showed 138/4.1/...`)'),
    vitalSections: Words(
      'Section categories where a vital sign short form (`T`, `P`) needs no other context',
    ),
  },
  {
    ...closed,
    $id: 'https://clinote.dev/schemas/measurement-patterns.json',
    title: 'Clinote measurement patterns',
    description:
      'The words of the `measurements` extractor patterns: comparators, fillers, chains, tables, reference labels, conditions, oxygen support, results written before their test, result units, test phrases, copulas, head words, strength grades.',
  },
);

export type MeasurementPatterns = Static<typeof MeasurementPatternsSchema>;

/** The JSON Schema file kept beside the data (`resources/measurements/patterns.schema.json`); a test keeps it in step. */
export function measurementPatternsJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...MeasurementPatternsSchema };
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A regex alternation of the forms in the order listed; inner spaces match `space`. */
export function ordered(forms: Iterable<string>, space = '[ \\t]+'): string {
  return [...new Set(forms)].map((f) => escapeRe(f).replace(/ /g, space)).join('|');
}

/** The key of a form for Set and Map lookups: lower case, one space between words. */
export function key(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ');
}

const lowerSet = (words: readonly string[]): ReadonlySet<string> => new Set(words.map(key));

/** Entries of a comparator list: a regex alternation and a map from the form's key to the comparator. */
function comparators(entries: MeasurementPatterns['value']['comparators']): {
  source: string;
  map: ReadonlyMap<string, Comparator>;
} {
  const map = new Map<string, Comparator>();
  for (const e of entries) for (const w of e.written) if (!map.has(key(w))) map.set(key(w), e.comparator);
  return { source: ordered(entries.flatMap((e) => e.written)), map };
}

/** The pattern words compiled once: Sets and Maps for lookups, regex sources for the patterns. */
export class CompiledMeasurementPatterns {
  readonly patterns: MeasurementPatterns;
  readonly version: string;
  // value group
  readonly comparatorSource: string;
  readonly comparator: ReadonlyMap<string, Comparator>;
  readonly ratioSource: string;
  readonly rangeSource: string;
  readonly feetSource: string;
  readonly feetAlone: ReadonlySet<string>;
  readonly inchSource: string;
  readonly notAfterSource: string;
  // fillers
  readonly fillerSource: string;
  readonly #fillerFlag = new Map<string, FlagCode>();
  // chains, tables
  readonly chainTimepointSource: string;
  readonly chainLinkSource: string;
  readonly missingCellSource: string;
  readonly columnLabels: ReadonlySet<string>;
  // reference ranges
  readonly referenceSource: string;
  readonly referenceValueSource: string;
  // conditions
  readonly conditionalBeforeSource: string;
  readonly conditionalAfterSource: string;
  // oxygen
  readonly devicePrepositionSource: string;
  readonly o2PrepositionSource: string;
  readonly flowUnitSource: string;
  readonly perMinuteFlowUnits: ReadonlySet<string>;
  readonly oxygenWordSource: string;
  readonly fio2Source: string;
  // results before the test
  readonly resultBeforeSource: string;
  readonly specimenSource: string;
  readonly resultForSource: string;
  readonly forListBreakerSource: string;
  // unit-only results
  readonly labOnlyUnits: ReadonlySet<string>;
  readonly linkUnits: ReadonlySet<string>;
  readonly unitComparatorSymbolSource: string;
  readonly unitComparatorWordSource: string;
  readonly unitComparator: ReadonlyMap<string, Comparator>;
  readonly unitVitals: readonly {
    readonly vital: VitalKind;
    readonly ucum: ReadonlySet<string>;
    readonly re: RegExp;
  }[];
  // test phrases, copulas, results
  readonly stopWords: ReadonlySet<string>;
  readonly backFillers: ReadonlySet<string>;
  readonly linkWords: ReadonlySet<string>;
  readonly determiners: ReadonlySet<string>;
  readonly innerWords: ReadonlySet<string>;
  readonly subjectStopWords: ReadonlySet<string>;
  readonly nonTestSubjectSource: string;
  readonly copulas: ReadonlySet<string>;
  readonly copulaAdverbs: ReadonlySet<string>;
  /** Two-word copulas: the last word -> the words before it. */
  readonly copulaPhrases: ReadonlyMap<string, ReadonlySet<string>>;
  readonly reportVerbs: ReadonlySet<string>;
  readonly reportedResults: ReadonlySet<string>;
  readonly findingResults: ReadonlySet<string>;
  readonly statusResults: ReadonlySet<string>;
  readonly resultsBeforeHead: ReadonlySet<string>;
  readonly forResults: ReadonlySet<string>;
  // status subjects, head words, strength, respectively, panels, sections
  readonly statusQualifierSource: string;
  readonly statusNounSource: string;
  readonly statusOwnerSource: string;
  readonly statusVerbSource: string;
  readonly headSource: string;
  readonly scoreHeads: ReadonlySet<string>;
  readonly headLinkSource: string;
  readonly headNotAfterSource: string;
  readonly amountUnits: ReadonlySet<string>;
  readonly strengthAfterSource: string;
  readonly strengthBeforeSource: string;
  readonly strengthLinkSource: string;
  readonly respectivelyLinkSource: string;
  readonly panelFillerSource: string;
  readonly vitalSections: ReadonlySet<string>;

  constructor(patterns: MeasurementPatterns) {
    this.patterns = patterns;
    this.version = patterns.version;
    const v = patterns.value;
    const cmp = comparators(v.comparators);
    this.comparatorSource = cmp.source;
    this.comparator = cmp.map;
    this.ratioSource = ordered(v.ratioWords);
    this.rangeSource = ordered(v.rangeWords);
    this.feetSource = ordered(v.feet);
    this.feetAlone = new Set(v.feetAlone);
    this.inchSource = ordered(v.inches);
    this.notAfterSource = ordered(v.notAfter);

    const f = patterns.fillers;
    for (const r of f.results)
      for (const w of r.written) if (!this.#fillerFlag.has(key(w))) this.#fillerFlag.set(key(w), r.flag);
    this.fillerSource = ordered([...f.words, ...f.results.flatMap((r) => r.written)]);

    this.chainTimepointSource = ordered(patterns.chain.timepoints);
    this.chainLinkSource = ordered(patterns.chain.links);
    this.missingCellSource = ordered(patterns.table.missingCells);
    this.columnLabels = lowerSet(patterns.table.columnLabels);

    this.referenceSource = ordered(patterns.reference.labels, '[ \\t]*');
    this.referenceValueSource = ordered(patterns.reference.valueLabels, '[ \\t]*');

    this.conditionalBeforeSource = ordered(patterns.conditional.before);
    this.conditionalAfterSource = ordered(patterns.conditional.after);

    const o = patterns.oxygen;
    this.devicePrepositionSource = ordered(o.devicePrepositions);
    this.o2PrepositionSource = ordered(o.prepositions);
    // rates first: `L/min` before `L`
    const flows = [...o.flowUnits.filter((u) => u.perMinute), ...o.flowUnits.filter((u) => !u.perMinute)];
    this.flowUnitSource = ordered(flows.flatMap((u) => u.written));
    this.perMinuteFlowUnits = new Set(o.flowUnits.filter((u) => u.perMinute).flatMap((u) => u.written));
    this.oxygenWordSource = ordered(o.oxygenWords);
    this.fio2Source = ordered(o.fio2Labels);

    const b = patterns.before;
    this.resultBeforeSource = ordered(b.results);
    this.specimenSource = ordered(b.specimens);
    this.resultForSource = ordered(b.resultsFor);
    this.forListBreakerSource = ordered(b.forListBreakers);

    const u = patterns.unitOnly;
    this.labOnlyUnits = new Set(u.labOnlyUnits);
    this.linkUnits = new Set(u.linkUnits);
    const ucmp = comparators(u.comparators);
    const forms = u.comparators.flatMap((e) => e.written);
    // symbols stand anywhere; words must not continue a word (`<20`, but not `cover 20`)
    this.unitComparatorSymbolSource = ordered(forms.filter((w) => !/[A-Za-z]/.test(w)));
    this.unitComparatorWordSource = ordered(forms.filter((w) => /[A-Za-z]/.test(w)));
    this.unitComparator = ucmp.map;
    this.unitVitals = u.vitals.map((x) => {
      const parts: string[] = [];
      if (x.words) parts.push(String.raw`\b(?:${ordered(x.words)})\b`);
      if (x.stems) parts.push(String.raw`\b(?:${ordered(x.stems)})`);
      return { vital: x.vital, ucum: new Set(x.ucum), re: new RegExp(parts.join('|') || '(?!)') };
    });

    const p = patterns.phrase;
    this.stopWords = lowerSet(p.stopWords);
    this.backFillers = lowerSet(p.backFillers);
    this.linkWords = lowerSet(p.linkWords);
    this.determiners = lowerSet(p.determiners);
    this.innerWords = lowerSet(p.innerWords);
    this.subjectStopWords = lowerSet(p.subjectStopWords);
    this.nonTestSubjectSource = ordered(p.nonTestSubjects);

    const c = patterns.copula;
    this.copulas = lowerSet(c.verbs);
    this.copulaAdverbs = lowerSet(c.adverbs);
    const phrases = new Map<string, Set<string>>();
    for (const ph of c.phrases) {
      const words = key(ph).split(' ');
      if (words.length !== 2) throw new Error(`copula phrase '${ph}' is not two words`);
      const [first, last] = words as [string, string];
      let set = phrases.get(last);
      if (!set) phrases.set(last, (set = new Set()));
      set.add(first);
    }
    this.copulaPhrases = phrases;

    const r = patterns.results;
    this.reportVerbs = lowerSet(r.reportVerbs);
    this.reportedResults = lowerSet(r.reported);
    this.findingResults = lowerSet(r.finding);
    this.statusResults = lowerSet(r.status);
    this.resultsBeforeHead = lowerSet(r.beforeHead);
    this.forResults = lowerSet(r.forResults);

    const s = patterns.status;
    this.statusQualifierSource = ordered(s.qualifiers);
    this.statusNounSource = ordered(s.nouns);
    this.statusOwnerSource = ordered(s.owners);
    this.statusVerbSource = ordered(s.verbs);

    const h = patterns.headNumeric;
    this.headSource = ordered(h.heads.flatMap((x) => x.written));
    this.scoreHeads = lowerSet(h.heads.filter((x) => x.score).flatMap((x) => x.written));
    this.headLinkSource = ordered(h.links);
    this.headNotAfterSource = ordered(h.notAfter);
    this.amountUnits = new Set(h.amountUnits);

    this.strengthAfterSource = ordered(patterns.strength.headsAfter);
    this.strengthBeforeSource = ordered(patterns.strength.headsBefore);
    this.strengthLinkSource = ordered(patterns.strength.links);
    this.respectivelyLinkSource = ordered(patterns.respectivelyLinks);
    this.panelFillerSource = ordered(patterns.panelFillers);
    this.vitalSections = new Set(patterns.vitalSections);
  }

  /** The flag a filler result word sets (`elevated` -> H), if it is one. */
  fillerFlag(word: string): FlagCode | undefined {
    return this.#fillerFlag.get(key(word));
  }
}

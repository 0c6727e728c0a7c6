/**
 * The `measurements` component: lab results and vital signs with their test (LOINC through the
 * `lab` concepts, else the lexicon), value, UCUM unit, reference range, flag, blood-pressure
 * components, converted temperature/weight/height and oxygen support. See docs/measurements.md.
 */
import { Type } from '@sinclair/typebox';
import type { Doc } from '../../doc/doc.js';
import { defineComponent, type FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { lastStartingAtOrBefore, OffsetMapper } from '../../text/offsets.js';
import { MeasurementExtractor, type RawMeasurement, type RawSpan } from './extract.js';
import { CompiledLexicon, DEFAULT_MEASUREMENT_RULES, MeasurementRulesSchema } from './lexicon.js';
import {
  CompiledMeasurementPatterns,
  DEFAULT_MEASUREMENT_PATTERNS,
  MeasurementPatternsSchema,
} from './patterns.js';
import type { Measurement, MeasurementTest, MeasurementValue, TextSpan } from './types.js';

export { MeasurementExtractor, type RawMeasurement } from './extract.js';
export {
  CompiledLexicon,
  DEFAULT_MEASUREMENT_RULES,
  type MeasurementRules,
  MeasurementRulesSchema,
  measurementRulesJsonSchema,
} from './lexicon.js';
export {
  CompiledMeasurementPatterns,
  DEFAULT_MEASUREMENT_PATTERNS,
  type MeasurementPatterns,
  MeasurementPatternsSchema,
  measurementPatternsJsonSchema,
} from './patterns.js';
export * from './types.js';

export const COMPONENT = 'measurements';

export const MeasurementsOptionsSchema = Type.Object(
  {
    rules: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Lexicon file, under resources/ or absolute (default ${DEFAULT_MEASUREMENT_RULES})`,
      }),
    ),
    patterns: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Pattern words file, under resources/ or absolute (default ${DEFAULT_MEASUREMENT_PATTERNS})`,
      }),
    ),
    unitOnly: Type.Optional(
      Type.Boolean({
        description:
          'Report a number with a lab-only unit (`2207 ng/mL`) whose test is not known, naming the test by the words before it (default true)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Key of the in-memory cache entry of the built extractor (bump the version when the compiler changes). */
const EXTRACTOR_KIND = 'measurements-extractor@1';

/**
 * Build the extractor from a lexicon file and a pattern words file through the factory context: the
 * words compiled once (Sets, Maps, regexes), and once per content in a process when the context
 * caches compiled resources.
 */
export function loadMeasurementExtractor(
  ctx: FactoryContext,
  path = DEFAULT_MEASUREMENT_RULES,
  patternsPath = DEFAULT_MEASUREMENT_PATTERNS,
): MeasurementExtractor {
  const build = (c: FactoryContext): MeasurementExtractor =>
    new MeasurementExtractor(
      new CompiledLexicon(loadJsonResource(c, path, MeasurementRulesSchema)),
      new CompiledMeasurementPatterns(loadJsonResource(c, patternsPath, MeasurementPatternsSchema)),
    );
  const compiled = ctx.compiled?.bind(ctx);
  if (!compiled) return build(ctx);
  const lexicon = ctx.readResource(path);
  const patterns = ctx.readResource(patternsPath);
  return compiled(EXTRACTOR_KIND, `${lexicon.length}\n${lexicon}${patterns}`, () =>
    build({
      readResource: (p) => (p === path ? lexicon : p === patternsPath ? patterns : ctx.readResource(p)),
      readResourceBytes: (p) => ctx.readResourceBytes(p),
      compiled,
    }),
  );
}

export const measurementsComponent = defineComponent({
  name: COMPONENT,
  version: '1.1.0',
  description:
    'Lab results and vital signs: test (LOINC), value (numeric, range, ratio, qualitative), UCUM unit, reference range, H/L/critical flags, BP, temperature/weight/height conversions, SpO2 with O2 device and flow.',
  requires: ['normalized', 'sections', 'sentences', 'tokens', 'concepts'],
  assigns: ['measurements'],
  outputs: ['measurements'],
  options: MeasurementsOptionsSchema,
  create(options, ctx) {
    const extractor = loadMeasurementExtractor(
      ctx,
      options.rules ?? DEFAULT_MEASUREMENT_RULES,
      options.patterns ?? DEFAULT_MEASUREMENT_PATTERNS,
    );
    const unitOnly = options.unitOnly ?? true;
    return (doc) => {
      doc.set('measurements', measurementsOf(doc, extractor, unitOnly));
    };
  },
});

/** Run the extractor on a Doc (normalized, tokens; sections, sentences and concepts when present). */
export function measurementsOf(doc: Doc, extractor: MeasurementExtractor, unitOnly = true): Measurement[] {
  const view = doc.get('normalized');
  const mapper = new OffsetMapper(view);
  const sections = doc.maybe('sections') ?? [];
  const sentences = doc.maybe('sentences') ?? [];
  const raw = extractor.extract({
    text: view.text,
    tokens: doc.maybe('tokens') ?? [],
    concepts: doc.maybe('concepts') ?? [],
    toNormalized: (o) => mapper.toNormalized(o),
    ...(view.isIdentityMap ? { layout: doc.text } : {}),
    categoryAt: (n) => {
      const [o] = mapper.toOriginal(n, n);
      const i = lastStartingAtOrBefore(sections, o);
      const s = i >= 0 ? sections[i] : undefined;
      return s && o < s.end ? s.category : undefined;
    },
  });
  const out: Measurement[] = [];
  for (const r of raw) {
    if (!unitOnly && r.rule === 'meas.unit-only') continue;
    out.push(toMeasurement(doc, mapper, r, sentences));
  }
  return out;
}

function span(doc: Doc, mapper: OffsetMapper, s: RawSpan): TextSpan {
  const [start, end] = mapper.toOriginal(s.start, s.end);
  return { start, end, text: doc.text.slice(start, end) };
}

function toMeasurement(
  doc: Doc,
  mapper: OffsetMapper,
  r: RawMeasurement,
  sentences: readonly { start: number; end: number }[],
): Measurement {
  const g = r.group;
  // built by assignment, in the key order of the JSON result (a literal of conditional spreads
  // cost more than the extraction itself on notes dense in values)
  const ts = span(doc, mapper, r.test);
  const test = ts as MeasurementTest;
  const testOut = ts as unknown as Record<string, unknown>;
  for (const k of TEST_KEYS) if (r.test[k] !== undefined) testOut[k] = r.test[k];
  const value = span(doc, mapper, g.value) as MeasurementValue & Record<string, unknown>;
  for (const k in g.value) {
    if (k !== 'start' && k !== 'end') value[k] = (g.value as unknown as Record<string, unknown>)[k];
  }
  const [start, end] = mapper.toOriginal(r.start, r.end);
  const si = lastStartingAtOrBefore(sentences, test.start);
  const sentence = si >= 0 && test.start < sentences[si]!.end ? si : -1;
  const components = g.components;
  const o2 = g.o2;
  const m: Record<string, unknown> = { kind: r.kind, start, end, test, value };
  const withSpan = <T extends object>(x: RawSpan, rest: T): TextSpan & T =>
    Object.assign(span(doc, mapper, x), rest);
  if (g.unit) m.unit = withSpan(g.unit, { ucum: g.unit.ucum });
  if (r.defaultUnit) m.defaultUnit = r.defaultUnit;
  if (g.ref) m.referenceRange = withSpan(g.ref, omitSpan(g.ref));
  if (g.flag) m.flag = withSpan(g.flag, { code: g.flag.code });
  if (r.vital) m.vital = r.vital;
  if (components) {
    const c: Record<string, unknown> = {};
    if (components.systolic) c.systolic = withSpan(components.systolic, { value: components.systolic.value });
    if (components.diastolic)
      c.diastolic = withSpan(components.diastolic, { value: components.diastolic.value });
    m.components = c;
  }
  if (g.converted) {
    const cv = g.converted;
    m.converted = cv.span
      ? Object.assign({ value: cv.value, ucum: cv.ucum }, span(doc, mapper, cv.span))
      : { value: cv.value, ucum: cv.ucum };
  }
  if (o2) {
    const o: Record<string, unknown> = {};
    if (o2.device) o.device = withSpan(o2.device, { code: o2.device.code, display: o2.device.display });
    if (o2.flow) o.flow = withSpan(o2.flow, { value: o2.flow.value, ucum: 'L/min' });
    if (o2.fio2) o.fio2 = withSpan(o2.fio2, { value: o2.fio2.value });
    m.o2 = o;
  }
  m.sentence = sentence;
  m.evidence = { component: COMPONENT, rule: r.rule, detail: r.detail };
  return m as unknown as Measurement;
}

const TEST_KEYS = ['name', 'id', 'loinc', 'concept', 'category'] as const;

function omitSpan<T extends RawSpan>(s: T): Omit<T, 'start' | 'end'> {
  const { start: _s, end: _e, ...rest } = s;
  return rest;
}

/**
 * The `measurements` component: lab results and vital signs with their test (LOINC through the
 * `lab` concepts, else the lexicon), value, UCUM unit, reference range, flag, blood-pressure
 * components, converted temperature/weight/height and oxygen support. See docs/measurements.md.
 */
import { Type } from '@sinclair/typebox';
import type { Doc } from '../../doc/doc.js';
import { defineComponent } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { MeasurementExtractor, type RawMeasurement, type RawSpan } from './extract.js';
import { CompiledLexicon, DEFAULT_MEASUREMENT_RULES, MeasurementRulesSchema } from './lexicon.js';
import { lastStartingAtOrBefore, OffsetMapper } from '../../text/offsets.js';
import type { Measurement, TextSpan } from './types.js';

export { MeasurementExtractor, type RawMeasurement } from './extract.js';
export {
  CompiledLexicon,
  DEFAULT_MEASUREMENT_RULES,
  type MeasurementRules,
  MeasurementRulesSchema,
} from './lexicon.js';
export type * from './types.js';

export const COMPONENT = 'measurements';

export const MeasurementsOptionsSchema = Type.Object(
  {
    rules: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Lexicon file, under resources/ or absolute (default ${DEFAULT_MEASUREMENT_RULES})`,
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

/** Build the extractor from a lexicon file through the factory context. */
export function loadMeasurementExtractor(
  ctx: Parameters<typeof loadJsonResource>[0],
  path = DEFAULT_MEASUREMENT_RULES,
): MeasurementExtractor {
  return new MeasurementExtractor(new CompiledLexicon(loadJsonResource(ctx, path, MeasurementRulesSchema)));
}

export const measurementsComponent = defineComponent({
  name: COMPONENT,
  version: '1.0.0',
  description:
    'Lab results and vital signs: test (LOINC), value (numeric, range, ratio, qualitative), UCUM unit, reference range, H/L/critical flags, BP, temperature/weight/height conversions, SpO2 with O2 device and flow.',
  requires: ['normalized', 'sections', 'sentences', 'tokens', 'concepts'],
  assigns: ['measurements'],
  outputs: ['measurements'],
  options: MeasurementsOptionsSchema,
  create(options, ctx) {
    const extractor = loadMeasurementExtractor(ctx, options.rules ?? DEFAULT_MEASUREMENT_RULES);
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
  const test = {
    ...span(doc, mapper, r.test),
    ...pick(r.test, ['name', 'id', 'loinc', 'concept', 'category']),
  };
  const value = { ...span(doc, mapper, g.value), ...omitSpan(g.value) };
  const [start, end] = mapper.toOriginal(r.start, r.end);
  const si = lastStartingAtOrBefore(sentences, test.start);
  const sentence = si >= 0 && test.start < sentences[si]!.end ? si : -1;
  const m: Record<string, unknown> = { kind: r.kind, start, end, test, value };
  if (g.unit) m.unit = { ...span(doc, mapper, g.unit), ucum: g.unit.ucum };
  if (r.defaultUnit) m.defaultUnit = r.defaultUnit;
  if (g.ref) m.referenceRange = { ...span(doc, mapper, g.ref), ...omitSpan(g.ref) };
  if (g.flag) m.flag = { ...span(doc, mapper, g.flag), code: g.flag.code };
  if (r.vital) m.vital = r.vital;
  if (g.components) {
    const c: Record<string, unknown> = {};
    if (g.components.systolic)
      c.systolic = { ...span(doc, mapper, g.components.systolic), value: g.components.systolic.value };
    if (g.components.diastolic)
      c.diastolic = { ...span(doc, mapper, g.components.diastolic), value: g.components.diastolic.value };
    m.components = c;
  }
  if (g.converted) {
    m.converted = g.converted.span
      ? { value: g.converted.value, ucum: g.converted.ucum, ...span(doc, mapper, g.converted.span) }
      : { value: g.converted.value, ucum: g.converted.ucum };
  }
  if (g.o2) {
    const o: Record<string, unknown> = {};
    if (g.o2.device)
      o.device = { ...span(doc, mapper, g.o2.device), code: g.o2.device.code, display: g.o2.device.display };
    if (g.o2.flow) o.flow = { ...span(doc, mapper, g.o2.flow), value: g.o2.flow.value, ucum: 'L/min' };
    if (g.o2.fio2) o.fio2 = { ...span(doc, mapper, g.o2.fio2), value: g.o2.fio2.value };
    m.o2 = o;
  }
  m.sentence = sentence;
  m.evidence = { component: COMPONENT, rule: r.rule, detail: r.detail };
  return m as unknown as Measurement;
}

function omitSpan<T extends RawSpan>(s: T): Omit<T, 'start' | 'end'> {
  const { start: _s, end: _e, ...rest } = s;
  return rest;
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { Doc } from '../../doc/doc.js';
import { ClinoteError } from '../../errors/error.js';
import { toResult } from '../../output/result.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { normalizeComponent } from '../normalize/index.js';
import { sectionsComponent } from '../sections/index.js';
import { sentencesComponent } from '../sentences/index.js';
import { tokensComponent } from '../tokens/index.js';
import { MeasurementRulesSchema, measurementRulesJsonSchema, measurementsComponent } from './index.js';
import { exampleNote, fullPipeline, noConceptsComponent } from './testing.js';
import type { Measurement } from './types.js';

function pipeline(options?: Record<string, unknown>): Pipeline {
  return createPipelineSync(
    {
      name: 'measurements-test',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        { name: 'concepts' },
        options ? { name: 'measurements', options } : { name: 'measurements' },
      ],
    },
    {
      registry: new Registry()
        .register(normalizeComponent)
        .register(sectionsComponent)
        .register(sentencesComponent)
        .register(tokensComponent)
        .register(noConceptsComponent)
        .register(measurementsComponent),
      context: fileResourceContext(),
    },
  );
}

describe('measurements component', () => {
  it('declares its contract', () => {
    expect(measurementsComponent.name).toBe('measurements');
    expect(measurementsComponent.requires).toEqual([
      'normalized',
      'sections',
      'sentences',
      'tokens',
      'concepts',
    ]);
    expect(measurementsComponent.assigns).toEqual(['measurements']);
    expect(measurementsComponent.outputs).toEqual(['measurements']);
  });

  it('assigns the layer, records its lexicon and puts the layer in the JSON result', () => {
    const p = pipeline();
    expect(p.components[5]!.resources.map((r) => r.path)).toEqual([
      'measurements/measurements.json',
      'measurements/patterns.json',
    ]);
    const doc = p.runSync(new Doc('VS: BP 142/88, HR 96.\nLabs: Na 131 (L), K 4.1.'));
    const result = toResult(doc, p);
    expect((result.measurements ?? []).map((m) => [m.test.text, m.value?.text])).toEqual([
      ['BP', '142/88'],
      ['HR', '96'],
      ['Na', '131'],
      ['K', '4.1'],
    ]);
    expect(result.measurements?.[2]?.sentence).toBeGreaterThanOrEqual(0);
  });

  it('can leave out results whose test is only the words before a lab unit', () => {
    const text = 'Kappa light chains 112 mg/L.';
    expect(pipeline().runSync(new Doc(text)).get('measurements')).toHaveLength(1);
    expect(pipeline({ unitOnly: false }).runSync(new Doc(text)).get('measurements')).toHaveLength(0);
  });

  it('rejects unknown options and a bad lexicon', () => {
    const codeOf = (options: Record<string, unknown>): string | undefined => {
      try {
        pipeline(options);
      } catch (e) {
        return e instanceof ClinoteError ? e.code : 'not a ClinoteError';
      }
      return undefined;
    };
    expect(codeOf({ colour: 'red' })).toBe('CLINOTE_E_CONFIG_INVALID');
    expect(codeOf({ rules: 'measurements/missing.json' })).toBe('CLINOTE_E_RESOURCE_NOT_FOUND');
    expect(codeOf({ rules: 'sections/sections.json' })).toBe('CLINOTE_E_RESOURCE_INVALID');
    expect(codeOf({ patterns: 'measurements/missing.json' })).toBe('CLINOTE_E_RESOURCE_NOT_FOUND');
    expect(codeOf({ patterns: 'measurements/measurements.json' })).toBe('CLINOTE_E_RESOURCE_INVALID');
  });
});

describe('measurements lexicon', () => {
  const rules = loadJsonResource(
    fileResourceContext(),
    'measurements/measurements.json',
    MeasurementRulesSchema,
  );

  it('has unique ids, and every LOINC code is well formed', () => {
    const ids = rules.tests.map((t) => t.id);
    const all = [
      ...ids,
      ...rules.panels.map((p) => p.id),
      ...rules.units.map((u) => u.id),
      ...rules.qualitative.map((q) => q.id),
      ...rules.flags.map((f) => f.id),
      ...rules.devices.map((d) => d.id),
      ...(rules.resultHeads ?? []).map((h) => h.id),
    ];
    expect(all.filter((id, i) => all.indexOf(id) !== i)).toEqual([]);
    for (const t of rules.tests) if (t.loinc) expect(t.loinc).toMatch(/^\d{1,7}-\d$/);
    const panelTests = rules.panels.flatMap((p) => p.tests);
    for (const id of panelTests) expect(ids).toContain(id);
  });

  it('has the vital-signs LOINC codes of the FHIR vital signs profiles', () => {
    const loinc = Object.fromEntries(
      rules.tests.filter((t) => t.kind === 'vital').map((t) => [t.id, t.loinc]),
    );
    expect(loinc).toMatchObject({
      bp: '85354-9',
      sbp: '8480-6',
      dbp: '8462-4',
      hr: '8867-4',
      rr: '9279-1',
      temp: '8310-5',
      spo2: '59408-5',
      weight: '29463-7',
      height: '8302-2',
      bmi: '39156-5',
    });
  });

  it('matches its JSON schema file', () => {
    const file = JSON.parse(readFileSync(resourcePath('measurements/measurements.schema.json'), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(measurementRulesJsonSchema())));
  });

  // Every lab LOINC code must be in the LOINC Top 2000 file (../shared/data, skipped when absent)
  const loincFile = sharedDataPath('loinc', 'LOINC_1.6_Top2000CommonLabResultsUS.csv');
  const loincCodes = loincFile
    ? new Set(
        readFileSync(loincFile, 'utf8')
          .split('\n')
          .slice(1)
          .map((l) => l.split(',')[0]!),
      )
    : undefined;
  if (!loincCodes) console.warn(missingDataMessage('loinc'));
  it.skipIf(!loincCodes)('uses LOINC codes that exist in the LOINC Top 2000 (shared data)', () => {
    const missing = rules.tests
      .filter((t) => t.kind === 'lab' && t.loinc && !loincCodes!.has(t.loinc))
      .map((t) => `${t.id}:${t.loinc}`);
    expect(missing).toEqual([]);
  });
});

describe('measurements on the example notes', () => {
  let p: Pipeline;
  const notesDir = dirname(exampleNote('x'));
  const names = readdirSync(notesDir).filter((f) => f.endsWith('.txt'));
  const run = (name: string): { doc: Doc; ms: Measurement[] } => {
    const doc = p.runSync(new Doc(readFileSync(exampleNote(name), 'utf8'), { id: name }));
    return { doc, ms: doc.get('measurements') };
  };
  beforeAll(async () => {
    p = await fullPipeline([{ name: 'measurements', factory: measurementsComponent }]);
  });

  it('reads the vitals, the inline labs and the lab table of a discharge summary', () => {
    const { ms } = run('discharge-summary-01.txt');
    const find = (test: string, value: string) =>
      ms.find((m) => m.test.text === test && m.value?.text === value);
    expect(find('BP', '158/94')?.components).toMatchObject({
      systolic: { value: 158 },
      diastolic: { value: 94 },
    });
    expect(find('SpO2', '95')?.o2).toMatchObject({ device: { code: 'nasal-cannula' }, flow: { value: 3 } });
    expect(find('T', '37.1')).toMatchObject({
      unit: { ucum: 'Cel' },
      converted: { value: 98.8, ucum: '[degF]' },
    });
    expect(find('Sodium', '134')).toMatchObject({
      unit: { ucum: 'mmol/L' },
      flag: { code: 'L' },
      referenceRange: { low: 135, high: 145 },
    });
    expect(find('BNP', '980')).toMatchObject({
      flag: { code: 'H' },
      referenceRange: { comparator: '<', high: 100 },
    });
    expect(ms.filter((m) => m.evidence.rule === 'meas.table')).toHaveLength(40);
    expect(find('Hemoglobin A1c', '8.4')?.test.loinc).toBe('4548-4');
  });

  it('reads a vitals table whose header names the tests', () => {
    const { ms } = run('nursing-note-01.txt');
    const table = ms.filter((m) => m.evidence.rule === 'meas.column-table');
    expect(table).toHaveLength(24);
    expect(table.filter((m) => m.vital === 'spo2').every((m) => m.o2?.device?.code === 'room-air')).toBe(
      true,
    );
  });

  it('reads ED labs with flags and qualitative results', () => {
    const { ms } = run('ed-note-01.txt');
    const byTest = new Map([...ms].reverse().map((m) => [m.test.text, m]));
    expect(byTest.get('AST')?.flag?.code).toBe('H');
    expect(byTest.get('Urine hCG')?.value?.qualitative).toBe('negative');
    expect(byTest.get('Pain')?.value?.value).toBe(8);
  });

  it('keeps every span exact and every result plausible on all notes', () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
    let total = 0;
    for (const name of names) {
      const { doc, ms } = run(name);
      total += ms.length;
      let lastValueEnd = -1;
      for (const m of [...ms].sort((a, b) => a.value!.start - b.value!.start)) {
        for (const s of [m.test, m.value, m.unit, m.flag, m.referenceRange]) {
          if (s) expect(doc.text.slice(s.start, s.end)).toBe(s.text);
        }
        // two results never share a value (but `negative for nitrite and leukocyte esterase`)
        if (m.evidence.rule !== 'meas.qualitative.for')
          expect(m.value!.start).toBeGreaterThanOrEqual(lastValueEnd);
        lastValueEnd = m.value!.end;
        if (m.vital === 'hr' && m.value?.value !== undefined) expect(m.value.value).toBeLessThan(300);
      }
    }
    expect(total).toBeGreaterThan(300);
  });
});

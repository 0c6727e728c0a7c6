import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { ClinoteError } from '../../errors/error.js';
import { toResult } from '../../output/result.js';
import { createPipelineSync, type Pipeline } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext } from '../../resources.js';
import { measurementsComponent } from '../measurements/index.js';
import { exampleNote, fullPipeline, noConceptsComponent } from '../measurements/testing.js';
import { normalizeComponent } from '../normalize/index.js';
import { sectionsComponent } from '../sections/index.js';
import { sentencesComponent } from '../sentences/index.js';
import { tokensComponent } from '../tokens/index.js';
import { DateRulesSchema, datesComponent } from './index.js';
import type { DateMention } from './types.js';

function pipeline(options?: Record<string, unknown>): Pipeline {
  return createPipelineSync(
    {
      name: 'dates-test',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        { name: 'concepts' },
        options ? { name: 'dates', options } : { name: 'dates' },
      ],
    },
    {
      registry: new Registry()
        .register(normalizeComponent)
        .register(sectionsComponent)
        .register(sentencesComponent)
        .register(tokensComponent)
        .register(noConceptsComponent)
        .register(datesComponent),
      context: fileResourceContext(),
    },
  );
}

describe('dates component', () => {
  it('declares its contract', () => {
    expect(datesComponent.name).toBe('dates');
    expect(datesComponent.requires).toEqual(['normalized', 'sentences', 'concepts']);
    expect(datesComponent.assigns).toEqual(['dates']);
    expect(datesComponent.outputs).toEqual(['dates']);
  });

  it('normalizes against the note date given with the note and puts the layer in the JSON result', () => {
    const p = pipeline();
    expect(p.components[5]!.resources.map((r) => r.path)).toEqual([
      'dates/dates.json',
      'dates/patterns.json',
    ]);
    const doc = p.runSync(
      new Doc('Fever since yesterday. Seen 03/02/2025.', { meta: { noteDate: '2025-03-14T09:30:00Z' } }),
    );
    const result = toResult(doc, p);
    expect((result.dates ?? []).map((d) => [d.text, d.value])).toEqual([
      ['yesterday', '2025-03-13'],
      ['03/02/2025', '2025-03-02'],
    ]);
  });

  it('ignores a note date that is not an ISO date', () => {
    const doc = pipeline().runSync(new Doc('seen yesterday', { meta: { noteDate: 'March 14' } }));
    expect(doc.get('dates')[0]?.value).toBeUndefined();
  });

  it('rejects unknown options and a bad word list', () => {
    const codeOf = (options: Record<string, unknown>): string | undefined => {
      try {
        pipeline(options);
      } catch (e) {
        return e instanceof ClinoteError ? e.code : 'not a ClinoteError';
      }
      return undefined;
    };
    expect(codeOf({ colour: 'red' })).toBe('CLINOTE_E_CONFIG_INVALID');
    expect(codeOf({ rules: 'dates/missing.json' })).toBe('CLINOTE_E_RESOURCE_NOT_FOUND');
    expect(codeOf({ rules: 'measurements/measurements.json' })).toBe('CLINOTE_E_RESOURCE_INVALID');
    expect(codeOf({ patterns: 'dates/missing.json' })).toBe('CLINOTE_E_RESOURCE_NOT_FOUND');
    expect(codeOf({ patterns: 'dates/dates.json' })).toBe('CLINOTE_E_RESOURCE_INVALID');
    expect(DateRulesSchema.additionalProperties).toBe(false);
  });

  it('can leave the governed concepts out', () => {
    const doc = pipeline({ governs: false }).runSync(new Doc('MRI 03/02/2025'));
    expect(doc.get('dates')[0]?.governs).toBeUndefined();
  });
});

describe('dates on the example notes', () => {
  let p: Pipeline;
  const notesDir = dirname(exampleNote('x'));
  const names = readdirSync(notesDir).filter((f) => f.endsWith('.txt'));
  const run = (name: string, noteDate = '2025-03-14'): { doc: Doc; ds: DateMention[] } => {
    const doc = p.runSync(new Doc(readFileSync(exampleNote(name), 'utf8'), { id: name, meta: { noteDate } }));
    return { doc, ds: doc.get('dates') };
  };
  beforeAll(async () => {
    p = await fullPipeline([
      { name: 'measurements', factory: measurementsComponent },
      { name: 'dates', factory: datesComponent },
    ]);
  });

  it('counts a hospital day from the admission date, and attaches dates to procedures', () => {
    const { doc, ds } = run('discharge-summary-01.txt');
    expect(ds.find((d) => d.text === 'hospital day 3')?.value).toBe('2025-03-12');
    expect(ds.find((d) => d.text === '10 days ago')?.value).toBe('2025-03-04');
    const concepts = doc.get('concepts');
    const echo = ds.find(
      (d) => d.text === '03/11/2025' && d.governs?.some((i) => /echocardiogram/i.test(concepts[i]!.text)),
    );
    expect(echo).toBeDefined();
    const cabg = ds.find((d) => d.text === '2016' && d.governs?.some((i) => /CABG/.test(concepts[i]!.text)));
    expect(cabg).toBeDefined();
  });

  it('counts postoperative days from the surgery date of a progress note', () => {
    const { ds } = run('soap-progress-01.txt');
    expect(ds.filter((d) => d.text.startsWith('POD')).map((d) => [d.text, d.value])).toContainEqual([
      'POD #2',
      '2025-03-13',
    ]);
  });

  it('keeps every span exact and never overlaps two mentions on all notes', () => {
    let total = 0;
    for (const name of names) {
      const { doc, ds } = run(name);
      total += ds.length;
      let lastEnd = -1;
      for (const d of ds) {
        expect(doc.text.slice(d.start, d.end)).toBe(d.text);
        expect(d.start).toBeGreaterThanOrEqual(lastEnd);
        lastEnd = d.end;
        if (d.value !== undefined)
          expect(d.value).toMatch(
            /^(?:\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?)?|-W\d{2})?|--\d{2}-\d{2}|\d{2}:\d{2}(?::\d{2})?)$/,
          );
        for (const i of d.governs ?? []) expect(doc.get('concepts')[i]).toBeDefined();
      }
    }
    expect(total).toBeGreaterThan(200);
  });
});

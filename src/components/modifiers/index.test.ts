import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { ClinoteError } from '../../errors/error.js';
import { createPipelineSync, type Pipeline } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext } from '../../resources.js';
import { exampleNote, fullPipeline, noConceptsComponent } from '../measurements/testing.js';
import { normalizeComponent } from '../normalize/index.js';
import { modifiersComponent } from './index.js';

function pipeline(options?: Record<string, unknown>): Pipeline {
  return createPipelineSync(
    {
      name: 'modifiers-test',
      components: [
        { name: 'normalize' },
        { name: 'concepts' },
        options ? { name: 'modifiers', options } : { name: 'modifiers' },
      ],
    },
    {
      registry: new Registry()
        .register(normalizeComponent)
        .register(noConceptsComponent)
        .register(modifiersComponent),
      context: fileResourceContext(),
    },
  );
}

describe('modifiers component', () => {
  it('declares its contract', () => {
    expect(modifiersComponent.name).toBe('modifiers');
    expect(modifiersComponent.requires).toEqual(['normalized', 'concepts']);
    expect(modifiersComponent.reads).toEqual(['tokens']);
    expect(modifiersComponent.assigns).toEqual(['concepts.modifiers']);
  });

  it('runs without concepts and records its word lists', () => {
    const p = pipeline();
    expect(p.components[2]!.resources.map((r) => r.path)).toEqual(['modifiers/modifiers.json']);
    expect(p.runSync(new Doc('severe left knee pain')).get('concepts')).toEqual([]);
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
    expect(codeOf({ rules: 'modifiers/missing.json' })).toBe('CLINOTE_E_RESOURCE_NOT_FOUND');
    expect(codeOf({ rules: 'dates/dates.json' })).toBe('CLINOTE_E_RESOURCE_INVALID');
  });
});

describe('modifiers on the example notes', () => {
  let p: Pipeline;
  const notesDir = dirname(exampleNote('x'));
  const names = readdirSync(notesDir).filter((f) => f.endsWith('.txt'));
  beforeAll(async () => {
    p = await fullPipeline([{ name: 'modifiers', factory: modifiersComponent }]);
  });

  it('finds laterality, body site and severity of knee problems in a referral', () => {
    const doc = p.runSync(new Doc(readFileSync(exampleNote('referral-letter-01.txt'), 'utf8')));
    const knee = doc.get('concepts').filter((c) => c.modifiers?.bodySite?.value === 'knee');
    expect(knee.length).toBeGreaterThanOrEqual(3);
    expect(knee.some((c) => c.modifiers?.laterality?.value === 'right')).toBe(true);
  });

  it('never moves a concept and keeps every modifier span exact on all notes', () => {
    let withModifiers = 0;
    for (const name of names) {
      const text = readFileSync(exampleNote(name), 'utf8');
      const doc = p.runSync(new Doc(text));
      for (const c of doc.get('concepts')) {
        expect(text.slice(c.start, c.end)).toBe(c.text);
        if (!c.modifiers) continue;
        withModifiers++;
        expect(['problem', 'procedure']).toContain(c.type);
        for (const m of Object.values(c.modifiers)) {
          expect(text.slice(m.start, m.end)).toBe(m.text);
          // local: within a line or two of the concept
          expect(Math.abs(m.start - c.start)).toBeLessThan(160);
        }
      }
    }
    expect(withModifiers).toBeGreaterThan(100);
  });
});

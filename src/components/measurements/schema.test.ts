import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { loadPipelineSync } from '../../engine-sync.js';
import { exampleNotes } from './testing.js';
import { MeasurementSchema } from './types.js';

describe('the measurements layer schema (MeasurementSchema)', () => {
  it('validates every measurement the default pipeline finds in the example notes', () => {
    const pipeline = loadPipelineSync();
    const notes = exampleNotes();
    expect(notes.length).toBeGreaterThanOrEqual(30);
    let total = 0;
    for (const { name, text } of notes) {
      const outcome = pipeline.processSync({ id: name, text, meta: { noteDate: '2025-03-14' } });
      expect(outcome.ok, name).toBe(true);
      if (!outcome.ok) continue;
      for (const m of outcome.doc.get('measurements')) {
        total++;
        if (!Value.Check(MeasurementSchema, m)) {
          const error = Value.Errors(MeasurementSchema, m).First();
          expect.fail(`${name}: ${error?.path} ${error?.message} in ${JSON.stringify(m)}`);
        }
      }
    }
    expect(total).toBeGreaterThan(300);
  });

  it('closes every object and describes every field', () => {
    const walk = (schema: unknown, path: string): void => {
      if (!schema || typeof schema !== 'object') return;
      const s = schema as Record<string, unknown>;
      if (s.type === 'object') {
        expect(s.additionalProperties, path).toBe(false);
        expect(typeof s.description, path).toBe('string');
        for (const [k, v] of Object.entries(s.properties as Record<string, unknown>)) {
          expect(typeof (v as { description?: unknown }).description, `${path}.${k}`).toBe('string');
          walk(v, `${path}.${k}`);
        }
      }
      for (const k of ['items', 'anyOf'] as const) {
        const sub = s[k];
        if (Array.isArray(sub)) for (const [i, x] of sub.entries()) walk(x, `${path}.${k}[${i}]`);
        else walk(sub, `${path}.${k}`);
      }
    };
    walk(JSON.parse(JSON.stringify(MeasurementSchema)), 'Measurement');
  });
});

import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { loadPipelineSync } from '../../engine-sync.js';
import { exampleNotes } from '../measurements/testing.js';
import { DateMentionSchema } from './types.js';

describe('the dates layer schema (DateMentionSchema)', () => {
  it('validates every date the default pipeline finds in the example notes, with and without a note date', () => {
    const pipeline = loadPipelineSync();
    const notes = exampleNotes();
    expect(notes.length).toBeGreaterThanOrEqual(30);
    let total = 0;
    for (const { name, text } of notes) {
      for (const meta of [{ noteDate: '2025-03-14' }, {}]) {
        const outcome = pipeline.processSync({ id: name, text, meta });
        expect(outcome.ok, name).toBe(true);
        if (!outcome.ok) continue;
        for (const d of outcome.doc.get('dates')) {
          total++;
          if (!Value.Check(DateMentionSchema, d)) {
            const error = Value.Errors(DateMentionSchema, d).First();
            expect.fail(`${name}: ${error?.path} ${error?.message} in ${JSON.stringify(d)}`);
          }
        }
      }
    }
    expect(total).toBeGreaterThan(400);
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
    walk(JSON.parse(JSON.stringify(DateMentionSchema)), 'DateMention');
  });
});

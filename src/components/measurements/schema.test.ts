import { describe, expect, it } from 'vitest';
import { expectClosedAndDescribed, expectValidItems } from '../../doc/testing.js';
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
      total += expectValidItems(MeasurementSchema, outcome.doc.get('measurements'), name);
    }
    expect(total).toBeGreaterThan(300);
  });

  it('closes every object and describes every field', () => {
    expectClosedAndDescribed(MeasurementSchema, 'Measurement');
  });
});

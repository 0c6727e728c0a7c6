import { describe, expect, it } from 'vitest';
import { expectClosedAndDescribed, expectValidItems } from '../../doc/testing.js';
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
        total += expectValidItems(DateMentionSchema, outcome.doc.get('dates'), name);
      }
    }
    expect(total).toBeGreaterThan(400);
  });

  it('closes every object and describes every field', () => {
    expectClosedAndDescribed(DateMentionSchema, 'DateMention');
  });
});

/**
 * Issue 18, found 1: characters whose normalization changes the text's length put offsets one
 * position off. Each row: a note, and the spans the default pipeline must give (original offsets):
 * a span never starts on the space before the mark, tokens never overlap, and the hang shape ends.
 */
import { describe, expect, it } from 'vitest';
import { loadPipelineSync } from '../engine-sync.js';
import { checkNote } from './invariants.js';

const pipeline = loadPipelineSync();

type Row = {
  why: string;
  note: string;
  /** Token spans [start, end) in order. */
  tokens?: [number, number][];
  /** The concept spans (start, end, text). */
  concepts?: [number, number, string][];
  /** The medication drug spans (start, end). */
  drugs?: [number, number][];
};

const ROWS: Row[] = [
  {
    why: 'a mark NFC expands, before a drug: the span starts on the mark, not the space',
    note: ' \u0344metformin',
    tokens: [[1, 11]],
    concepts: [[1, 11, '\u0344metformin']],
    drugs: [[1, 11]],
  },
  {
    why: 'the same after two spaces, in a sig',
    note: 'take  \u0344metformin 500 mg po bid',
    tokens: [
      [0, 4],
      [6, 16],
      [17, 20],
      [21, 23],
      [24, 26],
      [27, 30],
    ],
    concepts: [[6, 16, '\u0344metformin']],
    drugs: [[6, 16]],
  },
  {
    why: 'an abbreviation followed by a combining mark: two tokens, no overlap',
    note: 'b.i.d\u0344',
    tokens: [
      [0, 5],
      [5, 6],
    ],
  },
  {
    why: 'the same after a sig',
    note: 'metformin 500 mg b.i.d\u0344',
    tokens: [
      [0, 9],
      [10, 13],
      [14, 16],
      [17, 22],
      [22, 23],
    ],
    drugs: [[0, 9]],
  },
  {
    why: 'U+0F73 before a drug',
    note: 'x \u0f73metformin',
    tokens: [
      [0, 1],
      [2, 12],
    ],
    drugs: [[2, 12]],
  },
  {
    why: 'the hang: U+0F75 at a line start before a lab name',
    note: '\n\u0f75WBC 12',
    tokens: [
      [1, 5],
      [6, 8],
    ],
  },
];

describe('found 1: offsets around characters whose normalization changes length', () => {
  it.each(ROWS)('$why', (row) => {
    expect(checkNote(pipeline, row.note).violations).toEqual([]);
    const out = pipeline.processSync({ id: 'f', text: row.note });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const doc = out.doc;
    if (row.tokens) expect(doc.get('tokens').map((t) => [t.start, t.end])).toEqual(row.tokens);
    if (row.concepts) {
      expect(doc.get('concepts').map((c) => [c.start, c.end, row.note.slice(c.start, c.end)])).toEqual(
        row.concepts,
      );
    }
    if (row.drugs) {
      expect((doc.maybe('medications') ?? []).map((m) => [m.drug.start, m.drug.end])).toEqual(row.drugs);
    }
    // no span of any layer starts on a space that precedes a mark
    for (const t of doc.get('tokens')) expect(row.note[t.start]).not.toBe(' ');
  });
});

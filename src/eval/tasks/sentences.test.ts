import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConll } from '../../corpora/conll.js';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import type { PRF } from '../types.js';
import {
  alignEnds,
  type BoundaryCounts,
  boundaryDocs,
  compareBoundaries,
  SENTENCES_DEFAULT_DATA,
  sentencesTask,
  splitAtTitles,
  WRAP_COLUMNS,
  wrapText,
} from './sentences.js';

function conll(sentences: string[][]): string {
  return sentences.map((s) => s.map((t) => `${t}\tO`).join('\n')).join('\n\n') + '\n';
}

// Our own abstracts, pre-tokenized.
const DOC_A = [
  ['Knee', 'pain', 'in', 'runners', '.'],
  ['Pain', 'was', 'seen', 'in', '2', '.'],
  ['5', 'percent', 'of', 'runners', '.'],
  ['It', 'resolved', '.'],
];
const DOC_B = [
  ['Gout', ':', 'a', 'review', '.'],
  ['Gout', 'is', 'common', '(', 'ref', '.', '1', ')', '.'],
  ['We', 'review', 'it'],
];

const dir = mkdtempSync(join(tmpdir(), 'clinote-sentences-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'conll'));
mkdirSync(join(dir, 'original'));
const conllPath = join(dir, 'conll', 'devel.tsv');
writeFileSync(conllPath, conll([...DOC_A, ...DOC_B]));
writeFileSync(
  join(dir, 'original', 'corpus.txt'),
  [
    '101|t|Knee pain in runners.',
    '101|a|Pain was seen in 2. 5 percent of runners. It resolved.',
    '',
    '102|t|Gout: a review.',
    '102|a|Gout is common (ref. 1). We review it',
    '',
  ].join('\n'),
);

function counts(): BoundaryCounts {
  return { tp: 0, fp: 0, fn: 0, ltp: 0, lfp: 0, lfn: 0 };
}

describe('sentences task: documents', () => {
  it('cuts a file without -DOCSTART- into documents at the PubTator titles beside it', () => {
    const data = boundaryDocs(conllPath);
    expect(data.source).toBe('pubtator-titles');
    expect(data.docs.map((d) => d.id)).toEqual(['101', '102']);
    expect(data.docs[0]!.text).toBe(
      'Knee pain in runners . Pain was seen in 2 . 5 percent of runners . It resolved .',
    );
    // the last end of each document is left out
    expect(data.docs.map((d) => d.gold.length)).toEqual([3, 2]);
    expect([...data.docs[0]!.numberBreaks]).toEqual([data.docs[0]!.gold[1]]);
    expect(data.original.map((d) => d.text)).toEqual([
      'Knee pain in runners. Pain was seen in 2. 5 percent of runners. It resolved.',
      'Gout: a review. Gout is common (ref. 1). We review it',
    ]);
    const o = data.original[0]!;
    expect(o.gold.map((e) => o.text.slice(0, e).slice(-8))).toEqual(['runners.', 'en in 2.', 'runners.']);
  });

  it('keeps one document when no title matches, and matches a title over several sentences', () => {
    const doc = readConll(conll(DOC_A))[0]!;
    expect(splitAtTitles(doc, new Map())).toBeNull();
    expect(splitAtTitles(doc, new Map([['Other.', { id: 'x', text: 'Other.' }]]))).toBeNull();
    const two = splitAtTitles(doc, new Map([['Kneepaininrunners.Painwasseenin2.', { id: 'k', text: '' }]]));
    expect(two?.map((d) => [d.id, d.sentences.length])).toEqual([['k', 4]]);
  });

  it('aligns gold ends to an original text, or gives null when a token is missing', () => {
    const doc = readConll(
      conll([
        ['A', 'b', '.'],
        ['C', '.'],
      ]),
    )[0]!;
    expect(alignEnds(doc, 'A b.  C.')).toEqual([4, 8]);
    expect(alignEnds(doc, 'A x. C.')).toBeNull();
  });
});

describe('sentences task: scoring', () => {
  const doc = {
    id: 'd',
    text: 'A b . 2 . C d . E .',
    gold: [5, 9, 15],
    numberBreaks: new Set([5]),
    sentences: 4,
  };

  it('counts tp, fp and fn over the ends, leaving out the document end and, in lenient, number breaks', () => {
    const c = counts();
    const errors: { kind: string }[] = [];
    compareBoundaries(doc, [9, 12, 15, 19], c, errors as never);
    expect(c).toEqual({ tp: 2, fp: 1, fn: 1, ltp: 2, lfp: 1, lfn: 0 });
    expect(errors.map((e) => e.kind)).toEqual(['fp', 'fn']);
  });

  it('keeps a predicted number break a true positive in both scores', () => {
    const c = counts();
    compareBoundaries(doc, [5, 9, 15], c);
    expect(c).toEqual({ tp: 3, fp: 0, fn: 0, ltp: 3, lfp: 0, lfn: 0 });
  });
});

describe('sentences task: wrapped layout', () => {
  const rows: [string, number, string][] = [
    ['Knee pain in runners was common. It resolved.', 20, 'Knee pain in runners\nwas common. It\nresolved.'],
    ['Short line.\nAnother short line here.', 12, 'Short line.\nAnother\nshort line\nhere.'],
    ['Averyveryverylongword then more', 8, 'Averyveryverylongword\nthen\nmore'],
    ['', 10, ''],
  ];
  it.each(rows)('wraps %j at %i columns', (text, width, wrapped) => {
    expect(wrapText(text, width)).toBe(wrapped);
  });

  it('keeps the length and every character but the spaces it breaks, lines within the width', () => {
    const text =
      'The patient (a retired carpenter) was admitted with breathlessness. Lasix helped a lot. '.repeat(5);
    const w = wrapText(text);
    expect(w.length).toBe(text.length);
    for (let i = 0; i < text.length; i++) if (w[i] !== text[i]) expect([text[i], w[i]]).toEqual([' ', '\n']);
    for (const line of w.split('\n')) expect(line.trimEnd().length).toBeLessThanOrEqual(WRAP_COLUMNS);
  });
});

describe('sentences task: run', () => {
  it('reports strict and lenient boundary scores and counts', async () => {
    const report = await sentencesTask.run({ data: conllPath, errors: true });
    expect(report.task).toBe('sentences');
    expect(report.counts).toMatchObject({
      documents: 2,
      goldSentences: 7,
      goldBoundaries: 5,
      goldNumberBreaks: 1,
    });
    // `2 .` | `5 percent` is the one boundary a splitter cannot see in the rebuilt text
    expect(report.strict).toMatchObject({ tp: 4, fp: 0, fn: 1 });
    expect(report.lenient).toMatchObject({ tp: 4, fp: 0, fn: 0, f1: 1 });
    const original = report.scores?.original as { strict: PRF } | undefined;
    expect(original?.strict).toMatchObject({ tp: 5, fp: 0, fn: 0 });
    const wrapped = report.scores?.wrapped as { documents: number; strict: PRF } | undefined;
    expect(wrapped?.documents).toBe(2);
    expect(wrapped?.strict).toMatchObject({ tp: 5, fp: 0, fn: 0 });
    expect(report.errors?.map((e) => [e.kind, e.detail])).toEqual([
      ['fn', 'the gold boundary breaks a number (left out of lenient)'],
    ]);
  });

  it('stops after --limit documents', async () => {
    const report = await sentencesTask.run({ data: conllPath, limit: 1 });
    expect(report.counts.documents).toBe(1);
  });

  it('throws CLINOTE_E_EVAL_DATA_MISSING for a missing path', async () => {
    await expect(sentencesTask.run({ data: join(dir, 'nope.tsv') })).rejects.toMatchObject({
      code: 'CLINOTE_E_EVAL_DATA_MISSING',
    });
  });
});

const ncbi = sharedDataPath(...SENTENCES_DEFAULT_DATA);

describe('sentences task on NCBI disease dev', () => {
  it.skipIf(!ncbi)(
    ncbi ? 'boundary F1 on the shared corpus' : missingDataMessage(...SENTENCES_DEFAULT_DATA),
    async () => {
      const report = await sentencesTask.run({ data: ncbi! });
      expect(report.counts.documents).toBe(100);
      expect(report.lenient!.f1).toBeGreaterThanOrEqual(0.98);
      expect(report.strict!.precision).toBeGreaterThanOrEqual(0.98);
      const original = report.scores?.original as { strict: PRF } | undefined;
      expect(original?.strict.f1).toBeGreaterThanOrEqual(0.98);
      // soft wraps at 72 columns do not cut sentences (0.83 precision before they were told apart)
      const wrapped = report.scores?.wrapped as { strict: PRF } | undefined;
      expect(wrapped?.strict.precision).toBeGreaterThanOrEqual(0.97);
      expect(wrapped?.strict.recall).toBeGreaterThanOrEqual(0.98);
    },
  );
});

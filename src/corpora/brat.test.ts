import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  devSplit,
  entityAttributes,
  parseBratAnn,
  readBratDir,
  readBratDocument,
  resolveEntity,
} from './brat.js';

// A synthetic note written for these tests (not corpus text).
const TEXT =
  'Pt denies chest pain.\nStarted on aspirin 81 mg for the left and right knee pain.\nHb was low.\n';

const ANN = [
  'T1\tSign_symptom 10 20\tchest pain',
  'E1\tSign_symptom:T1 ',
  'T2\tNegation 3 9\tdenies',
  'A1\tNegation E1',
  'A2\tPOLARITY E1 NEG',
  'T3\tMedication 33 40\taspirin',
  'T4\tTherapeutic_procedure 22 29\tStarted',
  'E2\tTherapeutic_procedure:T4 Theme:T3 Cause2:E1',
  'T5\tSign_symptom 55 59;70 79\tleft knee pain',
  'M1\tSpeculation T5',
  'T6\tSign_symptom 64 79\tright knee pain',
  'R1\tMODIFY Arg1:T3 Arg2:E1\t',
  '*\tOVERLAP T5 T6',
  'N1\tReference T3 RxNorm:1191\taspirin',
  '#1\tAnnotatorNotes T3\ta note written by us',
  'T7\tLab_value 88 91\tLOW',
  'T8\tDiagnostic_procedure 81 83\tHb',
  '',
].join('\n');

describe('parseBratAnn', () => {
  const ann = parseBratAnn(ANN, TEXT);

  it('reads text-bound entities, with discontinuous spans by fragment', () => {
    expect(ann.entities.map((e) => [e.id, e.type, e.start, e.end])).toEqual([
      ['T1', 'Sign_symptom', 10, 20],
      ['T2', 'Negation', 3, 9],
      ['T3', 'Medication', 33, 40],
      ['T4', 'Therapeutic_procedure', 22, 29],
      ['T5', 'Sign_symptom', 55, 79],
      ['T6', 'Sign_symptom', 64, 79],
      ['T7', 'Lab_value', 88, 91],
      ['T8', 'Diagnostic_procedure', 81, 83],
    ]);
    const t5 = ann.entities.find((e) => e.id === 'T5');
    expect(t5?.fragments).toEqual([
      { start: 55, end: 59 },
      { start: 70, end: 79 },
    ]);
    expect(t5?.textMatches).toBe(true);
  });

  it('checks entity texts against the .txt and counts mismatches', () => {
    expect(ann.textMismatches).toBe(1);
    expect(ann.entities.filter((e) => !e.textMatches).map((e) => e.id)).toEqual(['T7']);
  });

  it('reads events with trigger and role arguments', () => {
    expect(ann.events).toEqual([
      { id: 'E1', type: 'Sign_symptom', trigger: 'T1', args: [] },
      {
        id: 'E2',
        type: 'Therapeutic_procedure',
        trigger: 'T4',
        args: [
          { role: 'Theme', ref: 'T3' },
          { role: 'Cause2', ref: 'E1' },
        ],
      },
    ]);
  });

  it('reads binary and valued attributes (A and M lines)', () => {
    expect(ann.attributes).toEqual([
      { id: 'A1', name: 'Negation', target: 'E1', value: true },
      { id: 'A2', name: 'POLARITY', target: 'E1', value: 'NEG' },
      { id: 'M1', name: 'Speculation', target: 'T5', value: true },
    ]);
  });

  it('reads relations, equivalences, normalizations and notes', () => {
    expect(ann.relations).toEqual([
      {
        id: 'R1',
        type: 'MODIFY',
        args: [
          { role: 'Arg1', ref: 'T3' },
          { role: 'Arg2', ref: 'E1' },
        ],
      },
    ]);
    expect(ann.equivalences).toEqual([{ type: 'OVERLAP', refs: ['T5', 'T6'] }]);
    expect(ann.normalizations).toEqual([
      { id: 'N1', type: 'Reference', target: 'T3', ref: 'RxNorm:1191', text: 'aspirin' },
    ]);
    expect(ann.notes).toEqual([
      { id: '#1', type: 'AnnotatorNotes', target: 'T3', text: 'a note written by us' },
    ]);
    expect(ann.problems).toEqual([]);
  });

  it('puts event attributes on the trigger entity and resolves event ids', () => {
    const attrs = entityAttributes(ann);
    expect(attrs.get('T1')).toEqual({ Negation: true, POLARITY: 'NEG' });
    expect(attrs.get('T5')).toEqual({ Speculation: true });
    expect(resolveEntity(ann, 'E1')?.id).toBe('T1');
    expect(resolveEntity(ann, 'T3')?.id).toBe('T3');
    expect(resolveEntity(ann, 'E9')).toBeUndefined();
  });
});

describe('parseBratAnn edge cases', () => {
  it.each([
    {
      name: 'entity text continued on the next line (multi-line entity)',
      text: 'first line\nsecond line',
      ann: 'T1\tScope 0 10;11 22\tfirst line\nsecond line\nT2\tCondition 11 17\tsecond',
      spans: [
        [0, 22],
        [11, 17],
      ],
      mismatches: 0,
      problems: 0,
    },
    {
      name: 'CRLF text: offsets count the carriage returns',
      text: 'cough\r\nfever\r\n',
      ann: 'T1\tCondition 0 5\tcough\r\nT2\tCondition 7 12\tfever\r\n',
      spans: [
        [0, 5],
        [7, 12],
      ],
      mismatches: 0,
      problems: 0,
    },
    {
      name: 'code-point offsets after a character outside the BMP',
      text: '\u{1F600} rash',
      ann: 'T1\tSign_symptom 2 6\trash',
      spans: [[3, 7]],
      mismatches: 0,
      problems: 0,
    },
    {
      name: 'malformed lines are kept as problems, not thrown',
      text: 'abc',
      ann: 'T1\tX 0 x\tabc\nE1\tnot-an-arg\nnonsense line\nR1\tREL\nA1\tOnly\nT2\tX 0 3\tabc',
      spans: [[0, 3]],
      mismatches: 0,
      problems: 5,
    },
    {
      name: 'offsets past the end of the text are mismatches',
      text: 'abc',
      ann: 'T1\tX 0 9\tabcdefghi',
      spans: [[0, 9]],
      mismatches: 1,
      problems: 0,
    },
    { name: 'an empty .ann', text: 'abc', ann: '\n', spans: [], mismatches: 0, problems: 0 },
  ])('$name', ({ text, ann, spans, mismatches, problems }) => {
    const out = parseBratAnn(ann, text);
    expect(out.entities.map((e) => [e.start, e.end])).toEqual(spans);
    expect(out.textMismatches).toBe(mismatches);
    expect(out.problems.length).toBe(problems);
  });

  it('does not check texts when no .txt is given', () => {
    const out = parseBratAnn('T1\tX 0 3\tzzz');
    expect(out.entities[0]?.textMatches).toBe(true);
    expect(out.textMismatches).toBe(0);
  });
});

describe('readBratDir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clinote-brat-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'b.txt'), TEXT);
  writeFileSync(join(dir, 'b.ann'), ANN);
  writeFileSync(join(dir, 'a.txt'), 'fever');
  writeFileSync(join(dir, 'a.ann'), 'T1\tSign_symptom 0 5\tfever\n');
  writeFileSync(join(dir, 'c.txt'), 'no annotations file');
  writeFileSync(join(dir, 'd.ann'), 'T1\tX 0 1\tx\n');
  writeFileSync(join(dir, 'annotation.conf'), '[entities]\n');

  it('pairs .txt and .ann by name, sorted, and lists the unpaired', () => {
    const out = readBratDir(dir);
    expect(out.docs.map((d) => [d.id, d.entities.length, d.textMismatches])).toEqual([
      ['a', 1, 0],
      ['b', 8, 1],
    ]);
    expect(out.unpaired).toEqual(['c.txt', 'd.ann']);
    expect(out.docs[0]?.text).toBe('fever');
  });

  it('stops after `limit` documents', () => {
    expect(readBratDir(dir, { limit: 1 }).docs.map((d) => d.id)).toEqual(['a']);
  });

  it('reads a lone .txt as a document without annotations', () => {
    expect(readBratDocument(join(dir, 'c.txt')).entities).toEqual([]);
  });

  it('throws a coded error for a path that is not a directory', () => {
    expect(() => readBratDir(join(dir, 'a.txt'))).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_EVAL_DATA_MALFORMED' }),
    );
  });
});

describe('devSplit', () => {
  const ids = Array.from({ length: 140 }, (_, i) => `doc-${i}`);
  it('splits 140 ids into 100 to tune on and 40 only scored, disjoint and covering', () => {
    const tune = devSplit(ids, 'tune');
    const score = devSplit(ids, 'score');
    expect(tune).toHaveLength(100);
    expect(score).toHaveLength(40);
    expect(new Set([...tune, ...score]).size).toBe(140);
  });
  it('does not depend on the order the ids come in', () => {
    const reversed = [...ids].reverse();
    expect(new Set(devSplit(reversed, 'score'))).toEqual(new Set(devSplit(ids, 'score')));
  });
});

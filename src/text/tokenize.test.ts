import { describe, expect, it } from 'vitest';
import { tokensComponent, tokensOf } from '../components/tokens/index.js';
import { Doc } from '../doc/doc.js';
import { normalize } from '../doc/normalize.js';
import type { Sentence } from '../doc/types.js';
import { loadPipelineSync } from '../engine-sync.js';
import { buildSync } from '../pipeline/testing.js';
import { type RawToken, tokenize } from './tokenize.js';

/** `text|kind`, with `=value` and `/unit` when the token has them. */
function show(text: string, t: RawToken): string {
  let s = `${text.slice(t.start, t.end)}|${t.kind}`;
  if (t.value !== undefined) s += `=${t.value}`;
  if (t.unit !== undefined) s += `/${t.unit}`;
  return s;
}

function tokens(text: string): string[] {
  return tokenize(text).map((t) => show(text, t));
}

// Our own strings -> the tokens expected.
const TOKENS: { text: string; expect: string[] }[] = [
  { text: 'Patient denies pain', expect: ['Patient|word', 'denies|word', 'pain|word'] },
  { text: "Crohn's disease", expect: ["Crohn's|word", 'disease|word'] },
  { text: "don't", expect: ["don't|word"] },
  { text: "patients' rooms", expect: ['patients|word', "'|punct", 'rooms|word'] },
  { text: 'x-ray', expect: ['x|word', '-|punct', 'ray|word'] },
  { text: 'well-developed', expect: ['well|word', '-|punct', 'developed|word'] },
  { text: '98.6', expect: ['98.6|number=98.6'] },
  { text: '1,000 cells', expect: ['1,000|number=1000', 'cells|word'] },
  { text: '12,500,000', expect: ['12,500,000|number=12500000'] },
  { text: '1,2,3', expect: ['1|number=1', ',|punct', '2|number=2', ',|punct', '3|number=3'] },
  { text: 'shift of -2', expect: ['shift|word', 'of|word', '-2|number=-2'] },
  { text: '(-1.5)', expect: ['(|punct', '-1.5|number=-1.5', ')|punct'] },
  { text: '+3', expect: ['+3|number=3'] },
  { text: 'P < .05', expect: ['P|word', '<|symbol', '.05|number=0.05'] },
  { text: '5mg', expect: ['5mg|measure=5/mg'] },
  { text: '10mL', expect: ['10mL|measure=10/ml'] },
  { text: '2.5cm', expect: ['2.5cm|measure=2.5/cm'] },
  { text: '5 mg', expect: ['5|number=5', 'mg|word'] },
  { text: '50%', expect: ['50%|measure=50/%'] },
  { text: '50 %', expect: ['50|number=50', '%|symbol'] },
  { text: '5mg/kg', expect: ['5mg/kg|measure=5/mg/kg'] },
  { text: '0.9mg/dL.', expect: ['0.9mg/dL|measure=0.9/mg/dl', '.|punct'] },
  { text: '140mmHg', expect: ['140mmHg|measure=140/mmhg'] },
  { text: '98.6°F', expect: ['98.6°F|measure=98.6/°f'] },
  { text: '1.8m2', expect: ['1.8m2|measure=1.8/m2'] },
  { text: '3d', expect: ['3d|measure=3/d'] },
  { text: '1,500mL', expect: ['1,500mL|measure=1500/ml'] },
  { text: '2-3cm', expect: ['2-3cm|measure/cm'] },
  { text: '120/80', expect: ['120/80|number'] },
  { text: 'BP 120/80-130/90', expect: ['BP|word', '120/80-130/90|number'] },
  { text: '2-3 times', expect: ['2-3|number', 'times|word'] },
  { text: '10:30', expect: ['10:30|number'] },
  { text: '10:30:15', expect: ['10:30:15|number'] },
  { text: '03/15/2024', expect: ['03/15/2024|number'] },
  { text: '2024-03-15', expect: ['2024-03-15|number'] },
  { text: '15.03.2024', expect: ['15.03.2024|number'] },
  { text: '3rd', expect: ['3rd|word'] },
  { text: '11p15', expect: ['11p15|word'] },
  { text: 'G6PD', expect: ['G6PD|word'] },
  { text: 'H2O', expect: ['H2O|word'] },
  { text: '5mgs', expect: ['5mgs|word'] },
  { text: 'b.i.d.', expect: ['b.i.d.|word'] },
  { text: 'p.o. q.d.', expect: ['p.o.|word', 'q.d.|word'] },
  { text: 'e.g., rest', expect: ['e.g.|word', ',|punct', 'rest|word'] },
  { text: 'U.S.A', expect: ['U.S.A|word'] },
  { text: 'Dr. Smith', expect: ['Dr|word', '.|punct', 'Smith|word'] },
  { text: 'stable.He', expect: ['stable|word', '.|punct', 'He|word'] },
  { text: 's/p appendectomy', expect: ['s/p|word', 'appendectomy|word'] },
  {
    text: 'w/o contrast, w/ contrast',
    expect: ['w/o|word', 'contrast|word', ',|punct', 'w/|word', 'contrast|word'],
  },
  { text: 'and/or', expect: ['and|word', '/|symbol', 'or|word'] },
  { text: 'mg/kg', expect: ['mg|word', '/|symbol', 'kg|word'] },
  { text: 'wait...', expect: ['wait|word', '...|punct'] },
  { text: '--', expect: ['--|punct'] },
  { text: 'Pain!?', expect: ['Pain|word', '!|punct', '?|punct'] },
  { text: '#2', expect: ['#|symbol', '2|number=2'] },
  { text: 'A&O x3', expect: ['A|word', '&|symbol', 'O|word', 'x3|word'] },
  { text: 'COVID-19', expect: ['COVID|word', '-|punct', '19|number=19'] },
  { text: 'Ölbad café', expect: ['Ölbad|word', 'café|word'] },
  { text: 'cafe\u0301', expect: ['cafe\u0301|word'] },
  { text: 'ok 😀 ok', expect: ['ok|word', '😀|symbol', 'ok|word'] },
  { text: '“quoted”', expect: ['“|punct', 'quoted|word', '”|punct'] },
  { text: 'T 37.2°C', expect: ['T|word', '37.2°C|measure=37.2/°c'] },
  { text: '2.', expect: ['2|number=2', '.|punct'] },
  { text: '', expect: [] },
  { text: ' \n\t ', expect: [] },
];

describe('tokenize: table', () => {
  it.each(TOKENS)('$text', ({ text, expect: expected }) => {
    expect(tokens(text)).toEqual(expected);
  });
});

describe('tokenize: contract', () => {
  it('lower-cases norm and gives offsets into the string', () => {
    const text = 'Aspirin 81MG Daily';
    const out = tokenize(text);
    expect(out.map((t) => t.norm)).toEqual(['aspirin', '81mg', 'daily']);
    for (const t of out) expect(text.slice(t.start, t.end).toLowerCase()).toBe(t.norm);
  });

  it('tokenizes a dictionary term the same way as the same words in a note', () => {
    const term = "Crohn's disease of the small bowel";
    const note = `History of ${term}, treated.`;
    const at = note.indexOf(term);
    const inNote = tokenize(note)
      .filter((t) => t.start >= at && t.end <= at + term.length)
      .map((t) => t.norm);
    expect(inNote).toEqual(tokenize(term).map((t) => t.norm));
  });
});

describe('tokens component', () => {
  it('maps offsets to the original and gives each token its sentence', () => {
    const text = 'Seen\u200b today. BP 120/80.\r\n\r\nGave 5mg.';
    const doc = new Doc(text);
    doc.set('normalized', normalize(text));
    const sentences: Sentence[] = [
      { start: 0, end: 12, section: 0, kind: 'text' },
      { start: 13, end: 23, section: 0, kind: 'text' },
      { start: 27, end: 36, section: 0, kind: 'text' },
    ];
    doc.set('sentences', sentences);
    buildSync(
      tokensComponent,
      {},
      { readResource: () => '', readResourceBytes: () => new Uint8Array() },
    )(doc);
    expect(doc.get('tokens').map((t) => [doc.textOf(t), t.kind, t.sentence])).toEqual([
      ['Seen', 'word', 0],
      ['today', 'word', 0],
      ['.', 'punct', 0],
      ['BP', 'word', 1],
      ['120/80', 'number', 1],
      ['.', 'punct', 1],
      ['Gave', 'word', 2],
      ['5mg', 'measure', 2],
      ['.', 'punct', 2],
    ]);
    const measure = doc.get('tokens')[7]!;
    expect([measure.value, measure.unit]).toEqual([5, 'mg']);
  });

  it('gives -1 to tokens outside every sentence or across a sentence edge', () => {
    const text = 'ab cd, ef';
    const out = tokensOf(text, null, [{ start: 0, end: 4, section: -1, kind: 'line' }]);
    expect(out.map((t) => t.sentence)).toEqual([0, -1, -1, -1]);
  });

  it('runs in the default pipeline with sentence indexes that hold the tokens', () => {
    const doc = loadPipelineSync().runSync(
      new Doc('MEDICATIONS:\n1. Aspirin 81mg daily.\n2. Metoprolol 25 mg b.i.d.'),
    );
    const sentences = doc.get('sentences');
    const tokens = doc.get('tokens');
    expect(tokens.map((t) => doc.textOf(t))).toContain('b.i.d.');
    for (const t of tokens) {
      const s = sentences[t.sentence];
      expect(s).toBeDefined();
      expect(s!.start <= t.start && t.end <= s!.end).toBe(true);
    }
  });
});

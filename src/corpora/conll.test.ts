import { describe, expect, it } from 'vitest';
import { conllToText, parseTag, readConll } from './conll.js';

// Our own tiny corpus.
const TWO_SENTENCES = [
  'Patient\tO',
  'has\tO',
  'type\tB-Disease',
  '2\tI-Disease',
  'diabetes\tI-Disease',
  '.\tO',
  '',
  'No\tO',
  'asthma\tB-Disease',
  '.\tO',
  '',
].join('\n');

describe('readConll', () => {
  it('reads tab-separated tokens and tags, sentences split by blank lines, as one document', () => {
    const docs = readConll(TWO_SENTENCES);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.id).toBe('doc1');
    expect(docs[0]!.sentences.map((s) => s.tokens)).toEqual([
      ['Patient', 'has', 'type', '2', 'diabetes', '.'],
      ['No', 'asthma', '.'],
    ]);
    expect(docs[0]!.sentences[1]!.tags).toEqual(['O', 'B-Disease', 'O']);
  });

  it('reads space-separated columns (token first, tag last), CRLF, and repeated blank lines', () => {
    const text = 'EU NNP B-NP B-ORG\r\nrejects VBZ B-VP O\r\n\r\n\r\nGerman JJ B-NP B-MISC\r\n';
    const docs = readConll(text);
    expect(docs[0]!.sentences).toEqual([
      { tokens: ['EU', 'rejects'], tags: ['B-ORG', 'O'] },
      { tokens: ['German'], tags: ['B-MISC'] },
    ]);
  });

  it('splits documents at -DOCSTART- lines and takes an id in parentheses', () => {
    const text = '-DOCSTART- (111)\n\nA\tO\n\n-DOCSTART- -X- O O\nB\tO\nC\tO\n\n-DOCSTART-\n';
    const docs = readConll(text);
    expect(docs.map((d) => d.id)).toEqual(['111', 'doc2']);
    expect(docs.map((d) => d.sentences.map((s) => s.tokens.join(' ')))).toEqual([['A'], ['B C']]);
  });

  it('gives O to a token without a tag column and reads an empty input as no documents', () => {
    expect(readConll('alone\n')[0]!.sentences[0]!.tags).toEqual(['O']);
    expect(readConll('')).toEqual([]);
    expect(readConll('\n\n  \n')).toEqual([]);
  });
});

describe('parseTag', () => {
  it.each([
    { text: 'O', expect: { prefix: 'O', type: '' } },
    { text: 'B-Disease', expect: { prefix: 'B', type: 'Disease' } },
    { text: 'I-Chemical', expect: { prefix: 'I', type: 'Chemical' } },
    { text: 'B', expect: { prefix: 'B', type: '' } },
    { text: 'S-X', expect: { prefix: 'S', type: 'X' } },
    { text: 'U-X', expect: { prefix: 'S', type: 'X' } },
    { text: 'E_X', expect: { prefix: 'E', type: 'X' } },
    { text: 'weird', expect: { prefix: 'O', type: '' } },
  ])('$text', ({ text, expect: expected }) => {
    expect(parseTag(text)).toEqual(expected);
  });
});

describe('conllToText', () => {
  it('joins tokens and sentences by one space, with token, sentence and entity offsets', () => {
    const view = conllToText(readConll(TWO_SENTENCES)[0]!);
    expect(view.text).toBe('Patient has type 2 diabetes . No asthma .');
    expect(view.sentenceEnds).toEqual([29, 41]);
    expect(view.sentences.map((s) => view.text.slice(s.start, s.end))).toEqual([
      'Patient has type 2 diabetes .',
      'No asthma .',
    ]);
    expect(view.tokens.map((t) => view.text.slice(t.start, t.end))).toEqual(
      'Patient has type 2 diabetes . No asthma .'.split(' '),
    );
    expect(view.tokens.map((t) => t.sentence)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(view.entities.map((e) => [view.text.slice(e.start, e.end), e.type])).toEqual([
      ['type 2 diabetes', 'Disease'],
      ['asthma', 'Disease'],
    ]);
  });

  it('uses the default type for bare B/I tags and starts an entity at an I after O (IOB1)', () => {
    const docs = readConll('a\tB\nb\tI\nc\tO\nd\tI\ne\tI-X\nf\tB-X\n');
    const view = conllToText(docs, { defaultType: 'Disease' });
    expect(view.entities.map((e) => [view.text.slice(e.start, e.end), e.type])).toEqual([
      ['a b', 'Disease'],
      ['d', 'Disease'],
      ['e', 'X'],
      ['f', 'X'],
    ]);
  });

  it('closes entities at E- and S- tags and at the end of a sentence', () => {
    const view = conllToText(readConll('a\tS-X\nb\tB-X\nc\tE-X\nd\tI-X\n\ne\tI-X\n'));
    expect(view.entities.map((e) => view.text.slice(e.start, e.end))).toEqual(['a', 'b c', 'd', 'e']);
  });

  it('joins several documents with a blank line and records where each starts', () => {
    const docs = readConll('-DOCSTART-\n\nA\tO\n.\tO\n\n-DOCSTART-\n\nB\tB-X\n');
    const view = conllToText(docs);
    expect(view.text).toBe('A .\n\nB');
    expect(view.documentStarts).toEqual([0, 5]);
    expect(view.entities).toEqual([{ start: 5, end: 6, type: 'X' }]);
    expect(conllToText(docs, { sentenceSeparator: '\n', documentSeparator: ' ' }).text).toBe('A . B');
  });
});

import { describe, expect, it } from 'vitest';
import { parsePubtator, parsePubtatorId, parsePubtatorIds } from './pubtator.js';

// Synthetic abstracts written for these tests (not corpus text); the ids are made up.
const FIXTURE = [
  '',
  '111|t|Familial fever syndromes and kidney stones.',
  '111|a|We describe breast and ovarian cancer in two kindreds with hereditary fever; renal colic was frequent.',
  '111\t0\t24\tFamilial fever syndromes\tDiseaseClass\t D000001',
  '111\t29\t42\tkidney stones\tSpecificDisease\tD000002',
  '111\t56\t81\tbreast and ovarian cancer\tCompositeMention\tD000003|D000004\tbreast cancer|ovarian cancer',
  '111\t103\t119\thereditary fever\tSpecificDisease\tOMIM:100001+D000005',
  '111\t121\t132\trenal kolik\tModifier\t-1',
  '111\tCID\tD000006\tD000002',
  '',
  '222|t|A title only.',
  '222|a|',
  '',
].join('\n');

describe('parsePubtator', () => {
  const corpus = parsePubtator(FIXTURE);

  it('reads documents: text is title + space + abstract', () => {
    expect(corpus.docs.map((d) => d.id)).toEqual(['111', '222']);
    const d = corpus.docs[0];
    expect(d?.text.slice(0, 44)).toBe('Familial fever syndromes and kidney stones. ');
    expect(d?.text.length).toBe(d ? d.title.length + 1 + d.abstract.length : -1);
    expect(corpus.docs[1]?.text).toBe('A title only.');
  });

  it('reads mentions with offsets into the text, and checks their text', () => {
    const d = corpus.docs[0];
    expect(d?.mentions.map((m) => [m.start, m.end, m.type, m.textMatches])).toEqual([
      [0, 24, 'DiseaseClass', true],
      [29, 42, 'SpecificDisease', true],
      [56, 81, 'CompositeMention', true],
      [103, 119, 'SpecificDisease', true],
      [121, 132, 'Modifier', false],
    ]);
    expect(corpus.textMismatches).toBe(1);
    expect(corpus.problems).toEqual([]);
  });

  it('parses single, composite (|) and combined (+) ids, and no id (-1)', () => {
    const m = corpus.docs[0]?.mentions ?? [];
    expect(m.map((x) => [x.composite, x.ids.map((i) => `${i.system}:${i.code}`)])).toEqual([
      [null, ['mesh:D000001']],
      [null, ['mesh:D000002']],
      ['|', ['mesh:D000003', 'mesh:D000004']],
      ['+', ['omim:100001', 'mesh:D000005']],
      [null, []],
    ]);
  });

  it('reads relation lines', () => {
    expect(corpus.docs[0]?.relations).toEqual([{ type: 'CID', args: ['D000006', 'D000002'] }]);
  });

  it('keeps unreadable lines as problems', () => {
    const out = parsePubtator('9\t0\t1\tx\tT\tD1\n1|t|ab\n1\tzz\n2\t0\t1\ta\tT\tD1\n1\t5\t2\tab\tT\tD1\n');
    expect(out.problems.map((p) => p.line)).toEqual([1, 3, 4, 5]);
    expect(out.docs[0]?.mentions).toEqual([]);
  });

  it('maps code-point offsets to UTF-16 after characters outside the BMP', () => {
    const out = parsePubtator('5|t|\u{1F9EC} gout\n5\t2\t6\tgout\tDisease\tD000007\n');
    expect(out.docs[0]?.mentions[0]).toMatchObject({ start: 3, end: 7, textMatches: true });
  });
});

describe('parsePubtatorId', () => {
  it.each([
    ['D012345', 'mesh', 'D012345'],
    ['C000657245', 'mesh', 'C000657245'],
    ['MESH:D012345', 'mesh', 'D012345'],
    ['OMIM:123456', 'omim', '123456'],
    ['123456', 'omim', '123456'],
    [' D000001', 'mesh', 'D000001'],
    ['CHEBI:15365', 'chebi', '15365'],
    ['xyz', 'unknown', 'xyz'],
  ])('%s -> %s %s', (raw, system, code) => {
    expect(parsePubtatorId(raw)).toMatchObject({ system, code });
  });

  it.each([
    ['', 0, null],
    ['-1', 0, null],
    ['D1|D2|D3', 3, '|'],
    ['D1+D2', 2, '+'],
    ['OMIM:1|OMIM:2', 2, '|'],
  ])('ids of %j', (field, n, composite) => {
    const out = parsePubtatorIds(field);
    expect(out.ids.length).toBe(n);
    expect(out.composite).toBe(composite);
  });
});

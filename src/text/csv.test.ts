import { describe, expect, it } from 'vitest';
import { CsvParser, parseCsv } from './csv.js';

describe('parseCsv', () => {
  const rows: { name: string; input: string; expect: string[][] }[] = [
    {
      name: 'simple',
      input: 'a,b\n1,2\n',
      expect: [
        ['a', 'b'],
        ['1', '2'],
      ],
    },
    {
      name: 'no final newline',
      input: 'a,b\n1,2',
      expect: [
        ['a', 'b'],
        ['1', '2'],
      ],
    },
    {
      name: 'CRLF',
      input: 'a,b\r\n1,2\r\n',
      expect: [
        ['a', 'b'],
        ['1', '2'],
      ],
    },
    { name: 'quoted comma', input: 'a\n"x, y"\n', expect: [['a'], ['x, y']] },
    {
      name: 'quoted newline',
      input: 'a,b\n"line1\nline2",z\n',
      expect: [
        ['a', 'b'],
        ['line1\nline2', 'z'],
      ],
    },
    { name: 'escaped quote', input: '"say ""hi""",2\n', expect: [['say "hi"', '2']] },
    { name: 'empty fields', input: ',,\n', expect: [['', '', '']] },
    { name: 'empty quoted', input: '"",x\n', expect: [['', 'x']] },
  ];
  for (const r of rows) {
    it(r.name, () => expect(parseCsv(r.input)).toEqual(r.expect));
  }

  it('gives the same records whatever the chunking', () => {
    const text = 'id,text\n1,"HPI:,  pain ""sharp""\nnext line"\n2,plain\r\n3,"a,b"';
    const whole = parseCsv(text);
    for (let size = 1; size < 12; size++) {
      const p = new CsvParser();
      const got: string[][] = [];
      for (let i = 0; i < text.length; i += size) got.push(...p.push(text.slice(i, i + size)));
      got.push(...p.end());
      expect(got).toEqual(whole);
    }
  });

  it('reads TSV', () => {
    expect(parseCsv('a\tb\n1\t2\n', { delimiter: '\t' })).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('rejects an unterminated quote with a code', () => {
    expect(() => parseCsv('a\n"open')).toThrowError(
      expect.objectContaining({ code: 'CLINOTE_E_INPUT_MALFORMED_CSV' }),
    );
  });
});

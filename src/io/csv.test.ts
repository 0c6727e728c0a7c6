import { describe, expect, it } from 'vitest';
import { type CsvItem, CsvReader, type CsvReaderOptions } from './csv.js';

function read(text: string | string[], options: CsvReaderOptions = {}): CsvItem[] {
  const r = new CsvReader(options);
  const out: CsvItem[] = [];
  for (const chunk of typeof text === 'string' ? [text] : text) out.push(...r.push(chunk));
  out.push(...r.end());
  return out;
}

const brief = (items: CsvItem[]): string[] =>
  items.map((i) =>
    i.kind === 'record' ? `${i.line}:${JSON.stringify(i.fields)}` : `${i.line}-${i.endLine}:!${i.problem}`,
  );

describe('CsvReader', () => {
  it('reads RFC 4180: quoted commas, quotes, newlines; CRLF, LF, CR; line numbers', () => {
    expect(brief(read('id,text\r\n1,"a, ""b""\nc"\r\n2,d\r3,e'))).toEqual([
      '1:["id","text"]',
      '2:["1","a, \\"b\\"\\nc"]',
      '4:["2","d"]',
      '5:["3","e"]',
    ]);
  });

  it('is the same whatever the chunks', () => {
    for (const text of [
      'id,text\r\n1,"a, ""b""\nc"\r\n2,d\r\n3,"x"\n\n4,y\n',
      'id,text\n1,"Chest pain\n2,"Cough"\n3,Fever\n',
      'id,text\n1,"Chest pain\r\n2,Cough\r\n3,Fever',
      'id,text,d\n1,"Chest pain,x\n2,Cough,y"\n3,Fever,z\n',
      'id,text\n1,He said "no\n2,"a"b\n3,c',
    ]) {
      const whole = brief(read(text));
      for (let cut = 1; cut < text.length; cut++) {
        expect(brief(read([text.slice(0, cut), text.slice(cut)]))).toEqual(whole);
      }
      expect(brief(read([...text]))).toEqual(whole);
    }
  });

  it('a quote inside an unquoted field: that row only', () => {
    expect(brief(read('id,text\n1,He said "no\n2,Cough\n'))).toEqual([
      '1:["id","text"]',
      '2-2:!quote-in-unquoted-field',
      '3:["2","Cough"]',
    ]);
  });

  it('a stray opening quote never merges the next rows into a note', () => {
    // closed by the quote of a later row: text after the closing quote
    expect(brief(read('id,text\n1,"Chest pain\n2,"Cough"\n3,Fever\n'))).toEqual([
      '1:["id","text"]',
      '2-2:!text-after-closing-quote',
      '3:["2","Cough"]',
      '4:["3","Fever"]',
    ]);
    // never closed
    expect(brief(read('id,text\n1,"Chest pain\n2,Cough\n3,Fever\n'))).toEqual([
      '1:["id","text"]',
      '2-2:!unterminated-quote',
      '3:["2","Cough"]',
      '4:["3","Fever"]',
    ]);
    // closed at an end of line, swallowing rows: the field count gives it away
    expect(brief(read('id,text,d\n1,"Chest pain,x\n2,Cough,y"\n3,Fever,z\n'))).toEqual([
      '1:["id","text","d"]',
      '2-2:!field-count',
      '3-3:!quote-in-unquoted-field',
      '4:["3","Fever","z"]',
    ]);
  });

  it('text after a closing quote on one line', () => {
    expect(brief(read('id,text\n1,"ok"x\n2,b\n'))).toEqual([
      '1:["id","text"]',
      '2-2:!text-after-closing-quote',
      '3:["2","b"]',
    ]);
  });

  it('a quoted field over the line limit', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i + 2},row${i}`).join('\n');
    expect(brief(read(`id,text\n1,"open\n${rows}\n`, { maxQuotedLines: 3 })).slice(0, 3)).toEqual([
      '1:["id","text"]',
      '2-2:!quoted-field-too-many-lines',
      '3:["2","row0"]',
    ]);
  });

  it('a legitimate multi-line note is one record', () => {
    const note = Array.from({ length: 500 }, (_, i) => `line ${i}, "quoted" ""x""`).join('\n');
    const csv = `id,text\n1,"${note.replaceAll('"', '""')}"\n2,b\n`;
    expect(brief(read(csv))).toEqual([
      '1:["id","text"]',
      `2:${JSON.stringify(['1', note])}`,
      '502:["2","b"]',
    ]);
  });

  it('a record over the size limit is skipped to its end of line', () => {
    const big = 'x'.repeat(100);
    expect(brief(read(['id,text\n1,', big, big, '\n2,b\n'], { maxRecordChars: 50 }))).toEqual([
      '1:["id","text"]',
      '2-2:!record-too-large',
      '3:["2","b"]',
    ]);
  });

  it('stays linear on a quote opened on every line', () => {
    const n = 20_000;
    const text = `id,text\n${Array.from({ length: n }, (_, i) => `${i},"a`).join('\n')}\n`;
    const t = performance.now();
    const items = read(text);
    expect(performance.now() - t).toBeLessThan(5000);
    expect(items.length).toBeGreaterThan(1);
    expect(items.slice(1).every((i) => i.kind === 'malformed' || i.kind === 'record')).toBe(true);
  });
});

describe('CSV notes: malformed rows are error records with their lines', () => {
  it('a stray quote: one error record, the next rows are notes', async () => {
    const { readSource } = await import('./notes.js');
    const out: string[] = [];
    const csv = 'id,text\na,"Chest pain\nb,"Cough"\nc,Fever\n';
    for await (const e of readSource([csv], 'f.csv', 'f.csv', 'csv', {
      textField: 'text',
      idField: 'id',
      dateField: 'noteDate',
      maxNoteBytes: 1 << 20,
    })) {
      if (e.type === 'note') out.push(`note:${e.note.id}:${e.note.text}`);
      else if (e.type === 'error')
        out.push(`error:${e.id}:${e.error.code}:${JSON.stringify(e.error.details)}`);
    }
    expect(out).toEqual([
      'error:f.csv:1:CLINOTE_E_INPUT_MALFORMED_CSV:{"file":"f.csv","row":1,"line":2,"reason":"text-after-closing-quote"}',
      'note:b:Cough',
      'note:c:Fever',
    ]);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FIELDS, type InputEvent, type ReadOptions, readFile, readSource } from './notes.js';

const options: ReadOptions = { ...DEFAULT_FIELDS, maxNoteBytes: 1000 };

async function events(gen: AsyncGenerator<InputEvent>): Promise<InputEvent[]> {
  const out: InputEvent[] = [];
  for await (const e of gen) if (e.type !== 'progress') out.push(e);
  return out;
}

const summary = (es: InputEvent[]): string[] =>
  es.map((e) =>
    e.type === 'note'
      ? `note:${e.note.id}`
      : e.type === 'progress'
        ? 'progress'
        : `${e.type}:${e.id}:${e.error.code}`,
  );

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinote-notes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('NDJSON', () => {
  it('reads fields, skips blank lines, codes bad lines', async () => {
    const input = [
      '{"id":"a","text":"one","noteDate":"2024-01-02"}',
      '   ',
      '{"text":"two"}',
      '{"id":"c"}',
      '"just a string"',
      '{bad',
    ].join('\n');
    const es = await events(readSource([input], 'f.ndjson', 'f.ndjson', 'ndjson', options));
    expect(summary(es)).toEqual([
      'note:a',
      'note:f.ndjson:3',
      'error:c:CLINOTE_E_INPUT_MISSING_FIELD',
      'error:f.ndjson:5:CLINOTE_E_INPUT_MALFORMED_JSON',
      'error:f.ndjson:6:CLINOTE_E_INPUT_MALFORMED_JSON',
    ]);
    const first = es[0]!;
    expect(first.type === 'note' && first.note.meta).toEqual({ noteDate: '2024-01-02' });
  });

  it('flags invalid UTF-8 in the text field and binary characters from escapes', async () => {
    const line = Buffer.concat([
      Buffer.from('{"id":"x","text":"caf'),
      Buffer.from([0x81]), // never a character, in UTF-8 or Windows-1252
      Buffer.from('\\u0000"}\n'),
    ]);
    const es = await events(readSource([line], '-', 'stdin', 'ndjson', options));
    const e = es[0]!;
    expect(e.type).toBe('note');
    if (e.type !== 'note') return;
    expect(e.note.text).toBe('caf\uFFFD\0');
    expect(e.note.flags?.map((f) => f.code)).toEqual([
      'CLINOTE_W_INPUT_INVALID_UTF8',
      'CLINOTE_W_INPUT_BINARY',
    ]);
  });

  it('a line far over the limit is a TOO_LARGE error, not kept in memory', async () => {
    const small = { ...options, maxNoteBytes: 10 };
    const huge = `{"text":"${'x'.repeat(2 << 20)}"}\n{"text":"ok"}\n`;
    const es = await events(readSource([huge], 'f', 'f', 'ndjson', small));
    expect(summary(es)).toEqual(['error:f:1:CLINOTE_E_INPUT_TOO_LARGE', 'note:f:2']);
  });
});

describe('CSV', () => {
  it('streams records split across chunks, with the id and date columns', async () => {
    const csv = Buffer.from('id,text,noteDate\nr1,"a, ""b""\nc",2024-05-06\nr2,plain é,\n');
    const chunks = [...csv].map((b) => Buffer.from([b]));
    const es = await events(readSource(chunks, 'f.csv', 'f.csv', 'csv', options));
    expect(summary(es)).toEqual(['note:r1', 'note:r2']);
    const [a, b] = es;
    expect(a!.type === 'note' && a!.note).toMatchObject({
      text: 'a, "b"\nc',
      meta: { noteDate: '2024-05-06' },
    });
    expect(b!.type === 'note' && b!.note).toMatchObject({ text: 'plain é', flags: [] });
  });

  it('flags invalid UTF-8 only on the rows that hold it', async () => {
    const csv = Buffer.concat([
      Buffer.from('text\nfine\nbad '),
      Buffer.from([0x81]), // never a character, in UTF-8 or Windows-1252
      Buffer.from('\nfine too\n'),
    ]);
    const es = await events(readSource([csv], 'f.csv', 'f.csv', 'csv', options));
    const flags = es.map((e) => (e.type === 'note' ? (e.note.flags ?? []).map((f) => f.code) : null));
    expect(flags).toEqual([[], ['CLINOTE_W_INPUT_INVALID_UTF8'], []]);
  });

  it('an empty text cell is an empty note; a missing column is an error; a BOM header is fine', async () => {
    const hints: string[] = [];
    const es = await events(
      readSource(['\uFEFFtext,id\n,a\n'], 'f.csv', 'f.csv', 'csv', {
        ...options,
        hint: (m) => hints.push(m),
      }),
    );
    expect(summary(es)).toEqual(['note:a']);
    const other = await events(
      readSource(['body\nx\n'], 'g.csv', 'g.csv', 'csv', { ...options, hint: (m) => hints.push(m) }),
    );
    expect(summary(other)).toEqual(['error:g.csv:1:CLINOTE_E_INPUT_MISSING_FIELD']);
    expect(hints).toEqual(["'g.csv': no column 'text' (columns: body); see --text-field"]);
  });

  it('an empty CSV (no header row) is an error, not zero notes', async () => {
    for (const content of [[], [''], ['\n\n']]) {
      const es = await events(readSource(content, 'e.csv', 'e.csv', 'csv', options));
      expect(summary(es)).toEqual(['error:e.csv:0:CLINOTE_E_INPUT_MALFORMED_CSV']);
    }
  });
});

describe('text files', () => {
  it('decodes bytes and gives the byte length; too large files are not read', async () => {
    await writeFile(join(dir, 'a.txt'), Buffer.from([0x68, 0x69, 0xff]));
    const es = await events(readFile(join(dir, 'a.txt'), 'a.txt', 'text', options));
    const e = es[0]!;
    expect(e.type === 'note' && e.note).toMatchObject({ id: 'a.txt', text: 'hi\uFFFD', byteLength: 3 });
    await writeFile(join(dir, 'big.txt'), 'x'.repeat(1001));
    expect(summary(await events(readFile(join(dir, 'big.txt'), 'big.txt', 'text', options)))).toEqual([
      'error:big.txt:CLINOTE_E_INPUT_TOO_LARGE',
    ]);
  });

  it('a file that disappeared is unreadable; so is a read failure of a stream', async () => {
    expect(summary(await events(readFile(join(dir, 'gone.txt'), 'gone.txt', 'text', options)))).toEqual([
      'unreadable:gone.txt:CLINOTE_E_INPUT_UNREADABLE',
    ]);
    expect(
      summary(await events(readFile(join(dir, 'gone.ndjson'), 'gone.ndjson', 'ndjson', options))),
    ).toEqual(['unreadable:gone.ndjson:CLINOTE_E_INPUT_UNREADABLE']);
    // a directory named like a file: opening works, reading fails
    expect(summary(await events(readFile(dir, 'd.csv', 'csv', options)))).toEqual([
      'unreadable:d.csv:CLINOTE_E_INPUT_UNREADABLE',
    ]);
  });

  it('stdin text over the limit is counted, not kept', async () => {
    const es = await events(readSource(['x'.repeat(600), 'y'.repeat(600)], '-', 'stdin', 'text', options));
    expect(summary(es)).toEqual(['error:stdin:CLINOTE_E_INPUT_TOO_LARGE']);
  });
});

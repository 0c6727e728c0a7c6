import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assertReadableFile, readDelimited, readLines } from './text.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-text-'));
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
async function lines(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLines(path)) out.push(l);
  return out;
}

describe('readLines', () => {
  it('splits LF and CRLF, drops a BOM, keeps empty lines, yields a last line without newline', async () => {
    expect(await lines(file('a.txt', '\uFEFFone\r\ntwo\n\nthree'))).toEqual(['one', 'two', '', 'three']);
  });

  it('reads gzip files transparently, multi-byte characters intact', async () => {
    const text = `${'é'.repeat(70_000)}\nsecond\n`;
    expect(await lines(file('b.gz', gzipSync(Buffer.from(text))))).toEqual(['é'.repeat(70_000), 'second']);
  });

  it('rejects a directory or a missing file with a coded error', async () => {
    await expect(assertReadableFile(dir)).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE',
    });
    await expect(lines(join(dir, 'missing'))).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE',
    });
  });
});

describe('readDelimited', () => {
  it('parses quoted fields over several lines and skips comments between records only', async () => {
    const p = file('c.csv', 'h1,h2\n# comment, "unbalanced\n1,"two\n# not a comment\nlines"\n\n3,4\n');
    const out: { line: number; cells: string[] }[] = [];
    for await (const r of readDelimited(p, { delimiter: ',', comments: true })) out.push(r);
    expect(out).toEqual([
      { line: 1, cells: ['h1', 'h2'] },
      { line: 3, cells: ['1', 'two\n# not a comment\nlines'] },
      { line: 7, cells: ['3', '4'] },
    ]);
  });
});

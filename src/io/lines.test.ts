import { describe, expect, it } from 'vitest';
import { type Line, readLines } from './lines.js';

async function lines(chunks: (string | Buffer)[], max = 1000): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of readLines(chunks, max)) out.push(l);
  return out;
}

const text = (ls: Line[]): (string | null)[] => ls.map((l) => (l.bytes ? l.bytes.toString('utf8') : null));

describe('readLines', () => {
  it('splits LF and CRLF lines, with or without a final newline', async () => {
    expect(text(await lines(['a\nb\r\nc']))).toEqual(['a', 'b', 'c']);
    expect(text(await lines(['a\n\nb\n']))).toEqual(['a', '', 'b']);
    expect(await lines([''])).toEqual([]);
  });

  it('joins lines across chunks, even inside a multi-byte character', async () => {
    const bytes = Buffer.from('é1\nxé2\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const ls = await lines(chunks);
    expect(text(ls)).toEqual(['é1', 'xé2']);
    expect(ls.map((l) => l.number)).toEqual([1, 2]);
  });

  it('counts bytes with the newline, for progress', async () => {
    const ls = await lines(['ab\r\ncd']);
    expect(ls.map((l) => l.byteLength)).toEqual([4, 2]);
  });

  it('does not keep a line over the limit, and goes on after it', async () => {
    const ls = await lines(['short\n', 'x'.repeat(30), 'y'.repeat(30), '\nnext\n'], 50);
    expect(text(ls)).toEqual(['short', null, 'next']);
    expect(ls[1]).toMatchObject({ number: 2, byteLength: 61 });
  });

  it('a CR alone at the end of a chunk before LF is still stripped', async () => {
    expect(text(await lines(['a\r', '\nb']))).toEqual(['a', 'b']);
  });
});

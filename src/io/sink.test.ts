import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputSink } from './sink.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinote-sink-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('OutputSink', () => {
  it('waits for a slow stream (backpressure) and keeps the order', async () => {
    const got: string[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk, _enc, cb) {
        got.push(String(chunk));
        setTimeout(cb, 1);
      },
    });
    const sink = new OutputSink(slow, 'slow', false);
    const parts = Array.from({ length: 50 }, (_, i) => `${i}:${'x'.repeat(3000)}\n`);
    for (const p of parts) await sink.write(p);
    await sink.close();
    expect(got.join('')).toBe(parts.join(''));
  });

  it('writes a file and fails early on a bad path', async () => {
    const path = join(dir, 'out.txt');
    const sink = OutputSink.toFile(path);
    await sink.write('hello\n');
    await sink.close();
    expect(await readFile(path, 'utf8')).toBe('hello\n');
    expect(() => OutputSink.toFile(join(dir, 'no', 'dir', 'x'))).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_OUTPUT_WRITE' }),
    );
  });

  it('takes UTF-8 bytes among the text, in order, to a slow stream and to a file', async () => {
    const enc = new TextEncoder();
    const parts: (string | Uint8Array)[] = [];
    for (let i = 0; i < 60; i++) {
      parts.push(i % 2 === 0 ? `${i}:é${'x'.repeat(2000)},` : enc.encode(`${i}:😀${'y'.repeat(3000)}\n`));
    }
    const expected = parts.map((p) => (typeof p === 'string' ? p : new TextDecoder().decode(p))).join('');
    const got: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk, _enc, cb) {
        got.push(Buffer.from(chunk));
        setTimeout(cb, 1);
      },
    });
    const sink = new OutputSink(slow, 'slow', false);
    for (const p of parts) await sink.write(p);
    await sink.close();
    expect(Buffer.concat(got).toString('utf8')).toBe(expected);
    const path = join(dir, 'mixed.txt');
    const file = OutputSink.toFile(path);
    for (const p of parts) await file.write(p);
    await file.close();
    expect(await readFile(path, 'utf8')).toBe(expected);
  });

  it('a stream error becomes CLINOTE_E_OUTPUT_WRITE', async () => {
    const broken = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('nope'), { code: 'ENOSPC' }));
      },
    });
    const sink = new OutputSink(broken, 'stdout', false);
    await sink.write('x');
    await expect(sink.close()).rejects.toMatchObject({ code: 'CLINOTE_E_OUTPUT_WRITE' });
    await expect(sink.write('more')).rejects.toMatchObject({ code: 'CLINOTE_E_OUTPUT_WRITE' });
  });
});

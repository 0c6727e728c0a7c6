/**
 * The executable under SIGTERM and SIGHUP, as under Ctrl-C: the run stops reading, the notes already
 * read are written, the JSON document is closed (valid), and the exit code says which signal it was.
 * Runs the CLI bundle (dist/cli), which CI builds in `npm ci`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distSkipReason } from '../batch/testing.js';
import { packageRoot } from '../resources.js';

const NOTE =
  'HPI: chest pain on exertion, no fever. Metformin 500 mg PO BID. BP 130/80. Hemoglobin 12.1 g/dL.';
const skip = distSkipReason('dist/cli/main.js', ['src/cli', 'src/batch']);
if (skip) console.warn(`clinote signals skipped: ${skip}`);

async function interrupted(
  signal: 'SIGTERM' | 'SIGHUP',
): Promise<{ code: number | null; out: string; err: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'clinote-signal-'));
  const input = join(dir, 'notes.ndjson');
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(JSON.stringify({ id: `n${i}`, text: `${NOTE} Note ${i}.` }));
  await writeFile(input, `${lines.join('\n')}\n`);
  const out = join(dir, 'out.json');
  const child = spawn(
    process.execPath,
    [
      join(packageRoot(), 'dist', 'cli', 'main.js'),
      'extract',
      input,
      '--format',
      'json',
      '--out',
      out,
      '--workers',
      '1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // wait until results are being written, then signal
  for (let i = 0; i < 600; i++) {
    const size = await stat(out).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 200_000) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill(signal);
  const code = await exited;
  return { code, out: await readFile(out, 'utf8'), err };
}

describe.skipIf(skip !== false)('clinote extract under SIGTERM and SIGHUP', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s: a valid document holding a prefix of the notes, exit %i',
    async (signal, expected) => {
      const r = await interrupted(signal);
      expect(r.code, r.err).toBe(expected);
      const doc = JSON.parse(r.out) as { results: { id: string }[]; summary: { notes: number; ok: number } };
      expect(doc.summary.notes).toBeGreaterThan(0);
      expect(doc.summary.notes).toBeLessThan(20_000);
      expect(doc.results.map((x) => x.id)).toEqual(doc.results.map((_, i) => `n${i}`));
      expect(doc.summary.ok).toBe(doc.results.length);
      expect(r.err).toContain(signal);
    },
    120_000,
  );
});

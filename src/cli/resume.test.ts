/**
 * `clinote extract --resume`: the refusals and the FHIR Bulk Data input in-process (runCli), and a
 * real `kill -9` of the built CLI (dist/cli/main.js) at a random moment: the resumed output holds
 * the same lines as an uninterrupted run (no field ignored), each note once.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { distSkipReason } from '../batch/testing.js';
import { packageRoot } from '../resources.js';
import { type CliRun, runCliForTest } from './testing.js';

const SECRET = 'Zebrafinchitis';

const run = (argv: string[]): Promise<CliRun> => runCliForTest(argv);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinote-cli-resume-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const notesFile = (n: number): string => {
  const file = join(dir, 'notes.ndjson');
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    // a malformed line now and then: error records are resumed too
    lines.push(
      i % 97 === 96
        ? '{"id": "torn'
        : JSON.stringify({
            id: `n${i}`,
            text: `HPI: ${SECRET} ${i % 13} days, no fever. BP ${100 + (i % 50)}/80. Aspirin ${(i % 5) + 1}81 mg daily.`,
          }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

describe('clinote extract --resume (in-process)', () => {
  it('refuses json, a single FHIR Bundle, no --out and stdin, with coded errors naming the formats that work', async () => {
    const input = notesFile(3);
    const out = join(dir, 'out.json');
    const json = await run(['extract', input, '--out', out, '--resume', '--workers', '1']);
    expect(json.code).not.toBe(0);
    expect(json.stderr).toMatch(/CLINOTE_E_RESUME_FORMAT: .*--format ndjson.*--format fhir/);
    expect(existsSync(out)).toBe(false);
    const txt = join(dir, 'one.txt');
    writeFileSync(txt, 'Note.');
    const bundle = await run(['extract', txt, '--format', 'fhir', '--out', out, '--resume']);
    expect(bundle.stderr).toMatch(/CLINOTE_E_RESUME_FORMAT/);
    const noOut = await run(['extract', input, '--format', 'ndjson', '--resume']);
    expect(noOut.stderr).toMatch(/CLINOTE_E_RESUME_NO_OUTPUT/);
    const stdin = await run(['extract', '-', '--format', 'ndjson', '--out', out, '--resume']);
    expect(stdin.stderr).toMatch(/CLINOTE_E_RESUME_STDIN/);
  });

  it('a finished run says so and does nothing; a changed input is refused; a run without --resume drops the state', async () => {
    const input = notesFile(20);
    const out = join(dir, 'out.ndjson');
    const args = ['extract', input, '--format', 'ndjson', '--out', out, '--resume', '--workers', '1'];
    const first = await run(args);
    expect(first.code, first.stderr).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.toString().trimEnd().split('\n')).toHaveLength(20);
    const again = await run(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/is finished \(20 notes\): nothing to resume/);
    expect(readFileSync(out)).toEqual(bytes);
    // another option that changes the results
    const text = await run([...args, '--text']);
    expect(text.stderr).toMatch(/CLINOTE_E_RESUME_INPUT_CHANGED: .*'text'/);
    // the input changed
    writeFileSync(input, `${readFileSync(input, 'utf8')}{"id":"more","text":"x"}\n`);
    const changed = await run(args);
    expect(changed.stderr).toMatch(/CLINOTE_E_RESUME_INPUT_CHANGED: .*changed size/);
    expect(readFileSync(out)).toEqual(bytes);
    for (const r of [first, again, text, changed]) expect(r.stderr).not.toContain(SECRET);
    // a run without --resume rewrites the output: the old state goes with it
    expect(existsSync(`${out}.clinote-state`)).toBe(true);
    await run(args.filter((a) => a !== '--resume'));
    expect(existsSync(`${out}.clinote-state`)).toBe(false);
  });

  it('reads FHIR Bulk Data NDJSON by content, or with --input-format fhir-ndjson', async () => {
    const file = join(dir, 'DocumentReference.ndjson');
    const ref = (id: string, text: string): string =>
      JSON.stringify({
        resourceType: 'DocumentReference',
        id,
        date: '2020-02-01',
        content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(text).toString('base64') } }],
      });
    writeFileSync(
      file,
      [
        ref('d1', `Seen today for ${SECRET}. Aspirin 81 mg daily.`),
        JSON.stringify({ resourceType: 'Patient', id: 'p1' }),
        ref('d2', 'No fever.'),
      ].join('\n'),
    );
    for (const extra of [[], ['--input-format', 'fhir-ndjson']]) {
      const r = await run(['extract', file, '--format', 'ndjson', '--workers', '1', ...extra]);
      expect(r.code).toBe(1);
      const records = r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; error?: { code: string; details: { line: number } } });
      expect(records.map((x) => x.id)).toEqual(['d1', 'p1', 'd2']);
      expect(records[1]?.error?.code).toBe('CLINOTE_E_INPUT_FHIR_NOT_DOCUMENT');
      expect(records[1]?.error?.details.line).toBe(2);
      expect(r.stderr).not.toContain(SECRET);
    }
    const plain = await run([
      'extract',
      file,
      '--format',
      'ndjson',
      '--workers',
      '1',
      '--input-format',
      'ndjson',
    ]);
    expect(plain.stdout).toMatch(/CLINOTE_E_INPUT_MISSING_FIELD/);
  });
});

const skip = distSkipReason('dist/cli/main.js', ['src/cli', 'src/batch', 'src/io']);
if (skip) console.warn(`clinote --resume kill -9 test skipped: ${skip}`);

describe.skipIf(skip !== false)('clinote extract --resume after kill -9 (the built CLI)', () => {
  it('the resumed output holds the lines of an uninterrupted run, each note once', async () => {
    const N = 2000;
    const input = notesFile(N);
    const main = join(packageRoot(), 'dist', 'cli', 'main.js');
    const cli = (out: string, resume: boolean) =>
      spawn(
        process.execPath,
        [
          main,
          'extract',
          input,
          '--format',
          'ndjson',
          '--out',
          out,
          '--workers',
          '1',
          '-q',
          ...(resume ? ['--resume'] : []),
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    const exit = (
      child: ReturnType<typeof cli>,
    ): Promise<{ code: number | null; signal: string | null; err: string }> => {
      let err = '';
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
      });
      return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, err })));
    };
    const countLines = (file: string): number => {
      if (!existsSync(file)) return 0;
      const b = readFileSync(file);
      let n = 0;
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
      return n;
    };

    const refOut = join(dir, 'reference.ndjson');
    const out = join(dir, 'resumed.ndjson');
    // the uninterrupted run and the run to kill, side by side
    const reference = exit(cli(refOut, false));
    const victim = cli(out, true);
    const victimExit = exit(victim);
    // a random moment: when a random share of the notes is written (0: as soon as it started)
    const share = Math.random() * 0.8;
    const started = Date.now();
    while (countLines(out) < share * N && Date.now() - started < 30_000 && victim.exitCode === null) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, Math.random() * 50));
    victim.kill('SIGKILL');
    const killed = await victimExit;
    const linesAtKill = countLines(out);
    expect(killed.signal ?? killed.code, `killed at ${share.toFixed(2)}: ${killed.err}`).toBe('SIGKILL');

    const resumed = await exit(cli(out, true));
    expect(resumed.code, resumed.err).toBe(1); // the malformed lines are error records
    const ref = await reference;
    expect(ref.code, ref.err).toBe(1);

    const expected = readFileSync(refOut, 'utf8').split('\n');
    const got = readFileSync(out, 'utf8').split('\n');
    expect(got.pop()).toBe(''); // complete lines only
    expected.pop();
    expect(got).toHaveLength(N);
    // the same set of lines, no field ignored (and, by design, in the same order)
    expect([...got].sort()).toEqual([...expected].sort());
    expect(got).toEqual(expected);
    const ids = got.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(new Set(ids).size).toBe(N);
    console.info(`kill -9 at ${(share * 100).toFixed(0)}% target, ${linesAtKill} lines on disk at the kill`);
  }, 120_000);
});

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distSkipReason } from '../batch/testing.js';
import type { Plan } from '../io/plan.js';
import { ErrorResultSchema, ResultSchema } from '../output/schema.js';
import { packageRoot } from '../resources.js';
import { runCli } from './cli.js';
import { workerCount } from './extract.js';
import { type CliRun, collector, runCliForTest } from './testing.js';

/** A word that appears only inside note text: it must never reach stderr. */
const SECRET = 'Zebrafinchitis';

const NOTE_A = `HISTORY OF PRESENT ILLNESS:\nThe patient reports ${SECRET} for two days.\n\nMEDICATIONS:\n1. Aspirin 81 mg daily.\n`;
const NOTE_B = `ASSESSMENT AND PLAN:\n${SECRET} resolved. Follow up in 2 weeks.\n`;

const run = runCliForTest;

const ndjson = (s: string): Record<string, unknown>[] =>
  s
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const errorCode = (r: Record<string, unknown>): string => (r.error as { code: string }).code;

function expectValid(records: Record<string, unknown>[]): void {
  for (const r of records) {
    if ('error' in r) expect(Value.Check(ErrorResultSchema, r), JSON.stringify(r)).toBe(true);
    else expect(Value.Check(ResultSchema, r), [...Value.Errors(ResultSchema, r)][0]?.message).toBe(true);
  }
}

/** Every span in the result (sections, headers, sentences, tokens) has text === text.slice(start, end). */
function expectOffsets(result: Record<string, unknown>): number {
  const text = result.text as string;
  let spans = 0;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.start === 'number' && typeof o.end === 'number' && typeof o.text === 'string') {
        expect(o.text).toBe(text.slice(o.start, o.end));
        spans++;
      }
      for (const [k, x] of Object.entries(o)) if (k !== 'text') visit(x);
    }
  };
  // every layer: core ones and those later components add (medications, measurements, dates...)
  for (const [key, value] of Object.entries(result)) if (key !== 'text' && key !== 'pipeline') visit(value);
  return spans;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinote-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, files: Record<string, string | Buffer>): Promise<string> {
  const root = join(dir, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

describe('clinote extract: directories and text files', () => {
  it('walks a directory recursively, in order, skipping hidden and unsupported files', async () => {
    const root = await fixture('dir', {
      'b.txt': NOTE_B,
      'a.txt': NOTE_A,
      'sub/c.txt': NOTE_A,
      '.hidden.txt': NOTE_A,
      '.git/x.txt': NOTE_A,
      'scan.pdf': 'not a note',
    });
    const r = await run(['extract', root, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const records = ndjson(r.stdout);
    expect(records.map((x) => x.id)).toEqual(['a.txt', 'b.txt', 'sub/c.txt']);
    expectValid(records);
    expect(r.stderr).toMatch(/3 notes, 3 ok, 0 errors, 0 flagged, 1 file skipped/);
    expect(r.stderr).not.toContain(SECRET);
    // deterministic output
    expect((await run(['extract', root, '--format', 'ndjson'])).stdout).toBe(r.stdout);
  });

  it('writes one JSON document for a batch: results, errors, summary', async () => {
    const root = await fixture('batch-json', { 'a.txt': NOTE_A, 'b.txt': NOTE_B, 'x.doc': '' });
    const r = await run(['extract', root]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      results: Record<string, unknown>[];
      errors: unknown[];
      summary: unknown;
    };
    expect(doc.results).toHaveLength(2);
    expect(doc.errors).toEqual([]);
    expectValid(doc.results);
    expect(doc.summary).toMatchObject({ notes: 2, ok: 2, errors: 0, skippedFiles: 1, unreadable: 0 });
  });

  it('writes the bare result for one .txt file, with text and tokens on request', async () => {
    const root = await fixture('single', { 'note.txt': NOTE_A });
    const r = await run(['extract', join(root, 'note.txt'), '--text', '--tokens']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expectValid([result]);
    expect(result.id).toBe(join(root, 'note.txt'));
    expect(result.text).toBe(NOTE_A);
    expect(Array.isArray(result.tokens)).toBe(true);
    expectOffsets(result);
  });

  it('writes a FHIR R4 Bundle with --format fhir, and FHIR NDJSON for a batch', async () => {
    const root = await fixture('fhir', { 'a.txt': NOTE_A, 'b.txt': NOTE_A });
    const one = await run(['extract', join(root, 'a.txt'), '--format', 'fhir', '--quiet']);
    expect(one.code).toBe(0);
    const bundle = JSON.parse(one.stdout) as { resourceType: string; type: string; entry: unknown[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('collection');
    expect(bundle.entry.length).toBeGreaterThan(0);
    const many = await run(['extract', root, '--format', 'fhir', '--quiet']);
    expect(ndjson(many.stdout).map((b) => b.resourceType)).toEqual(['Bundle', 'Bundle']);
  });

  it('an empty file is a valid, empty note', async () => {
    const root = await fixture('empty', { 'empty.txt': '' });
    const r = await run(['extract', join(root, 'empty.txt'), '--text']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expectValid([result]);
    expect(result).toMatchObject({ text: '', flags: [], sections: [], sentences: [] });
  });

  it('refuses a binary file with a coded error record and goes on', async () => {
    const root = await fixture('binary', {
      'bin.txt': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00, 0x08, 0x00, 0x41, 0x0a]),
      'ok.txt': NOTE_B,
    });
    const r = await run(['extract', root, '--format', 'ndjson']);
    expect(r.code).toBe(1);
    const [bin, ok] = ndjson(r.stdout);
    expectValid([bin!, ok!]);
    expect(bin).toMatchObject({ id: 'bin.txt', error: { code: 'CLINOTE_E_INPUT_BINARY' } });
    expect(ok!.flags).toEqual([]);
    expect(r.stderr).toMatch(/1 error \(CLINOTE_E_INPUT_BINARY 1\)/);
  });

  it('flags invalid UTF-8; every span still indexes the decoded text', async () => {
    const bytes = Buffer.concat([
      Buffer.from('CHIEF COMPLAINT:\nCaf'),
      Buffer.from([0xe9]), // latin-1 é: invalid in UTF-8
      Buffer.from(` au lait ${SECRET}. Fever 38.5 C.\n\nPLAN:\nRest `),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' and fluids.\n'),
    ]);
    const root = await fixture('latin1', { 'latin1.txt': bytes });
    // by default the bytes read as Windows-1252: decoded, and flagged as a guess
    const guessed = await run(['extract', join(root, 'latin1.txt'), '--text']);
    expect(guessed.code).toBe(0);
    const g = JSON.parse(guessed.stdout) as { text: string; flags: { code: string; message: string }[] };
    expect(g.text).toContain('Caf\u00e9 au lait');
    expect(g.flags[0]).toEqual({
      code: 'CLINOTE_W_INPUT_ENCODING_GUESSED',
      message: 'decoded as windows-1252 (guessed)',
    });
    // read as UTF-8 (--encoding utf-8): U+FFFD and the invalid-UTF-8 flag
    const r = await run(['extract', join(root, 'latin1.txt'), '--text', '--tokens', '--encoding', 'utf-8']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expectValid([result]);
    const flags = result.flags as { code: string; count?: number }[];
    expect(flags[0]).toMatchObject({ code: 'CLINOTE_W_INPUT_INVALID_UTF8', count: 3 });
    expect(result.text).toContain('Caf\uFFFD au lait');
    expect(expectOffsets(result)).toBeGreaterThan(0);
    expect(r.stderr).not.toContain(SECRET);
  });

  it('an oversized note gets CLINOTE_E_INPUT_TOO_LARGE and the batch goes on (exit 1)', async () => {
    const root = await fixture('large', { 'big.txt': `${NOTE_A}${'x'.repeat(500)}`, 'small.txt': NOTE_B });
    const r = await run(['extract', root, '--format', 'ndjson', '--max-bytes', '300']);
    expect(r.code).toBe(1);
    const [big, small] = ndjson(r.stdout);
    expectValid([big!, small!]);
    expect(big).toMatchObject({ id: 'big.txt', error: { code: 'CLINOTE_E_INPUT_TOO_LARGE' } });
    expect(small!.id).toBe('small.txt');
    expect(small!.error).toBeUndefined();
    expect(r.stderr).toContain('big.txt: CLINOTE_E_INPUT_TOO_LARGE');
  });

  it('an unreadable entry is reported with its path; the others are processed (exit 2)', async () => {
    const root = await fixture('unreadable', { 'a.txt': NOTE_A, 'c.txt': NOTE_B });
    await symlink(join(root, 'gone.txt'), join(root, 'b.txt')); // dangling
    const r = await run(['extract', root, '--format', 'ndjson']);
    expect(r.code).toBe(2);
    const records = ndjson(r.stdout);
    expectValid(records);
    expect(records.map((x) => x.id)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(errorCode(records[1]!)).toBe('CLINOTE_E_INPUT_UNREADABLE');
    expect(r.stderr).toContain(join(root, 'b.txt'));
    expect(r.stderr).toMatch(/3 notes, 2 ok, 1 error .*1 unreadable/);
  });

  it('a missing input among others: reported, the others processed, exit 2', async () => {
    const root = await fixture('missing', { 'a.txt': NOTE_A });
    const missing = join(root, 'nope.txt');
    const r = await run(['extract', join(root, 'a.txt'), missing, '--format', 'ndjson', '--quiet']);
    expect(r.code).toBe(2);
    expect(ndjson(r.stdout).map((x) => x.id)).toEqual([join(root, 'a.txt'), missing]);
    // --quiet: no summary, but the unreadable path is still said
    expect(r.stderr).toContain(`CLINOTE_E_INPUT_UNREADABLE: cannot read '${missing}'`);
    expect(r.stderr).not.toMatch(/notes\/s/);
  });

  it('a named file of an unsupported type is a coded error', async () => {
    const root = await fixture('unsupported', { 'a.pdf': 'x' });
    const r = await run(['extract', join(root, 'a.pdf'), '--format', 'ndjson']);
    expect(r.code).toBe(1);
    expect(errorCode(ndjson(r.stdout)[0]!)).toBe('CLINOTE_E_INPUT_UNSUPPORTED');
  });
});

describe('clinote extract: NDJSON, CSV, stdin', () => {
  it('NDJSON: one note per line, a malformed line is an error record with its line (exit 1)', async () => {
    const lines = [
      JSON.stringify({ id: 'n1', text: NOTE_A, noteDate: '2024-03-01' }),
      '',
      `{"id": "n2", "text": "${SECRET} broken`,
      JSON.stringify({ text: NOTE_B }),
      JSON.stringify({ id: 'n5', body: NOTE_B }),
      JSON.stringify([1, 2]),
      JSON.stringify({ id: 7, text: 'Stable.' }),
    ];
    const root = await fixture('ndjson', { 'notes.ndjson': `${lines.join('\r\n')}\r\n` });
    const file = join(root, 'notes.ndjson');
    const r = await run(['extract', file, '--format', 'ndjson']);
    expect(r.code).toBe(1);
    const records = ndjson(r.stdout);
    expectValid(records);
    expect(records.map((x) => x.id)).toEqual(['n1', `${file}:3`, `${file}:4`, 'n5', `${file}:6`, '7']);
    expect(errorCode(records[1]!)).toBe('CLINOTE_E_INPUT_MALFORMED_JSON');
    expect((records[1]!.error as { details: { line: number } }).details.line).toBe(3);
    expect(errorCode(records[3]!)).toBe('CLINOTE_E_INPUT_MISSING_FIELD');
    expect(errorCode(records[4]!)).toBe('CLINOTE_E_INPUT_MALFORMED_JSON');
    expect(r.stderr).not.toContain(SECRET);
    expect(JSON.stringify(records[1])).not.toContain(SECRET);
    expect(r.stderr).toMatch(
      /6 notes, 3 ok, 3 errors \(CLINOTE_E_INPUT_MALFORMED_JSON 2, CLINOTE_E_INPUT_MISSING_FIELD 1\)/,
    );
  });

  it('NDJSON: --text-field and --id-field name the fields; .jsonl is read too', async () => {
    const root = await fixture('fields', {
      'notes.jsonl': `${JSON.stringify({ noteId: 'x1', body: NOTE_A })}\n${JSON.stringify({ noteId: 'x2', body: NOTE_B })}`,
    });
    const r = await run([
      'extract',
      join(root, 'notes.jsonl'),
      '--text-field',
      'body',
      '--id-field',
      'noteId',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { results: Record<string, unknown>[] };
    expect(doc.results.map((x) => x.id)).toEqual(['x1', 'x2']);
    expectValid(doc.results);
  });

  it('CSV: a header row, quoted fields with commas, quotes and newlines', async () => {
    const csv = [
      'id,noteDate,text',
      `c1,2024-01-02,"${NOTE_A.replace(/\n/g, '\r\n')}"`,
      `c2,,"Said ""fine"", then left.\nSecond line."`,
      `,2024-01-03,"${NOTE_B}"`,
    ].join('\r\n');
    const root = await fixture('csv', { 'notes.csv': csv });
    const file = join(root, 'notes.csv');
    const r = await run(['extract', file, '--format', 'ndjson', '--text']);
    expect(r.code).toBe(0);
    const records = ndjson(r.stdout);
    expectValid(records);
    expect(records.map((x) => x.id)).toEqual(['c1', 'c2', `${file}:3`]);
    expect(records[0]!.text).toBe(NOTE_A.replace(/\n/g, '\r\n'));
    expect(records[1]!.text).toBe('Said "fine", then left.\nSecond line.');
    for (const rec of records) expectOffsets(rec);
  });

  it('CSV without the text column: every row is a coded error, the hint names the columns', async () => {
    const root = await fixture('csv-missing', { 'notes.csv': `id,body\na,${SECRET}\nb,two\n` });
    const r = await run(['extract', join(root, 'notes.csv'), '--format', 'ndjson']);
    expect(r.code).toBe(1);
    const records = ndjson(r.stdout);
    expect(records.map(errorCode)).toEqual([
      'CLINOTE_E_INPUT_MISSING_FIELD',
      'CLINOTE_E_INPUT_MISSING_FIELD',
    ]);
    expect(r.stderr).toContain("no column 'text' (columns: id, body)");
    expect(r.stderr).not.toContain(SECRET);
  });

  it('CSV with an unterminated quote: the row is a coded error', async () => {
    const root = await fixture('csv-bad', { 'notes.csv': `id,text\na,fine\nb,"never closed\n` });
    const r = await run(['extract', join(root, 'notes.csv'), '--format', 'ndjson']);
    expect(r.code).toBe(1);
    const records = ndjson(r.stdout);
    expect(records[0]!.id).toBe('a');
    expect(errorCode(records[1]!)).toBe('CLINOTE_E_INPUT_MALFORMED_CSV');
  });

  it('stdin as one plain-text note', async () => {
    const r = await run(['extract', '-', '--text'], { stdin: NOTE_A });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expectValid([result]);
    expect(result).toMatchObject({ id: 'stdin', text: NOTE_A });
    expect(r.stderr).not.toContain(SECRET);
  });

  it('stdin as NDJSON', async () => {
    const input = `${JSON.stringify({ id: 's1', text: NOTE_A })}\nnot json\n`;
    const r = await run(['extract', '-', '--stdin-format', 'ndjson', '--format', 'ndjson'], { stdin: input });
    expect(r.code).toBe(1);
    const records = ndjson(r.stdout);
    expect(records.map((x) => x.id)).toEqual(['s1', 'stdin:2']);
    expectValid(records);
  });

  it('reads the examples/batch inputs when present', async () => {
    const batch = join(process.cwd(), 'examples', 'batch');
    const r = await run(['extract', batch, '--format', 'ndjson', '--quiet']);
    if (r.stderr.includes(`cannot read '${batch}'`)) return; // not written yet
    const records = ndjson(r.stdout);
    expect(records.length).toBeGreaterThan(0);
    expectValid(records);
    expect([0, 1, 2]).toContain(r.code);
  });
});

describe('clinote extract: output and errors', () => {
  it('--out writes the file; stdout stays empty', async () => {
    const root = await fixture('out', { 'a.txt': NOTE_A });
    const out = join(root, 'result.ndjson');
    const r = await run(['extract', join(root, 'a.txt'), '--format', 'ndjson', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expectValid(ndjson(await readFile(out, 'utf8')));
  });

  it('--out inside an input directory is not read back as input', async () => {
    const root = await fixture('out-inside', { 'a.txt': NOTE_A, 'results.ndjson': '{"text": "stale"}\n' });
    const out = join(root, 'results.ndjson');
    const r = await run(['extract', root, '--format', 'ndjson', '--out', out]);
    expect(r.code).toBe(0);
    expect(ndjson(await readFile(out, 'utf8')).map((x) => x.id)).toEqual(['a.txt']);
    expect(r.stderr).toMatch(/1 file skipped/);
  });

  it('--out naming an input: a usage error, and the input is left as it was', async () => {
    const root = await fixture('out-is-input', { 'notes.ndjson': '{"id": "a", "text": "No fever."}\n' });
    const file = join(root, 'notes.ndjson');
    const r = await run(['extract', file, '--format', 'ndjson', '--out', file]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('CLINOTE_E_CLI_USAGE');
    expect(await readFile(file, 'utf8')).toBe('{"id": "a", "text": "No fever."}\n');
  });

  it('an --out path that cannot be written: CLINOTE_E_OUTPUT_WRITE, exit 4', async () => {
    const root = await fixture('out-bad', { 'a.txt': NOTE_A });
    const r = await run(['extract', join(root, 'a.txt'), '--out', join(root, 'no', 'such', 'dir', 'x.json')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('CLINOTE_E_OUTPUT_WRITE');
  });

  it('a note given as --pipeline by mistake: exit 3, and none of its text in the error', async () => {
    const root = await fixture('config-note', { 'a.txt': `CANARY-PHI-4471 ${NOTE_A}` });
    const r = await run(['extract', join(root, 'a.txt'), '--pipeline', join(root, 'a.txt')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('CLINOTE_E_CONFIG_UNREADABLE');
    expect(r.stderr).not.toContain('CANARY');
  });

  it('a bad pipeline config: exit 3', async () => {
    const root = await fixture('config', { 'a.txt': NOTE_A, 'bad.json': '{"name": "x", "components": []}' });
    const missing = await run(['extract', join(root, 'a.txt'), '--pipeline', join(root, 'none.json')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('CLINOTE_E_CONFIG_UNREADABLE');
    const invalid = await run(['extract', join(root, 'a.txt'), '--pipeline', join(root, 'bad.json')]);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('CLINOTE_E_CONFIG_INVALID');
  });

  it.each([
    [['extract', 'x.txt', '--bogus']],
    [['extract']],
    [['extract', 'x.txt', '--format', 'xml']],
    [['extract', 'x.txt', '--max-bytes', '-3']],
    [['extract', 'x.txt', '--stdin-format', 'pdf']],
    [['extract', '-', '-']],
    [['frobnicate']],
    [[]],
  ])('usage error %j: CLINOTE_E_CLI_USAGE, exit 64, no stack', async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('CLINOTE_E_CLI_USAGE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('an unexpected exception: CLINOTE_E_INTERNAL, exit 70, stack only with CLINOTE_DEBUG=1', async () => {
    const root = await fixture('internal', { 'a.txt': NOTE_A });
    const boom = async (env: Record<string, string>): Promise<CliRun> => {
      const err = collector();
      const stdout = new Writable({
        write() {
          throw new TypeError('boom');
        },
      });
      const code = await runCli(['extract', join(root, 'a.txt'), '--quiet'], {
        stdout,
        stderr: err.stream,
        stdin: Readable.from([]),
        env,
      });
      return { code, stdout: '', stderr: err.text() };
    };
    const plain = await boom({});
    expect(plain.code).toBe(70);
    expect(plain.stderr).toContain('CLINOTE_E_INTERNAL');
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await boom({ CLINOTE_DEBUG: '1' });
    expect(debug.code).toBe(70);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('a write error on the output stream: CLINOTE_E_OUTPUT_WRITE, exit 4', async () => {
    const root = await fixture('epipe', { 'a.txt': NOTE_A, 'b.txt': NOTE_B });
    const err = collector();
    const stdout = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const code = await runCli(['extract', root, '--quiet'], {
      stdout,
      stderr: err.stream,
      stdin: Readable.from([]),
    });
    expect(code).toBe(4);
    expect(err.text()).toContain('CLINOTE_E_OUTPUT_WRITE');
  });

  it('when interrupted it stops reading and closes the JSON document (exit 130)', async () => {
    const root = await fixture('interrupt', { 'a.txt': NOTE_A, 'b.txt': NOTE_B, 'c.txt': NOTE_A });
    const out = collector();
    const err = collector();
    const controller = new AbortController();
    controller.abort();
    const code = await runCli(['extract', root], {
      stdout: out.stream,
      stderr: err.stream,
      stdin: Readable.from([]),
      signal: controller.signal,
    });
    expect(code).toBe(130);
    // aborted before the first note: nothing read, a complete document (mid-run: src/batch tests)
    const doc = JSON.parse(out.text()) as { results: unknown[]; summary: { notes: number } };
    expect(doc.results).toHaveLength(0);
    expect(doc.summary.notes).toBe(0);
    expect(err.text()).toContain('interrupted');
  });

  it('takes the pack from $CLINOTE_PACK of its environment (--pack first)', async () => {
    const root = await fixture('pack-env', { 'a.txt': NOTE_A });
    const missing = join(root, 'no-such.pack');
    const r = await run(['extract', root, '--quiet'], { env: { CLINOTE_PACK: missing } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CLINOTE_E_PACK_NOT_FOUND');
    const withPack = await run(['extract', root, '--quiet', '--pack', join(root, 'other.pack')], {
      env: { CLINOTE_PACK: missing },
    });
    expect(withPack.stderr).toContain('other.pack');
    expect(withPack.stderr).not.toContain('no-such.pack');
  });
});

describe('clinote extract --workers', () => {
  it('--workers takes a positive integer', async () => {
    const r = await run(['extract', '-', '--workers', '0']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('CLINOTE_E_CLI_USAGE');
  });

  it('the default: on this thread for a single note or a small input', async () => {
    const plan = (items: number, bytes: number, stdin = false): Plan => ({
      items: Array.from({ length: items }, (_, i) => ({
        kind: 'file' as const,
        path: `${i}.csv`,
        id: `${i}.csv`,
        format: 'csv' as const,
        size: bytes / items,
      })),
      skipped: 0,
      totalBytes: bytes,
      stdin,
      directories: 0,
    });
    const cores = availableParallelism();
    expect(workerCount(undefined, plan(1, 10 << 20), true)).toBe(1);
    expect(workerCount(undefined, plan(1, 10_000), false)).toBe(1);
    expect(workerCount(undefined, plan(1, 10 << 20), false)).toBe(cores);
    const stdin: Plan = { ...plan(0, 0, true), items: [{ kind: 'stdin', id: 'stdin', format: 'ndjson' }] };
    expect(workerCount(undefined, stdin, false)).toBe(cores);
    expect(workerCount(3, plan(1, 10_000), false)).toBe(3);
    // never more threads than notes, when their number is known (text files)
    const text = {
      ...plan(2, 10 << 20),
      items: plan(2, 0).items.map((i) => ({ ...i, format: 'text' as const })),
    };
    expect(workerCount(8, text, false)).toBe(2);
  });

  const inProcess = distSkipReason('dist/src/batch/worker.js');
  if (inProcess) console.warn(`clinote extract --workers (in process) skipped: ${inProcess}`);
  it.skipIf(inProcess !== false)(
    'in process (worker threads from dist/): the same output as --workers 1, errors in place',
    async () => {
      const root = await fixture('workers', {
        'a.txt': NOTE_A,
        'b.txt': `${NOTE_B}${'x'.repeat(400)}`,
        'c.ndjson': `{"id":"c1","text":"Fever."}\n{bad\n{"id":"c3","text":"${SECRET} denied."}\n`,
        'd.txt': NOTE_B,
      });
      for (const format of ['ndjson', 'json', 'fhir']) {
        const args = ['extract', root, '--format', format, '--max-bytes', '300'];
        const one = await run([...args, '--workers', '1']);
        const two = await run([...args, '--workers', '2']);
        expect(one.code).toBe(1);
        expect(two.code).toBe(1);
        expect(two.stdout).toBe(one.stdout);
        expect(two.stderr).not.toContain(SECRET);
      }
    },
  );

  const bundle = distSkipReason('dist/cli/worker.js', ['src/batch', 'src/cli']);
  if (bundle) console.warn(`clinote extract --workers (dist/cli bundle) skipped: ${bundle}`);
  it.skipIf(bundle !== false)(
    'the CLI bundle (dist/cli): --workers 2 writes the same bytes as --workers 1 on examples/notes',
    () => {
      const main = join(packageRoot(), 'dist', 'cli', 'main.js');
      const notes = join(packageRoot(), 'examples', 'notes');
      for (const format of ['json', 'ndjson', 'fhir']) {
        const out = (workers: string): Buffer => {
          const r = spawnSync(
            process.execPath,
            [main, 'extract', notes, '--format', format, '--workers', workers, '--quiet'],
            { maxBuffer: 1 << 28, env: { ...process.env, CLINOTE_DEBUG: '1' } },
          );
          expect(r.status, r.stderr.toString()).toBe(0);
          expect(r.stderr.toString()).toContain(workers === '1' ? 'in-thread' : `${workers} worker threads`);
          return r.stdout;
        };
        const one = out('1');
        expect(one.length).toBeGreaterThan(1000);
        expect(out('2').equals(one), `--format ${format}`).toBe(true);
      }
    },
    180_000,
  );
});

describe('clinote: other commands', () => {
  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--help exits 0', async () => {
    const r = await run(['extract', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--format');
  });

  it('components lists the registry', async () => {
    const r = await run(['components', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as {
      name: string;
      version: string;
      requires: string[];
      assigns: string[];
    }[];
    expect(list.map((c) => c.name)).toContain('normalize');
    const table = await run(['components']);
    expect(table.stdout).toMatch(/^name\s+version\s+requires\s+assigns/);
  });

  it('eval with an unknown task is a coded error', async () => {
    const r = await run(['eval', 'no-such-task']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('CLINOTE_E_EVAL_UNKNOWN_TASK');
  });
});

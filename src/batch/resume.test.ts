/**
 * Resumable runs (./resume.ts) on this thread: crashes simulated at several points (records past
 * the last checkpoint, a torn last line, a state behind the output), the state never ahead of the
 * output, inputs and outputs that changed refused, a finished run, the lock. The real `kill -9` of
 * the CLI is src/cli/resume.test.ts.
 */
import {
  appendFileSync,
  copyFileSync,
  readFileSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPipelineSync } from '../engine-sync.js';
import { ClinoteError } from '../errors/error.js';
import { planInputs } from '../io/plan.js';
import { OutputSink } from '../io/sink.js';
import { getFormat } from '../output/writers.js';
import type { NoteInput, Pipeline } from '../pipeline/pipeline.js';
import {
  type Checkpoint,
  checkResumable,
  fingerprintDifference,
  openResume,
  ResumeState,
  type RunFingerprint,
  runFingerprint,
  skipDone,
  statePath,
} from './resume.js';
import { runBatch } from './runner.js';
import { formatSink } from './sink.js';
import { memorySource, type NoteSource, type SourceEvent } from './source.js';

const pipeline: Pipeline = loadPipelineSync({
  config: { name: 'test', components: [{ name: 'normalize' }, { name: 'sections' }, { name: 'sentences' }] },
});
const ndjson = getFormat('ndjson')!;
const N = 300;

/** Notes, with a source error (a malformed line) at every 50th place: error records resume too. */
const events = (n = N): SourceEvent[] =>
  Array.from(
    { length: n },
    (_, i): SourceEvent =>
      i % 50 === 49
        ? {
            type: 'error',
            id: `n${i}`,
            error: new ClinoteError('CLINOTE_E_INPUT_MALFORMED_JSON', `line ${i + 1} is not valid JSON`),
          }
        : {
            type: 'note',
            note: {
              id: `n${i}`,
              text: `HISTORY:\nNote ${i}. Aspirin 81 mg daily.\nPLAN:\nFollow up ${i % 7} weeks.\n`,
            },
          },
  );

const FP: RunFingerprint = { inputs: [], options: { format: 'ndjson' }, pipeline: pipeline.stamp.version };

let dir: string;
let out: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinote-resume-'));
  out = join(dir, 'out.ndjson');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The output of an uninterrupted, non-resumable run. */
async function reference(n = N): Promise<string> {
  const file = join(dir, 'reference.ndjson');
  await runBatch(
    memorySource(events(n)),
    formatSink(ndjson, { single: false }, OutputSink.toFile(file)),
    pipeline,
  );
  return readFileSync(file, 'utf8');
}

/** A source that dies after `k` events that make records (the process crashing mid-run). */
function crashingAfter(source: NoteSource, k: number): NoteSource {
  return {
    ...source,
    async *events(signal) {
      let n = 0;
      for await (const e of source.events(signal)) {
        if (e.type !== 'progress' && n++ === k) throw new Error('simulated crash');
        yield e;
      }
    },
  };
}

interface RunOptions {
  readonly crashAfter?: number;
  readonly checkpointNotes?: number;
  readonly onCommit?: (c: Checkpoint) => void;
  readonly fingerprint?: RunFingerprint;
  readonly n?: number;
  readonly signal?: AbortSignal;
}

/** One `--resume` session over the notes; a crash leaves the state and the output as they are. */
async function session(o: RunOptions = {}): Promise<{ status: string; crashed: boolean }> {
  const run = await openResume(out, o.fingerprint ?? FP, {
    checkpointNotes: o.checkpointNotes ?? 16,
    checkpointMs: 60_000,
    ...(o.onCommit ? { onCommit: o.onCommit } : {}),
  });
  try {
    if (run.status === 'finished') return { status: run.status, crashed: false };
    let source = run.source(memorySource(events(o.n)));
    if (o.crashAfter !== undefined) source = crashingAfter(source, o.crashAfter);
    try {
      const stats = await runBatch(source, run.sink(ndjson, { single: false }), pipeline, {
        ...(o.signal ? { signal: o.signal } : {}),
      });
      run.end(stats);
    } catch (e) {
      if (!(e instanceof Error) || e.message !== 'simulated crash') throw e;
      return { status: run.status, crashed: true };
    }
    return { status: run.status, crashed: false };
  } finally {
    run.close();
  }
}

/** The state never runs ahead of the output: checked at every commit. */
function checkNotAhead(c: Checkpoint): void {
  const bytes = readFileSync(out);
  expect(bytes.length).toBeGreaterThanOrEqual(c.bytes);
  const committed = bytes.subarray(0, c.bytes).toString('utf8');
  const lines = committed === '' ? [] : committed.split('\n');
  expect(lines.pop()).toBe(c.notes === 0 ? undefined : ''); // complete lines only
  expect(lines.length).toBe(c.notes);
  if (c.notes > 0)
    expect((JSON.parse(lines[lines.length - 1] as string) as { id: string }).id).toBe(c.lastId);
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return e instanceof ClinoteError ? e.code : String(e);
  }
  return 'no error';
};

describe('resume after a simulated crash', () => {
  it.each([0, 1, 15, 16, 17, 64, 129, 250, N - 1])(
    'crash after %i records, then a torn line: the resumed output is the uninterrupted one',
    async (k) => {
      const expected = await reference();
      const first = await session({ crashAfter: k, onCommit: checkNotAhead });
      expect(first).toEqual({ status: 'fresh', crashed: true });
      // the process died in the middle of a write
      appendFileSync(out, '{"id":"n999","pipeline":{"na');
      const second = await session({ onCommit: checkNotAhead });
      expect(second.crashed).toBe(false);
      expect(readFileSync(out, 'utf8')).toBe(expected);
      const state = await ResumeState.open(statePath(out));
      const recorded = state.read();
      state.close();
      expect(recorded?.finished).toBe(true);
      expect(recorded?.checkpoint.notes).toBe(N);
      expect(recorded?.checkpoint.errors).toBe(N / 50);
      expect(recorded?.checkpoint.bytes).toBe(Buffer.byteLength(expected));
    },
  );

  it('crashes again and again: each note once, complete lines only', async () => {
    const expected = await reference();
    for (const k of [40, 3, 77, 0, 60]) {
      const r = await session({ crashAfter: k, checkpointNotes: 7, onCommit: checkNotAhead });
      expect(r.crashed).toBe(true);
    }
    await session({ checkpointNotes: 7 });
    expect(readFileSync(out, 'utf8')).toBe(expected);
  });

  it('a state behind the output (records written after the last checkpoint) drops them and redoes them', async () => {
    const expected = await reference();
    const saved = join(dir, 'saved-state');
    let commits = 0;
    await session({
      checkpointNotes: 20,
      onCommit: () => {
        if (++commits === 3) copyFileSync(statePath(out), saved);
      },
    });
    expect(readFileSync(out, 'utf8')).toBe(expected);
    // the process had written everything, then died before the next commit
    copyFileSync(saved, statePath(out));
    const state = await ResumeState.open(statePath(out));
    expect(state.read()?.checkpoint.notes).toBe(60);
    state.close();
    const r = await session({ onCommit: checkNotAhead });
    expect(r.status).toBe('continue');
    expect(readFileSync(out, 'utf8')).toBe(expected);
  });

  it('an interrupted run (Ctrl-C) commits what it wrote; the next session finishes it', async () => {
    const expected = await reference();
    const controller = new AbortController();
    let seen = 0;
    const run = await openResume(out, FP, { checkpointNotes: 1000 });
    const source = run.source(memorySource(events()));
    const stats = await runBatch(source, run.sink(ndjson, { single: false }), pipeline, {
      signal: controller.signal,
      onRecord: () => {
        if (++seen === 100) controller.abort();
      },
    });
    run.end(stats);
    expect(stats.interrupted).toBe(true);
    checkNotAhead(run.committed);
    expect(run.committed.notes).toBe(stats.notes);
    const r = await session();
    expect(r.status).toBe('continue');
    expect(readFileSync(out, 'utf8')).toBe(expected);
  });

  it('a finished run is not run again', async () => {
    const expected = await reference();
    await session();
    const before = statSync(out).mtimeMs;
    const r = await session();
    expect(r.status).toBe('finished');
    expect(readFileSync(out, 'utf8')).toBe(expected);
    expect(statSync(out).mtimeMs).toBe(before);
  });
});

describe('resume refuses what it cannot continue', () => {
  it('another pipeline version, or other options', async () => {
    await session({ crashAfter: 100 });
    expect(await codeOf(session({ fingerprint: { ...FP, pipeline: 'ffffffffffffffff' } }))).toBe(
      'CLINOTE_E_RESUME_INPUT_CHANGED',
    );
    expect(await codeOf(session({ fingerprint: { ...FP, options: { format: 'ndjson', text: true } } }))).toBe(
      'CLINOTE_E_RESUME_INPUT_CHANGED',
    );
  });

  it('an input that changed (size, modification time, a file added): planned files', async () => {
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.txt');
    writeFileSync(a, 'Note A.');
    writeFileSync(b, 'Note B.');
    const fp = async (): Promise<RunFingerprint> =>
      runFingerprint(await planInputs([a, b], { stdinFormat: 'text' }), { format: 'ndjson' }, 'v1');
    const first = await fp();
    expect(fingerprintDifference(first, await fp())).toBeNull();
    utimesSync(b, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(fingerprintDifference(first, await fp())).toMatch(/b\.txt' was modified/);
    const second = await fp();
    appendFileSync(b, ' More.');
    expect(fingerprintDifference(second, await fp())).toMatch(/b\.txt' changed size/);
    const three = await runFingerprint(
      await planInputs([a, b, a], { stdinFormat: 'text' }),
      { format: 'ndjson' },
      'v1',
    );
    expect(fingerprintDifference(await fp(), three)).toMatch(/was not in the run/);
    expect(fingerprintDifference(three, await fp())).toMatch(/is gone/);
    // and openResume refuses it, touching nothing
    await session({ fingerprint: first, crashAfter: 50 });
    const bytes = readFileSync(out);
    expect(await codeOf(session({ fingerprint: await fp() }))).toBe('CLINOTE_E_RESUME_INPUT_CHANGED');
    expect(readFileSync(out)).toEqual(bytes);
  });

  it('an input that no longer holds the notes done (another id there, or fewer notes)', async () => {
    await session({ crashAfter: 100, checkpointNotes: 10 });
    const done = (await (async () => {
      const s = await ResumeState.open(statePath(out));
      const r = s.read();
      s.close();
      return r;
    })())!.checkpoint;
    expect(done.notes).toBeGreaterThan(50);
    const renamed = events().map((e) =>
      e.type === 'note' ? { ...e, note: { ...e.note, id: `x${e.note.id}` } } : e,
    );
    const drain = async (s: NoteSource): Promise<void> => {
      for await (const _ of s.events()) {
        // read
      }
    };
    expect(await codeOf(drain(skipDone(memorySource(renamed), done.notes, done.lastId, out)))).toBe(
      'CLINOTE_E_RESUME_INPUT_CHANGED',
    );
    expect(await codeOf(drain(skipDone(memorySource(events(50)), done.notes, done.lastId, out)))).toBe(
      'CLINOTE_E_RESUME_INPUT_CHANGED',
    );
    // through a session: refused, and the output keeps its committed bytes
    expect(await codeOf(session({ n: 50 }))).toBe('CLINOTE_E_RESUME_INPUT_CHANGED');
    expect(statSync(out).size).toBe(done.bytes);
  });

  it('an output shorter than committed, or edited, or missing', async () => {
    await session({ crashAfter: 100, checkpointNotes: 10 });
    const bytes = readFileSync(out);
    truncateSync(out, 100);
    expect(await codeOf(session())).toBe('CLINOTE_E_RESUME_OUTPUT_MISMATCH');
    // one byte of the last committed record changed
    const edited = Buffer.from(bytes);
    const at = bytes.lastIndexOf('"sentences"');
    edited[at + 1] = 'S'.charCodeAt(0);
    writeFileSync(out, edited);
    expect(await codeOf(session())).toBe('CLINOTE_E_RESUME_OUTPUT_MISMATCH');
    await rm(out);
    expect(await codeOf(session())).toBe('CLINOTE_E_RESUME_OUTPUT_MISMATCH');
  });

  it('a state file that is not one, and a state locked by another run', async () => {
    writeFileSync(statePath(out), 'not a database, not at all: some bytes of text\n'.repeat(20));
    expect(await codeOf(session())).toBe('CLINOTE_E_RESUME_STATE_INVALID');
    await rm(statePath(out));
    const held = await ResumeState.open(statePath(out));
    try {
      expect(await codeOf(session())).toBe('CLINOTE_E_RESUME_LOCKED');
    } finally {
      held.close();
    }
    expect((await session()).crashed).toBe(false);
  });

  it('formats it cannot append to, no --out, stdin', () => {
    const code = (o: Parameters<typeof checkResumable>[0]): string => {
      try {
        checkResumable(o);
        return 'ok';
      } catch (e) {
        const { code } = e as ClinoteError;
        if (code === 'CLINOTE_E_RESUME_FORMAT') expect((e as Error).message).toMatch(/ndjson.*fhir/);
        return code;
      }
    };
    const base = { out: 'x.ndjson', single: false, stdin: false };
    expect(code({ ...base, format: 'ndjson' })).toBe('ok');
    expect(code({ ...base, format: 'ndjson', single: true })).toBe('ok');
    expect(code({ ...base, format: 'fhir' })).toBe('ok');
    expect(code({ ...base, format: 'fhir', single: true })).toBe('CLINOTE_E_RESUME_FORMAT');
    expect(code({ ...base, format: 'json' })).toBe('CLINOTE_E_RESUME_FORMAT');
    expect(code({ ...base, format: 'ndjson', out: undefined })).toBe('CLINOTE_E_RESUME_NO_OUTPUT');
    expect(() => checkResumable({ ...base, format: 'ndjson', stdin: true })).toThrow(/stdin/);
  });
});

describe('notes kept whole', () => {
  it('the notes skipped on resume are not run again', async () => {
    await session({ crashAfter: 120, checkpointNotes: 30 });
    const ran: string[] = [];
    const run = await openResume(out, FP);
    const source = run.source(memorySource(events()));
    const stats = await runBatch(source, run.sink(ndjson, { single: false }), pipeline, {
      onRecord: (r) => ran.push(r.id),
    });
    run.end(stats);
    expect(ran[0]).toBe(`n${run.start.notes}`);
    expect(stats.notes + run.start.notes).toBe(N);
    const ids = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as NoteInput).id);
    expect(ids).toEqual(events().map((e) => (e.type === 'note' ? e.note.id : (e as { id: string }).id)));
  });
});

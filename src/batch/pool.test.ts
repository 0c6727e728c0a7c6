/**
 * Worker threads, against the build (dist/): a worker thread runs compiled JavaScript, so these
 * tests import dist/src/batch/ (`npm run build`; CI builds it in `npm ci`). They are skipped, with
 * the reason, when dist/ is missing or older than src/batch/.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NoteInput } from '../pipeline/pipeline.js';
import { packageRoot } from '../resources.js';
import type * as Batch from './index.js';
import { distSkipReason } from './testing.js';

const root = packageRoot();
const distBatch = join(root, 'dist', 'src', 'batch');
const skip = distSkipReason('dist/src/batch/worker.js');
if (skip) console.warn(`worker pool tests skipped: ${skip}`);

const load = async (): Promise<
  typeof Batch & { loadPipeline: typeof import('../engine.js').loadPipeline }
> => {
  const batch = (await import(pathToFileURL(join(distBatch, 'index.js')).href)) as typeof Batch;
  const engine = (await import(
    pathToFileURL(join(root, 'dist', 'src', 'engine.js')).href
  )) as typeof import('../engine.js');
  return { ...batch, loadPipeline: engine.loadPipeline };
};

/** The example notes, read as `clinote extract examples/notes` reads them. */
async function exampleNotes(b: typeof Batch): Promise<NoteInput[]> {
  const plan = await b.planFiles([join(root, 'examples', 'notes')], { stdinFormat: 'text' });
  const source = b.fileSource(plan, [], {
    textField: 'text',
    idField: 'id',
    dateField: 'noteDate',
    maxNoteBytes: 1 << 20,
  });
  const notes: NoteInput[] = [];
  for await (const e of source.events()) if (e.type === 'note') notes.push(e.note);
  return notes;
}

describe.skipIf(skip !== false)('runBatch on a worker pool (dist)', () => {
  it('gives the same records, in the same order, as this thread; the pack is shared', async () => {
    const b = await load();
    const notes = await exampleNotes(b);
    expect(notes.length).toBeGreaterThan(20);
    const local = b.memorySink();
    await b.runBatch(b.memorySource(notes), local, await b.loadPipeline({}));
    const pool = await b.WorkerPool.start({}, { threads: 2 });
    try {
      const shared = [...pool.sharedBytes.values()];
      expect(shared.length).toBeGreaterThan(0);
      for (const bytes of shared) {
        expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(bytes.byteOffset % 8).toBe(0);
      }
      const remote = b.memorySink();
      const stats = await b.runBatch(b.memorySource(notes), remote, pool, { chunkNotes: 4 });
      expect(stats.ok).toBe(notes.length);
      expect(remote.records.map((r) => r.id)).toEqual(notes.map((n) => n.id));
      expect(remote.records.every((r) => r.body.bytes !== undefined)).toBe(true);
      expect(remote.records.map((r) => r.body.json)).toEqual(local.records.map((r) => r.body.json));
      expect(remote.summary).toEqual(local.summary);
    } finally {
      await pool.close();
    }
  });

  for (const how of ['exitOnNote', 'throwOnNote'] as const) {
    it(`a worker that fails (${how}): the note it was on is a CLINOTE_E_BATCH_WORKER_FAILED record, the rest of its chunk runs again`, async () => {
      const b = await load();
      const notes = Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, text: `Note ${i}: chest pain.` }));
      const test = how === 'exitOnNote' ? { exitOnNote: 'n9' } : { throwOnNote: 'n9' };
      const pool = await b.WorkerPool.start({}, { threads: 2, test });
      try {
        const sink = b.memorySink();
        const stats = await b.runBatch(b.memorySource(notes), sink, pool, { chunkNotes: 4 });
        expect(sink.records.map((r) => r.id)).toEqual(notes.map((n) => n.id));
        const failed = sink.records.filter((r) => r.type === 'error');
        // only n9 failed: the other notes of its chunk ran again (on a new worker when it exited)
        expect(failed.map((r) => r.id)).toEqual(['n9']);
        for (const r of failed) {
          expect(r.type === 'error' && r.code).toBe('CLINOTE_E_BATCH_WORKER_FAILED');
          expect(r.body.value).toMatchObject({ id: r.id, error: { code: 'CLINOTE_E_BATCH_WORKER_FAILED' } });
        }
        expect(sink.records.at(-1)?.type).toBe('result');
        expect(stats.summary()).toMatchObject({ notes: 40, errors: failed.length });
      } finally {
        await pool.close();
      }
    });
  }

  it('a note stuck in a component past its deadline: its thread is replaced, the note is CLINOTE_E_PIPELINE_DEADLINE, every other note has its result', async () => {
    const b = await load();
    const notes = Array.from({ length: 24 }, (_, i) => ({ id: `n${i}`, text: `Note ${i}: chest pain.` }));
    const pool = await b.WorkerPool.start({}, { threads: 2, noteTimeoutMs: 300, test: { spinOnNote: 'n5' } });
    try {
      const sink = b.memorySink();
      const started = performance.now();
      const stats = await b.runBatch(b.memorySource(notes), sink, pool, { chunkNotes: 4 });
      const ms = performance.now() - started;
      expect(sink.records.map((r) => r.id)).toEqual(notes.map((n) => n.id));
      const failed = sink.records.filter((r) => r.type === 'error');
      expect(failed.map((r) => [r.id, r.type === 'error' && r.code])).toEqual([
        ['n5', 'CLINOTE_E_PIPELINE_DEADLINE'],
      ]);
      expect(failed[0]?.body.value).toMatchObject({
        id: 'n5',
        error: { code: 'CLINOTE_E_PIPELINE_DEADLINE', details: { terminated: true, timeoutMs: 300 } },
      });
      expect(stats.summary()).toMatchObject({ notes: 24, errors: 1 });
      // the deadline, the watchdog's grace, a new thread and its pipeline: well under the 1 s bound
      // past the deadline on an idle machine; this bound only catches a hang
      expect(ms).toBeLessThan(20_000);
      // the pool goes on serving on its replacement thread
      const again = b.memorySink();
      await b.runBatch(b.memorySource(notes.slice(0, 3)), again, pool);
      expect(again.records.map((r) => r.type)).toEqual(['result', 'result', 'result']);
    } finally {
      await pool.close();
    }
  });

  it('abort: the chunks in flight are finished and written once; the output is a prefix', async () => {
    const b = await load();
    const notes = Array.from({ length: 400 }, (_, i) => ({ id: `n${i}`, text: `Note ${i}: no fever.` }));
    const pool = await b.WorkerPool.start({}, { threads: 2 });
    try {
      const controller = new AbortController();
      const sink = b.memorySink();
      const stats = await b.runBatch(b.memorySource(notes), sink, pool, {
        chunkNotes: 8,
        signal: controller.signal,
        onRecord: (_r, s) => {
          if (s.notes === 20) controller.abort();
        },
      });
      expect(stats.interrupted).toBe(true);
      expect(sink.closed).toBe(true);
      const ids = sink.records.map((r) => r.id);
      expect(ids.length).toBeGreaterThanOrEqual(20);
      expect(ids.length).toBeLessThan(400);
      expect(ids).toEqual(notes.slice(0, ids.length).map((n) => n.id));
      expect(sink.records.every((r) => r.type === 'result')).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('monitoring groups: the threads keep a profile per group, sent on drain, equal to profiling each record', async () => {
    const b = await load();
    const monitoring = (await import(
      pathToFileURL(join(root, 'dist', 'src', 'monitoring', 'index.js')).href
    )) as typeof import('../monitoring/index.js');
    const notes = (await exampleNotes(b)).slice(0, 12);
    const pool = await b.WorkerPool.start({}, { threads: 2 });
    const parts = new Map<number, import('../monitoring/profile.js').ProfileBuilder>();
    pool.onProfiles((got) => {
      for (const [group, part] of got) {
        const builder = parts.get(group) ?? new monitoring.ProfileBuilder();
        builder.addProfile(part);
        parts.set(group, builder);
      }
    });
    try {
      // notes 0..5 in group 0, 6..11 in group 1, in chunks of 4 (a chunk may hold both groups)
      const groups = notes.map((_, i) => (i < 6 ? 0 : 1));
      const records: import('./records.js').BatchRecord[] = [];
      for (let i = 0; i < notes.length; i += 4)
        records.push(
          ...(await pool.run(notes.slice(i, i + 4), { observe: true }, undefined, {
            groups: groups.slice(i, i + 4),
          })),
        );
      // no observation per record: the notes are in the threads' profiles
      expect(records.every((r) => r.type === 'result' && r.observation === undefined)).toBe(true);
      await pool.drainProfiles();
      expect(parts.get(0)?.count).toBe(6);
      expect(parts.get(1)?.count).toBe(6);
      // the same features as observing each record on its own (per-record observations, no groups)
      const each = await pool.run(notes.slice(0, 6), { observe: true });
      const expected = monitoring.profileOf(
        each.map((r) => (r.type === 'result' ? r.observation : undefined)).filter((o) => o !== undefined),
      );
      const got = parts.get(0)?.toProfile();
      expect(got?.numeric).toEqual(expected.numeric);
      expect(got?.categorical).toEqual(expected.categorical);
      // nothing is left behind: a second drain sends nothing new
      await pool.drainProfiles();
      expect(parts.get(0)?.count).toBe(6);
    } finally {
      await pool.close();
    }
  });

  it('hooks get the component times of every chunk', async () => {
    const b = await load();
    const notes = Array.from({ length: 30 }, (_, i) => ({ id: `n${i}`, text: `Note ${i}: cough.` }));
    const pool = await b.WorkerPool.start(
      { config: { name: 'seg', components: [{ name: 'normalize' }, { name: 'sections' }] } },
      { threads: 2 },
    );
    try {
      const seen = new Map<string, number>();
      await b.runBatch(b.memorySource(notes), b.memorySink(), pool, {
        chunkNotes: 7,
        hooks: { onComponent: (name, _ms, _o, n) => seen.set(name, (seen.get(name) ?? 0) + n) },
      });
      expect(Object.fromEntries(seen)).toEqual({ normalize: 30, sections: 30 });
    } finally {
      await pool.close();
    }
  });

  it('a config error throws from start, before any chunk', async () => {
    const b = await load();
    await expect(
      b.WorkerPool.start({ config: { name: 'bad', components: [{ name: 'no-such' }] } }, { threads: 2 }),
    ).rejects.toMatchObject({ code: 'CLINOTE_E_PIPELINE_UNKNOWN_COMPONENT' });
  });
});

/**
 * Resumable local runs: `clinote extract INPUTS... --out results.ndjson --resume` (docs/batch.md,
 * "Resuming a run").
 *
 * The batch runner writes one record per note in input order, so the output is always the records
 * of a prefix of the input. The progress is therefore three numbers, kept in a small SQLite file
 * beside the output (`<out>.clinote-state`): the notes done, the output's committed byte length,
 * and the id of the last note done (plus a hash of the last committed bytes and the running counts).
 *
 * - A checkpoint flushes the output, fsyncs it, and only then commits the state (synchronous=FULL):
 *   the committed length is never past the bytes on disk (the state is never ahead of the output).
 * - On resume, the run's fingerprint (the inputs: paths, sizes, modification times; the options
 *   that change results; the pipeline version) must match the state's, else
 *   CLINOTE_E_RESUME_INPUT_CHANGED: never a silent mix. The output is truncated to the committed
 *   length (a torn last line, and records written after the last checkpoint, go), the notes done
 *   are read and skipped (the note at their end must have the committed id), and the run appends.
 * - A finished run's state says so: resuming it does nothing.
 * - One process at a time: the state is locked for the whole run (CLINOTE_E_RESUME_LOCKED).
 *
 * After a crash, `kill -9` or Ctrl-C the same command continues; the output holds each note once,
 * complete lines only. better-sqlite3 is loaded only when a run resumes.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fdatasync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import type BetterSqlite3 from 'better-sqlite3';
import { ClinoteError, errorReason } from '../errors/error.js';
import type { Plan } from '../io/plan.js';
import { OutputSink, outputError } from '../io/sink.js';
import type { OutputFormat, WriterOptions } from '../output/format-types.js';
import { formatSink, type ResultSink } from './sink.js';
import type { NoteSource, SourceEvent } from './source.js';
import type { BatchStats } from './stats.js';

/** The state file of an output: `<out>.clinote-state`. */
export const STATE_SUFFIX = '.clinote-state';

export const statePath = (out: string): string => `${out}${STATE_SUFFIX}`;

/** Schema version of the state file (`PRAGMA user_version`). */
const STATE_SCHEMA = 1;

/** Bytes at the end of the committed output whose hash the state keeps. */
const TAIL_BYTES = 4096;

/** A checkpoint at least every this many records, or this many ms, whichever first. */
export const CHECKPOINT_NOTES = 2048;
export const CHECKPOINT_MS = 1000;

/** What the output formats must be to be appended to. */
const RESUMABLE = '--format ndjson, or --format fhir for several notes (FHIR NDJSON)';

/**
 * Refuse `--resume` where it cannot work, before anything is loaded or written: no `--out`, stdin
 * among the inputs, or a format that writes one document (`json`; `fhir` for a single note).
 */
export function checkResumable(options: {
  readonly out: string | undefined;
  readonly format: string;
  readonly single: boolean;
  readonly stdin: boolean;
}): void {
  if (options.out === undefined) {
    throw new ClinoteError(
      'CLINOTE_E_RESUME_NO_OUTPUT',
      '--resume needs --out FILE: the progress is kept beside it',
      {},
    );
  }
  const document = options.format === 'json' || (options.format !== 'ndjson' && options.single);
  if (document || !['ndjson', 'fhir'].includes(options.format)) {
    throw new ClinoteError(
      'CLINOTE_E_RESUME_FORMAT',
      `--resume cannot append to --format ${options.format}${options.single ? ' for a single note' : ''}: it works with ${RESUMABLE}`,
      { format: options.format, single: options.single, resumable: ['ndjson', 'fhir'] },
    );
  }
  if (options.stdin) {
    throw new ClinoteError(
      'CLINOTE_E_RESUME_STDIN',
      '--resume cannot read - (stdin) again: write the input to a file and extract that',
      {},
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Fingerprint

export type FingerprintInput =
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly id: string;
      readonly format: string;
      readonly size: number;
      readonly mtimeMs: number;
    }
  | { readonly kind: 'failed'; readonly path: string; readonly id: string; readonly code: string };

/** What a run's output depends on: a resumed run must have the same. */
export interface RunFingerprint {
  readonly inputs: readonly FingerprintInput[];
  /** The options that change results (sorted keys; the format included). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The pipeline version (the stamp: config, component versions, resource files, the pack). */
  readonly pipeline: string;
}

const sortedObject = (o: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

/**
 * The fingerprint of a planned run: every planned file (absolute path, id, format, size and
 * modification time, read now), the inputs that failed at planning, the options, the pipeline.
 */
export async function runFingerprint(
  plan: Plan,
  options: Readonly<Record<string, unknown>>,
  pipelineVersion: string,
): Promise<RunFingerprint> {
  const inputs: FingerprintInput[] = [];
  for (const item of plan.items) {
    if (item.kind === 'stdin') {
      throw new ClinoteError('CLINOTE_E_RESUME_STDIN', '--resume cannot read - (stdin) again', {});
    }
    const path = resolve(item.path);
    if (item.kind === 'failed') {
      inputs.push({ kind: 'failed', path, id: item.id, code: item.error.code });
      continue;
    }
    let size = item.size;
    let mtimeMs = -1;
    try {
      const st = await stat(item.path);
      size = st.size;
      mtimeMs = st.mtimeMs;
    } catch {
      // unreadable now: the run reports it; -1 keeps the fingerprint stable until it is readable
    }
    inputs.push({ kind: 'file', path, id: item.id, format: item.format, size, mtimeMs });
  }
  return { inputs, options: sortedObject(options), pipeline: pipelineVersion };
}

const describeInput = (i: FingerprintInput): string => `'${i.path}'`;

/** The first difference between two fingerprints, in words (paths, option names, versions: no text). */
export function fingerprintDifference(was: RunFingerprint, now: RunFingerprint): string | null {
  if (was.pipeline !== now.pipeline) {
    return `the pipeline version is ${now.pipeline}, the run was made with ${was.pipeline}`;
  }
  const keys = new Set([...Object.keys(was.options), ...Object.keys(now.options)]);
  for (const key of [...keys].sort()) {
    if (JSON.stringify(was.options[key]) !== JSON.stringify(now.options[key])) {
      return `the option '${key}' differs from the run's`;
    }
  }
  const n = Math.min(was.inputs.length, now.inputs.length);
  for (let i = 0; i < n; i++) {
    const a = was.inputs[i] as FingerprintInput;
    const b = now.inputs[i] as FingerprintInput;
    if (a.path !== b.path || a.kind !== b.kind || a.id !== b.id) {
      return `input ${i + 1} is ${describeInput(b)}, the run read ${describeInput(a)} there`;
    }
    if (a.kind === 'file' && b.kind === 'file') {
      if (a.size !== b.size) return `input ${describeInput(b)} changed size (${a.size} -> ${b.size} bytes)`;
      if (a.mtimeMs !== b.mtimeMs) return `input ${describeInput(b)} was modified since the run`;
      if (a.format !== b.format)
        return `input ${describeInput(b)} is read as ${b.format}, the run read ${a.format}`;
    } else if (a.kind === 'failed' && b.kind === 'failed' && a.code !== b.code) {
      return `input ${describeInput(b)} fails with another error than in the run`;
    }
  }
  if (was.inputs.length !== now.inputs.length) {
    return now.inputs.length > was.inputs.length
      ? `input ${describeInput(now.inputs[n] as FingerprintInput)} was not in the run (${now.inputs.length} inputs, the run had ${was.inputs.length})`
      : `input ${describeInput(was.inputs[n] as FingerprintInput)} of the run is gone (${now.inputs.length} inputs, the run had ${was.inputs.length})`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// State file

/** The committed progress of a run. */
export interface Checkpoint {
  /** Records in the output (results and error records): the notes done, in input order. */
  readonly notes: number;
  readonly ok: number;
  readonly errors: number;
  readonly unreadable: number;
  /** Bytes of the output holding those records (complete lines). */
  readonly bytes: number;
  /** sha256 (hex) of the last min(bytes, 4096) committed bytes. */
  readonly tail: string;
  /** Id of the last record written, null before the first. */
  readonly lastId: string | null;
}

interface StateRow {
  fingerprint: string;
  notes: number;
  ok: number;
  errors: number;
  unreadable: number;
  bytes: number;
  tail: string;
  last_id: string | null;
  finished: number;
}

const EMPTY_TAIL = createHash('sha256').update(new Uint8Array(0)).digest('hex');

const stateInvalid = (path: string, e: unknown): ClinoteError =>
  new ClinoteError(
    'CLINOTE_E_RESUME_STATE_INVALID',
    `cannot read the resume state '${path}': ${errorReason(e)}`,
    { path, reason: errorReason(e) },
    { cause: e },
  );

/** The state file of one output, locked by this process while it is open. */
export class ResumeState {
  readonly path: string;
  readonly #db: BetterSqlite3.Database;

  private constructor(path: string, db: BetterSqlite3.Database) {
    this.path = path;
    this.#db = db;
  }

  /** Open (or create) the state file and lock it for this process. */
  static async open(path: string): Promise<ResumeState> {
    const { default: Database } = await import('better-sqlite3');
    let db: BetterSqlite3.Database;
    try {
      db = new Database(path, { timeout: 0 });
    } catch (e) {
      throw stateInvalid(path, e);
    }
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('synchronous = FULL');
      // takes the exclusive lock now and keeps it until close (locking_mode): one process at a time
      db.exec('BEGIN EXCLUSIVE');
      const version = db.pragma('user_version', { simple: true }) as number;
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
        name: string;
      }[];
      if (version === 0 && tables.length === 0) {
        db.exec(`CREATE TABLE run (
          k INTEGER PRIMARY KEY CHECK (k = 1),
          fingerprint TEXT NOT NULL,
          notes INTEGER NOT NULL,
          ok INTEGER NOT NULL,
          errors INTEGER NOT NULL,
          unreadable INTEGER NOT NULL,
          bytes INTEGER NOT NULL,
          tail TEXT NOT NULL,
          last_id TEXT,
          finished INTEGER NOT NULL,
          started_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        )`);
        db.pragma(`user_version = ${STATE_SCHEMA}`);
      } else if (version !== STATE_SCHEMA || !tables.some((t) => t.name === 'run')) {
        throw new Error(
          version > STATE_SCHEMA
            ? `written by a newer clinote (schema ${version})`
            : 'not a clinote resume state',
        );
      }
      db.exec('COMMIT');
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      try {
        db.close();
      } catch {
        // closing a failed handle
      }
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
        throw new ClinoteError(
          'CLINOTE_E_RESUME_LOCKED',
          `another clinote process is writing this output (its resume state '${path}' is locked)`,
          { path },
        );
      }
      throw stateInvalid(path, e);
    }
    return new ResumeState(path, db);
  }

  /** The run recorded, or null when the state is new. */
  read(): { fingerprint: RunFingerprint; checkpoint: Checkpoint; finished: boolean } | null {
    let row: StateRow | undefined;
    let fingerprint: RunFingerprint;
    try {
      row = this.#db.prepare('SELECT * FROM run WHERE k = 1').get() as StateRow | undefined;
      if (row === undefined) return null;
      fingerprint = JSON.parse(row.fingerprint) as RunFingerprint;
    } catch (e) {
      throw stateInvalid(this.path, e);
    }
    return {
      fingerprint,
      checkpoint: {
        notes: row.notes,
        ok: row.ok,
        errors: row.errors,
        unreadable: row.unreadable,
        bytes: row.bytes,
        tail: row.tail,
        lastId: row.last_id,
      },
      finished: row.finished === 1,
    };
  }

  /** A new run: its fingerprint, nothing done. */
  begin(fingerprint: RunFingerprint): void {
    const now = new Date().toISOString();
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO run (k, fingerprint, notes, ok, errors, unreadable, bytes, tail, last_id, finished, started_at, updated_at)
         VALUES (1, ?, 0, 0, 0, 0, 0, ?, NULL, 0, ?, ?)`,
      )
      .run(JSON.stringify(fingerprint), EMPTY_TAIL, now, now);
  }

  /** Commit a checkpoint (durable when this returns). The output must be fsynced up to `bytes`. */
  commit(c: Checkpoint, finished = false): void {
    this.#db
      .prepare(
        `UPDATE run SET notes = ?, ok = ?, errors = ?, unreadable = ?, bytes = ?, tail = ?, last_id = ?,
         finished = ?, updated_at = ? WHERE k = 1`,
      )
      .run(
        c.notes,
        c.ok,
        c.errors,
        c.unreadable,
        c.bytes,
        c.tail,
        c.lastId,
        finished ? 1 : 0,
        new Date().toISOString(),
      );
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/**
 * A run without `--resume` rewrites its output: a state left beside it by an earlier resumable run
 * no longer describes it, and is removed (with SQLite's journal, if any).
 */
export function dropResumeState(out: string): void {
  for (const p of [
    statePath(out),
    `${statePath(out)}-journal`,
    `${statePath(out)}-wal`,
    `${statePath(out)}-shm`,
  ]) {
    if (existsSync(p)) rmSync(p, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Output

const fdatasyncAsync = promisify(fdatasync);

/**
 * The output file written at known positions: every byte handed to it is on the file (in the page
 * cache) when `write` returns, so `position` is exactly the file's committed content once the
 * OutputSink above it is flushed. Keeps the last TAIL_BYTES for the state's hash.
 */
class PositionalFile extends Writable {
  readonly fd: number;
  position: number;
  #tail: Buffer;

  constructor(fd: number, position: number, tail: Buffer) {
    super({ highWaterMark: 1 << 20, decodeStrings: true });
    this.fd = fd;
    this.position = position;
    this.#tail = tail;
  }

  get tailHash(): string {
    return createHash('sha256').update(this.#tail).digest('hex');
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.#put(chunk);
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    try {
      this.#put(
        chunks.length === 1
          ? (chunks[0] as { chunk: Buffer }).chunk
          : Buffer.concat(chunks.map((c) => c.chunk)),
      );
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  #put(buf: Buffer): void {
    let done = 0;
    while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done, this.position + done);
    this.position += buf.length;
    this.#tail =
      buf.length >= TAIL_BYTES
        ? Buffer.from(buf.subarray(buf.length - TAIL_BYTES))
        : Buffer.concat([this.#tail, buf]).subarray(-TAIL_BYTES);
  }
}

function readTail(fd: number, end: number): Buffer {
  const length = Math.min(end, TAIL_BYTES);
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, end - length + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

// ---------------------------------------------------------------------------------------------
// The run

export interface ResumeOptions {
  /** Records between checkpoints, at most (default CHECKPOINT_NOTES). */
  readonly checkpointNotes?: number;
  /** Milliseconds between checkpoints, at most (default CHECKPOINT_MS). */
  readonly checkpointMs?: number;
  /** After each commit (tests: the state is never ahead of the output). */
  readonly onCommit?: (checkpoint: Checkpoint) => void;
}

/** A resumable run of one output: where it stands, its source filter and its sink. */
export interface ResumeRun {
  /** `fresh`: nothing done (a new state); `continue`: some notes done; `finished`: nothing left to do. */
  readonly status: 'fresh' | 'continue' | 'finished';
  /** The progress committed when the run was opened. */
  readonly start: Checkpoint;
  /** The progress committed last. */
  readonly committed: Checkpoint;
  /** The source without the notes already done (their ids checked). */
  source(source: NoteSource): NoteSource;
  /**
   * The sink: the output opened at the committed length (truncated there: a torn line goes), the
   * records appended and checkpointed. Call once.
   */
  sink(format: OutputFormat, options: WriterOptions): ResultSink;
  /** After `runBatch`: an uninterrupted run is committed as finished. Closes the state. */
  end(stats: BatchStats): void;
  /** Release the state (and its lock) without changing it. */
  close(): void;
}

const changed = (out: string, why: string): ClinoteError =>
  new ClinoteError(
    'CLINOTE_E_RESUME_INPUT_CHANGED',
    `cannot resume '${out}': ${why}; run the same command as the interrupted run, or run without --resume to start over`,
    { out, reason: why },
  );

const mismatch = (out: string, why: string): ClinoteError =>
  new ClinoteError(
    'CLINOTE_E_RESUME_OUTPUT_MISMATCH',
    `cannot resume '${out}': ${why}; run without --resume to start over`,
    { out, reason: why },
  );

/**
 * Open the resumable run of `out` for a run with this fingerprint: a new state (nothing done), or
 * the recorded one when its fingerprint matches and the output holds its committed bytes.
 */
export async function openResume(
  out: string,
  fingerprint: RunFingerprint,
  options: ResumeOptions = {},
): Promise<ResumeRun> {
  // a bad output path fails as it does without --resume (CLINOTE_E_OUTPUT_WRITE), before the state
  try {
    closeSync(openSync(out, 'a'));
  } catch (e) {
    throw outputError(`'${out}'`, e);
  }
  const state = await ResumeState.open(statePath(out));
  try {
    return prepare(out, state, fingerprint, options);
  } catch (e) {
    state.close();
    throw e;
  }
}

function prepare(
  out: string,
  state: ResumeState,
  fingerprint: RunFingerprint,
  options: ResumeOptions,
): ResumeRun {
  const recorded = state.read();
  const zero: Checkpoint = {
    notes: 0,
    ok: 0,
    errors: 0,
    unreadable: 0,
    bytes: 0,
    tail: EMPTY_TAIL,
    lastId: null,
  };
  let status: ResumeRun['status'] = 'fresh';
  let start = zero;
  if (recorded !== null) {
    const why = fingerprintDifference(recorded.fingerprint, fingerprint);
    if (why !== null) throw changed(out, why);
    start = recorded.checkpoint;
    status = recorded.finished ? 'finished' : start.notes > 0 ? 'continue' : 'fresh';
    // the output must hold the committed bytes, ending with the committed tail
    let size = -1;
    try {
      size = statSync(out).size;
    } catch {
      // missing: fine only when nothing was committed
    }
    if (size < start.bytes) {
      throw mismatch(
        out,
        `the output has ${Math.max(size, 0)} bytes, fewer than the ${start.bytes} committed`,
      );
    }
    if (start.bytes > 0) {
      const fd = openSync(out, 'r');
      try {
        const tail = createHash('sha256').update(readTail(fd, start.bytes)).digest('hex');
        if (tail !== start.tail)
          throw mismatch(out, 'its committed bytes differ from the state (it was replaced or edited)');
      } finally {
        closeSync(fd);
      }
    }
  } else {
    state.begin(fingerprint);
  }
  let committed = start;
  const checkpointNotes = Math.max(1, options.checkpointNotes ?? CHECKPOINT_NOTES);
  const checkpointMs = options.checkpointMs ?? CHECKPOINT_MS;
  let sinkMade = false;

  const run: ResumeRun = {
    status,
    start,
    get committed() {
      return committed;
    },

    source(source) {
      return skipDone(source, start.notes, start.lastId, out);
    },

    sink(format, writerOptions) {
      if (sinkMade) throw new Error('resume: sink() called twice');
      sinkMade = true;
      const label = `'${out}'`;
      let fd: number;
      let tail: Buffer;
      try {
        // open without truncating, then cut at the committed length: a torn last line, and the
        // records written after the last checkpoint, go (they are made again)
        fd = openSync(out, start.bytes > 0 ? 'r+' : 'w');
        if (fstatSync(fd).size !== start.bytes) ftruncateSync(fd, start.bytes);
        tail = readTail(fd, start.bytes);
      } catch (e) {
        throw outputError(label, e);
      }
      const file = new PositionalFile(fd, start.bytes, tail);
      const output = new OutputSink(file, label, true);
      const inner = formatSink(format, writerOptions, output);
      let { notes, ok, errors, unreadable } = start;
      let lastId = start.lastId;
      let since = 0;
      let at = performance.now();
      let closed = false;

      /** fsync the output, then commit the state: the state is never ahead of the bytes on disk. */
      const syncAndCommit = async (): Promise<void> => {
        try {
          await fdatasyncAsync(fd);
        } catch (e) {
          throw outputError(label, e);
        }
        const c: Checkpoint = {
          notes,
          ok,
          errors,
          unreadable,
          bytes: file.position,
          tail: file.tailHash,
          lastId,
        };
        state.commit(c);
        committed = c;
        options.onCommit?.(c);
      };

      const checkpoint = async (): Promise<void> => {
        await output.flush();
        // the bytes are on the file when the stream has taken them (PositionalFile writes at once)
        while (file.writableLength > 0) await new Promise((r) => setImmediate(r));
        if (output.error) throw output.error;
        await syncAndCommit();
        since = 0;
        at = performance.now();
      };

      const release = (): void => {
        if (closed) return;
        closed = true;
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      };

      return {
        open: () => inner.open(),
        async write(record) {
          await inner.write(record);
          notes++;
          if (record.type === 'result') ok++;
          else {
            errors++;
            if (record.unreadable) unreadable++;
          }
          lastId = record.id;
          since++;
          if (since >= checkpointNotes || performance.now() - at >= checkpointMs) await checkpoint();
        },
        async close(summary) {
          await inner.close(summary); // flushes and ends the stream: every byte is on the file
          try {
            await syncAndCommit();
          } finally {
            release();
          }
        },
        abort(error) {
          // the last checkpoint stays: a resume starts from it
          inner.abort(error);
          release();
        },
      };
    },

    end(stats) {
      if (!stats.interrupted && status !== 'finished') state.commit(committed, true);
      state.close();
    },

    close() {
      state.close();
    },
  };
  return run;
}

const producesRecord = (e: SourceEvent): e is Exclude<SourceEvent, { type: 'progress' }> =>
  e.type !== 'progress';

const eventId = (e: Exclude<SourceEvent, { type: 'progress' }>): string =>
  e.type === 'note' ? e.note.id : e.id;

/**
 * The source without its first `done` records' events (notes, per-note errors, unreadable inputs:
 * one record each, in order). The last one skipped must have the id committed last; a source with
 * fewer events, or another id there, is an input that changed (CLINOTE_E_RESUME_INPUT_CHANGED).
 * Progress events pass (the bytes read count for the progress bar).
 */
export function skipDone(source: NoteSource, done: number, lastId: string | null, out: string): NoteSource {
  if (done === 0) return source;
  return {
    totalBytes: source.totalBytes,
    skipped: source.skipped,
    async *events(signal) {
      let skipped = 0;
      for await (const event of source.events(signal)) {
        if (skipped < done && producesRecord(event)) {
          skipped++;
          if (skipped === done && lastId !== null && eventId(event) !== lastId) {
            throw changed(out, `note ${done} of the input is not '${lastId}', the last note done`);
          }
          continue;
        }
        yield event;
      }
      if (skipped < done && !signal?.aborted) {
        throw changed(out, `the input holds ${skipped} notes, fewer than the ${done} already done`);
      }
    },
  };
}

/**
 * Where a batch's notes come from. A source is an async iterable of events in input order: notes,
 * per-note errors (a malformed line), unreadable inputs, and bytes read (progress). Files,
 * directories, stdin, NDJSON and CSV are `fileSource`; tests and the HTTP server use
 * `memorySource`; a later source (database rows, a queue) is one more implementation.
 */
import { resolve } from 'node:path';
import type { ByteSource } from '../io/lines.js';
import type { InputEvent, ReadOptions } from '../io/notes.js';
import { readPlanItems } from '../io/notes.js';
import { type InputFormat, type Plan, planInputs } from '../io/plan.js';
import type { NoteInput } from '../pipeline/pipeline.js';

/**
 * One event of a source:
 * - `note`: a note to process;
 * - `error`: a note that cannot be processed (malformed line, missing field, too large): it gets an
 *   error record in its place;
 * - `unreadable`: an input that cannot be read at all: an error record, counted as unreadable;
 * - `progress`: bytes consumed (for a progress bar).
 */
export type SourceEvent = InputEvent;

export interface NoteSource {
  /** Bytes the source will read in all, when known (a progress bar's total); null when unknown. */
  readonly totalBytes: number | null;
  /** Inputs left out before reading (directory entries of other types): the summary's `skippedFiles`. */
  readonly skipped: number;
  /**
   * The events, in input order. Iterated once. The consumer stops pulling when `signal` aborts
   * (and closes the iterator); a source may also stop by itself then.
   */
  events(signal?: AbortSignal): AsyncIterable<SourceEvent>;
}

export interface PlanFilesOptions {
  readonly stdinFormat: InputFormat;
  /** A path never read as input (the output file of `--out`, about to be truncated): counted as skipped. */
  readonly exclude?: string;
}

/** Expand files, directories and `-` into the ordered list to read (see src/io/plan.ts). */
export async function planFiles(inputs: readonly string[], options: PlanFilesOptions): Promise<Plan> {
  const plan = await planInputs(inputs, { stdinFormat: options.stdinFormat });
  if (options.exclude === undefined) return plan;
  const out = resolve(options.exclude);
  const items = plan.items.filter((i) => i.kind === 'stdin' || resolve(i.path) !== out);
  return { ...plan, items, skipped: plan.skipped + plan.items.length - items.length };
}

/**
 * How many notes the plan holds when that is known before reading (only text files, one note
 * each), else null (NDJSON, CSV, stdin: one note per line or row).
 */
export function knownNoteCount(plan: Plan): number | null {
  let n = 0;
  for (const item of plan.items) {
    if (item.kind === 'stdin' || (item.kind === 'file' && item.format !== 'text')) return null;
    n++;
  }
  return n;
}

/** The notes of planned files, directories and stdin (`.txt`, NDJSON, CSV), as `clinote extract` reads them. */
export function fileSource(plan: Plan, stdin: ByteSource, options: ReadOptions): NoteSource {
  return {
    totalBytes: plan.stdin ? null : plan.totalBytes,
    skipped: plan.skipped,
    async *events(signal) {
      if (signal?.aborted) return;
      for await (const event of readPlanItems(plan.items, stdin, options)) {
        yield event;
        if (signal?.aborted) return;
      }
    },
  };
}

/** Notes (and events) held in memory: for tests and the HTTP server. */
export function memorySource(items: Iterable<NoteInput | SourceEvent>): NoteSource {
  return {
    totalBytes: null,
    skipped: 0,
    async *events(signal) {
      for (const item of items) {
        if (signal?.aborted) return;
        yield 'type' in item ? item : { type: 'note', note: item };
      }
    },
  };
}

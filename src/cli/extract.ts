/**
 * `clinote extract`: plan the inputs, run the batch (src/batch/: on this thread, or on worker
 * threads with `--workers`), one record per note (a result or an error result) in input order, and
 * a summary on stderr. Loaded lazily by the command.
 *
 * Exit: 0 all ok; 1 some notes failed; 2 some input could not be read; 3 config/pipeline error;
 * 4 output write error; 64 usage; 130 interrupted.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BatchRecord } from '../batch/records.js';
import { type ChunkEngine, runBatch } from '../batch/runner.js';
import { formatSink } from '../batch/sink.js';
import { fileSource, knownNoteCount, planFiles } from '../batch/source.js';
import type { BatchStats } from '../batch/stats.js';
import type { WorkerPipelineOptions } from '../batch/wire.js';
import { DEFAULT_PIPELINE, loadPipeline, readConfigFile } from '../engine.js';
import { ClinoteError } from '../errors/error.js';
import { isSingleNoteInput, type Plan } from '../io/plan.js';
import { OutputSink } from '../io/sink.js';
import { getFormat } from '../output/writers.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { resourcePath } from '../resources.js';
import type { ExtractOptions } from './extract-options.js';
import { createProgress, noProgress, type Progress } from './progress.js';
import { formatSummary } from './summary.js';
import type { CliContext } from './types.js';

/** Per-note error lines on stderr before they are only counted. */
const MAX_ERROR_LINES = 20;

/**
 * Below this much input (files whose size is known), the default is to run on this thread: every
 * worker thread pays its own start-up and JIT warm-up (seconds of CPU with the default pipeline,
 * docs/bench.md), more than it saves on a few thousand notes.
 */
export const SMALL_INPUT_BYTES = 4 << 20;

/**
 * Worker threads: `--workers`, else one per core; 1 for a single note by nature (one `.txt`, or
 * stdin as text) or, by default, a small input (files under SMALL_INPUT_BYTES in all: starting the
 * threads would cost more than they save); never more than the notes when their number is known.
 */
export function workerCount(requested: number | undefined, plan: Plan, single: boolean): number {
  if (single) return 1;
  const small = !plan.stdin && plan.totalBytes < SMALL_INPUT_BYTES;
  const n = requested ?? (small ? 1 : availableParallelism());
  const known = knownNoteCount(plan);
  return known === null ? n : Math.max(1, Math.min(n, known));
}

export async function runExtract(
  inputs: string[],
  options: ExtractOptions,
  ctx: CliContext,
): Promise<number> {
  const { io } = ctx;
  const env = io.env ?? process.env;
  const started = performance.now();
  if (inputs.filter((a) => a === '-').length > 1) {
    throw new ClinoteError('CLINOTE_E_CLI_USAGE', "'-' (stdin) can be given only once", {});
  }
  // an input named as the output would be truncated before it is read: refuse, nothing is touched
  if (options.out !== undefined) {
    const out = resolve(options.out);
    if (inputs.some((a) => a !== '-' && resolve(a) === out)) {
      throw new ClinoteError(
        'CLINOTE_E_CLI_USAGE',
        '--out names one of the inputs: choose another output file',
        {},
      );
    }
  }
  const format = getFormat(options.format);
  if (!format) {
    throw new ClinoteError('CLINOTE_E_CLI_USAGE', `unknown --format '${options.format}'`, {});
  }

  // --pack, else $CLINOTE_PACK (the components read no environment); the config file is read once
  const envPack = env.CLINOTE_PACK;
  const pack = options.pack ?? (envPack !== undefined && envPack !== '' ? envPack : undefined);
  const load: WorkerPipelineOptions = {
    config: readConfigFile(options.pipeline ?? resourcePath(DEFAULT_PIPELINE)),
    ...(pack !== undefined ? { pack } : {}),
    ...(options.maxBytes !== undefined ? { maxNoteBytes: options.maxBytes } : {}),
  };

  const plan = await planFiles(inputs, {
    stdinFormat: options.stdinFormat,
    // never read the output file of an earlier run as input (it is about to be truncated)
    ...(options.out !== undefined ? { exclude: options.out } : {}),
  });
  const single = isSingleNoteInput(plan, inputs);
  const threads = workerCount(options.workers, plan, single);

  // config errors (exit 3) before any output is opened
  let engine: Pipeline | ChunkEngine;
  let pool: { close(): Promise<void> } | undefined;
  if (threads > 1) {
    const { WorkerPool } = await import('../batch/pool.js');
    const p = await WorkerPool.start(load, { threads });
    pool = p;
    engine = p;
  } else {
    engine = await loadPipeline(load);
  }
  const pipeline = 'threads' in engine ? engine.pipeline : engine;

  let stats: BatchStats;
  try {
    const out =
      options.out !== undefined ? OutputSink.toFile(options.out) : new OutputSink(io.stdout, 'stdout', false);
    const quiet = options.quiet === true;
    const line = (l: string): void => {
      io.stderr.write(`${l}\n`);
    };
    let progress: Progress = noProgress(line);
    if (!quiet && options.progress && io.stderr.isTTY === true) {
      progress = await createProgress(io.stderr, plan.stdin ? null : plan.totalBytes, line);
    }
    const say = (l: string): void => progress.log(`clinote: ${l}`);
    let errorLines = 0;
    const onRecord = (record: BatchRecord): void => {
      if (record.type !== 'error') return;
      if (record.unreadable) {
        // always said, even with --quiet: it decides the exit code
        say(`error ${record.code}: ${record.message}`);
        return;
      }
      if (quiet) return;
      if (errorLines < MAX_ERROR_LINES) say(`${record.id}: ${record.code}`);
      else if (errorLines === MAX_ERROR_LINES) say('more note errors: see the output and the summary');
      errorLines++;
    };

    const source = fileSource(plan, io.stdin, {
      textField: options.textField,
      idField: options.idField,
      dateField: options.dateField,
      maxNoteBytes: pipeline.maxNoteBytes,
      ...(quiet ? {} : { hint: say }),
    });
    try {
      stats = await runBatch(source, formatSink(format, { single }, out), engine, {
        records: { format: format.name, text: options.text === true, tokens: options.tokens === true },
        ...(io.signal ? { signal: io.signal } : {}),
        onRecord,
        onProgress: (s) => progress.update(s.bytes, s.notes, s.errors),
      });
    } finally {
      progress.stop();
    }

    const seconds = (performance.now() - started) / 1000;
    if (!quiet) ctx.log(formatSummary(stats.summary(), seconds));
  } finally {
    await pool?.close();
  }
  if (env.CLINOTE_DEBUG === '1') {
    // the whole process: every thread's memory is counted
    const rss = process.resourceUsage().maxRSS / 1024;
    ctx.log(
      `debug: ${threads > 1 ? `${threads} worker threads` : 'in-thread'}, peak RSS ${rss.toFixed(0)} MB`,
    );
  }
  if (stats.interrupted) {
    ctx.log('interrupted: the output holds the notes done so far');
    return 130;
  }
  if (stats.unreadable > 0) return 2;
  if (stats.errors > 0) return 1;
  return 0;
}

/**
 * `clinote extract`: plan the inputs, run the batch (src/batch/: on this thread, or on worker
 * threads with `--workers`), one record per note (a result or an error result) in input order, and
 * a summary on stderr. Loaded lazily by the command.
 *
 * Exit: 0 all ok; 1 some notes failed; 2 some input could not be read; 3 config/pipeline error;
 * 4 output write error; 64 usage; 130 interrupted.
 */

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BatchRecord } from '../batch/records.js';
import {
  type Checkpoint,
  checkResumable,
  dropResumeState,
  openResume,
  type ResumeRun,
  runFingerprint,
  statePath,
} from '../batch/resume.js';
import { type ChunkEngine, runBatch } from '../batch/runner.js';
import { formatSink } from '../batch/sink.js';
import { fileSource, knownNoteCount, planFiles } from '../batch/source.js';
import type { BatchStats } from '../batch/stats.js';
import type { WorkerPipelineOptions } from '../batch/wire.js';
import { DEFAULT_PIPELINE, loadPipeline, readConfigFile } from '../engine.js';
import { ClinoteError } from '../errors/error.js';
import { isSingleNoteInput, type Plan } from '../io/plan.js';
import { OutputSink } from '../io/sink.js';
import { useColor } from '../output/summary.js';
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
  // no --format: a readable summary for a person at a terminal, else the JSON document
  const stdoutTTY = options.out === undefined && (io.stdout as { isTTY?: boolean }).isTTY === true;
  const formatName = options.format ?? (stdoutTTY ? 'summary' : 'json');
  const format = getFormat(formatName);
  if (!format) {
    throw new ClinoteError('CLINOTE_E_CLI_USAGE', `unknown --format '${formatName}'`, {});
  }

  // --pack, else $CLINOTE_PACK (the components read no environment); the config file is read once
  const envPack = env.CLINOTE_PACK;
  const pack = options.pack ?? (envPack !== undefined && envPack !== '' ? envPack : undefined);
  // `models:/` references (the model registry, docs/registry.md) are resolved here, once, so that
  // worker threads get artifact paths; `--pipeline models:/NAME@ALIAS` names a registered pipeline
  const given = options.pipeline;
  const raw = given?.startsWith('models:/') ? given : readConfigFile(given ?? resourcePath(DEFAULT_PIPELINE));
  const config = JSON.stringify(raw).includes('models:/')
    ? await (await import('../registry/resolve.js')).resolveFromEnv(raw, env)
    : raw;
  const load: WorkerPipelineOptions = {
    config,
    ...(pack !== undefined ? { pack } : {}),
    ...(options.maxBytes !== undefined ? { maxNoteBytes: options.maxBytes } : {}),
  };

  const plan = await planFiles(inputs, {
    stdinFormat: options.stdinFormat,
    // never read the output file of an earlier run as input (it is about to be truncated)
    ...(options.out !== undefined ? { exclude: options.out } : {}),
  });
  const single = isSingleNoteInput(plan, inputs);
  // --resume appends: refused (nothing loaded, nothing written) without --out, with stdin, or json
  if (options.resume === true) {
    checkResumable({ out: options.out, format: format.name, single, stdin: plan.stdin });
  }
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
  let resume: ResumeRun | undefined;
  /** With --resume: the counts of the whole run, earlier sessions included. */
  let whole: Checkpoint | undefined;
  try {
    if (options.resume === true && options.out !== undefined) {
      resume = await openResume(
        options.out,
        await runFingerprint(plan, resultOptions(options, single, pipeline), pipeline.stamp.version),
      );
      if (resume.status === 'finished') {
        const done = resume.start;
        ctx.log(`'${options.out}' is finished (${done.notes} notes): nothing to resume`);
        return done.unreadable > 0 ? 2 : done.errors > 0 ? 1 : 0;
      }
      if (resume.status === 'continue' && options.quiet !== true) {
        const n = resume.start.notes;
        ctx.log(`resuming '${options.out}': ${n} note${n === 1 ? '' : 's'} already done`);
      }
    }
    const sink =
      resume !== undefined
        ? resume.sink(format, { single })
        : formatSink(
            format,
            { single, color: useColor(env, stdoutTTY) },
            options.out !== undefined
              ? OutputSink.toFile(options.out)
              : new OutputSink(io.stdout, 'stdout', false),
          );
    // a rewritten output: the resume state of an earlier run no longer describes it
    if (resume === undefined && options.out !== undefined && existsSync(statePath(options.out))) {
      dropResumeState(options.out);
    }
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
      ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
      ndjsonMode: options.inputFormat,
      ...(quiet ? {} : { hint: say }),
    });
    try {
      stats = await runBatch(resume ? resume.source(source) : source, sink, engine, {
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
    if (resume !== undefined) {
      whole = resume.committed;
      resume.end(stats);
      if (!quiet && resume.start.notes > 0) {
        ctx.log(
          `whole run: ${whole.notes} notes, ${whole.ok} ok, ${whole.errors} errors (${resume.start.notes} from earlier runs)`,
        );
      }
    }
  } finally {
    resume?.close();
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
  const all = whole ?? stats;
  if (all.unreadable > 0) return 2;
  if (all.errors > 0) return 1;
  return 0;
}

/** Options that are not in the fingerprint of a resumable run: where it goes, how fast, what it says. */
const NOT_IN_FINGERPRINT = new Set([
  'out',
  'workers',
  'progress',
  'quiet',
  'resume',
  'pipeline',
  'pack',
  'maxBytes',
]);

/**
 * The options that change the output, for a resumable run's fingerprint: every option but those
 * above (the pipeline config and the pack are in the pipeline version; the size limit is the
 * pipeline's), with the input's nature and the size limit in effect.
 */
function resultOptions(
  options: ExtractOptions,
  single: boolean,
  pipeline: Pipeline,
): Record<string, unknown> {
  const kept = Object.entries(options).filter(([k]) => !NOT_IN_FINGERPRINT.has(k));
  return { ...Object.fromEntries(kept), single, maxNoteBytes: pipeline.maxNoteBytes };
}

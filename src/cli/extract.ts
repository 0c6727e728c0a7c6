/**
 * `clinote extract`: plan the inputs, stream every note through the pipeline, write one record per
 * note (a result or an error result) and a summary on stderr. Loaded lazily by the command.
 *
 * Exit: 0 all ok; 1 some notes failed; 2 some input could not be read; 3 config/pipeline error;
 * 4 output write error; 64 usage; 130 interrupted.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadPipeline } from '../engine.js';
import { ClinoteError } from '../errors/error.js';
import { readPlanItems } from '../io/notes.js';
import { isSingleNoteInput, planInputs } from '../io/plan.js';
import { OutputSink } from '../io/sink.js';
import { toErrorResult, toResult } from '../output/result.js';
import type { Result } from '../output/schema.js';
import { getFormat } from '../output/writers.js';
import type { ExtractOptions } from './commands/extract.js';
import { createProgress, noProgress, type Progress } from './progress.js';
import { BatchStats, formatSummary } from './summary.js';
import type { CliContext } from './types.js';

/** Per-note error lines on stderr before they are only counted. */
const MAX_ERROR_LINES = 20;

export async function runExtract(
  inputs: string[],
  options: ExtractOptions,
  ctx: CliContext,
): Promise<number> {
  const { io } = ctx;
  const started = performance.now();
  if (inputs.filter((a) => a === '-').length > 1) {
    throw new ClinoteError('CLINOTE_E_CLI_USAGE', "'-' (stdin) can be given only once", {});
  }
  const format = getFormat(options.format);
  if (!format) {
    throw new ClinoteError('CLINOTE_E_CLI_USAGE', `unknown --format '${options.format}'`, {});
  }

  // config errors (exit 3) before any output is opened
  const pipeline = await loadPipeline({
    ...(options.pipeline !== undefined ? { configPath: options.pipeline } : {}),
    ...(options.pack !== undefined ? { pack: options.pack } : {}),
    ...(options.maxBytes !== undefined ? { maxNoteBytes: options.maxBytes } : {}),
  });

  let plan = await planInputs(inputs, { stdinFormat: options.stdinFormat });
  if (options.out !== undefined) {
    // never read the output file of an earlier run as input (it is about to be truncated)
    const out = resolve(options.out);
    const items = plan.items.filter((i) => i.kind === 'stdin' || resolve(i.path) !== out);
    plan = { ...plan, items, skipped: plan.skipped + plan.items.length - items.length };
  }
  const sink =
    options.out !== undefined ? OutputSink.toFile(options.out) : new OutputSink(io.stdout, 'stdout', false);
  const writer = format.create({ single: isSingleNoteInput(plan, inputs) });
  const stats = new BatchStats();
  stats.skippedFiles = plan.skipped;

  const quiet = options.quiet === true;
  const line = (l: string): void => {
    io.stderr.write(`${l}\n`);
  };
  let progress: Progress = noProgress(line);
  if (!quiet && options.progress && io.stderr.isTTY === true) {
    progress = await createProgress(io.stderr, plan.stdin ? null : plan.totalBytes, line);
  }
  const say = (line: string): void => progress.log(`clinote: ${line}`);
  let errorLines = 0;
  const noteError = (id: string, code: string): void => {
    if (quiet) return;
    if (errorLines < MAX_ERROR_LINES) say(`${id}: ${code}`);
    else if (errorLines === MAX_ERROR_LINES) say('more note errors: see the output and the summary');
    errorLines++;
  };

  const resultOptions = { text: options.text === true, tokens: options.tokens === true };
  let interrupted = false;
  try {
    await sink.write(writer.begin());
    const events = readPlanItems(plan.items, io.stdin, {
      textField: options.textField,
      idField: options.idField,
      dateField: options.dateField,
      maxNoteBytes: pipeline.maxNoteBytes,
      ...(quiet ? {} : { hint: say }),
    });
    for await (const event of events) {
      switch (event.type) {
        case 'note': {
          const outcome = await pipeline.process(event.note);
          if (outcome.ok) {
            stats.addResult(outcome.doc.flags);
            const record = format.record
              ? format.record(outcome.doc, pipeline, resultOptions)
              : toResult(outcome.doc, pipeline, resultOptions);
            await sink.write(writer.result(record as Result));
          } else {
            stats.addError(outcome.error.code);
            noteError(outcome.id, outcome.error.code);
            await sink.write(writer.error(toErrorResult(outcome.id, outcome.error, pipeline)));
          }
          break;
        }
        case 'error':
          stats.addError(event.error.code);
          noteError(event.id, event.error.code);
          await sink.write(writer.error(toErrorResult(event.id, event.error, pipeline)));
          break;
        case 'unreadable':
          // always said, even with --quiet: it decides the exit code
          stats.addError(event.error.code, true);
          progress.log(`clinote: error ${event.error.code}: ${event.error.message}`);
          await sink.write(writer.error(toErrorResult(event.id, event.error, pipeline)));
          break;
        case 'progress':
          stats.bytes += event.bytes;
          progress.update(stats.bytes, stats.notes, stats.errors);
          break;
      }
      if (io.signal?.aborted) {
        interrupted = true;
        break;
      }
    }
    await sink.write(writer.end(stats.summary()));
    await sink.close();
  } catch (e) {
    progress.stop();
    sink.abort();
    throw e;
  }
  progress.stop();

  const seconds = (performance.now() - started) / 1000;
  if (!quiet) ctx.log(formatSummary(stats.summary(), seconds));
  if (interrupted) {
    ctx.log('interrupted: the output holds the notes done so far');
    return 130;
  }
  if (stats.unreadable > 0) return 2;
  if (stats.errors > 0) return 1;
  return 0;
}

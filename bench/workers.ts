/**
 * Worker-thread benchmark: `npm run build && node dist/bench/workers.js [options]`. A script, never
 * a test: nothing here asserts a time. See docs/bench.md, "Worker threads".
 *
 * Runs the whole command `clinote extract <corpus> --text-field transcription --format ndjson
 * --out <tmp> --workers N` (dist/cli/main.js, a child process) for each N, interleaved
 * (1, 2, 1, 2, ...), and reports per N the median over the runs of:
 * - notes/s: notes written / wall time of the command (process start to exit);
 * - peak RSS of the process, all threads together: `process.resourceUsage().maxRSS`, which the CLI
 *   prints with CLINOTE_DEBUG=1 (`clinote: debug: ..., peak RSS N MB`).
 * It also checks that every N wrote the same bytes (sha256 of the output).
 *
 * Corpus: MTSamples (`mtsamples/mtsamples.csv` in the shared data dir, column `transcription`);
 * skipped with a message when absent (set CLINOTE_DATA_DIR), unless --corpus is given.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { packageRoot } from '../src/resources.js';
import { median } from './stats.js';

const USAGE = `usage: node dist/bench/workers.js [--runs N] [--workers 1,2] [--format ndjson]
                                  [--corpus PATH] [--field NAME] [--json]
  --runs N        runs per worker count, interleaved; the median is reported (default 3)
  --workers LIST  worker counts to compare (default 1,2)
  --format NAME   output format (default ndjson)
  --corpus PATH   input (default: MTSamples from the shared data dir)
  --field NAME    text column/field (default: transcription)
  --json          print one JSON object instead of the table`;

interface Run {
  readonly workers: number;
  readonly seconds: number;
  readonly notes: number;
  readonly rssMB: number;
  readonly sha256: string;
}

function runOnce(main: string, corpus: string, field: string, format: string, workers: number): Run {
  const out = join(tmpdir(), `clinote-bench-workers-${process.pid}.out`);
  const args = [main, 'extract', corpus, '--text-field', field, '--format', format, '--out', out];
  args.push('--workers', String(workers));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    env: { ...process.env, CLINOTE_DEBUG: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`clinote extract --workers ${workers} exited ${r.status}:\n${r.stderr}`);
  }
  const notes = Number(/(\d+) notes?, /.exec(r.stderr)?.[1] ?? Number.NaN);
  const rssMB = Number(/peak RSS (\d+) MB/.exec(r.stderr)?.[1] ?? Number.NaN);
  const sha256 = createHash('sha256').update(readFileSync(out)).digest('hex');
  rmSync(out, { force: true });
  return { workers, seconds, notes, rssMB, sha256 };
}

function main(): number {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      workers: { type: 'string' },
      format: { type: 'string' },
      corpus: { type: 'string' },
      field: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const runs = Number(values.runs ?? 3);
  const counts = (values.workers ?? '1,2').split(',').map(Number);
  if (!Number.isSafeInteger(runs) || runs < 1 || counts.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const corpus = values.corpus ?? sharedDataPath('mtsamples', 'mtsamples.csv');
  if (corpus === null) {
    process.stderr.write(`bench: ${missingDataMessage('mtsamples', 'mtsamples.csv')}\n`);
    return 0;
  }
  const field = values.field ?? 'transcription';
  const format = values.format ?? 'ndjson';
  const cli = join(packageRoot(), 'dist', 'cli', 'main.js');

  const all: Run[] = [];
  const load: number[] = [loadavg()[0] ?? 0];
  for (let i = 0; i < runs; i++) {
    for (const n of counts) {
      const r = runOnce(cli, corpus, field, format, n);
      all.push(r);
      load.push(loadavg()[0] ?? 0);
      process.stderr.write(
        `bench: run ${i + 1}/${runs} --workers ${n}: ${r.seconds.toFixed(2)} s, ${r.rssMB} MB\n`,
      );
    }
  }
  const rows = counts.map((n) => {
    const mine = all.filter((r) => r.workers === n);
    const seconds = median(mine.map((r) => r.seconds));
    const notes = mine[0]?.notes ?? Number.NaN;
    return {
      workers: n,
      notes,
      medianSeconds: seconds,
      notesPerSecond: notes / seconds,
      secondsPerRun: mine.map((r) => r.seconds),
      peakRssMB: median(mine.map((r) => r.rssMB)),
    };
  });
  const identical = new Set(all.map((r) => r.sha256)).size === 1;
  const base = rows[0];
  const report = {
    schema: 'clinote-bench-workers/1',
    date: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    loadAverage: { min: Math.min(...load), max: Math.max(...load) },
    corpus,
    format,
    runs,
    identicalOutput: identical,
    rows: rows.map((r) => ({ ...r, speedup: base ? r.notesPerSecond / base.notesPerSecond : 1 })),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      `clinote extract ${corpus} --format ${format}: ${runs} runs per worker count (median), ${report.cores} cores, load ${report.loadAverage.min.toFixed(1)}-${report.loadAverage.max.toFixed(1)}`,
      '',
      '| --workers | notes | median s | notes/s | speed-up | peak RSS MB | runs (s) |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...report.rows.map(
        (r) =>
          `| ${r.workers} | ${r.notes} | ${r.medianSeconds.toFixed(2)} | ${r.notesPerSecond.toFixed(0)} | ${r.speedup.toFixed(2)}x | ${r.peakRssMB} | ${r.secondsPerRun.map((s) => s.toFixed(2)).join(', ')} |`,
      ),
      '',
      `output identical across worker counts: ${identical ? 'yes' : 'NO'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return identical ? 0 : 1;
}

process.exitCode = main();

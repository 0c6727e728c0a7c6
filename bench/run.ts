/**
 * Throughput benchmark: `npm run build && npm run bench [-- --json] [--corpus PATH] [--limit N]`.
 * See bench/README.md. A script, never a test: nothing here asserts a time.
 *
 * Corpus: MTSamples (shared data, column `transcription`) when present, else examples/notes/*.txt.
 * Per component (each run in sequence on a Doc holding the earlier layers), the whole pipeline
 * (`pipeline.process`) and the JSON serialization: notes/s, MB/s on one core, p50/p99 ms per note.
 * Then peak RSS, heap, and the CLI cold start (`node dist/cli/main.js extract <note>`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sharedDataPath } from '../src/data.js';
import { Doc } from '../src/doc/doc.js';
import { loadPipelineSync } from '../src/engine-sync.js';
import { readPlanItems } from '../src/io/notes.js';
import { planInputs } from '../src/io/plan.js';
import { toResult } from '../src/output/result.js';
import type { Pipeline } from '../src/pipeline/pipeline.js';
import { packageRoot } from '../src/resources.js';
import { type BenchReport, type BenchRow, formatReport, median, row } from './stats.js';

interface Note {
  readonly id: string;
  readonly text: string;
  readonly bytes: number;
}

interface Corpus {
  readonly name: string;
  readonly path: string;
  readonly notes: Note[];
  readonly skippedEmpty: number;
  readonly skippedErrors: number;
  readonly bytes: number;
}

const USAGE = `usage: npm run bench -- [--json] [--corpus PATH] [--field NAME] [--limit N] [--repeat N]
                          [--warmup N] [--pipeline CONFIG] [--cold-runs N] [--no-cold-start]
  --corpus PATH   a .csv/.ndjson/.txt file or a directory of .txt (default: MTSamples, else examples/notes)
  --field NAME    text column/field of a CSV/NDJSON corpus (default: transcription for MTSamples, else text)
  --limit N       first N notes only
  --repeat N      timed passes of the whole pipeline; the median pass is reported (default 3)
  --warmup N      notes run before timing (default: one pass over the whole corpus)
  --cold-runs N   CLI cold-start runs (default 10)
  --json          print one JSON object instead of the table`;

function intOption(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}`);
  return n;
}

async function loadCorpus(
  path: string | undefined,
  field: string | undefined,
  limit: number,
): Promise<Corpus> {
  let corpusPath = path;
  let name: string;
  let textField = field ?? 'text';
  if (corpusPath === undefined) {
    const mts = sharedDataPath('mtsamples', 'mtsamples.csv');
    if (mts) {
      corpusPath = mts;
      name = 'mtsamples';
      textField = field ?? 'transcription';
    } else {
      corpusPath = join(packageRoot(), 'examples', 'notes');
      name = 'examples/notes';
      process.stderr.write('bench: MTSamples not found (set CLINOTE_DATA_DIR); using examples/notes\n');
    }
  } else name = corpusPath;

  const plan = await planInputs([corpusPath], { stdinFormat: 'text' });
  const notes: Note[] = [];
  let skippedEmpty = 0;
  let skippedErrors = 0;
  let bytes = 0;
  const events = readPlanItems(plan.items, [], {
    textField,
    idField: 'id',
    dateField: 'noteDate',
    maxNoteBytes: 64 << 20,
  });
  for await (const e of events) {
    if (e.type === 'note') {
      if (e.note.text.trim() === '') {
        skippedEmpty++;
        continue;
      }
      if (notes.length >= limit) continue; // keep counting the empty ones
      const b = Buffer.byteLength(e.note.text, 'utf8');
      notes.push({ id: e.note.id, text: e.note.text, bytes: b });
      bytes += b;
    } else if (e.type === 'error' || e.type === 'unreadable') skippedErrors++;
  }
  return { name, path: corpusPath, notes, skippedEmpty, skippedErrors, bytes };
}

const gc = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};

function heapMB(): number {
  return process.memoryUsage().heapUsed / 1e6;
}

function componentRows(pipeline: Pipeline, notes: readonly Note[], bytes: number): BenchRow[] {
  const times = pipeline.components.map(() => new Float64Array(notes.length));
  const ctx = { signal: new AbortController().signal };
  notes.forEach((note, n) => {
    const doc = new Doc(note.text, { id: note.id });
    pipeline.components.forEach((c, i) => {
      const t0 = performance.now();
      void c.run(doc, ctx);
      times[i]![n] = performance.now() - t0;
    });
  });
  return pipeline.components.map((c, i) => row(c.name, Array.from(times[i]!), bytes));
}

function pipelineTimes(pipeline: Pipeline, notes: readonly Note[], onSample: () => void): number[] {
  const times = new Array<number>(notes.length);
  let failures = 0;
  notes.forEach((note, n) => {
    const t0 = performance.now();
    const out = pipeline.processSync({ id: note.id, text: note.text });
    times[n] = performance.now() - t0;
    if (!out.ok) failures++;
    if (n % 100 === 0) onSample();
  });
  if (failures > 0)
    process.stderr.write(`bench: ${failures} note(s) failed in the pipeline (counted in the times)\n`);
  return times;
}

function serializeRow(pipeline: Pipeline, notes: readonly Note[], bytes: number): BenchRow {
  const times: number[] = [];
  for (const note of notes) {
    const out = pipeline.processSync({ id: note.id, text: note.text });
    if (!out.ok) continue;
    const t0 = performance.now();
    JSON.stringify(toResult(out.doc, pipeline));
    times.push(performance.now() - t0);
  }
  return row('serialize (toResult + JSON)', times, bytes);
}

/**
 * The CLI on one example note, spawned `runs` times, each run next to a `node -e 0` run (so that a
 * change of load on a shared machine moves both). One unmeasured run first: the file cache, and the
 * compiled-resource cache (`$CLINOTE_CACHE_DIR`, else ~/.cache/clinote) that every later start
 * reads. `log` also gets the start without that cache (the first run after an install or an
 * upgrade of the rule files), which the report leaves out.
 */
function coldStart(runs: number, log: (s: string) => void): BenchReport['coldStart'] {
  const root = packageRoot();
  const main = join(root, 'dist', 'cli', 'main.js');
  const notesDir = join(root, 'examples', 'notes');
  if (!existsSync(main) || !existsSync(notesDir)) return null;
  const note = readdirSync(notesDir)
    .filter((f) => f.endsWith('.txt'))
    .sort()[0];
  if (!note) return null;
  const notePath = join('examples', 'notes', note);
  const time = (args: string[], env: NodeJS.ProcessEnv = process.env): number => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'ignore'] });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`cold start: node ${args.join(' ')} exited ${r.status}`);
    return ms;
  };
  const args = [join('dist', 'cli', 'main.js'), 'extract', notePath, '--quiet'];
  time(args); // file cache, compiled-resource cache
  const samples: number[] = [];
  const baselines: number[] = [];
  for (let i = 0; i < runs; i++) {
    samples.push(time(args));
    baselines.push(time(['-e', '0']));
  }
  const uncached = Array.from({ length: Math.min(runs, 5) }, () =>
    time(args, { ...process.env, CLINOTE_CACHE_DIR: 'off' }),
  );
  log(
    `cold start without the compiled-resource cache (CLINOTE_CACHE_DIR=off): median ${median(uncached).toFixed(0)} ms`,
  );
  return {
    command: `node ${args.join(' ')}`,
    runs,
    medianMs: median(samples),
    minMs: Math.min(...samples),
    maxMs: Math.max(...samples),
    nodeBaselineMs: median(baselines),
  };
}

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      corpus: { type: 'string' },
      field: { type: 'string' },
      limit: { type: 'string' },
      repeat: { type: 'string' },
      warmup: { type: 'string' },
      pipeline: { type: 'string' },
      'cold-runs': { type: 'string' },
      'no-cold-start': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(process.argv.slice(2)).values;
  } catch (e) {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 64;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const limit = intOption(values.limit, 'limit', Number.MAX_SAFE_INTEGER);
  const repeat = intOption(values.repeat, 'repeat', 3);
  const coldRuns = intOption(values['cold-runs'], 'cold-runs', 10);
  const log = (s: string): void => {
    if (!values.json) process.stderr.write(`bench: ${s}\n`);
  };

  const pipeline = loadPipelineSync(values.pipeline !== undefined ? { configPath: values.pipeline } : {});
  const corpus = await loadCorpus(values.corpus, values.field, limit);
  if (corpus.notes.length === 0) {
    process.stderr.write(`bench: no notes in ${corpus.path}\n`);
    return 1;
  }
  const { notes, bytes } = corpus;
  const warmup = Math.min(intOption(values.warmup, 'warmup', notes.length, 0), notes.length);
  log(`${notes.length} notes, ${(bytes / 1e6).toFixed(2)} MB; warming up on ${warmup}`);
  for (let i = 0; i < warmup; i++) {
    const out = pipeline.processSync({ id: notes[i]!.id, text: notes[i]!.text });
    if (out.ok) JSON.stringify(toResult(out.doc, pipeline));
  }

  let heapPeak = 0;
  const sample = (): void => {
    heapPeak = Math.max(heapPeak, heapMB());
  };

  gc();
  log('per component');
  const rows = componentRows(pipeline, notes, bytes);

  log(`whole pipeline x${repeat}`);
  const passes: number[][] = [];
  for (let p = 0; p < repeat; p++) {
    gc();
    passes.push(pipelineTimes(pipeline, notes, sample));
  }
  // the pass with the median total, so one noisy pass does not decide
  const totals = passes.map((t) => t.reduce((a, b) => a + b, 0));
  const mid = totals.indexOf(median(totals));
  rows.push(row('pipeline', passes[mid]!, bytes));

  gc();
  log('serialization');
  rows.push(serializeRow(pipeline, notes, bytes));
  sample();
  gc();
  const heapUsed = heapMB();
  const peakRssMB = (process.resourceUsage().maxRSS * 1024) / 1e6;

  let cold: BenchReport['coldStart'] = null;
  if (!values['no-cold-start']) {
    log(`CLI cold start x${coldRuns}`);
    cold = coldStart(coldRuns, log);
  }

  const cpu = cpus();
  const report: BenchReport = {
    schema: 'clinote-bench/1',
    date: new Date().toISOString(),
    machine: {
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      cpu: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      memoryGB: totalmem() / 2 ** 30,
      loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    pipeline: {
      name: pipeline.stamp.name,
      version: pipeline.stamp.version,
      components: pipeline.stamp.components.map((c) => `${c.name}@${c.version}`),
    },
    corpus: {
      name: corpus.name,
      path: corpus.path,
      notes: notes.length,
      skippedEmpty: corpus.skippedEmpty,
      skippedErrors: corpus.skippedErrors,
      bytes,
    },
    warmupNotes: warmup,
    repeat,
    rows,
    memory: { peakRssMB, heapUsedMB: heapUsed, heapPeakMB: heapPeak },
    coldStart: cold,
  };
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.CLINOTE_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  },
);

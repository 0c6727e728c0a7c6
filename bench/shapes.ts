/**
 * Super-linear shapes benchmark (issue 18): `npm run bench:shapes [-- --json] [--sizes 1000,10000]
 * [--shapes negation,labs] [--mtsamples-limit N] [--min-seconds S]`.
 *
 * For each pathological shape (a unit repeated to the size: repeated negation cues, lab lists,
 * one line of prose, repeated headers, long lists, digit and punctuation runs, ...), the seconds per
 * MB of the whole default pipeline (`processSync`) at 1 KB, 10 KB, 100 KB and 1 MB (1 MB = 10^6
 * bytes; every shape is ASCII), the log-log slope of time against size (1: linear, 2: quadratic),
 * the slowest components at the largest size (the `onComponent` hook), and the ratio of the seconds
 * per MB at 1 MB to that of ordinary MTSamples text (shared data; skipped with a message when
 * absent). A script, not a test: nothing here asserts a time. See docs/bench.md, "Pathological
 * inputs".
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sharedDataPath } from '../src/data.js';
import { loadPipelineSync } from '../src/engine-sync.js';
import { readPlanItems } from '../src/io/notes.js';
import { planInputs } from '../src/io/plan.js';
import type { Pipeline } from '../src/pipeline/pipeline.js';

/** The shapes: a unit repeated (and cut) to the size. */
export const SHAPES: Readonly<Record<string, { unit: string; what: string }>> = {
  negation: { unit: 'no chest pain, ', what: 'one sentence of repeated negation cues' },
  labs: { unit: 'Na 138, K 4.1, ', what: 'one line of lab values' },
  prose: {
    unit: 'The patient reports mild pain in the left knee after walking and denies fever. ',
    what: 'one line of prose (sentences, no line break)',
  },
  'prose-no-stop': {
    unit: 'the patient reports mild pain in the left knee after walking and denies fever ',
    what: 'one sentence of prose (no terminator, no line break)',
  },
  headers: { unit: 'HISTORY OF PRESENT ILLNESS:\n', what: 'repeated header lines' },
  'inline-headers': { unit: 'ASSESSMENT: stable. ', what: 'repeated inline headers' },
  'med-list': { unit: '1. Metformin 500 mg p.o. b.i.d.\n', what: 'a long numbered medication list' },
  'comma-list': { unit: 'aspirin, lisinopril, metformin, ', what: 'one sentence listing drugs' },
  sigs: { unit: 'metformin 500 mg po bid ', what: 'one sentence of sigs' },
  vitals: { unit: 'BP 120/80 HR 72 ', what: 'one line of vitals' },
  dates: { unit: '01/02/2003 ', what: 'one line of dates' },
  digits: { unit: '1234567890', what: 'one digit run' },
  'digit-groups': { unit: '12 34 56 ', what: 'digit groups' },
  dots: { unit: '.', what: 'a run of periods' },
  commas: { unit: ',', what: 'a run of commas' },
  parens: { unit: '(', what: 'a run of open parentheses' },
  slashes: { unit: '120/80/', what: 'numbers joined by slashes' },
  spaces: { unit: ' ', what: 'a run of spaces (then one word)' },
  letters: { unit: 'a', what: 'one very long token' },
};

export function shapeText(unit: string, bytes: number): string {
  const text = unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
  return unit === ' ' ? `${text.slice(0, -4)}pain` : text;
}

/** Least-squares slope of log(seconds) against log(bytes). */
export function logLogSlope(points: readonly { bytes: number; seconds: number }[]): number | null {
  const ps = points.filter((p) => p.seconds > 0);
  if (ps.length < 2) return null;
  const xs = ps.map((p) => Math.log(p.bytes));
  const ys = ps.map((p) => Math.log(p.seconds));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

interface Point {
  bytes: number;
  seconds: number;
  secondsPerMB: number;
  runs: number;
  error?: string;
  top?: { component: string; seconds: number }[];
}

/** Median seconds of one note, repeated until `minSeconds` have passed (at least once, at most 50 times). */
function timeNote(pipeline: Pipeline, text: string, minSeconds: number): Point {
  const times: number[] = [];
  const perComponent = new Map<string, number>();
  let error: string | undefined;
  const started = performance.now();
  do {
    const run = new Map<string, number>();
    const t0 = performance.now();
    const out = pipeline.processSync(
      { id: 'shape', text },
      { hooks: { onComponent: (c, ms) => run.set(c, (run.get(c) ?? 0) + ms) } },
    );
    times.push((performance.now() - t0) / 1000);
    if (!out.ok) error = out.error.code;
    if (times.length === 1) for (const [c, ms] of run) perComponent.set(c, ms);
  } while ((performance.now() - started) / 1000 < minSeconds && times.length < 50);
  times.sort((a, b) => a - b);
  const seconds = times[Math.floor(times.length / 2)] as number;
  const bytes = Buffer.byteLength(text, 'utf8');
  const top = [...perComponent]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([component, ms]) => ({ component, seconds: Math.round(ms) / 1000 }));
  return {
    bytes,
    seconds,
    secondsPerMB: seconds / (bytes / 1e6),
    runs: times.length,
    ...(error ? { error } : {}),
    top,
  };
}

async function mtsamples(limit: number): Promise<{ notes: string[]; bytes: number } | null> {
  const path = sharedDataPath('mtsamples', 'mtsamples.csv');
  if (!path) return null;
  const plan = await planInputs([path], { stdinFormat: 'text' });
  const notes: string[] = [];
  let bytes = 0;
  for await (const e of readPlanItems(plan.items, [], {
    textField: 'transcription',
    idField: 'id',
    dateField: 'noteDate',
    maxNoteBytes: 64 << 20,
  })) {
    if (e.type !== 'note' || e.note.text.trim() === '' || notes.length >= limit) continue;
    notes.push(e.note.text);
    bytes += Buffer.byteLength(e.note.text, 'utf8');
  }
  return { notes, bytes };
}

const USAGE = `usage: npm run bench:shapes -- [--json] [--sizes 1000,10000,100000,1000000] [--shapes a,b]
                               [--mtsamples-limit N] [--min-seconds S]
  --sizes            note sizes in bytes (default 1 KB, 10 KB, 100 KB, 1 MB)
  --shapes           some shapes only (default all: ${Object.keys(SHAPES).join(', ')})
  --mtsamples-limit  MTSamples notes for the baseline (default all)
  --min-seconds      time each size for at least this long, median of the runs (default 0.5)
  --json             one JSON object instead of the table`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean' },
      sizes: { type: 'string' },
      shapes: { type: 'string' },
      'mtsamples-limit': { type: 'string' },
      'min-seconds': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sizes = (values.sizes ?? '1000,10000,100000,1000000').split(',').map(Number);
  const names = values.shapes ? values.shapes.split(',') : Object.keys(SHAPES);
  for (const n of names) {
    if (!SHAPES[n]) {
      process.stderr.write(`bench:shapes: unknown shape '${n}'\n${USAGE}\n`);
      process.exit(64);
    }
  }
  if (sizes.some((s) => !Number.isSafeInteger(s) || s < 1)) {
    process.stderr.write(`bench:shapes: --sizes: positive integers\n${USAGE}\n`);
    process.exit(64);
  }
  const minSeconds = Number(values['min-seconds'] ?? 0.5);
  const limit = Number(values['mtsamples-limit'] ?? Number.MAX_SAFE_INTEGER);
  const log = (s: string): void => {
    if (!values.json) process.stderr.write(s);
  };

  const pipeline = loadPipelineSync();
  // warm-up: every shape at a small size, and some ordinary text
  for (const n of names)
    pipeline.processSync({ id: 'w', text: shapeText((SHAPES[n] as { unit: string }).unit, 5000) });

  // baseline: ordinary MTSamples text, whole corpus, one pass after a warm-up pass
  let baseline: { notes: number; bytes: number; seconds: number; secondsPerMB: number } | null = null;
  const corpus = await mtsamples(limit);
  if (corpus) {
    log(`bench:shapes: MTSamples, ${corpus.notes.length} notes, ${(corpus.bytes / 1e6).toFixed(1)} MB\n`);
    for (const text of corpus.notes) pipeline.processSync({ id: 'w', text });
    const t0 = performance.now();
    for (const text of corpus.notes) pipeline.processSync({ id: 'm', text });
    const seconds = (performance.now() - t0) / 1000;
    baseline = {
      notes: corpus.notes.length,
      bytes: corpus.bytes,
      seconds,
      secondsPerMB: seconds / (corpus.bytes / 1e6),
    };
  } else {
    process.stderr.write('bench:shapes: MTSamples not found (set CLINOTE_DATA_DIR): no baseline\n');
  }

  const rows: {
    shape: string;
    what: string;
    points: Point[];
    slope: number | null;
    ratioToMtsamples: number | null;
  }[] = [];
  for (const n of names) {
    const shape = SHAPES[n] as { unit: string; what: string };
    const points: Point[] = [];
    for (const size of sizes) {
      log(`bench:shapes: ${n} at ${size} bytes\n`);
      points.push(timeNote(pipeline, shapeText(shape.unit, size), minSeconds));
    }
    const last = points[points.length - 1] as Point;
    rows.push({
      shape: n,
      what: shape.what,
      points,
      slope: logLogSlope(points.filter((p) => !p.error)),
      ratioToMtsamples: baseline ? last.secondsPerMB / baseline.secondsPerMB : null,
    });
  }
  const worst = rows.reduce<(typeof rows)[number] | null>(
    (w, r) =>
      r.ratioToMtsamples !== null && (w === null || r.ratioToMtsamples > (w.ratioToMtsamples ?? 0)) ? r : w,
    null,
  );
  const report = {
    schema: 'clinote-bench-shapes/1',
    date: new Date().toISOString(),
    node: process.version,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    sizes,
    mtsamples: baseline,
    shapes: rows,
    worst: worst ? { shape: worst.shape, ratioToMtsamples: worst.ratioToMtsamples } : null,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const fmt = (x: number): string => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const head = sizes.map((s) => (s >= 1e6 ? `${s / 1e6} MB` : s >= 1e3 ? `${s / 1e3} KB` : `${s} B`));
  const lines = [
    `| shape | ${head.map((h) => `s/MB at ${h}`).join(' | ')} | slope | x MTSamples | slowest at ${head[head.length - 1]} |`,
    `| --- | ${head.map(() => '---:').join(' | ')} | ---: | ---: | --- |`,
  ];
  for (const r of rows) {
    const last = r.points[r.points.length - 1] as Point;
    lines.push(
      `| ${r.shape} | ${r.points.map((p) => (p.error ? p.error : fmt(p.secondsPerMB))).join(' | ')} | ${r.slope === null ? '-' : r.slope.toFixed(2)} | ${r.ratioToMtsamples === null ? '-' : r.ratioToMtsamples.toFixed(1)} | ${(last.top ?? []).map((t) => `${t.component} ${t.seconds}s`).join(', ')} |`,
    );
  }
  if (baseline) {
    lines.push(
      '',
      `MTSamples: ${baseline.notes} notes, ${(baseline.bytes / 1e6).toFixed(1)} MB in ${baseline.seconds.toFixed(1)} s: ${fmt(baseline.secondsPerMB)} s/MB`,
    );
  }
  if (worst)
    lines.push(`worst at the largest size: ${worst.shape}, ${worst.ratioToMtsamples?.toFixed(1)}x MTSamples`);
  lines.push(`load average ${report.loadavg.join(' ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();

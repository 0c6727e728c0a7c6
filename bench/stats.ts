/** Pure helpers of the benchmark: percentiles, rows, the table and the comparison of two runs. */

export interface BenchRow {
  /** `normalize`, `sections`, ... (one per component), `pipeline`, `serialize`. */
  readonly name: string;
  readonly notes: number;
  /** Sum of the per-note times, in seconds. */
  readonly seconds: number;
  readonly notesPerSecond: number;
  /** UTF-8 MB (10^6 bytes) of note text per second, on one core. */
  readonly mbPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

export interface BenchReport {
  readonly schema: 'clinote-bench/1';
  readonly date: string;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGB: number;
    /** 1, 5 and 15 minute load averages at the end of the run: a busy machine gives slower figures. */
    readonly loadAverage?: number[];
  };
  readonly pipeline: { readonly name: string; readonly version: string; readonly components: string[] };
  readonly corpus: {
    readonly name: string;
    readonly path: string;
    readonly notes: number;
    readonly skippedEmpty: number;
    readonly skippedErrors: number;
    readonly bytes: number;
  };
  readonly warmupNotes: number;
  readonly repeat: number;
  readonly rows: BenchRow[];
  readonly memory: { readonly peakRssMB: number; readonly heapUsedMB: number; readonly heapPeakMB: number };
  readonly coldStart: {
    readonly command: string;
    readonly runs: number;
    readonly medianMs: number;
    readonly minMs: number;
    readonly maxMs: number;
    /** `node -e 0` on the same machine: what Node itself costs. */
    readonly nodeBaselineMs: number;
  } | null;
}

/** Nearest-rank percentile of unsorted samples (p in [0, 100]); 0 for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** A row from per-note times (ms) and the bytes of the notes. */
export function row(name: string, timesMs: readonly number[], bytes: number): BenchRow {
  let sum = 0;
  let max = 0;
  for (const t of timesMs) {
    sum += t;
    if (t > max) max = t;
  }
  const seconds = sum / 1000;
  return {
    name,
    notes: timesMs.length,
    seconds,
    notesPerSecond: seconds > 0 ? timesMs.length / seconds : 0,
    mbPerSecond: seconds > 0 ? bytes / 1e6 / seconds : 0,
    p50Ms: percentile(timesMs, 50),
    p99Ms: percentile(timesMs, 99),
    meanMs: timesMs.length > 0 ? sum / timesMs.length : 0,
    maxMs: max,
  };
}

const num = (n: number, digits: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
    .join('\n');
}

/** The human-readable report. */
export function formatReport(r: BenchReport): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(
    `clinote bench  ${r.date}`,
    `machine   node ${m.node}, ${m.platform}/${m.arch}, ${m.cpu}, ${m.cores} cores, ${num(m.memoryGB, 0)} GB` +
      (m.loadAverage ? `, load ${m.loadAverage.join(' ')}` : ''),
    `pipeline  ${r.pipeline.name}@${r.pipeline.version} (${r.pipeline.components.join(', ')})`,
    `corpus    ${r.corpus.name}: ${num(r.corpus.notes, 0)} notes, ${num(r.corpus.bytes / 1e6, 2)} MB` +
      ` (skipped: ${r.corpus.skippedEmpty} empty, ${r.corpus.skippedErrors} unreadable/malformed)`,
    `method    single thread; warm-up ${r.warmupNotes} notes; ${r.repeat} timed pass(es); times per note`,
    '',
    table(
      ['stage', 'notes/s', 'MB/s/core', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'total s'],
      r.rows.map((x) => [
        x.name,
        num(x.notesPerSecond, 0),
        num(x.mbPerSecond, 2),
        num(x.p50Ms, 3),
        num(x.p99Ms, 3),
        num(x.meanMs, 3),
        num(x.maxMs, 2),
        num(x.seconds, 2),
      ]),
    ),
    '',
    `memory    peak RSS ${num(r.memory.peakRssMB, 0)} MB; heap used ${num(r.memory.heapUsedMB, 0)} MB after the run` +
      ` (after gc), peak ${num(r.memory.heapPeakMB, 0)} MB (the corpus is held in memory)`,
  );
  const c = r.coldStart;
  lines.push(
    c
      ? `cold start  \`${c.command}\`: median ${num(c.medianMs, 0)} ms (min ${num(c.minMs, 0)}, max ${num(c.maxMs, 0)}, ${c.runs} runs); node -e 0: ${num(c.nodeBaselineMs, 0)} ms`
      : 'cold start  skipped (build first: npm run build)',
  );
  return lines.join('\n');
}

const pct = (a: number, b: number): string => {
  if (a === 0) return 'n/a';
  const d = ((b - a) / a) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
};

/** Two runs side by side: throughput and latency per stage, memory, cold start. */
export function formatComparison(a: BenchReport, b: BenchReport): string {
  const lines = [
    `A: ${a.date} ${a.pipeline.name}@${a.pipeline.version} ${a.corpus.name} (${a.corpus.notes} notes), node ${a.machine.node}, ${a.machine.cpu}`,
    `B: ${b.date} ${b.pipeline.name}@${b.pipeline.version} ${b.corpus.name} (${b.corpus.notes} notes), node ${b.machine.node}, ${b.machine.cpu}`,
  ];
  if (a.corpus.notes !== b.corpus.notes || a.corpus.bytes !== b.corpus.bytes) {
    lines.push('warning: the corpora differ; compare notes/s with care');
  }
  const names = [...new Set([...a.rows, ...b.rows].map((r) => r.name))];
  const rows = names.map((name) => {
    const x = a.rows.find((r) => r.name === name);
    const y = b.rows.find((r) => r.name === name);
    const cell = (f: (r: BenchRow) => number, d: number): string[] => [
      x ? num(f(x), d) : '-',
      y ? num(f(y), d) : '-',
      x && y ? pct(f(x), f(y)) : '',
    ];
    return [
      name,
      ...cell((r) => r.notesPerSecond, 0),
      ...cell((r) => r.p50Ms, 3),
      ...cell((r) => r.p99Ms, 3),
    ];
  });
  lines.push(
    '',
    table(['stage', 'A notes/s', 'B notes/s', 'Δ', 'A p50', 'B p50', 'Δ', 'A p99', 'B p99', 'Δ'], rows),
    '',
    `peak RSS MB: ${num(a.memory.peakRssMB, 0)} -> ${num(b.memory.peakRssMB, 0)} (${pct(a.memory.peakRssMB, b.memory.peakRssMB)})`,
  );
  if (a.coldStart && b.coldStart) {
    lines.push(
      `cold start median ms: ${num(a.coldStart.medianMs, 0)} -> ${num(b.coldStart.medianMs, 0)} (${pct(a.coldStart.medianMs, b.coldStart.medianMs)})`,
    );
  }
  return lines.join('\n');
}

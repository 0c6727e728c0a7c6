/**
 * HTTP server benchmark: `npm run bench:server -- [options]` (builds, then node dist/bench/server.js).
 * A script, never a test: nothing here asserts a time. See docs/server.md, "Measured".
 *
 * Starts `clinote serve` (dist/cli/main.js, a child process, auth on with a key in a temporary
 * SQLite store), then drives it on loopback with autocannon (in this process): 5 KB notes (MTSamples
 * notes of 4-6 KB, else the examples joined to 5 KB) POSTed to /v1/extract at fixed rates. Per rate:
 * achieved rps (2xx per second), p50/p95/p99 latency, errors (non-2xx, socket errors, timeouts) and
 * the server's RSS (all its threads: /proc/PID/status VmRSS). `--max` adds an unthrottled run (the
 * highest rate it sustains); `--compare` runs `clinote extract --workers 2` on the same notes;
 * `--soak SECONDS` runs one rate (`--rates`, default 300) that long and reports RSS at the start,
 * after the first minute and at the end (the 10-minute soak: `--soak 600`; not in CI).
 *
 * The load generator shares the machine with the server: on 2 cores it takes CPU from it.
 * CLINOTE_BENCH_CLI=path/to/main.js runs another build of the CLI (an esbuild bundle of a branch).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sharedDataPath } from '../src/data.js';
import { readPlanItems } from '../src/io/notes.js';
import { planInputs } from '../src/io/plan.js';
import { packageRoot } from '../src/resources.js';
import { openStore } from '../src/store/index.js';

const USAGE = `usage: node dist/bench/server.js [--rates 100,300,500] [--duration S] [--connections N]
        [--threads N] [--max] [--compare] [--soak S] [--max-delay-ms MS] [--batch N] [--json]
  --rates LIST     fixed request rates (req/s), one run each (default 100,300,500)
  --duration S     seconds per rate (default 15)
  --connections N  concurrent connections (default 32)
  --threads N      worker threads of the server (default: cores)
  --max            also an unthrottled run: the highest rate the server sustains
  --compare        also clinote extract --workers 2 on the same notes (notes/s)
  --soak S         one run of S seconds at the first rate: RSS at start, after 1 minute, at end
  --max-delay-ms   batching.maxDelayMs of the server (default 0)
  --batch N        batching.maxBatchNotes of the server (default 32)
  --monitoring M   live monitoring of the server: on (its default), off, or both: alternate
                   servers without and with it, --rounds times, and report the p99 overhead
  --rounds N       rounds of --monitoring both (default 2)
  --json           one JSON object instead of the table`;

interface Note {
  readonly id: string;
  readonly text: string;
}

interface RunResult {
  readonly mode: string;
  readonly rate: number | null;
  readonly seconds: number;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly errors: number;
  readonly rssMB: number;
  /** CPU time of the server process (all threads) per 2xx response, ms. */
  readonly serverCpuMsPerRequest: number;
  /** CPU time of the load generator (this process) per response, ms. */
  readonly loadCpuMsPerRequest: number;
}

/** CPU time of a process, all threads (utime + stime), in ms. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (CLK_TCK 100)
  } catch {
    return Number.NaN;
  }
}

async function loadNotes(): Promise<{ notes: Note[]; source: string }> {
  const mts = sharedDataPath('mtsamples', 'mtsamples.csv');
  const notes: Note[] = [];
  if (mts) {
    const plan = await planInputs([mts], { stdinFormat: 'text' });
    for await (const e of readPlanItems(plan.items, [], {
      textField: 'transcription',
      idField: 'id',
      dateField: 'noteDate',
      maxNoteBytes: 1 << 24,
    })) {
      if (e.type !== 'note') continue;
      const b = Buffer.byteLength(e.note.text, 'utf8');
      if (b >= 4000 && b <= 6000) notes.push({ id: `m${notes.length}`, text: e.note.text });
    }
    if (notes.length >= 50) return { notes, source: 'MTSamples notes of 4-6 KB' };
  }
  const plan = await planInputs([join(packageRoot(), 'examples', 'notes')], { stdinFormat: 'text' });
  const texts: string[] = [];
  for await (const e of readPlanItems(plan.items, [], {
    textField: 'text',
    idField: 'id',
    dateField: 'noteDate',
    maxNoteBytes: 1 << 24,
  })) {
    if (e.type === 'note') texts.push(e.note.text);
  }
  for (let i = 0; i < 200; i++) {
    let t = '';
    for (let j = i; Buffer.byteLength(t) < 5000; j++) t += `${texts[j % texts.length]}\n\n`;
    notes.push({ id: `e${i}`, text: t.slice(0, 5120) });
  }
  return { notes, source: 'examples/notes joined to 5 KB' };
}

function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const v = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return Math.round(v * 100) / 100;
}

async function startServerProcess(
  configPath: string,
  threads: number,
): Promise<{ child: ChildProcess; url: string }> {
  const main = process.env.CLINOTE_BENCH_CLI ?? join(packageRoot(), 'dist', 'cli', 'main.js');
  const child = spawn(
    process.execPath,
    [main, 'serve', '--config', configPath, '--port', '0', '--threads', String(threads)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      err += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`clinote serve exited ${code}:\n${err}`)));
  });
  return { child, url };
}

async function drive(
  url: string,
  notes: readonly Note[],
  secret: string,
  options: {
    rate: number | null;
    seconds: number;
    connections: number;
    pid: number;
    mode: string;
    onTick?: (s: number) => void;
  },
): Promise<RunResult> {
  const latencies: number[] = [];
  let ok = 0;
  let bad = 0;
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  const requests = notes.map((n) => ({
    method: 'POST' as const,
    path: '/v1/extract',
    headers,
    body: JSON.stringify(n),
  }));
  const t0 = performance.now();
  const cpu0 = cpuMs(options.pid);
  const load0 = process.cpuUsage();
  let done!: (r: autocannon.Result) => void;
  let fail!: (e: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url,
      connections: options.connections,
      duration: options.seconds,
      requests,
      timeout: 10,
      ...(options.rate !== null ? { overallRate: options.rate } : {}),
    },
    (err, r) => (err ? fail(err) : done(r)),
  );

  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    if (status >= 200 && status < 300) ok++;
    else bad++;
  });
  let tick: NodeJS.Timeout | undefined;
  if (options.onTick) {
    const f = options.onTick;
    tick = setInterval(() => f((performance.now() - t0) / 1000), 10_000);
  }
  const result = await finished;
  if (tick) clearInterval(tick);
  const seconds = (performance.now() - t0) / 1000;
  const serverCpu = cpuMs(options.pid) - cpu0;
  const load = process.cpuUsage(load0);
  latencies.sort((a, b) => a - b);
  return {
    mode: options.mode,
    rate: options.rate,
    seconds: Math.round(seconds * 10) / 10,
    requests: ok + bad,
    rps: Math.round(ok / options.seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: bad + result.errors + result.timeouts,
    rssMB: rssMB(options.pid),
    serverCpuMsPerRequest: Math.round((serverCpu / Math.max(1, ok)) * 100) / 100,
    loadCpuMsPerRequest: Math.round(((load.user + load.system) / 1000 / Math.max(1, ok + bad)) * 100) / 100,
  };
}

function compareExtract(
  notes: readonly Note[],
  dir: string,
  workers: number,
): { notes: number; seconds: number; notesPerSecond: number; cpuMsPerNote: number } {
  const input = join(dir, 'notes.ndjson');
  const copies: string[] = [];
  for (let i = 0; copies.length < 3000; i++) {
    const n = notes[i % notes.length] as Note;
    copies.push(JSON.stringify({ id: `c${i}`, text: n.text }));
  }
  writeFileSync(input, `${copies.join('\n')}\n`);
  const main = join(packageRoot(), 'dist', 'cli', 'main.js');
  const t0 = performance.now();
  const args = [
    main,
    'extract',
    input,
    '--format',
    'ndjson',
    '--out',
    join(dir, 'out.ndjson'),
    '--workers',
    String(workers),
  ];
  // the CPU time of the whole command (all its threads), when /usr/bin/time is there
  const timed = existsSync('/usr/bin/time');
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, ...args], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`clinote extract exited ${r.status}: ${r.stderr}`);
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return {
    notes: copies.length,
    seconds: Math.round(seconds * 100) / 100,
    notesPerSecond: Math.round(copies.length / seconds),
    cpuMsPerNote: cpu
      ? Math.round(((Number(cpu[1]) + Number(cpu[2])) * 100_000) / copies.length) / 100
      : Number.NaN,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string', default: '100,300,500' },
      duration: { type: 'string', default: '15' },
      connections: { type: 'string', default: '32' },
      threads: { type: 'string' },
      max: { type: 'boolean', default: false },
      compare: { type: 'boolean', default: false },
      soak: { type: 'string' },
      'max-delay-ms': { type: 'string', default: '0' },
      batch: { type: 'string', default: '32' },
      monitoring: { type: 'string', default: 'on' },
      rounds: { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const rates = values.rates.split(',').map(Number);
  const seconds = Number(values.duration);
  const connections = Number(values.connections);
  const threads = values.threads !== undefined ? Number(values.threads) : availableParallelism();
  const { notes, source } = await loadNotes();
  const meanBytes = Math.round(notes.reduce((a, n) => a + Buffer.byteLength(n.text), 0) / notes.length);

  const dir = mkdtempSync(join(tmpdir(), 'clinote-bench-server-'));
  const dbPath = join(dir, 'clinote.db');
  const store = await openStore({ url: dbPath });
  const { secret } = await store.keys.create({
    tenant: 'bench',
    scopes: ['extract'],
    rateLimitPerMinute: 10_000_000,
  });
  await store.close();
  const monitoringModes =
    values.monitoring === 'both'
      ? // the order alternates (off-on, on-off, ...): the second server of a round is not always the same
        Array.from({ length: Number(values.rounds) }, (_, i) =>
          i % 2 === 0 ? ['off', 'on'] : ['on', 'off'],
        ).flat()
      : [values.monitoring === 'off' ? 'off' : 'on'];
  const results: RunResult[] = [];
  const soak: { at: number; rssMB: number }[] = [];
  let compare: ReturnType<typeof compareExtract> | undefined;
  for (const monitoring of monitoringModes) {
    const configPath = join(dir, `server-${monitoring}.json`);
    writeFileSync(
      configPath,
      JSON.stringify({
        store: dbPath,
        log: { level: 'warn' },
        limits: { maxQueuedNotes: 1024 },
        batching: { maxBatchNotes: Number(values.batch), maxDelayMs: Number(values['max-delay-ms']) },
        monitoring: { enabled: monitoring === 'on' },
      }),
    );
    const { child, url } = await startServerProcess(configPath, threads);
    const pid = child.pid as number;
    const tag = values.monitoring === 'both' ? `/${monitoring}` : '';
    try {
      // warm-up: JIT, pipelines built on every thread
      await drive(url, notes, secret, { rate: 100, seconds: 5, connections, pid, mode: 'warm-up' });
      if (values.soak !== undefined) {
        const soakSeconds = Number(values.soak);
        soak.push({ at: 0, rssMB: rssMB(pid) });
        results.push(
          await drive(url, notes, secret, {
            rate: rates[0] ?? 300,
            seconds: soakSeconds,
            connections,
            pid,
            mode: 'soak',
            onTick: (s) => soak.push({ at: Math.round(s), rssMB: rssMB(pid) }),
          }),
        );
        soak.push({ at: Math.round(results.at(-1)?.seconds ?? soakSeconds), rssMB: rssMB(pid) });
      } else {
        for (const rate of rates)
          results.push(
            await drive(url, notes, secret, { rate, seconds, connections, pid, mode: `fixed${tag}` }),
          );
        if (values.max)
          results.push(
            await drive(url, notes, secret, { rate: null, seconds, connections, pid, mode: `max${tag}` }),
          );
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  if (values.compare) compare = compareExtract(notes, dir, 2);
  rmSync(dir, { recursive: true, force: true });

  const report = {
    machine: {
      cores: availableParallelism(),
      loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
      node: process.version,
    },
    notes: { source, count: notes.length, meanBytes },
    server: {
      threads,
      connections,
      maxBatchNotes: Number(values.batch),
      maxDelayMs: Number(values['max-delay-ms']),
    },
    results,
    ...(soak.length > 0
      ? {
          soak: {
            samples: soak,
            rssStartMB: soak[0]?.rssMB,
            rssAfter1MinMB: soak.find((s) => s.at >= 60)?.rssMB ?? null,
            rssEndMB: soak.at(-1)?.rssMB,
          },
        }
      : {}),
    ...(compare ? { extractWorkers2: compare } : {}),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const out: string[] = [];
  out.push(
    `notes: ${notes.length} (${source}, mean ${meanBytes} B); server threads ${threads}; ${connections} connections`,
  );
  out.push(
    `machine: ${report.machine.cores} cores, load ${report.machine.loadavg.join(' ')}, node ${process.version}`,
  );
  out.push(
    'mode   target  achieved rps  p50 ms  p95 ms  p99 ms  errors  RSS MB  server CPU ms/req  loadgen CPU ms/req',
  );
  for (const r of results) {
    out.push(
      `${r.mode.padEnd(6)} ${String(r.rate ?? '-').padStart(6)}  ${String(r.rps).padStart(12)}  ${String(r.p50).padStart(6)}  ${String(r.p95).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.errors).padStart(6)}  ${String(r.rssMB).padStart(6)}  ${String(r.serverCpuMsPerRequest).padStart(17)}  ${String(r.loadCpuMsPerRequest).padStart(18)}`,
    );
  }
  if (values.monitoring === 'both') {
    const median = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2
        ? (s[(s.length - 1) / 2] as number)
        : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
    };
    for (const rate of rates) {
      const p99 = (m: string) =>
        median(results.filter((r) => r.mode === `fixed/${m}` && r.rate === rate).map((r) => r.p99));
      const off = p99('off');
      const on = p99('on');
      const cpu = (m: string) =>
        median(
          results
            .filter((r) => r.mode === `fixed/${m}` && r.rate === rate)
            .map((r) => r.serverCpuMsPerRequest),
        );
      const pct = (a: number, b: number): string => `${(((b - a) / a) * 100).toFixed(1)}%`;
      out.push(
        `monitoring at ${rate} rps: median p99 off ${off} ms, on ${on} ms: ${pct(off, on)}; median server CPU per request off ${cpu('off')} ms, on ${cpu('on')} ms: ${pct(cpu('off'), cpu('on'))} (${values.rounds} rounds)`,
      );
    }
  }
  if (report.soak)
    out.push(
      `soak RSS: start ${report.soak.rssStartMB} MB, after 1 min ${report.soak.rssAfter1MinMB} MB, end ${report.soak.rssEndMB} MB`,
    );
  if (compare)
    out.push(
      `clinote extract --workers 2 on ${compare.notes} of these notes: ${compare.notesPerSecond} notes/s (${compare.seconds} s, whole command), ${compare.cpuMsPerNote} CPU ms/note`,
    );
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();

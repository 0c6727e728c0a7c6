/**
 * Shadow overhead benchmark (docs/registry.md, "Measured"): the champion's latency with and without
 * a shadow mirroring every request, at a fixed rate. A script, never a test: nothing asserts a time.
 *
 *   npx esbuild bench/registry.ts src/batch/worker.ts --bundle --platform=node --format=esm \
 *     --target=node20 --packages=external --outdir=.tmp/reg --entry-names=[name] \
 *     && node .tmp/reg/registry.js [--rate 200] [--duration 20] [--rounds 2] [--threads 1] [--shadow learned|rules] [--sample 1] [--json]
 *
 * Registers the rule pipeline (version 1), the learned pipeline (the shipped NCBI-disease model) as
 * version 2 (champion) and again as version 3 (a challenger) in a temporary SQLite store, then, per
 * round, starts the server (a child process of this script, auth off, on a loopback port) twice:
 * deployment `ner` with the champion alone, and with a shadow (`models:/ner@shadow`, sample 1: every
 * request mirrored, its result stored): version 3, or version 1 with `--shadow rules`. autocannon (in this process) POSTs the example notes (examples/notes, 0.6 to 2 KB) to
 * /v1/extract at the fixed rate. Reported per mode: achieved rps, p50/p99 latency, errors, the
 * server's CPU time per request (all its threads) and this process's; rounds alternate the modes and
 * the medians over rounds are compared. Each variant runs on `--threads` worker threads of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openRegistry } from '../src/registry/registry.js';
import { packageRoot, resourcePath } from '../src/resources.js';
import { parseServerConfig } from '../src/server/config.js';
import { startServer } from '../src/server/start.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
    connections: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
    shadow: { type: 'string', default: 'learned' },
    sample: { type: 'string', default: '1' },
    serve: { type: 'string' },
  },
});

/** CPU time of a process, all threads (utime + stime), in ms. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

// ---- child: the server
if (args.serve !== undefined) {
  const o = JSON.parse(args.serve) as {
    store: string;
    artifacts: string;
    shadow: boolean;
    threads: number;
    sample: number;
  };
  const config = parseServerConfig({
    host: '127.0.0.1',
    port: 0,
    auth: { required: false },
    threads: o.threads,
    log: { level: 'silent' },
    limits: { maxEventLoopDelayMs: 0, maxQueuedNotes: 4096 },
    registry: { store: o.store, artifacts: o.artifacts, pollMs: 0, shadowQueueMax: 4096 },
    deployments: {
      ner: {
        champion: 'models:/ner@champion',
        ...(o.shadow ? { shadow: { model: 'models:/ner@shadow', sample: o.sample } } : {}),
        threads: o.threads,
      },
    },
    // the built-in pipeline is loaded too (every server has one): on the main thread, unused here
    pipelines: { default: { config: 'builtin:default', threads: 0 } },
  });
  const running = await startServer(config, { logStream: false });
  process.stdout.write(`PORT ${running.port}\n`);
  process.on('SIGTERM', () => {
    void running.stop().then(() => process.exit(0));
  });
} else {
  await main();
}

interface Run {
  readonly mode: 'champion only' | 'with shadow';
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly serverCpuMsPerRequest: number;
  readonly loadCpuMsPerRequest: number;
  readonly shadowRows: number;
}

async function startChild(o: object): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', JSON.stringify(o)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return { child, port };
}

async function main(): Promise<void> {
  const rate = Number(args.rate);
  const duration = Number(args.duration);
  const threads = Number(args.threads);
  const dir = mkdtempSync(join(tmpdir(), 'clinote-bench-reg-'));
  const store = join(dir, 'clinote.db');
  const artifacts = join(dir, 'artifacts');
  try {
    const learned = join(dir, 'learned.json');
    writeFileSync(
      learned,
      JSON.stringify({
        name: 'learned',
        components: [
          { name: 'normalize' },
          { name: 'sections' },
          { name: 'sentences' },
          { name: 'tokens' },
          { name: 'ner', options: { model: 'models/ner-ncbi-disease' } },
          { name: 'assertions' },
        ],
      }),
    );
    const registry = await openRegistry({ url: store, artifacts, env: {} });
    await registry.register({ name: 'ner', pipeline: resourcePath('pipelines/default.json') });
    await registry.register({ name: 'ner', pipeline: learned });
    await registry.setAlias('ner', 'champion', 2);
    // the shadow: a challenger of the same kind (the learned pipeline, registered again as version 3:
    // its own engine and threads), or with --shadow rules the rule pipeline (version 1)
    await registry.register({ name: 'ner', pipeline: learned, tags: { role: 'challenger' } });
    await registry.setAlias('ner', 'shadow', args.shadow === 'rules' ? 1 : 3);
    const notesDir = join(packageRoot(), 'examples', 'notes');
    const notes = readdirSync(notesDir)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => readFileSync(join(notesDir, f), 'utf8'));
    const bodies = notes.map((text, i) => JSON.stringify({ id: `n${i}`, text, pipeline: 'ner' }));
    const runs: Run[] = [];
    for (let round = 0; round < Number(args.rounds); round++) {
      for (const shadow of [false, true]) {
        const before = (await registry.shadowRows('ner')).length;
        const { child, port } = await startChild({
          store,
          artifacts,
          shadow,
          threads,
          sample: Number(args.sample),
        });
        let i = 0;
        // warm-up: 3 s at the rate
        await autocannon({
          url: `http://127.0.0.1:${port}/v1/extract`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          connections: Number(args.connections),
          overallRate: rate,
          duration: 3,
          requests: [{ setupRequest: (r) => ({ ...r, body: bodies[i++ % bodies.length]! }) }],
        });
        const serverCpu0 = cpuMs(child.pid!);
        const load0 = process.cpuUsage();
        const result = await autocannon({
          url: `http://127.0.0.1:${port}/v1/extract`,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-clinote-routing-key': 'bench' },
          connections: Number(args.connections),
          overallRate: rate,
          duration,
          requests: [{ setupRequest: (r) => ({ ...r, body: bodies[i++ % bodies.length]! }) }],
        });
        const serverCpu = cpuMs(child.pid!) - serverCpu0;
        const load = process.cpuUsage(load0);
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
        const ok = result['2xx'];
        runs.push({
          mode: shadow ? 'with shadow' : 'champion only',
          rps: Math.round((ok / duration) * 10) / 10,
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.non2xx + result.errors + result.timeouts,
          serverCpuMsPerRequest: Math.round((serverCpu / Math.max(1, ok)) * 100) / 100,
          loadCpuMsPerRequest: Math.round(((load.user + load.system) / 1000 / Math.max(1, ok)) * 100) / 100,
          shadowRows: (await registry.shadowRows('ner')).length - before,
        });
      }
    }
    await registry.close();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const of = (mode: Run['mode']) => runs.filter((r) => r.mode === mode);
    const p99Off = median(of('champion only').map((r) => r.p99));
    const p99On = median(of('with shadow').map((r) => r.p99));
    const summary = {
      schema: 'clinote-bench-registry/1',
      command: `node .tmp/reg/registry.js --rate ${rate} --duration ${duration} --rounds ${args.rounds} --threads ${threads} --connections ${args.connections} --shadow ${args.shadow} --sample ${args.sample}`,
      machine: { cores: availableParallelism(), loadavg1: Math.round(loadavg()[0]! * 100) / 100 },
      rate,
      duration,
      threadsPerVariant: threads,
      runs,
      p99ChampionOnly: p99Off,
      p99WithShadow: p99On,
      p99OverheadPercent: Math.round(((p99On - p99Off) / p99Off) * 1000) / 10,
    };
    if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      process.stdout.write(
        `${summary.command}\n${summary.machine.cores} cores, load ${summary.machine.loadavg1}\n`,
      );
      process.stdout.write(
        'mode            rps     p50 ms  p99 ms  errors  server CPU ms/req  load CPU ms/req  shadow rows\n',
      );
      for (const r of runs)
        process.stdout.write(
          `${r.mode.padEnd(14)}  ${String(r.rps).padEnd(6)}  ${String(r.p50).padEnd(6)}  ${String(r.p99).padEnd(6)}  ${String(r.errors).padEnd(6)}  ${String(r.serverCpuMsPerRequest).padEnd(17)}  ${String(r.loadCpuMsPerRequest).padEnd(15)}  ${r.shadowRows}\n`,
        );
      process.stdout.write(
        `p99 (median of rounds): ${p99Off} ms champion only, ${p99On} ms with shadow: ${summary.p99OverheadPercent}%\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench:scale`: throughput of `clinote submit` and of 1, 2 and 3 `clinote worker`
 * processes on one machine with PostgreSQL, over MTSamples repeated to N notes (docs/scale.md).
 *
 *   npm run bench:scale -- [--notes 5000] [--workers 1,2,3] [--threads 1] [--batch-size 500] [--json]
 *   npm run bench:scale -- --notes 1000000          # the full size (hours on 2 cores; ~4 GB of tables)
 *
 * PostgreSQL: CLINOTE_BENCH_PG (an admin URL, default postgres://postgres@127.0.0.1:5432/postgres);
 * a database `clinote_bench_<random>` is created and dropped (--keep keeps it). The notes are
 * generated on the fly and piped to `clinote submit -` (nothing is written to disk but the tables).
 *
 * For each worker count k: a fresh run of N notes (its own `--source`, so nothing is deduplicated
 * away) is submitted, then k worker processes (`--workers <threads>` each) drain it and exit when
 * idle. Reported: notes/s of submit and of the workers (first claim to last completion, from
 * clinote_job_log), the share of the machine's CPU used by PostgreSQL's processes (from /proc)
 * and of the workers' time spent waiting on PostgreSQL, and notes per day for the node (submit
 * and work one after the other, on the same node).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { packageRoot } from '../src/resources.js';
import { readCsvObjects } from '../src/text/csv.js';

interface Args {
  notes: number;
  workers: number[];
  threads: number;
  batchSize: number;
  json: boolean;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { notes: 5000, workers: [1, 2, 3], threads: 1, batchSize: 500, json: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1] ?? '';
    const takes = ['--notes', '--workers', '--threads', '--batch-size'].includes(k ?? '');
    if (takes && v === '') throw new Error(`bench:scale: ${k} needs a value`);
    if (k === '--notes') a.notes = Number(v);
    else if (k === '--workers') a.workers = v.split(',').map(Number);
    else if (k === '--threads') a.threads = Number(v);
    else if (k === '--batch-size') a.batchSize = Number(v);
    else if (k === '--json') a.json = true;
    else if (k === '--keep') a.keep = true;
    else throw new Error(`bench:scale: unknown argument ${k}`);
    if (takes) i++;
  }
  return a;
}

const say = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/**
 * CPU seconds (user + system) used so far by every process named `postgres`, with the children
 * they reaped (connection backends that ended count in the postmaster's cutime/cstime).
 */
function postgresCpuSeconds(): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / tick;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

const CLI = join(packageRoot(), 'dist', 'cli', 'main.js');

function run(
  args: string[],
  env: Record<string, string>,
  stdin?: AsyncIterable<string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    if (stdin && child.stdin) {
      const input = child.stdin;
      (async () => {
        for await (const chunk of stdin) {
          if (!input.write(chunk)) await new Promise((r) => input.once('drain', r));
        }
        input.end();
      })().catch(reject);
    }
  });
}

async function* noteLines(texts: readonly string[], count: number, prefix: string): AsyncGenerator<string> {
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += `${JSON.stringify({ id: `${prefix}${i}`, text: texts[i % texts.length] })}\n`;
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

interface Phase {
  workers: number;
  submit: { notes: number; seconds: number; notesPerSecond: number; dbShare: number; pgCpuShare: number };
  work: {
    notes: number;
    seconds: number;
    notesPerSecond: number;
    pgCpuShare: number;
    workerDbShare: number;
    workerPipelineShare: number;
    errors: number;
  };
  endToEndNotesPerSecond: number;
  notesPerDay: number;
  /** CPU seconds per 1,000 notes: submit process, worker processes, PostgreSQL (submit + work). */
  cpuPer1000: { submit: number; workers: number; postgres: number };
  /** What the node would do with its cores busy only with this: cores / CPU seconds per note. */
  projectedNotesPerSecond: number;
  /** PostgreSQL CPU seconds per 1,000 notes (submit + work). */
  pgCpuSecondsPer1000: number;
  /** WAL written per note, bytes (submit + work). */
  walBytesPerNote: number;
}

interface Storage {
  results: number;
  resultBodyBytes: number;
  resultsTableBytes: number;
  notesTableBytes: number;
  notes: number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const csv = sharedDataPath('mtsamples', 'mtsamples.csv');
  if (!csv) {
    say(missingDataMessage('mtsamples', 'mtsamples.csv'));
    return;
  }
  const texts: string[] = [];
  for await (const row of readCsvObjects(csv)) {
    const t = row.row.transcription;
    if (typeof t === 'string' && t.trim() !== '') texts.push(t);
  }
  const admin = process.env.CLINOTE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `clinote_bench_${randomBytes(4).toString('hex')}`;
  const url = admin.replace(/\/[^/]*$/, `/${name}`);
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${name}`);
  await adminClient.end();
  const env = { CLINOTE_DB: url };
  const cores = availableParallelism();
  const phases: Phase[] = [];
  let storage: Storage | undefined;
  const client = new pg.Client({ connectionString: url });
  try {
    const m = await run(['db', 'migrate'], env);
    if (m.code !== 0) throw new Error(`migrate failed: ${m.stderr}`);
    await client.connect();
    for (const k of args.workers) {
      say(`bench:scale: submit ${args.notes} notes (run for ${k} worker process(es))`);
      const lsn = async (): Promise<string> =>
        (await client.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0]?.l ?? '0/0';
      const wal0 = await lsn();
      const pgStart = postgresCpuSeconds();
      let pg0 = pgStart;
      let t0 = performance.now();
      const s = await run(
        [
          'submit',
          '-',
          '--stdin-format',
          'ndjson',
          '--source',
          `bench-${k}`,
          '--batch-size',
          String(args.batchSize),
          '--json',
          '-q',
        ],
        env,
        noteLines(texts, args.notes, `m${k}-`),
      );
      const submitSeconds = (performance.now() - t0) / 1000;
      if (s.code !== 0) throw new Error(`submit failed (${s.code}): ${s.stderr}`);
      const report = JSON.parse(s.stdout) as {
        runId: string;
        notes: number;
        seconds: number;
        dbSeconds: number;
        cpuSeconds: number;
      };
      const submitPg = postgresCpuSeconds() - pg0;

      say(`bench:scale: ${k} worker process(es), ${args.threads} thread(s) each`);
      pg0 = postgresCpuSeconds();
      t0 = performance.now();
      const workers = await Promise.all(
        Array.from({ length: k }, () =>
          run(['worker', '--workers', String(args.threads), '--idle-exit', '3', '--poll', '1', '-q'], {
            ...env,
            CLINOTE_WORKER_REPORT: '1',
          }),
        ),
      );
      const wall = (performance.now() - t0) / 1000;
      const workPg = postgresCpuSeconds() - pg0;
      for (const w of workers) if (w.code !== 0) throw new Error(`worker failed (${w.code}): ${w.stderr}`);
      const reports = workers.map(
        (w) =>
          JSON.parse(w.stdout.trim().split('\n').pop() as string) as {
            notes: number;
            seconds: number;
            dbSeconds: number;
            runSeconds: number;
            errors: number;
            cpuSeconds: number;
          },
      );
      const span = await client.query<{ n: string; secs: number }>(
        'SELECT sum(notes) AS n, extract(epoch FROM max(finished_on) - min(started_on))::float8 AS secs FROM clinote_job_log WHERE run_id = $1',
        [report.runId],
      );
      const done = Number(span.rows[0]?.n ?? 0);
      const secs = span.rows[0]?.secs ?? wall;
      const slotSeconds = reports.reduce((a, r) => a + r.seconds, 0);
      const submitRate = report.notes / submitSeconds;
      const workRate = done / secs;
      const e2e = report.notes / (submitSeconds + secs);
      const wal = await client.query<{ b: string }>(
        'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint AS b',
        [wal0],
      );
      const pgAll = postgresCpuSeconds() - pgStart;
      phases.push({
        workers: k,
        submit: {
          notes: report.notes,
          seconds: submitSeconds,
          notesPerSecond: submitRate,
          dbShare: report.dbSeconds / report.seconds,
          pgCpuShare: submitPg / (submitSeconds * cores),
        },
        work: {
          notes: done,
          seconds: secs,
          notesPerSecond: workRate,
          pgCpuShare: workPg / (wall * cores),
          workerDbShare: reports.reduce((a, r) => a + r.dbSeconds, 0) / (slotSeconds * 2),
          workerPipelineShare: reports.reduce((a, r) => a + r.runSeconds, 0) / (slotSeconds * 2),
          errors: reports.reduce((a, r) => a + r.errors, 0),
        },
        endToEndNotesPerSecond: e2e,
        notesPerDay: e2e * 86_400,
        pgCpuSecondsPer1000: (pgAll / report.notes) * 1000,
        cpuPer1000: {
          submit: (report.cpuSeconds / report.notes) * 1000,
          workers: (reports.reduce((a, r) => a + r.cpuSeconds, 0) / report.notes) * 1000,
          postgres: (pgAll / report.notes) * 1000,
        },
        projectedNotesPerSecond:
          cores /
          ((report.cpuSeconds + reports.reduce((a, r) => a + r.cpuSeconds, 0) + pgAll) / report.notes),
        walBytesPerNote: Number(wal.rows[0]?.b ?? 0) / report.notes,
      });
    }
    const st = await client.query<{ n: string; avg: number; rt: string; nt: string; notes: string }>(
      `SELECT count(*) AS n, avg(octet_length(body))::float8 AS avg,
              pg_total_relation_size('clinote_results') AS rt, pg_total_relation_size('clinote_notes') AS nt,
              (SELECT count(*) FROM clinote_notes) AS notes
       FROM clinote_results`,
    );
    const r = st.rows[0];
    if (r) {
      storage = {
        results: Number(r.n),
        resultBodyBytes: r.avg,
        resultsTableBytes: Number(r.rt),
        notesTableBytes: Number(r.nt),
        notes: Number(r.notes),
      };
    }
  } finally {
    await client.end().catch(() => {});
    if (!args.keep) {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    } else say(`bench:scale: kept database ${url}`);
  }
  const machine = {
    cores,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    notes: args.notes,
    threadsPerWorker: args.threads,
    batchSize: args.batchSize,
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ machine, phases, storage }, null, 2)}\n`);
    return;
  }
  const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
  const n0 = (x: number): string => x.toFixed(0);
  const lines = [
    `bench:scale: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, load average ${machine.loadavg.join(' ')}; ${args.notes} MTSamples notes per run, batch ${args.batchSize}, ${args.threads} thread(s) per worker process`,
    '',
    '| worker processes | submit notes/s | submit: PG CPU share | workers notes/s | workers: PG CPU share | workers: time waiting on PG | end to end notes/s | notes/day (node) | PG CPU s / 1k notes | WAL / note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...phases.map(
      (p) =>
        `| ${p.workers} | ${n0(p.submit.notesPerSecond)} | ${pct(p.submit.pgCpuShare)} | ${n0(p.work.notesPerSecond)} | ${pct(p.work.pgCpuShare)} | ${pct(p.work.workerDbShare)} | ${n0(p.endToEndNotesPerSecond)} | ${(p.notesPerDay / 1e6).toFixed(1)} M | ${p.pgCpuSecondsPer1000.toFixed(2)} | ${(p.walBytesPerNote / 1024).toFixed(1)} KiB |`,
    ),
    '',
    'CPU seconds per 1,000 notes (submit / workers / PostgreSQL) and what the node would do with its cores free for this alone:',
    ...phases.map(
      (p) =>
        `- ${p.workers} worker process(es): ${p.cpuPer1000.submit.toFixed(2)} / ${p.cpuPer1000.workers.toFixed(2)} / ${p.cpuPer1000.postgres.toFixed(2)} s -> ${n0(p.projectedNotesPerSecond)} notes/s end to end, ${((p.projectedNotesPerSecond * 86_400) / 1e6).toFixed(0)} M notes/day`,
    ),
    ...(storage
      ? [
          '',
          `storage: ${storage.results} results, mean result JSON ${(storage.resultBodyBytes / 1024).toFixed(1)} KiB; clinote_results ${(storage.resultsTableBytes / 2 ** 20).toFixed(0)} MiB (${(storage.resultsTableBytes / storage.results / 1024).toFixed(1)} KiB per result on disk), clinote_notes ${(storage.notesTableBytes / 2 ** 20).toFixed(0)} MiB for ${storage.notes} notes`,
        ]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();

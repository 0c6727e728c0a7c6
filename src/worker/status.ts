/**
 * `clinote runs status`: per run, notes done, failed, pending, throughput and ETA, from the tables
 * (counts are exact: the run's notes joined with their results for the run's pipeline version).
 */
import { ClinoteError } from '../errors/error.js';
import { dbError, type Pool } from './db.js';
import { DEAD_LETTER_QUEUE } from './schema.js';

export interface RunStatus {
  readonly runId: string;
  readonly createdOn: string;
  /** When submit finished (null: still submitting, or it stopped). */
  readonly submittedOn: string | null;
  readonly pipeline: string;
  readonly pipelineVersion: string;
  readonly queue: string;
  /** Distinct notes in the run. */
  readonly notes: number;
  /** Notes with a result (no error) for the run's pipeline version. */
  readonly done: number;
  /** Notes with an error result, plus input errors found by submit. */
  readonly failed: number;
  readonly pending: number;
  readonly sourceErrors: number;
  /** Jobs of this run in the dead-letter queue, and their notes. */
  readonly deadJobs: number;
  readonly deadNotes: number;
  /** Notes/s over the run's jobs so far (first claim to last completion). */
  readonly throughput: number | null;
  /** Notes/s over the last minute. */
  readonly recentThroughput: number | null;
  /** Seconds left at the recent rate (else the overall rate); null when nothing runs. */
  readonly etaSeconds: number | null;
  /** Distinct worker processes that completed a job of this run in the last minute. */
  readonly activeWorkers: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkRunId(runId: string): void {
  if (!UUID.test(runId)) {
    throw new ClinoteError(
      'CLINOTE_E_QUEUE_RUN_NOT_FOUND',
      `no run '${runId.slice(0, 64)}': a run id is a UUID`,
      {
        run: runId.slice(0, 64),
      },
    );
  }
}

interface RunRow {
  run_id: string;
  created_on: Date;
  submitted_on: Date | null;
  pipeline: string;
  pipeline_version: string;
  queue: string;
  source_errors: string;
}

async function statusOf(pool: Pool, run: RunRow): Promise<RunStatus> {
  const counts = await pool.query<{ notes: string; done: string; failed: string }>(
    `SELECT count(*) AS notes,
            count(r.note_key) FILTER (WHERE r.error_code IS NULL) AS done,
            count(r.note_key) FILTER (WHERE r.error_code IS NOT NULL) AS failed
     FROM clinote_run_notes rn
     LEFT JOIN clinote_results r ON r.note_key = rn.note_key AND r.pipeline_version = $2
     WHERE rn.run_id = $1`,
    [run.run_id, run.pipeline_version],
  );
  const rate = await pool.query<{
    n: string;
    secs: number | null;
    recent: string;
    recent_secs: number | null;
    workers: string;
  }>(
    `SELECT coalesce(sum(notes), 0) AS n,
            extract(epoch FROM max(finished_on) - min(started_on))::float8 AS secs,
            coalesce(sum(notes) FILTER (WHERE finished_on > now() - interval '60 seconds'), 0) AS recent,
            extract(epoch FROM now() - greatest(min(started_on), now() - interval '60 seconds'))::float8 AS recent_secs,
            count(DISTINCT worker) FILTER (WHERE finished_on > now() - interval '60 seconds') AS workers
     FROM clinote_job_log WHERE run_id = $1`,
    [run.run_id],
  );
  const dead = await pool.query<{ jobs: string; notes: string }>(
    `SELECT count(*) AS jobs, coalesce(sum(jsonb_array_length(data->'notes')), 0) AS notes
     FROM pgboss.job WHERE name = $1 AND data->>'run' = $2`,
    [DEAD_LETTER_QUEUE, run.run_id],
  );
  const c = counts.rows[0];
  const r = rate.rows[0];
  const notes = Number(c?.notes ?? 0);
  const done = Number(c?.done ?? 0);
  const sourceErrors = Number(run.source_errors);
  const failed = Number(c?.failed ?? 0) + sourceErrors;
  const pending = notes - done - Number(c?.failed ?? 0);
  const n = Number(r?.n ?? 0);
  const throughput = r?.secs !== null && r?.secs !== undefined && r.secs > 0 ? n / r.secs : null;
  const recentN = Number(r?.recent ?? 0);
  const recentThroughput =
    recentN > 0 && r?.recent_secs !== null && r?.recent_secs !== undefined && r.recent_secs > 0
      ? recentN / r.recent_secs
      : null;
  const speed = recentThroughput ?? null;
  return {
    runId: run.run_id,
    createdOn: run.created_on.toISOString(),
    submittedOn: run.submitted_on?.toISOString() ?? null,
    pipeline: run.pipeline,
    pipelineVersion: run.pipeline_version,
    queue: run.queue,
    notes,
    done,
    failed,
    pending,
    sourceErrors,
    deadJobs: Number(dead.rows[0]?.jobs ?? 0),
    deadNotes: Number(dead.rows[0]?.notes ?? 0),
    throughput,
    recentThroughput,
    etaSeconds: pending === 0 ? 0 : speed !== null ? pending / speed : null,
    activeWorkers: Number(r?.workers ?? 0),
  };
}

/** The status of one run, or of the latest `limit` runs (newest first). */
export async function runStatus(pool: Pool, url: string, runId?: string, limit = 20): Promise<RunStatus[]> {
  if (runId !== undefined) checkRunId(runId);
  try {
    const runs = await pool.query<RunRow>(
      runId !== undefined
        ? 'SELECT * FROM clinote_runs WHERE run_id = $1'
        : 'SELECT * FROM clinote_runs ORDER BY created_on DESC LIMIT $1',
      [runId ?? limit],
    );
    if (runId !== undefined && runs.rows.length === 0) {
      throw new ClinoteError('CLINOTE_E_QUEUE_RUN_NOT_FOUND', `no run '${runId}'`, { run: runId });
    }
    const out: RunStatus[] = [];
    for (const run of runs.rows) out.push(await statusOf(pool, run));
    return out;
  } catch (e) {
    throw dbError(e, url, 'runs status');
  }
}

const rate = (r: number | null): string => (r === null ? '-' : `${r.toFixed(0)}/s`);

function duration(s: number | null): string {
  if (s === null) return '-';
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A table, one run per line. */
export function formatStatus(list: readonly RunStatus[]): string {
  const rows = [
    [
      'run',
      'created',
      'version',
      'notes',
      'done',
      'failed',
      'pending',
      'dead',
      'rate',
      'last min',
      'eta',
      'workers',
    ],
    ...list.map((s) => [
      s.runId,
      s.createdOn.slice(0, 19).replace('T', ' '),
      s.pipelineVersion,
      String(s.notes),
      String(s.done),
      String(s.failed),
      String(s.pending),
      s.deadJobs > 0 ? `${s.deadJobs} jobs/${s.deadNotes} notes` : '0',
      rate(s.throughput),
      rate(s.recentThroughput),
      duration(s.etaSeconds),
      String(s.activeWorkers),
    ]),
  ];
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/**
 * `clinote results export`: a run's results in input-key order, streamed from a server-side cursor
 * (500 rows at a time, one snapshot) to a file: NDJSON (the result JSON as `clinote extract
 * --format ndjson` writes it) or FHIR NDJSON (a Bundle per note, made from the stored result and the
 * note text). Notes without a result yet are counted, not written.
 */
import { DOC_FORMAT, DOC_FORMAT_VERSION, Doc } from '../doc/doc.js';
import { ClinoteError } from '../errors/error.js';
import { OutputSink } from '../io/sink.js';
import { toFhirBundle } from '../output/fhir/bundle.js';
import { errorOutcome } from '../output/fhir/format.js';
import type { ErrorResult, Result } from '../output/schema.js';
import type { PipelineStamp } from '../pipeline/pipeline.js';
import { dbError, type Pool } from './db.js';
import { checkRunId } from './status.js';

export type ExportFormat = 'ndjson' | 'fhir';

export interface ExportOptions {
  readonly runId: string;
  readonly format: ExportFormat;
  /** A file path, or an OutputSink (stdout, tests). */
  readonly out: string | OutputSink;
  readonly fetchSize?: number;
  readonly signal?: AbortSignal;
}

export interface ExportReport {
  readonly results: number;
  readonly errors: number;
  readonly pending: number;
  readonly sourceErrors: number;
}

/** Result keys that are not layers of the Doc. */
const NOT_LAYERS = new Set(['id', 'pipeline', 'flags', 'text', 'tokens']);

/** The Doc of a stored result and its note text (the layers toResult wrote, without their `text`). */
export function docOfResult(result: Result, text: string, meta: unknown): Doc {
  const layers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (NOT_LAYERS.has(key)) continue;
    layers[key] =
      key === 'sections' || key === 'sentences'
        ? (value as unknown as { text?: string }[]).map(({ text: _text, ...rest }) => rest)
        : value;
  }
  return Doc.fromJSON({
    format: DOC_FORMAT,
    formatVersion: DOC_FORMAT_VERSION,
    id: result.id,
    text,
    ...(meta !== undefined && meta !== null ? { meta } : {}),
    flags: result.flags,
    layers,
  });
}

interface Row {
  error_code: string | null;
  body: string | null;
  text?: string;
  metadata?: { meta?: unknown } | null;
}

export async function exportRun(pool: Pool, url: string, options: ExportOptions): Promise<ExportReport> {
  checkRunId(options.runId);
  const fhir = options.format === 'fhir';
  const fetchSize = Math.max(1, options.fetchSize ?? 500);
  const client = await pool.connect().catch((e) => {
    throw dbError(e, url, 'results export');
  });
  let sink: OutputSink | undefined;
  let results = 0;
  let errors = 0;
  let pending = 0;
  let sourceErrors = 0;
  let broken = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const run = await client.query<{ pipeline_version: string }>(
      'SELECT pipeline_version FROM clinote_runs WHERE run_id = $1',
      [options.runId],
    );
    const version = run.rows[0]?.pipeline_version;
    if (version === undefined) {
      throw new ClinoteError('CLINOTE_E_QUEUE_RUN_NOT_FOUND', `no run '${options.runId}'`, {
        run: options.runId,
      });
    }
    sink = typeof options.out === 'string' ? OutputSink.toFile(options.out) : options.out;
    // the run id is a checked UUID and the version is the run's own: quoted literals are safe here
    const v = version.replace(/'/g, "''");
    await client.query(
      `DECLARE clinote_export NO SCROLL CURSOR FOR
       SELECT r.error_code, r.body${fhir ? ', n.text, n.metadata' : ''}
       FROM clinote_run_notes rn
       LEFT JOIN clinote_results r ON r.note_key = rn.note_key AND r.pipeline_version = '${v}'
       ${fhir ? 'JOIN clinote_notes n ON n.key = rn.note_key' : ''}
       WHERE rn.run_id = '${options.runId}'
       ORDER BY rn.note_key`,
    );
    for (;;) {
      if (options.signal?.aborted) break;
      const { rows } = await client.query<Row>(`FETCH ${fetchSize} FROM clinote_export`);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.body === null) {
          pending++;
          continue;
        }
        if (row.error_code === null) results++;
        else errors++;
        if (!fhir) {
          await sink.write(`${row.body}\n`);
        } else if (row.error_code !== null) {
          await sink.write(`${JSON.stringify(errorOutcome(JSON.parse(row.body) as ErrorResult))}\n`);
        } else {
          const result = JSON.parse(row.body) as Result;
          const doc = docOfResult(result, row.text ?? '', row.metadata?.meta);
          const bundle = toFhirBundle(doc, { stamp: result.pipeline as PipelineStamp });
          await sink.write(`${JSON.stringify(bundle)}\n`);
        }
      }
    }
    await client.query('CLOSE clinote_export');
    const errs = await client.query<{ body: string }>(
      'SELECT body FROM clinote_run_errors WHERE run_id = $1 ORDER BY seq',
      [options.runId],
    );
    for (const row of errs.rows) {
      sourceErrors++;
      await sink.write(
        fhir ? `${JSON.stringify(errorOutcome(JSON.parse(row.body) as ErrorResult))}\n` : `${row.body}\n`,
      );
    }
    await client.query('COMMIT');
    await sink.close();
  } catch (e) {
    sink?.abort();
    broken = true;
    if (e instanceof ClinoteError) throw e;
    throw dbError(e, url, 'results export');
  } finally {
    client.release(broken);
  }
  return { results, errors, pending, sourceErrors };
}

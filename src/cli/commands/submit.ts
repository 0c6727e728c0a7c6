import { Option } from 'commander';
import { INPUT_FORMATS } from '../../io/plan.js';
import { nonEmpty, positiveInt } from '../options.js';
import type { CliCommand } from '../types.js';

interface SubmitCliOptions {
  readonly db?: string;
  readonly pipeline?: string;
  readonly pack?: string;
  readonly batchSize: number;
  readonly source: string;
  readonly textField: string;
  readonly idField: string;
  readonly dateField: string;
  readonly stdinFormat: 'text' | 'ndjson' | 'csv';
  readonly expireSeconds: number;
  readonly retryLimit: number;
  readonly retryDelay: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

const nonNegativeInt = (v: string): number => (v.trim() === '0' ? 0 : positiveInt(v));

export const submitCommand: CliCommand = {
  name: 'submit',
  register(program, ctx) {
    program
      .command('submit')
      .description('store notes in PostgreSQL and enqueue jobs for `clinote worker`; prints the run id')
      .argument('<inputs...>', 'files, directories (read recursively), or - for stdin')
      .option('--db <url>', 'PostgreSQL URL (default: $CLINOTE_DB)')
      .option(
        '-p, --pipeline <name|config>',
        'pipeline name (resources/pipelines) or config JSON (default: default)',
      )
      .option('--pack <pack>', 'terminology pack (default: $CLINOTE_PACK, else the starter pack)')
      .option('--batch-size <n>', 'notes per job', positiveInt, 500)
      .option('--source <name>', 'namespace of note ids for deduplication', nonEmpty, 'default')
      .option('--text-field <name>', 'NDJSON/CSV field holding the note text', nonEmpty, 'text')
      .option('--id-field <name>', 'NDJSON/CSV field holding the note id', nonEmpty, 'id')
      .option('--date-field <name>', 'NDJSON/CSV field holding the note date', nonEmpty, 'noteDate')
      .addOption(
        new Option('--stdin-format <format>', 'how to read - (stdin)').choices(INPUT_FORMATS).default('text'),
      )
      .option('--expire-seconds <n>', 'a job active this long goes to another worker', positiveInt, 300)
      .option(
        '--retry-limit <n>',
        'retries of a failed or expired job before the dead-letter queue',
        nonNegativeInt,
        4,
      )
      .option('--retry-delay <s>', 'first retry delay in seconds (doubled each retry)', positiveInt, 5)
      .option('--json', 'print the report as JSON on stdout (instead of the run id alone)')
      .option('-q, --quiet', 'no summary on stderr')
      .action(async (inputs: string[], options: SubmitCliOptions) => {
        const { databaseUrl } = await import('../../worker/db.js');
        const { choosePipeline } = await import('../../worker/pipeline.js');
        const { submit } = await import('../../worker/submit.js');
        const env = ctx.io.env ?? process.env;
        const url = databaseUrl(options.db, env);
        let errorLines = 0;
        const report = await submit({
          url,
          inputs,
          pipeline: choosePipeline(options.pipeline, options.pack, env),
          batchSize: options.batchSize,
          source: options.source,
          textField: options.textField,
          idField: options.idField,
          dateField: options.dateField,
          stdinFormat: options.stdinFormat,
          stdin: ctx.io.stdin,
          expireSeconds: options.expireSeconds,
          retryLimit: options.retryLimit,
          retryDelaySeconds: options.retryDelay,
          ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
          onError: (id, code) => {
            if (!options.quiet && errorLines++ < 20) ctx.log(`${id}: ${code}`);
          },
        });
        ctx.io.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${report.runId}\n`);
        if (!options.quiet) {
          ctx.log(
            `run ${report.runId}: ${report.notes} notes read, ${report.runNotes} in the run (${report.stored} new), ` +
              `${report.enqueued} enqueued in ${report.jobs} jobs on ${report.queue}, ${report.sourceErrors} input errors, ` +
              `${report.seconds.toFixed(1)} s (${(report.notes / Math.max(report.seconds, 1e-9)).toFixed(0)} notes/s)`,
          );
        }
        if (report.interrupted) ctx.exitCode = 130;
        else if (report.sourceErrors > 0) ctx.exitCode = 1;
      });
  },
};

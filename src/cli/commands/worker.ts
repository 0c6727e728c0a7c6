import { positiveInt } from '../options.js';
import type { CliCommand } from '../types.js';

interface WorkerCliOptions {
  readonly db?: string;
  readonly pipeline?: string;
  readonly pack?: string;
  readonly workers?: number;
  readonly concurrency: number;
  readonly poll: number;
  readonly maintenance: number;
  readonly idleExit?: number;
  readonly quiet?: boolean;
  readonly monitor?: boolean;
  readonly monitorWindow?: number;
}

const nonNegativeInt = (v: string): number => (v.trim() === '0' ? 0 : positiveInt(v));

export const workerCommand: CliCommand = {
  name: 'worker',
  register(program, ctx) {
    program
      .command('worker')
      .description('claim jobs of this pipeline version from PostgreSQL, run their notes, write the results')
      .option('--db <url>', 'PostgreSQL URL (default: $CLINOTE_DB)')
      .option(
        '-p, --pipeline <name|config>',
        'pipeline name (resources/pipelines) or config JSON (default: default)',
      )
      .option('--pack <pack>', 'terminology pack (default: $CLINOTE_PACK, else the starter pack)')
      .option(
        '--workers <n>',
        'worker threads (default: the number of cores; 0 or 1: this thread)',
        nonNegativeInt,
      )
      .option('--concurrency <n>', 'jobs in flight at once', positiveInt, 2)
      .option('--poll <s>', 'seconds between polls of an empty queue', positiveInt, 1)
      .option(
        '--maintenance <s>',
        "seconds between queue maintenance runs (expiry of dead workers' jobs)",
        positiveInt,
        30,
      )
      .option(
        '--idle-exit <s>',
        'stop after this many seconds without a job (default: run until stopped)',
        positiveInt,
      )
      .option(
        '--monitor-window <s>',
        'seconds per monitoring window of the results (docs/monitoring.md)',
        positiveInt,
        300,
      )
      .option('--no-monitor', 'do not profile the results for monitoring')
      .option('-q, --quiet', 'no line per job')
      .action(async (options: WorkerCliOptions) => {
        const { availableParallelism } = await import('node:os');
        const { databaseUrl } = await import('../../worker/db.js');
        const { choosePipeline } = await import('../../worker/pipeline.js');
        const { runWorker, testHooksFromEnv } = await import('../../worker/worker.js');
        const env = ctx.io.env ?? process.env;
        const url = databaseUrl(options.db, env);
        const test = testHooksFromEnv(env);
        const report = await runWorker({
          url,
          pipeline: choosePipeline(options.pipeline, options.pack, env),
          threads: options.workers ?? availableParallelism(),
          concurrency: options.concurrency,
          pollSeconds: options.poll,
          maintenanceSeconds: options.maintenance,
          ...(options.idleExit !== undefined ? { idleExitSeconds: options.idleExit } : {}),
          ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
          ...(test ? { test } : {}),
          monitoring: options.monitor === false ? false : { windowSeconds: options.monitorWindow ?? 300 },
          // --quiet drops the line per completed job, never the lines about faults
          log: options.quiet ? (l) => (/^job \S+ run /.test(l) ? undefined : ctx.log(l)) : (l) => ctx.log(l),
        });
        ctx.log(
          `worker stopped: ${report.jobs} jobs, ${report.notes} notes (${report.written} written, ${report.errors} errors, ` +
            `${report.skipped} already done, ${report.lost} jobs lost to expiry) in ${report.seconds.toFixed(1)} s; ` +
            `PostgreSQL ${report.dbSeconds.toFixed(1)} s, pipeline ${report.runSeconds.toFixed(1)} s`,
        );
        if (ctx.io.env?.CLINOTE_WORKER_REPORT === '1') ctx.io.stdout.write(`${JSON.stringify(report)}\n`);
      });
  },
};

import { Option } from 'commander';
import type { CliCommand } from '../types.js';

export const resultsCommand: CliCommand = {
  name: 'results',
  register(program, ctx) {
    const results = program.command('results').description('results stored in PostgreSQL (docs/workers.md)');
    results
      .command('export')
      .description("write a run's results, streamed: NDJSON results or FHIR NDJSON Bundles")
      .requiredOption('--run <run>', 'run id (printed by clinote submit)')
      .option('--db <url>', 'PostgreSQL URL (default: $CLINOTE_DB)')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['ndjson', 'fhir']).default('ndjson'),
      )
      .option('-o, --out <file>', 'output file (default: stdout)')
      .action(async (options: { run: string; db?: string; format: 'ndjson' | 'fhir'; out?: string }) => {
        const { createPool, databaseUrl } = await import('../../worker/db.js');
        const { checkSchema } = await import('../../worker/schema.js');
        const { exportRun } = await import('../../worker/export.js');
        const { OutputSink } = await import('../../io/sink.js');
        const url = databaseUrl(options.db, ctx.io.env ?? process.env);
        const pool = createPool(url, { max: 1, name: 'clinote-export' });
        try {
          await checkSchema(pool, url);
          const report = await exportRun(pool, url, {
            runId: options.run,
            format: options.format,
            out: options.out ?? new OutputSink(ctx.io.stdout, 'stdout', false),
            ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
          });
          ctx.log(
            `run ${options.run}: ${report.results} results, ${report.errors + report.sourceErrors} errors written` +
              (report.pending > 0 ? `; ${report.pending} notes pending, not exported` : ''),
          );
          if (report.pending > 0) {
            ctx.log(
              `error CLINOTE_E_QUEUE_RUN_INCOMPLETE: ${report.pending} notes of the run have no result yet`,
            );
            ctx.exitCode = 1;
          }
        } finally {
          await pool.end().catch(() => {});
        }
      });
  },
};

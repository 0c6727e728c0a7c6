import type { CliCommand } from '../types.js';

export const runsCommand: CliCommand = {
  name: 'runs',
  register(program, ctx) {
    const runs = program.command('runs').description('runs submitted to PostgreSQL (docs/workers.md)');
    runs
      .command('status')
      .description(
        'notes done, failed and pending, throughput and ETA of a run (default: the latest 20 runs)',
      )
      .argument('[run]', 'run id (printed by clinote submit)')
      .option('--db <url>', 'PostgreSQL URL (default: $CLINOTE_DB)')
      .option('--json', 'print JSON')
      .action(async (run: string | undefined, options: { db?: string; json?: boolean }) => {
        const { createPool, databaseUrl } = await import('../../worker/db.js');
        const { checkSchema } = await import('../../worker/schema.js');
        const { formatStatus, runStatus } = await import('../../worker/status.js');
        const url = databaseUrl(options.db, ctx.io.env ?? process.env);
        const pool = createPool(url, { max: 1, name: 'clinote-status' });
        try {
          await checkSchema(pool, url);
          const list = await runStatus(pool, url, run);
          const text = options.json
            ? `${JSON.stringify(run !== undefined ? list[0] : list, null, 2)}\n`
            : formatStatus(list);
          await new Promise<void>((resolve, reject) => {
            ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
          });
        } finally {
          await pool.end().catch(() => {});
        }
      });
  },
};

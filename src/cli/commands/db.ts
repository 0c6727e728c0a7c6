import type { CliCommand } from '../types.js';

export const dbCommand: CliCommand = {
  name: 'db',
  register(program, ctx) {
    const db = program.command('db').description('the PostgreSQL tables of the job queue (docs/workers.md)');
    db.command('migrate')
      .description('create or upgrade the Clinote tables and the pg-boss schema (idempotent)')
      .option('--db <url>', 'PostgreSQL URL (default: $CLINOTE_DB)')
      .action(async (options: { db?: string }) => {
        const { databaseUrl, createPool, redactUrl } = await import('../../worker/db.js');
        const { migrate } = await import('../../worker/schema.js');
        const url = databaseUrl(options.db, ctx.io.env ?? process.env);
        const pool = createPool(url, { max: 1, name: 'clinote-migrate' });
        try {
          const report = await migrate(pool, url);
          ctx.log(
            report.applied.length > 0
              ? `db ${redactUrl(url)}: applied migration(s) ${report.applied.join(', ')}; schema version ${report.version}`
              : `db ${redactUrl(url)}: schema version ${report.version}, up to date`,
          );
        } finally {
          await pool.end().catch(() => {});
        }
      });
  },
};

import type { Command } from 'commander';
import { positiveInt } from '../options.js';
import type { CliCommand, CliContext } from '../types.js';
import { STORE_OPTION_HELP, table, withStore, write } from './keys.js';

/** `clinote audit verify|list`: the server's append-only audit log (docs/security.md). */
export const auditCommand: CliCommand = {
  name: 'audit',
  register(program: Command, ctx: CliContext) {
    const audit = program
      .command('audit')
      .description('verify and list the audit log of `clinote serve` (docs/security.md)');
    audit
      .command('verify')
      .description('check the hash chain of the audit log: exit 0 when it holds, 1 with the first bad record')
      .option('--store <url>', STORE_OPTION_HELP)
      .option('--json', 'print the verdict as JSON')
      .action(async (o: { store?: string; json?: boolean }) => {
        const { verdict, location } = await withStore(ctx, o.store, async (store) => ({
          verdict: await store.audit.verify(),
          location: store.location,
        }));
        if (o.json) await write(ctx, `${JSON.stringify(verdict, null, 2)}\n`);
        else if (verdict.ok)
          await write(
            ctx,
            `audit chain holds: ${verdict.checked} record${verdict.checked === 1 ? '' : 's'} (${location})\n`,
          );
        else await write(ctx, `audit chain broken at record ${verdict.firstBad}: ${verdict.reason}\n`);
        if (verdict.ok) {
          ctx.exitCode = 0;
          return;
        }
        const { ClinoteError } = await import('../../errors/error.js');
        ctx.exitCode = ctx.reportError(
          new ClinoteError(
            'CLINOTE_E_STORE_AUDIT_CHAIN_BROKEN',
            `the audit log of ${location} does not verify: first bad record ${verdict.firstBad} (${verdict.checked} good before it)`,
            { firstBad: verdict.firstBad, checked: verdict.checked },
          ),
        );
      });
    audit
      .command('list')
      .description('list audit records, newest first')
      .option('--tenant <tenant>', 'only this tenant')
      .option('--limit <n>', 'at most this many records (default 100)', positiveInt)
      .option('--store <url>', STORE_OPTION_HELP)
      .option('--json', 'print the records as JSON')
      .action(async (o: { tenant?: string; limit?: number; store?: string; json?: boolean }) => {
        const records = await withStore(ctx, o.store, (store) =>
          store.audit.list({
            ...(o.tenant !== undefined ? { tenant: o.tenant } : {}),
            ...(o.limit !== undefined ? { limit: o.limit } : {}),
          }),
        );
        if (o.json) await write(ctx, `${JSON.stringify(records, null, 2)}\n`);
        else if (records.length === 0) ctx.log('no audit record');
        else
          await write(
            ctx,
            table([
              [
                'seq',
                'at',
                'tenant',
                'key',
                'method',
                'route',
                'status',
                'notes',
                'pipeline',
                'ms',
                'error',
                'hash',
              ],
              ...records.map((r) => [
                String(r.seq),
                r.at,
                r.tenant,
                r.keyId ?? '-',
                r.method,
                r.route,
                String(r.status),
                String(r.notes),
                r.pipelineVersion !== undefined
                  ? `${r.pipeline ?? '-'}@${r.pipelineVersion}`
                  : (r.pipeline ?? '-'),
                r.ms !== undefined ? String(Math.round(r.ms * 100) / 100) : '-',
                r.errorCode ?? '-',
                r.hash.slice(0, 12),
              ]),
            ]),
          );
        ctx.exitCode = 0;
      });
  },
};

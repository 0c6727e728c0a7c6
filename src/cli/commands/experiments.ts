import type { Command } from 'commander';
import type { CliCommand, CliContext } from '../types.js';
import { STORE_OPTION_HELP, write } from './keys.js';
import { ARTIFACTS_OPTION_HELP, withRegistry } from './registry.js';

/** `5m`, `30s`, `1h`, `250ms` -> milliseconds. */
function duration(value: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new Error('expected a duration such as 30s, 5m or 1h');
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/**
 * `clinote experiments report DEPLOYMENT`: the online comparison of a deployment's shadow and canary
 * with its champion, per window, from the comparisons the server stored (docs/registry.md).
 */
export const experimentsCommand: CliCommand = {
  name: 'experiments',
  register(program: Command, ctx: CliContext) {
    const experiments = program
      .command('experiments')
      .description('online comparisons of deployments (shadow, canary) with their champion');
    experiments
      .command('report')
      .argument('<deployment>')
      .option('--window <duration>', 'window length: 30s, 5m, 1h (default 5m)', duration)
      .option('--since <iso>', 'only comparisons at or after this time (ISO 8601)')
      .option('--store <url>', STORE_OPTION_HELP)
      .option('--artifacts <dir>', ARTIFACTS_OPTION_HELP)
      .option('--json', 'print the report as JSON')
      .action(
        async (
          deployment: string,
          o: { window?: number; since?: string; store?: string; artifacts?: string; json?: boolean },
        ) => {
          const { experimentReport } = await import('../../registry/report.js');
          const report = await withRegistry(ctx, o, (r) =>
            experimentReport(r, deployment, {
              windowMs: o.window ?? 300_000,
              ...(o.since !== undefined ? { since: o.since } : {}),
            }),
          );
          if (o.json) await write(ctx, `${JSON.stringify(report, null, 2)}\n`);
          else {
            const lines = [`deployment ${deployment}: ${report.compared} comparisons`];
            for (const v of report.variants) {
              lines.push(`${v.variant} ${v.candidate} vs champion ${v.champion}:`);
              for (const w of v.windows)
                lines.push(
                  `  ${w.start}  n=${w.compared}  agreement F1 ${w.agreementF1 ?? '-'}  assertions ${w.assertionAgreement ?? '-'}  codes ${w.codeAgreement ?? '-'}  p50 ${w.latency.championP50 ?? '-'}/${w.latency.candidateP50 ?? '-'} ms  errors ${w.errors.champion}/${w.errors.candidate}`,
                );
              lines.push(
                `  total  n=${v.total.compared}  agreement F1 ${v.total.agreementF1 ?? '-'}  by type ${Object.entries(
                  v.total.byType,
                )
                  .map(([t, x]) => `${t}=${x.f1}`)
                  .join(' ')}`,
              );
            }
            await write(ctx, `${lines.join('\n')}\n`);
          }
          ctx.exitCode = 0;
        },
      );
  },
};

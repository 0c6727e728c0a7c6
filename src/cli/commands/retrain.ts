import type { Command } from 'commander';
import type { CliCommand, CliContext } from '../types.js';
import { write } from './keys.js';
import { withRegistry, withStoreOptions } from './registry.js';

interface RetrainOpts {
  readonly config: string;
  readonly ifDue?: boolean;
  readonly json?: boolean;
  readonly store?: string;
  readonly artifacts?: string;
}

/** `clinote retrain --config retrain.json [--if-due]`: one retraining cycle (docs/mlops.md). */
export const retrainCommand: CliCommand = {
  name: 'retrain',
  register(program: Command, ctx: CliContext) {
    withStoreOptions(
      program
        .command('retrain')
        .description(
          'one retraining cycle: feedback + training data, train, evaluate against the champion, register the challenger, deploy it as shadow (docs/mlops.md)',
        )
        .requiredOption('--config <file>', 'the retraining config (JSON, docs/mlops.md)')
        .option(
          '--if-due',
          'run only when a trigger of the config is due (for a schedule: cron, a drift webhook)',
        )
        .option('--json', 'print the cycle report as JSON'),
    ).action(async (o: RetrainOpts) => {
      const { readRetrainConfig, runRetrainCycle, renderCycle } = await import('../../monitoring/retrain.js');
      const config = readRetrainConfig(o.config);
      const report = await withRegistry(ctx, o, (r) =>
        runRetrainCycle(r, config, {
          ...(o.ifDue ? { ifDue: true } : {}),
          log: (line) => ctx.io.stderr.write(`${line}\n`),
        }),
      );
      await write(ctx, o.json ? `${JSON.stringify(report, null, 2)}\n` : renderCycle(report));
      ctx.exitCode = 0;
    });
  },
};

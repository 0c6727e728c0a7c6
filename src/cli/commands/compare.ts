import type { Command } from 'commander';
import { positiveInt } from '../options.js';
import type { CliCommand, CliContext } from '../types.js';
import { STORE_OPTION_HELP, write } from './keys.js';
import { ARTIFACTS_OPTION_HELP, withRegistry } from './registry.js';

interface CompareCli {
  readonly suite: string;
  readonly limit?: number;
  readonly data?: string;
  readonly samples?: number;
  readonly seed?: number;
  readonly top?: number;
  readonly store?: string;
  readonly artifacts?: string;
  readonly json?: boolean;
}

/**
 * `clinote compare NAME@champion NAME@challenger --suite SUITE`: paired figures of two registered
 * versions (docs/registry.md): the attached reports when both cover the same documents, else both
 * are evaluated now.
 */
export const compareCommand: CliCommand = {
  name: 'compare',
  register(program: Command, ctx: CliContext) {
    program
      .command('compare')
      .description(
        'compare two registered versions on a suite: F1 difference with a bootstrap interval, McNemar, per type',
      )
      .argument('<a>', 'the reference: NAME@ALIAS, NAME/VERSION or models:/...')
      .argument('<b>', 'the challenger')
      .requiredOption('--suite <suite>', 'the evaluation suite, e.g. ner:ncbi-disease')
      .option('--limit <n>', 'the first N documents (when evaluating now)', positiveInt)
      .option('--data <path>', 'the suite data (when evaluating now)')
      .option('--samples <n>', 'bootstrap samples (default 1000)', positiveInt)
      .option('--seed <n>', 'bootstrap seed', (v) => Number.parseInt(v, 10))
      .option('--top <n>', 'documents listed where they disagree most (default 10)', positiveInt)
      .option('--store <url>', STORE_OPTION_HELP)
      .option('--artifacts <dir>', ARTIFACTS_OPTION_HELP)
      .option('--json', 'print the comparison as JSON')
      .action(async (a: string, b: string, o: CompareCli) => {
        const { evaluateSuite, suiteOf } = await import('../../registry/evaluate.js');
        const { compareReports } = await import('../../registry/stats.js');
        const suite = suiteOf(o.suite).name;
        const result = await withRegistry(ctx, o, async (r) => {
          const va = await r.resolve(a);
          const vb = await r.resolve(b);
          const reportOf = async (v: typeof va) => {
            const stored = (await r.latestEval(v.name, v.version, suite)) as
              | import('../../registry/evaluate.js').SuiteReport
              | undefined;
            if (stored && (o.limit === undefined || stored.limit === o.limit) && o.data === undefined)
              return stored;
            return evaluateSuite(await r.pipelineConfig(v), suite, {
              ...(o.limit !== undefined ? { limit: o.limit } : {}),
              ...(o.data !== undefined ? { data: o.data } : {}),
            });
          };
          let ra = await reportOf(va);
          let rb = await reportOf(vb);
          if (ra.docsHash !== rb.docsHash) {
            // stored reports of different document sets: evaluate both now, on the same documents
            const limit = o.limit ?? ra.limit ?? rb.limit ?? undefined;
            const opts = { ...(limit !== undefined && limit !== null ? { limit } : {}) };
            ra = evaluateSuite(await r.pipelineConfig(va), suite, opts);
            rb = evaluateSuite(await r.pipelineConfig(vb), suite, opts);
          }
          return compareReports(
            ra,
            rb,
            { a: `${va.name}/${va.version}`, b: `${vb.name}/${vb.version}` },
            {
              ...(o.samples !== undefined ? { samples: o.samples } : {}),
              ...(o.seed !== undefined ? { seed: o.seed } : {}),
              ...(o.top !== undefined ? { top: o.top } : {}),
            },
          );
        });
        if (o.json) {
          await write(ctx, `${JSON.stringify(result, null, 2)}\n`);
        } else {
          const lines = [
            `${result.b} vs ${result.a} on ${result.suite} (${result.documents} documents)`,
            `F1 ${result.f1A} -> ${result.f1B}: ${result.f1Diff >= 0 ? '+' : ''}${result.f1Diff} points, 95% bootstrap interval [${result.interval.low}, ${result.interval.high}] (${result.interval.samples} samples, seed ${result.interval.seed})`,
            `McNemar (per-document correctness): ${result.mcnemar.aOnly} right only by ${result.a}, ${result.mcnemar.bOnly} right only by ${result.b}, p = ${result.mcnemar.p.toPrecision(3)}${result.mcnemar.exact ? ' (exact)' : ''}`,
            'by type (points): type  F1 diff  precision diff  recall diff',
            ...result.byType.map((t) => `  ${t.type}  ${t.f1Diff}  ${t.precisionDiff}  ${t.recallDiff}`),
            `documents where they disagree most (errors ${result.a} / ${result.b}):`,
            ...result.disagreements.map((d) => `  ${d.id}  ${d.errorsA} / ${d.errorsB}`),
          ];
          await write(ctx, `${lines.join('\n')}\n`);
        }
        ctx.exitCode = 0;
      });
  },
};

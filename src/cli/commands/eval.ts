import { Option } from 'commander';
import { positiveInt } from '../options.js';
import type { CliCommand } from '../types.js';

interface EvalCliOptions {
  readonly data?: string;
  readonly preset?: string;
  readonly pack?: string;
  readonly pipeline?: string;
  readonly model?: string;
  readonly merge?: string;
  readonly ensemble?: boolean;
  readonly json?: boolean;
  readonly errors?: boolean;
  readonly limit?: number;
  readonly split?: 'tune' | 'score';
}

export const evalCommand: CliCommand = {
  name: 'eval',
  register(program, ctx) {
    program
      .command('eval')
      .description('score a task against a gold corpus (see docs/eval.md)')
      .argument('<task>', 'the task, e.g. ner or sentences')
      .option('--data <path>', 'gold data (default: the task default under the shared data dir)')
      .option('--preset <name>', 'corpus preset, e.g. ncbi-disease')
      .option('--pack <pack>', 'terminology pack')
      .option('-p, --pipeline <config>', 'pipeline config JSON')
      .option(
        '--model <dir>',
        'ner: score a trained model (segmentation + the ner component, linked to --pack)',
      )
      .addOption(
        new Option(
          '--merge <policy>',
          'ner --model: merge the model with the dictionary (--pack); all = every policy and the dictionary alone',
        ).choices(['model-only', 'model-first', 'dictionary-first', 'union', 'all']),
      )
      .option(
        '--ensemble',
        'ner --model with a transformer model: also score the ensemble of the transformer, the linear model and the dictionary',
      )
      .option('--json', 'print the report as JSON')
      .option('--errors', 'list the misses (they quote corpus text)')
      .option('--limit <n>', 'stop after N documents', positiveInt)
      .addOption(
        new Option(
          '--split <part>',
          'brat presets: the tune part (errors read) or the score part (only scored) of the set',
        ).choices(['tune', 'score']),
      )
      .action(async (task: string, options: EvalCliOptions) => {
        // eval code is loaded only here: extract's cold start never pays for it
        const { runEval, renderReport, reportJson } = await import('../../eval/index.js');
        // the concepts component reads no environment: --pack, else $CLINOTE_PACK
        const pack = options.pack ?? (ctx.io.env ?? process.env).CLINOTE_PACK;
        const report = await runEval(task, {
          data: options.data ?? '',
          ...(options.preset !== undefined ? { preset: options.preset } : {}),
          ...(pack !== undefined && pack !== '' ? { pack } : {}),
          ...(options.pipeline !== undefined ? { pipeline: options.pipeline } : {}),
          ...(options.model !== undefined ? { model: options.model } : {}),
          ...(options.merge !== undefined ? { merge: options.merge } : {}),
          ...(options.ensemble ? { ensemble: true } : {}),
          ...(options.errors ? { errors: true } : {}),
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
          ...(options.split !== undefined ? { split: options.split } : {}),
        });
        const text = options.json
          ? `${JSON.stringify(reportJson(report), null, 2)}\n`
          : `${renderReport(report, { errors: options.errors === true }).replace(/\n?$/, '\n')}`;
        await new Promise<void>((resolve, reject) => {
          ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
        });
        ctx.exitCode = 0;
      });
  },
};

import { Option } from 'commander';
import { INPUT_FORMATS } from '../../io/plan.js';
import { formatNames } from '../../output/writers.js';
import type { ExtractOptions } from '../extract-options.js';
import { nonEmpty, positiveInt } from '../options.js';
import type { CliCommand } from '../types.js';

export const extractCommand: CliCommand = {
  name: 'extract',
  register(program, ctx) {
    program
      .command('extract')
      .description('process notes: .txt files, directories, .ndjson/.jsonl, .csv, or - for stdin')
      .argument('<inputs...>', 'files, directories (read recursively), or - for stdin')
      .addOption(new Option('-f, --format <format>', 'output format').choices(formatNames()).default('json'))
      .option('-o, --out <file>', 'write the output to a file (default: stdout)')
      .option('-p, --pipeline <config>', 'pipeline config JSON (default: resources/pipelines/default.json)')
      .option(
        '--pack <pack>',
        'terminology pack for the concepts component (default: $CLINOTE_PACK, else the built-in starter pack)',
      )
      .option('--text-field <name>', 'NDJSON/CSV field holding the note text', nonEmpty, 'text')
      .option('--id-field <name>', 'NDJSON/CSV field holding the note id', nonEmpty, 'id')
      .option(
        '--date-field <name>',
        'NDJSON/CSV field holding the note date (meta.noteDate)',
        nonEmpty,
        'noteDate',
      )
      .addOption(
        new Option('--stdin-format <format>', 'how to read - (stdin)').choices(INPUT_FORMATS).default('text'),
      )
      .option('--max-bytes <n>', 'largest note in bytes (default: the pipeline limit, 1 MiB)', positiveInt)
      .option(
        '--workers <n>',
        'worker threads running the pipeline (default: the number of cores; 1 for a single note)',
        positiveInt,
      )
      .option('--text', 'include the original text in each result')
      .option('--tokens', 'include the tokens layer in each result')
      .option('--no-progress', 'no progress bar (it is only shown when stderr is a terminal)')
      .option('-q, --quiet', 'no progress bar, no summary, no per-note error lines')
      .action(async (inputs: string[], options: ExtractOptions) => {
        const { runExtract } = await import('../extract.js');
        ctx.exitCode = await runExtract(inputs, options, ctx);
      });
  },
};

import { Option } from 'commander';
import { ENCODING_CHOICES } from '../../io/encoding.js';
import { NDJSON_MODES } from '../../io/fhir-bulk.js';
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
      .addOption(
        new Option(
          '-f, --format <format>',
          'output format (default: summary when stdout is a terminal, else json)',
        ).choices(formatNames()),
      )
      .option('-o, --out <file>', 'write the output to a file (default: stdout)')
      .option(
        '-p, --pipeline <config>',
        'pipeline config JSON, a built-in pipeline name (default, ml, coding) or models:/NAME@ALIAS (default: default)',
      )
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
      .addOption(
        new Option(
          '--input-format <format>',
          'how .ndjson/.jsonl inputs are read: auto (FHIR Bulk Data when the first line has a resourceType), ndjson, fhir-ndjson',
        )
          .choices(NDJSON_MODES)
          .default('auto'),
      )
      .addOption(
        new Option(
          '--encoding <encoding>',
          'how input bytes are decoded: auto (a byte order mark, else UTF-8, else a guess: Windows-1252, UTF-16)',
        )
          .choices(ENCODING_CHOICES)
          .default('auto'),
      )
      .option('--max-bytes <n>', 'largest note in bytes (default: the pipeline limit, 1 MiB)', positiveInt)
      .option(
        '--workers <n>',
        'worker threads running the pipeline (default: the number of cores; 1 for a single note)',
        positiveInt,
      )
      .option('--text', 'include the original text in each result')
      .option('--tokens', 'include the tokens layer in each result')
      .option(
        '--resume',
        'continue the run of --out where it stopped (progress in <out>.clinote-state); ndjson and fhir output only',
      )
      .option('--no-progress', 'no progress bar (it is only shown when stderr is a terminal)')
      .option('-q, --quiet', 'no progress bar, no summary, no per-note error lines')
      .action(async (inputs: string[], options: ExtractOptions) => {
        const { runExtract } = await import('../extract.js');
        ctx.exitCode = await runExtract(inputs, options, ctx);
      });
  },
};

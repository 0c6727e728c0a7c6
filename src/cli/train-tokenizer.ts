/**
 * `clinote train tokenizer [--vocab-size N] [--out DIR] [--sources a,b] [--limit N]`: train the
 * WordPiece vocabulary of the transformer path on the unlabelled text of the shared data dir and
 * write `<out>/tokenizer.json` (standard Hugging Face format) and `<out>/model-card.md` naming every
 * source with its licence. Default out: resources/models/tokenizer. Returns what to print.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourcePath } from '../resources.js';

export interface TrainTokenizerCliOptions {
  readonly out?: string;
  readonly vocabSize?: number;
  readonly sources?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

export async function trainTokenizerCommand(
  options: TrainTokenizerCliOptions,
  log: (line: string) => void,
): Promise<string> {
  const { trainTokenizer } = await import('../models/transformer/tokenizer-train.js');
  const { TEXT_SOURCES } = await import('../models/transformer/corpus.js');
  const out = options.out ?? resourcePath('models/tokenizer');
  const sources = options.sources
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const r = trainTokenizer({
    out,
    ...(options.vocabSize !== undefined ? { vocabSize: options.vocabSize } : {}),
    ...(sources !== undefined ? { sources } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    log,
  });
  const args = [
    options.vocabSize !== undefined ? `--vocab-size ${options.vocabSize}` : '',
    options.sources !== undefined ? `--sources ${options.sources}` : '',
    options.limit !== undefined ? `--limit ${options.limit}` : '',
  ].filter((a) => a !== '');
  const rows = r.corpus.map((c) => {
    const s = TEXT_SOURCES.find((t) => t.name === c.name)!;
    return `| ${s.name} | ${s.attribution} | ${s.licence} | ${c.present ? c.documents : 'absent'} | ${c.chars} | ${s.heldOut} |`;
  });
  const card = [
    '# WordPiece tokenizer of the transformer path',
    '',
    `A WordPiece vocabulary of ${r.vocabSize} entries ([PAD] [UNK] [CLS] [SEP] [MASK] at ids 0-4),`,
    'lower-cased with accents stripped (BertNormalizer, BertPreTokenizer), in the standard Hugging Face',
    '`tokenizer.json` format. Trained with the `tokenizers` package on the normalized view of the',
    'unlabelled text below, read from the shared data dir (none of it is in this repository).',
    '',
    `Built by: \`clinote train tokenizer${args.length > 0 ? ` ${args.join(' ')}` : ''}\``,
    `(from a checkout: see docs/models/transformer.md). SHA-256 of tokenizer.json: \`${r.sha256}\`.`,
    '',
    '## Sources, licences and attribution',
    '',
    '| source | attribution | licence | documents | characters | held out (not read) |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'The vocabulary is a statistical summary of these texts (word pieces and their order); it holds',
    'no document. Cite the sources above when you redistribute it.',
    '',
  ].join('\n');
  writeFileSync(join(out, 'model-card.md'), card);
  return options.json ? `${JSON.stringify(r, null, 2)}\n` : `${r.path}\n`;
}

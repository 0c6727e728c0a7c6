/**
 * Train the WordPiece vocabulary with the `tokenizers` package (Hugging Face, native) on the
 * project's normalized view of the pretraining text, then write a standard `tokenizer.json`:
 * BertNormalizer, BertPreTokenizer, WordPiece model ("##", max 100 chars a word), the special tokens
 * [PAD] [UNK] [CLS] [SEP] [MASK] at ids 0-4, a [CLS] $A [SEP] template and a WordPiece decoder.
 *
 * The Node binding trains with the model's default trainer only (30,000 entries, no special
 * tokens). Its vocabulary is built in merge order (the alphabet, then each merge), so its first N
 * entries are exactly the vocabulary an earlier stop would give; we keep the first `vocabSize - 5`
 * after the special tokens, sorted (see below).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalize } from '../../doc/normalize.js';
import { ClinoteError } from '../../errors/error.js';
import { type CorpusReport, readPretrainingText, TEXT_SOURCES } from './corpus.js';
import { SPECIAL_TOKENS, WordPieceTokenizer } from './wordpiece.js';

interface HfModule {
  Tokenizer: { fromString(s: string): unknown };
}

/** The `tokenizers` native module (CommonJS), loaded on demand: serving never needs it. */
export function loadHfTokenizers(): HfModule {
  const require = createRequire(import.meta.url);
  try {
    return require('tokenizers') as HfModule;
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_NOT_FOUND',
      'the tokenizers package (native binary) cannot be loaded on this platform',
      { package: 'tokenizers' },
      { cause: e },
    );
  }
}

export interface TrainTokenizerOptions {
  readonly out: string;
  readonly vocabSize?: number;
  readonly sources?: readonly string[];
  readonly limit?: number;
  readonly log?: (line: string) => void;
}

export interface TrainTokenizerResult {
  readonly path: string;
  readonly vocabSize: number;
  readonly corpus: CorpusReport['sources'];
  readonly sha256: string;
}

/**
 * Run the native trainer in a child process: it prints progress lines on the process's own stdout,
 * which would corrupt `--json` output. Writes the trained (raw) tokenizer to `raw`.
 */
function trainInChild(raw: string, files: readonly string[]): void {
  const modulePath = createRequire(import.meta.url).resolve('tokenizers');
  const script = [
    `const t = require(${JSON.stringify(modulePath)});`,
    'const [raw, ...files] = process.argv.slice(1);',
    'const tok = new t.Tokenizer(t.WordPiece.empty());',
    'tok.setNormalizer(t.bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true }));',
    'tok.setPreTokenizer(t.bertPreTokenizer());',
    'tok.train(files);',
    'tok.save(raw);',
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', script, raw, ...files], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new ClinoteError(
      'CLINOTE_E_MODEL_NOT_FOUND',
      'the tokenizers package (native binary) failed to train on this platform',
      { package: 'tokenizers', status: r.status },
      { cause: new Error(r.stderr.slice(0, 2000)) },
    );
}

/** Build the standard tokenizer.json object from a vocabulary in id order (specials excluded). */
export function tokenizerJson(pieces: readonly string[]): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  let id = 0;
  for (const t of SPECIAL_TOKENS) vocab[t] = id++;
  for (const p of pieces) if (!(p in vocab)) vocab[p] = id++;
  const special = (t: string) => ({
    id: vocab[t],
    content: t,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tmpl = (t: string) => ({ SpecialToken: { id: t, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: true,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [tmpl('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, tmpl('[SEP]')],
      pair: [
        tmpl('[CLS]'),
        { Sequence: { id: 'A', type_id: 0 } },
        tmpl('[SEP]'),
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

/** Train on the shared data and write `<out>/tokenizer.json` (the model card is written by the caller). */
export function trainTokenizer(options: TrainTokenizerOptions): TrainTokenizerResult {
  const vocabSize = options.vocabSize ?? 8192;
  if (!Number.isInteger(vocabSize) || vocabSize < 64 || vocabSize > 30000)
    throw new ClinoteError('CLINOTE_E_MODEL_TRAIN_OPTION', 'train tokenizer --vocab-size must be 64..30000', {
      options: ['--vocab-size'],
    });
  const log = options.log ?? (() => {});
  const corpus = readPretrainingText({
    ...(options.sources !== undefined ? { names: options.sources } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  for (const s of corpus.sources)
    log(`${s.name}: ${s.present ? `${s.documents} documents, ${s.chars} chars` : 'absent, skipped'}`);
  const hf = loadHfTokenizers();
  const work = mkdtempSync(join(tmpdir(), 'clinote-tok-'));
  try {
    // One file per source, the normalized view of each document, one paragraph a line.
    const files: string[] = [];
    for (const source of TEXT_SOURCES) {
      const docs = corpus.documents.filter((d) => d.source === source.name);
      if (docs.length === 0) continue;
      const f = join(work, `${source.name}.txt`);
      writeFileSync(f, docs.map((d) => normalize(d.text).text.replace(/\s*\n\s*/g, ' ')).join('\n'));
      files.push(f);
    }
    const raw = join(work, 'raw.json');
    const t0 = Date.now();
    trainInChild(raw, files);
    log(`trained in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const trained = (JSON.parse(readFileSync(raw, 'utf8')) as { model: { vocab: Record<string, number> } })
      .model.vocab;
    const ordered = Object.entries(trained)
      .sort((a, b) => a[1] - b[1])
      .map(([t]) => t)
      .filter((t) => !(SPECIAL_TOKENS as readonly string[]).includes(t));
    // The trainer's ids vary from run to run (ties, hash order) while the kept set does not: sort
    // the kept pieces by code units so that the same corpus gives the same bytes. WordPiece
    // encoding (longest match first) does not depend on the ids' order.
    const kept = ordered
      .slice(0, vocabSize - SPECIAL_TOKENS.length)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const json = tokenizerJson(kept);
    const text = `${JSON.stringify(json, null, 1)}\n`;
    // Both readers must accept it.
    new WordPieceTokenizer(json);
    hf.Tokenizer.fromString(text);
    mkdirSync(options.out, { recursive: true });
    const path = join(options.out, 'tokenizer.json');
    writeFileSync(path, text);
    return {
      path,
      vocabSize: Object.keys((json.model as { vocab: object }).vocab).length,
      corpus: corpus.sources,
      sha256: createHash('sha256').update(text).digest('hex'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `clinote train pretrain --size tiny|small [--steps N] [--resume] ...`: masked-language-model
 * pretraining of the transformer encoder on the unlabelled text of the shared data dir, with the
 * tokenizer of resources/models/tokenizer (docs/models/transformer.md). Writes `<out>/checkpoint.bin`
 * + `.json`, `<out>/metrics.json` and the loss/perplexity curve PNG. Returns what to print.
 */
import { ClinoteError } from '../errors/error.js';
import { resourcePath } from '../resources.js';

export interface TrainPretrainCliOptions {
  readonly size?: string;
  readonly norm?: string;
  readonly tokenizer?: string;
  readonly out?: string;
  readonly steps?: number;
  readonly batch?: number;
  readonly seqLen?: number;
  readonly lr?: number;
  readonly warmup?: number;
  readonly seed?: number;
  readonly checkpointEvery?: number;
  readonly evalEvery?: number;
  readonly resume?: boolean;
  readonly stopAt?: number;
  readonly plot?: string;
  readonly sources?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

export async function trainPretrainCommand(
  options: TrainPretrainCliOptions,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<string> {
  const { ENCODER_PRESETS, encoderConfig } = await import('../models/transformer/config.js');
  const size = options.size ?? 'tiny';
  if (!(size in ENCODER_PRESETS))
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAIN_OPTION',
      `train pretrain --size must be one of ${Object.keys(ENCODER_PRESETS).join(', ')}`,
      {
        options: ['--size'],
      },
    );
  const norm = options.norm ?? 'post';
  if (norm !== 'post' && norm !== 'pre')
    throw new ClinoteError('CLINOTE_E_MODEL_TRAIN_OPTION', 'train pretrain --norm must be post or pre', {
      options: ['--norm'],
    });
  const { WordPieceTokenizer } = await import('../models/transformer/wordpiece.js');
  const { readPretrainingText } = await import('../models/transformer/corpus.js');
  const { pretrainingSequences, vocabularyOf } = await import('../models/transformer/mlm.js');
  const { pretrain } = await import('../models/transformer/pretrain.js');
  const tok = WordPieceTokenizer.fromFile(
    options.tokenizer ?? resourcePath('models/tokenizer/tokenizer.json'),
  );
  const T = options.seqLen ?? 128;
  const config = encoderConfig(size as keyof typeof ENCODER_PRESETS, tok.vocabSize, {
    norm,
    maxPositions: Math.max(T, ENCODER_PRESETS[size as keyof typeof ENCODER_PRESETS].maxPositions),
  });
  const sources = options.sources
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const corpus = readPretrainingText({
    ...(sources !== undefined ? { names: sources } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  const t0 = Date.now();
  const data = pretrainingSequences(
    tok,
    corpus.documents.map((d) => d.text),
    T,
  );
  log(
    `${corpus.documents.length} documents, ${data.tokens} tokens -> ${data.train.length} training and ${data.heldOut.length} held-out sequences (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const out = options.out ?? `models/pretrain-${size}`;
  const r = await pretrain({
    config,
    train: data.train,
    heldOut: data.heldOut,
    vocabulary: vocabularyOf(tok),
    out,
    steps: options.steps ?? 1000,
    seqLen: T,
    ...(options.batch !== undefined ? { batchSize: options.batch } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    optimizer: {
      ...(options.lr !== undefined ? { lr: options.lr } : {}),
      ...(options.warmup !== undefined ? { warmupSteps: options.warmup } : {}),
    },
    ...(options.checkpointEvery !== undefined ? { checkpointEvery: options.checkpointEvery } : {}),
    ...(options.evalEvery !== undefined ? { evalEvery: options.evalEvery } : {}),
    ...(options.resume ? { resume: true } : {}),
    ...(options.stopAt !== undefined ? { stopAt: options.stopAt } : {}),
    ...(options.plot !== undefined ? { plot: options.plot } : {}),
    ...(signal !== undefined ? { signal } : {}),
    log,
  });
  const last = r.evals[r.evals.length - 1];
  const summary = {
    out,
    checkpoint: r.checkpoint,
    size,
    steps: r.steps.length,
    finalLoss: r.steps[r.steps.length - 1]?.loss ?? null,
    heldOutLoss: last?.loss ?? null,
    heldOutPerplexity: last?.perplexity ?? null,
    tokensPerSecond: Math.round(r.tokensPerSecond),
    tokensPerCpuSecond: Math.round(r.tokensPerCpuSecond),
  };
  return options.json ? `${JSON.stringify(summary, null, 2)}\n` : `${out}\n`;
}

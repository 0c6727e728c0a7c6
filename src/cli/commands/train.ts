import { InvalidArgumentError } from 'commander';
import { positiveInt } from '../options.js';
import type { CliCommand } from '../types.js';

interface TrainCliOptions {
  readonly preset?: string;
  readonly train?: string;
  readonly dev?: string;
  readonly out?: string;
  readonly name?: string;
  readonly epochs?: number;
  readonly patience?: number;
  readonly seed?: number;
  readonly bits?: number;
  readonly ngrams?: number;
  readonly pack?: string;
  readonly devFraction?: number;
  readonly limit?: number;
  readonly propagation?: boolean;
  readonly algorithm?: 'perceptron' | 'crf';
  readonly clusters?: string;
  readonly json?: boolean;
  readonly task?: string;
  readonly classWeights?: 'balanced' | 'none';
  readonly oversample?: number;
  readonly thresholds?: boolean;
  readonly vocabSize?: number;
  readonly sources?: string;
  readonly size?: string;
  readonly norm?: string;
  readonly tokenizer?: string;
  readonly steps?: number;
  readonly batch?: number;
  readonly seqLen?: number;
  readonly lr?: number;
  readonly warmup?: number;
  readonly checkpointEvery?: number;
  readonly evalEvery?: number;
  readonly resume?: boolean;
  readonly stopAt?: number;
  readonly plot?: string;
  readonly architecture?: 'linear' | 'transformer';
  readonly init?: string;
  readonly teacher?: string;
  readonly distillAlpha?: number;
  readonly distillTemperature?: number;
}

function nerArchitecture(value: string): 'linear' | 'transformer' {
  if (value !== 'linear' && value !== 'transformer')
    throw new InvalidArgumentError('expected linear or transformer.');
  return value;
}

function nerAlgorithm(value: string): 'perceptron' | 'crf' {
  if (value !== 'perceptron' && value !== 'crf')
    throw new InvalidArgumentError('expected perceptron or crf.');
  return value;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('expected a number in (0, 1].');
  return n;
}

function bits(value: string): number {
  const n = positiveInt(value);
  if (n < 12 || n > 24) throw new InvalidArgumentError('expected 12..24.');
  return n;
}

function classWeightsMode(value: string): 'balanced' | 'none' {
  if (value !== 'balanced' && value !== 'none') throw new InvalidArgumentError('expected balanced or none.');
  return value;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n))) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

function seed(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError('expected an integer 0..4294967295.');
  return n;
}

export const trainCommand: CliCommand = {
  name: 'train',
  register(program, ctx) {
    program
      .command('train')
      .description('train a model on a gold corpus and write it as a model directory (see docs/models.md)')
      .argument('<task>', 'what to train: ner, classify, tokenizer, pretrain')
      .option('--preset <name>', 'corpus preset, e.g. ncbi-disease, bc5cdr')
      .option('--train <path>', 'training data (default: the preset train file under the shared data dir)')
      .option('--dev <path>', 'development data (default: the preset dev file)')
      .option('--out <dir>', 'model directory to write (default: models/<name>)')
      .option('--name <name>', 'model name (default: ner-<preset>)')
      .option('--epochs <n>', 'most epochs (default 30; early stopping on dev)', positiveInt)
      .option('--patience <n>', 'epochs without a better dev F1 before stopping (default 4)', positiveInt)
      .option('--seed <n>', 'seed of the shuffling (default 1)', seed)
      .option('--bits <n>', 'log2 of the hashed feature slots, 12..24 (default 20)', bits)
      .option('--ngrams <n>', 'character n-gram features of this length (default: none)', positiveInt)
      .option('--pack <pack>', 'terminology pack of the dictionary features (default: the starter pack)')
      .option(
        '--dev-fraction <x>',
        'share of dev documents tuned on; the rest is held out (default 0.8)',
        fraction,
      )
      .option('--no-propagation', 'do not give short forms the type predicted on their long form')
      .option('--algorithm <name>', 'ner: perceptron (default) or crf', nerAlgorithm)
      .option(
        '--clusters <file>',
        'ner: word-classes file of the class features (e.g. models/word-clusters/clusters.tsv)',
      )
      .option('--limit <n>', 'stop after N documents of each file', positiveInt)
      .option('--json', 'print the manifest as JSON on stdout')
      .option('--task <name>', 'classify: specialty, section or assertion (see docs/classifiers.md)')
      .option(
        '--class-weights <mode>',
        'classify, ner --architecture transformer: balanced or none (default none)',
        classWeightsMode,
      )
      .option('--oversample <n>', 'classify: oversample rarer classes up to N training examples', positiveInt)
      .option('--thresholds', 'classify: choose per-class decision thresholds on dev')
      .option('--vocab-size <n>', 'tokenizer: WordPiece vocabulary size (default 8192)', positiveInt)
      .option('--sources <list>', 'tokenizer, pretrain: comma-separated text sources (default: all)')
      .option('--size <name>', 'pretrain: encoder size, tiny or small (default tiny)')
      .option('--norm <where>', 'pretrain: layer norm post (BERT, default) or pre')
      .option('--tokenizer <file>', 'pretrain: tokenizer.json (default: resources/models/tokenizer)')
      .option('--steps <n>', 'pretrain: optimizer steps of the schedule (default 1000)', positiveInt)
      .option('--batch <n>', 'pretrain: sequences per batch (default 16)', positiveInt)
      .option('--seq-len <n>', 'pretrain: tokens per sequence (default 128)', positiveInt)
      .option('--lr <x>', 'pretrain: peak learning rate (default 1e-3)', positiveNumber)
      .option('--warmup <n>', 'pretrain: warm-up steps (default 100)', positiveInt)
      .option('--checkpoint-every <n>', 'pretrain: checkpoint every N steps (default 200)', positiveInt)
      .option('--eval-every <n>', 'pretrain: held-out perplexity every N steps (default 100)', positiveInt)
      .option('--resume', 'pretrain: continue from the checkpoint in --out')
      .option('--stop-at <n>', 'pretrain: stop after step N (the schedule stays --steps)', positiveInt)
      .option('--plot <file>', 'pretrain: where to write the loss/perplexity PNG (default <out>/curve.png)')
      .option(
        '--architecture <name>',
        'ner: linear (perceptron/CRF, default) or transformer (fine-tuned encoder)',
        nerArchitecture,
      )
      .option('--init <checkpoint>', 'ner --architecture transformer: pretraining checkpoint to start from')
      .option(
        '--teacher <dir>',
        'ner --architecture transformer: distil from this fine-tuned transformer model (its soft labels)',
      )
      .option(
        '--distill-alpha <x>',
        'ner --teacher: share of the gold labels in the target, the rest the teacher (default 0.5)',
        fraction,
      )
      .option(
        '--distill-temperature <t>',
        "ner --teacher: temperature of the teacher's softmax (default 1; above 1, softer targets)",
        positiveNumber,
      )
      .action(async (task: string, options: TrainCliOptions) => {
        const { ClinoteError } = await import('../../errors/error.js');
        if (task === 'tokenizer' || task === 'pretrain') {
          const text =
            task === 'tokenizer'
              ? await (await import('../train-tokenizer.js')).trainTokenizerCommand(options, (line) =>
                  ctx.log(line),
                )
              : await (await import('../train-pretrain.js')).trainPretrainCommand(
                  options,
                  (line) => ctx.log(line),
                  ctx.io.signal,
                );
          await new Promise<void>((resolve, reject) => {
            ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
          });
          ctx.exitCode = 0;
          return;
        }
        if (task === 'classify') {
          const { trainClassifyCommand } = await import('../train-classify.js');
          const text = await trainClassifyCommand(options, (line) => ctx.log(line));
          await new Promise<void>((resolve, reject) => {
            ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
          });
          ctx.exitCode = 0;
          return;
        }
        if (task !== 'ner') {
          throw new ClinoteError(
            'CLINOTE_E_MODEL_UNKNOWN_TASK',
            `unknown train task '${task}' (tasks: ner, classify, tokenizer, pretrain)`,
            {
              task,
              tasks: ['ner', 'classify', 'tokenizer', 'pretrain'],
            },
          );
        }
        if (options.architecture === 'transformer') {
          const { trainNerTransformerCommand } = await import('../train-ner-transformer.js');
          const text = await trainNerTransformerCommand(options, (line) => ctx.log(line));
          await new Promise<void>((resolve, reject) => {
            ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
          });
          ctx.exitCode = 0;
          return;
        }
        const { trainNerPreset } = await import('../../eval/ner-train.js');
        const result = trainNerPreset({
          preset: options.preset ?? '',
          ...(options.train !== undefined ? { train: options.train } : {}),
          ...(options.dev !== undefined ? { dev: options.dev } : {}),
          ...(options.out !== undefined ? { out: options.out } : {}),
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
          ...(options.patience !== undefined ? { patience: options.patience } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.bits !== undefined ? { bits: options.bits } : {}),
          ...(options.ngrams !== undefined ? { ngrams: Math.min(options.ngrams, 5) } : {}),
          ...(options.pack !== undefined ? { pack: options.pack } : {}),
          ...(options.devFraction !== undefined ? { devFraction: options.devFraction } : {}),
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
          ...(options.propagation === false ? { abbreviationPropagation: false } : {}),
          ...(options.algorithm !== undefined ? { algorithm: options.algorithm } : {}),
          ...(options.clusters !== undefined ? { clusters: options.clusters } : {}),
          log: (line) => ctx.log(line),
        });
        const text = options.json ? `${JSON.stringify(result.manifest, null, 2)}\n` : `${result.dir}\n`;
        await new Promise<void>((resolve, reject) => {
          ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
        });
        ctx.exitCode = 0;
      });
  },
};

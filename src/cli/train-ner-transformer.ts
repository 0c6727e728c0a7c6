/**
 * `clinote train ner --architecture transformer [--init CHECKPOINT] [--size tiny|small] ...`:
 * fine-tunes the transformer encoder with a token-classification head on a `ner` preset's train
 * file, early stopping on the first part of dev (`--dev-fraction`, default 0.8), scored on the rest
 * (docs/models/transformer.md section 4). Writes `<out>/model.bin` + `.json` (tensors.ts format) and
 * `<out>/manifest.json` (a small transformer manifest of its own: the linear models' schema of
 * src/models/artifact.ts describes hashed features, not tensors). Returns what to print.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClinoteError } from '../errors/error.js';
import { dataFileInfo, presetExamples } from '../eval/ner-train.js';
import { nerPreset } from '../eval/tasks/ner.js';
import { manifestCreatedTime } from '../models/artifact.js';
import { packageVersion, resourcePath } from '../resources.js';

export interface TrainNerTransformerCliOptions {
  readonly preset?: string;
  readonly train?: string;
  readonly dev?: string;
  readonly out?: string;
  readonly name?: string;
  readonly init?: string;
  readonly size?: string;
  readonly tokenizer?: string;
  readonly epochs?: number;
  readonly patience?: number;
  readonly batch?: number;
  readonly seqLen?: number;
  readonly lr?: number;
  readonly warmup?: number;
  readonly seed?: number;
  readonly limit?: number;
  readonly devFraction?: number;
  readonly classWeights?: 'balanced' | 'none';
  readonly json?: boolean;
}

export async function trainNerTransformerCommand(
  options: TrainNerTransformerCliOptions,
  log: (line: string) => void,
): Promise<string> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const { ENCODER_PRESETS, encoderConfig } = await import('../models/transformer/config.js');
  const { WordPieceTokenizer } = await import('../models/transformer/wordpiece.js');
  const { loadTensors, saveTensors } = await import('../models/transformer/tensors.js');
  const { fineTuneNer } = await import('../models/transformer/finetune.js');
  const size = options.size ?? 'tiny';
  if (!(size in ENCODER_PRESETS))
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAIN_OPTION',
      `train ner --size must be one of ${Object.keys(ENCODER_PRESETS).join(', ')}`,
      { options: ['--size'] },
    );
  const preset = nerPreset(options.preset);
  const tokenizerPath = options.tokenizer ?? resourcePath('models/tokenizer/tokenizer.json');
  const tok = WordPieceTokenizer.fromFile(tokenizerPath);
  let config = encoderConfig(size as keyof typeof ENCODER_PRESETS, tok.vocabSize);
  let init: Map<string, { shape: readonly number[]; data: Float32Array }> | undefined;
  if (options.init !== undefined) {
    const base = options.init.replace(/\.(bin|json)$/, '');
    const { tensors, index } = loadTensors(base);
    const meta = index.meta as { config?: typeof config };
    if (!meta.config || meta.config.vocabSize !== tok.vocabSize)
      throw new ClinoteError(
        'CLINOTE_E_MODEL_TRAIN_OPTION',
        `--init ${options.init}: not a pretraining checkpoint of this tokenizer (${tok.vocabSize} entries)`,
        { options: ['--init'] },
      );
    config = meta.config;
    init = tensors;
  }
  const { trainPath, devPath, trainEx, tune, held, types, devFraction } = presetExamples(preset, options);
  log(
    `train ner (transformer ${size}): ${trainEx.length} training documents, dev ${tune.length} tuned on + ${held.length} held out; prepared in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const seqLen = options.seqLen ?? Math.min(128, config.maxPositions);
  const r = await fineTuneNer({
    train: trainEx,
    dev: tune,
    types,
    tokenizer: tok,
    config,
    ...(init ? { init } : {}),
    seqLen,
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.batch !== undefined ? { batchSize: options.batch } : {}),
    ...(options.lr !== undefined ? { lr: options.lr } : {}),
    ...(options.warmup !== undefined ? { warmup: options.warmup } : {}),
    ...(options.patience !== undefined ? { patience: options.patience } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.classWeights !== undefined ? { classWeights: options.classWeights } : {}),
    log,
  });
  const heldOut = held.length > 0 ? r.score(held) : undefined;
  const name = options.name ?? `ner-${preset.name}-transformer-${size}`;
  const dir = options.out ?? join('models', name);
  mkdirSync(dir, { recursive: true });
  const seconds = (performance.now() - started) / 1000;
  const c = process.cpuUsage(cpu0);
  const manifest = {
    kind: 'clinote-transformer-ner',
    version: 1,
    name,
    architecture: 'transformer-token-classification',
    labels: r.labels,
    // entity type -> Clinote concept type, for the `transformer-ner` component
    types: Object.fromEntries(
      Object.entries(preset.labels).map(([t, l]) => [t, l.concepts[0] ?? t.toLowerCase()]),
    ),
    config,
    init: options.init !== undefined ? { checkpoint: options.init } : 'random',
    tokenizer: {
      file: tokenizerPath.includes('resources') ? 'models/tokenizer/tokenizer.json' : tokenizerPath,
    },
    parameters: 'model.bin',
    // the same model for onnxruntime (docs/models/onnx.md): `input_ids`, `attention_mask` -> `logits`
    onnx: { fp32: 'model.onnx', int8: 'model.int8.onnx', opset: 17 },
    seed: r.seed,
    hyperparameters: {
      epochs: r.epochs.length,
      bestEpoch: r.bestEpoch,
      batchSize: r.batchSize,
      seqLen: r.seqLen,
      optimizer: r.optimizer,
      classWeights: r.classWeights,
      devFraction,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    },
    data: {
      preset: preset.name,
      train: [dataFileInfo(trainPath)],
      dev: [dataFileInfo(devPath)],
      ...(preset.license ? { license: preset.license } : {}),
    },
    metrics: {
      dev: { documents: tune.length, strict: r.dev },
      ...(heldOut ? { heldout: { documents: held.length, strict: heldOut } } : {}),
      epochs: r.epochs,
      tokensPerSecond: Math.round(r.tokensPerSecond),
      tokensPerCpuSecond: Math.round(r.tokensPerCpuSecond),
      wallSeconds: Math.round(seconds * 10) / 10,
      cpuSeconds: Math.round((c.user + c.system) / 1e5) / 10,
    },
    code: { package: 'clinote', version: packageVersion() },
    created: manifestCreatedTime(),
  };
  saveTensors(join(dir, 'model'), r.params, { kind: 'clinote-transformer-ner', labels: r.labels, config });
  const { exportEncoderOnnx } = await import('../models/onnx/export.js');
  const head = {
    weight: r.params.get('classifier.weight')!.data,
    bias: r.params.get('classifier.bias')!.data,
    labels: r.labels,
  };
  writeFileSync(join(dir, 'model.onnx'), exportEncoderOnnx(r.params, config, head));
  writeFileSync(
    join(dir, 'model.int8.onnx'),
    exportEncoderOnnx(r.params, config, head, { quantize: 'int8' }),
  );
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const f3 = (x: number): string => x.toFixed(3);
  log(
    `dev (first ${tune.length} docs) strict F1 ${f3(r.dev.f1)}${heldOut ? `; held out (${held.length} docs) strict F1 ${f3(heldOut.f1)}` : ''}; best epoch ${r.bestEpoch}; ${Math.round(r.tokensPerSecond)} tok/s; ${seconds.toFixed(1)} s wall; ${init ? 'from the checkpoint' : 'random init'}; written to ${dir}`,
  );
  return options.json ? `${JSON.stringify(manifest, null, 2)}\n` : `${dir}\n`;
}

/**
 * `clinote train ner --architecture transformer [--init CHECKPOINT] [--size tiny|small] ...`:
 * fine-tunes the transformer encoder with a token-classification head on a `ner` preset's train
 * file, early stopping on the first part of dev (`--dev-fraction`, default 0.8), scored on the rest
 * (docs/models/transformer.md section 4). Writes `<out>/model.bin` + `.json` (tensors.ts format) and
 * `<out>/manifest.json` (a small transformer manifest of its own: the linear models' schema of
 * src/models/artifact.ts describes hashed features, not tensors). Returns what to print.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClinoteError } from '../errors/error.js';
import { dataFileInfo, presetExamples } from '../eval/ner-train.js';
import { nerPreset } from '../eval/tasks/ner.js';
import { canonicalJson, manifestCreatedTime, sha256 } from '../models/artifact.js';
import type { EncoderBatch } from '../models/onnx/feeds.js';
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
  /** A transformer NER model directory whose fp32 ONNX file teaches (distillation). */
  readonly teacher?: string;
  readonly distillAlpha?: number;
  /** Temperature of the teacher's softmax (default 1): above 1, softer targets. */
  readonly distillTemperature?: number;
  readonly json?: boolean;
}

/** The teacher of a distillation: its fp32 ONNX model run by onnxruntime on each training batch. */
async function loadTeacher(
  dir: string,
  labels: readonly string[],
  vocabSize: number,
  temperature: number,
): Promise<{ name: string; sha256: string; probs: (batch: EncoderBatch) => Promise<Float32Array> }> {
  const { parseTransformerNerManifest } = await import('../models/transformer/ner-manifest.js');
  const { sharedSession } = await import('../models/onnx/session.js');
  const { encoderFeeds } = await import('../models/onnx/feeds.js');
  const { softmaxRows } = await import('../models/transformer/windows.js');
  const bad = (why: string): never => {
    throw new ClinoteError('CLINOTE_E_MODEL_TRAIN_OPTION', `--teacher ${dir}: ${why}`, {
      options: ['--teacher'],
    });
  };
  let text = '';
  try {
    text = readFileSync(join(dir, 'manifest.json'), 'utf8');
  } catch {
    bad('cannot read its manifest.json');
  }
  const m = parseTransformerNerManifest(text, dir);
  if (m.labels.join() !== labels.join())
    bad(`its labels (${m.labels.join(', ')}) are not the student's (${labels.join(', ')})`);
  if (m.config.vocabSize !== vocabSize) bad('it was trained with another tokenizer');
  const bytes = new Uint8Array(readFileSync(join(dir, m.onnx.fp32)));
  if (sha256(bytes) !== m.onnx.sha256.fp32) bad(`${m.onnx.fp32} does not match its manifest`);
  const { ort, session } = await sharedSession(bytes, join(dir, m.onnx.fp32));
  const L = labels.length;
  return {
    name: m.name,
    sha256: m.onnx.sha256.fp32,
    probs: async (batch) => {
      const r = await session.run(encoderFeeds(ort, batch));
      const logits = Float32Array.from((r.logits as { data: Float32Array }).data);
      if (temperature !== 1) for (let i = 0; i < logits.length; i++) logits[i] = logits[i]! / temperature;
      return softmaxRows(logits, L);
    },
  };
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
  const { bioLabels } = await import('../models/ner/labels.js');
  const teacher =
    options.teacher !== undefined
      ? await loadTeacher(options.teacher, bioLabels(types), tok.vocabSize, options.distillTemperature ?? 1)
      : undefined;
  if (teacher)
    log(
      `distillation: teacher ${teacher.name} (${options.teacher}), gold share ${options.distillAlpha ?? 0.5}, temperature ${options.distillTemperature ?? 1}`,
    );
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
    ...(teacher ? { teacher: teacher.probs } : {}),
    ...(options.distillAlpha !== undefined ? { distillAlpha: options.distillAlpha } : {}),
    log,
  });
  const heldOut = held.length > 0 ? r.score(held) : undefined;
  const name = options.name ?? `ner-${preset.name}-transformer-${size}`;
  const dir = options.out ?? join('models', name);
  mkdirSync(dir, { recursive: true });
  const seconds = (performance.now() - started) / 1000;
  const c = process.cpuUsage(cpu0);
  const { writeTokenClassifierOnnx } = await import('../models/onnx/export.js');
  // the same model for onnxruntime (docs/models/onnx.md): `input_ids`, `attention_mask` -> `logits`
  const onnx = writeTokenClassifierOnnx(dir, r.params, config, r.labels);
  const manifest = {
    kind: 'clinote-transformer-ner',
    version: 1,
    task: 'ner',
    name,
    architecture: 'transformer-token-classification',
    labels: r.labels,
    // entity type -> Clinote concept type, for the `transformer-ner` component
    types: Object.fromEntries(
      Object.entries(preset.labels).map(([t, l]) => [t, l.concepts[0] ?? t.toLowerCase()]),
    ),
    config,
    init: options.init !== undefined ? { checkpoint: options.init } : 'random',
    ...(teacher
      ? {
          distillation: {
            teacher: teacher.name,
            teacherSha256: teacher.sha256,
            goldShare: options.distillAlpha ?? 0.5,
            temperature: options.distillTemperature ?? 1,
          },
        }
      : {}),
    tokenizer: {
      file: tokenizerPath.includes('resources') ? 'models/tokenizer/tokenizer.json' : tokenizerPath,
    },
    parameters: 'model.bin',
    onnx,
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
  writeFileSync(join(dir, 'manifest.json'), canonicalJson(manifest));
  const { onnxSizeSection } = await import('../models/onnx/export.js');
  writeFileSync(
    join(dir, 'model-card.md'),
    transformerNerCard(manifest, preset, onnxSizeSection(dir, onnx, config)),
  );
  log(
    `dev (first ${tune.length} docs) strict F1 ${f3(r.dev.f1)}${heldOut ? `; held out (${held.length} docs) strict F1 ${f3(heldOut.f1)}` : ''}; best epoch ${r.bestEpoch}; ${Math.round(r.tokensPerSecond)} tok/s; ${seconds.toFixed(1)} s wall; ${init ? 'from the checkpoint' : 'random init'}; written to ${dir}`,
  );
  return options.json ? canonicalJson(manifest) : `${dir}\n`;
}

const f3 = (x: number): string => x.toFixed(3);

/** The model card of a transformer NER model directory (intended use, model, data, metrics, limits). */
export function transformerNerCard(
  m: {
    name: string;
    labels: readonly string[];
    config: { hidden: number; layers: number; heads: number; vocabSize: number };
    init: unknown;
    hyperparameters: { epochs: number; bestEpoch: number; seqLen: number; batchSize: number };
    seed: number;
    data: {
      train: readonly { name: string; sha256: string }[];
      dev: readonly { name: string; sha256: string }[];
    };
    metrics: {
      dev: { documents: number; strict: { precision: number; recall: number; f1: number } };
      heldout?: { documents: number; strict: { precision: number; recall: number; f1: number } };
    };
    code: { version: string };
  },
  preset: { name: string; license?: string; attribution?: string },
  size = '',
): string {
  const types = [...new Set(m.labels.filter((l) => l !== 'O').map((l) => l.slice(2)))].join(', ');
  const file = (f: { name: string; sha256: string }): string =>
    `\`${f.name}\` (sha256 \`${f.sha256.slice(0, 16)}…\`)`;
  const row = (
    split: string,
    x: { documents: number; strict: { precision: number; recall: number; f1: number } },
  ) =>
    `| ${split} | ${x.documents} | ${f3(x.strict.precision)} | ${f3(x.strict.recall)} | ${f3(x.strict.f1)} |`;
  const c = m.config;
  return `# Model card: ${m.name}

Mentions of ${types} learned by fine-tuning a BERT-style encoder on the training data of the \`${preset.name}\` preset.

## Intended use

Mention detection (${types}) in English biomedical and clinical text, served by onnxruntime as the
\`transformer-ner\` component of a Clinote pipeline (alone, or in an ensemble with the linear model and
the dictionary). Its mentions carry no codes until linked. Not for unsupervised clinical decisions.

## Model

Encoder: ${c.layers} layers, hidden ${c.hidden}, ${c.heads} heads, WordPiece vocabulary of ${c.vocabSize}
(\`models/tokenizer/tokenizer.json\`), initialised from ${typeof m.init === 'string' ? 'random weights' : 'a masked-language-model pretraining checkpoint'};
a linear token-classification head over BIO labels (${m.labels.join(', ')}), BIO-constrained Viterbi decoding.
Fine-tuning: ${m.hyperparameters.epochs} epochs (best ${m.hyperparameters.bestEpoch}), batch ${m.hyperparameters.batchSize},
windows of ${m.hyperparameters.seqLen} pieces, seed ${m.seed}; clinote ${m.code.version}.
Files: \`model.onnx\` (fp32) and \`model.int8.onnx\` (int8 dynamic quantization of the weight matrices),
inputs \`input_ids\`, \`attention_mask\`, output \`logits\`; \`model.bin\`/\`model.json\` hold the training parameters.

## Data

Preset \`${preset.name}\`. Training: ${m.data.train.map(file).join(', ')}. Development: ${m.data.dev.map(file).join(', ')}.
${preset.license ? `\nLicence of the data: ${preset.license}.` : ''}${preset.attribution ? ` Attribution: ${preset.attribution}` : ''}

## Metrics

Strict mention scores (exact boundaries and type) of the training graph on the development split: \`dev\`
is the part early stopping looked at, \`heldout\` the part never looked at.

| split | documents | strict P | strict R | strict F1 |
| --- | --- | --- | --- | --- |
${row('dev', m.metrics.dev)}
${m.metrics.heldout ? `${row('heldout', m.metrics.heldout)}\n` : ''}
${size ? `${size}\n` : ''}## Known limits

- A small encoder trained on one corpus, on two CPU cores: well below published biomedical encoders.
- Tokens are Clinote's words cut into wordpieces: a gold boundary inside a word cannot be found.
- Mention probabilities are the least softmax probability of the mention's word labels, not calibrated.
`;
}

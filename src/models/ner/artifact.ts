/** NER models as artifacts: a `NerModel` from checked model files, and the manifest and card of a trained one. */
import { readFileSync } from 'node:fs';
import { ClinoteError } from '../../errors/error.js';
import { resourcePath } from '../../resources.js';
import {
  bytesToFloat32,
  float32ToBytes,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelFiles,
  type ModelManifest,
  sha256,
  WEIGHTS_FILE,
  writeModelDir,
} from '../artifact.js';
import { type ClassLookup, parseWordClasses } from '../clusters/index.js';
import { FEATURES_VERSION, type FeatureConfig } from './features.js';
import { NerModel } from './model.js';
import type { PRF, TrainedNer } from './train.js';

/** Reads a word-classes file named in a manifest (a path under resources/, or absolute). */
export function readClassesFile(file: string): string {
  try {
    return readFileSync(resourcePath(file), 'utf8');
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_NOT_FOUND',
      `word classes '${file}' cannot be read`,
      { path: file },
      { cause: e },
    );
  }
}

/**
 * The model of checked files; CLINOTE_E_MODEL_TASK_MISMATCH for another task or feature version.
 * A model with class features reads its classes file with `readText` (default: from resources/) and
 * checks its SHA-256 (CLINOTE_E_MODEL_HASH_MISMATCH).
 */
export function nerModelFromFiles(
  files: ModelFiles,
  where: string,
  readText: (file: string) => string = readClassesFile,
): NerModel {
  const m = files.manifest;
  if (m.task !== 'ner') {
    throw new ClinoteError('CLINOTE_E_MODEL_TASK_MISMATCH', `${where}: a '${m.task}' model, not 'ner'`, {
      path: where,
      task: m.task,
    });
  }
  if (m.features.version !== FEATURES_VERSION) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${where}: features version ${m.features.version}, this Clinote computes version ${FEATURES_VERSION}; train the model again`,
      { path: where },
    );
  }
  const L = m.labels.length;
  const [rows, cols] = m.weights.emission;
  const [trows, tcols] = m.weights.transitions;
  if (cols !== L || tcols !== L || trows !== L + 1 || rows !== 1 << m.features.bits) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${where}: weight shapes do not fit the labels and feature bits`,
      {
        path: where,
      },
    );
  }
  const all = bytesToFloat32(files.weights);
  const features: FeatureConfig = {
    bits: m.features.bits,
    affixes: m.features.affixes,
    window: m.features.window,
    dictionary: m.features.dictionary,
    abbreviations: m.features.abbreviations,
    consistency: m.features.consistency,
    ...(m.features.ngrams ? { ngrams: m.features.ngrams } : {}),
    ...(m.features.clusters ? { classes: loadClasses(m.features.clusters, where, readText) } : {}),
  };
  return new NerModel({
    labels: m.labels,
    features,
    emission: all.subarray(0, rows * cols),
    transitions: all.subarray(rows * cols),
    abbreviationPropagation: m.inference.abbreviationPropagation,
    ...(m.inference.temperature !== undefined ? { temperature: m.inference.temperature } : {}),
    ...(m.inference.platt !== undefined ? { platt: m.inference.platt } : {}),
  });
}

function loadClasses(
  c: { file: string; sha256: string; levels: number },
  where: string,
  readText: (file: string) => string,
): ClassLookup {
  const text = readText(c.file);
  const hash = sha256(text);
  if (hash !== c.sha256) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_HASH_MISMATCH',
      `${where}: word classes '${c.file}' do not match the manifest (sha256 ${hash.slice(0, 12)}…, expected ${c.sha256.slice(0, 12)}…)`,
      { path: c.file, sha256: hash, expected: c.sha256 },
    );
  }
  const classes = parseWordClasses(text, c.file);
  if (classes.levels !== c.levels) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${where}: word classes have ${classes.levels} levels, the manifest says ${c.levels}`,
      { path: c.file },
    );
  }
  return classes;
}

export interface NerArtifactMeta {
  /** The word-classes file of the class features (as the manifest names it) and its hash. */
  readonly clusters?: { readonly file: string; readonly sha256: string; readonly levels: number };
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /** Entity type -> Clinote concept type. */
  readonly types: Readonly<Record<string, string>>;
  readonly seed: number;
  readonly data: ModelManifest['data'];
  readonly metrics: ModelManifest['metrics'];
  readonly code: ModelManifest['code'];
  readonly pack?: { readonly name: string; readonly sha256: string };
  readonly created: string;
  /** Extra lines for the card's "Known limits". */
  readonly limits?: readonly string[];
  readonly extraHyperparameters?: Readonly<Record<string, number | string | boolean>>;
}

function fmt(x: number): string {
  return x.toFixed(3);
}

/** The model card (markdown) of a trained NER model. */
export function nerModelCard(
  manifest: Omit<ModelManifest, 'weights'>,
  limits: readonly string[] = [],
): string {
  const m = manifest;
  const rows = Object.entries(m.metrics).map(
    ([split, s]) =>
      `| ${split} | ${s.documents} | ${fmt(s.strict.precision)} | ${fmt(s.strict.recall)} | ${fmt(s.strict.f1)} | ${s.lenient ? fmt(s.lenient.f1) : '-'} | ${s.calibration ? `${fmt(s.calibration.ece)} (${fmt(s.calibration.eceUncalibrated)})` : '-'} |`,
  );
  const files = (list: ModelManifest['data']['train']): string =>
    list.map((f) => `\`${f.name}\` (sha256 \`${f.sha256.slice(0, 16)}…\`)`).join(', ') || '-';
  return [
    `# Model card: ${m.name} ${m.version}`,
    '',
    m.description ?? '',
    '',
    '## Intended use',
    '',
    `Mention detection (${Object.keys(m.types).join(', ')}) in English biomedical and clinical text, as the \`ner\``,
    'component of a Clinote pipeline (`resources/pipelines/ml.json`). Its mentions carry no codes: link them',
    'to a terminology, or merge them with the dictionary concepts. Not for unsupervised clinical decisions.',
    '',
    '## Model',
    '',
    `${m.hyperparameters.algorithm === 'crf-sgd-l2' ? 'A linear-chain CRF (SGD on the L2-penalised log-likelihood)' : 'A structured averaged perceptron'} over BIO labels (${m.labels.join(', ')}) with first-order Viterbi decoding,`,
    `hashed features (2^${m.features.bits} slots, features version ${m.features.version}): words, shapes, affixes,`,
    `${m.features.ngrams ? `character ${m.features.ngrams}-grams, ` : ''}${m.features.clusters ? `word classes (\`${m.features.clusters.file}\`, ${m.features.clusters.levels} levels) of the word and its neighbours, ` : ''}neighbouring words (±${m.features.window}), sentence position${m.features.dictionary ? `, dictionary matches of the pack \`${m.features.pack?.name ?? '?'}\`` : ''}${m.features.abbreviations ? ', in-document abbreviations' : ''}${m.features.consistency ? ', document-level label consistency' : ''}.`,
    `Hyperparameters: ${Object.entries(m.hyperparameters)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; seed ${m.seed}. Trained with ${m.code.package} ${m.code.version}.`,
    `Size: \`weights.bin\` holds 2^${m.features.bits} x ${m.labels.length} float32 emission weights and the ${m.labels.length} x ${m.labels.length} transitions, ${((2 ** m.features.bits * m.labels.length * 4) / 1e6).toFixed(1)} MB: the slot count (\`--bits\`) sets it.`,
    '',
    '## Data',
    '',
    `${m.data.preset ? `Preset \`${m.data.preset}\`. ` : ''}Training: ${files(m.data.train)}. Development: ${files(m.data.dev)}.`,
    '',
    `Licence of the data: ${m.data.license ?? 'see the corpus'}. Attribution: ${m.data.attribution ?? '-'}`,
    ...(m.features.clusters
      ? [
          '',
          `Word classes: \`${m.features.clusters.file}\` (sha256 \`${m.features.clusters.sha256.slice(0, 16)}…\`), learned from unlabelled text (MTSamples transcriptions, CC0; the NCBI disease and BC5CDR training files; Chia and MACCROBAT texts, CC BY 4.0): sources and attribution in its model card beside it.`,
        ]
      : []),
    '',
    '## Metrics',
    '',
    'Mention-level, exact boundaries and type (strict) and overlap (lenient), on the development split:',
    '`dev` is the part early stopping, tuning and calibration looked at, `heldout` the part never looked at.',
    'ECE: expected calibration error of the mention probabilities, 15 equal-width bins, a mention counting',
    'as correct when it is strictly in gold; in parentheses, the raw probabilities (temperature 1, no Platt scaling).',
    '',
    '| split | documents | strict P | strict R | strict F1 | lenient F1 | ECE (uncalibrated) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '## Known limits',
    '',
    '- Trained on one corpus and its annotation guidelines: other text (clinical notes, other entity definitions) scores lower.',
    "- Tokens are Clinote's: a gold boundary inside a token cannot be found.",
    `- Every mention has a probability: the marginal of its exact span (forward-backward over the scores divided by the temperature ${m.inference.temperature ?? 1}${m.inference.platt ? `, then Platt scaling a = ${m.inference.platt.a}, b = ${m.inference.platt.b}` : ''}), fitted on the tuned part of dev; ECE (15 bins) in the manifest's metrics. The held-out part is small: its ECE is noisy. It is the \`probability\` of each mention the model returns.`,
    ...limits.map((l) => `- ${l}`),
    '',
  ].join('\n');
}

/** Write a trained NER model as a model directory; returns its manifest. */
export function saveNerModel(dir: string, trained: TrainedNer, meta: NerArtifactMeta): ModelManifest {
  const model = trained.model;
  const L = model.labels.length;
  const f = trained.features;
  const manifest: Omit<ModelManifest, 'weights'> = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    name: meta.name,
    version: meta.version,
    task: 'ner',
    ...(meta.description !== undefined ? { description: meta.description } : {}),
    labels: [...model.labels],
    types: { ...meta.types },
    features: {
      version: FEATURES_VERSION,
      bits: f.bits,
      affixes: f.affixes,
      window: f.window,
      dictionary: f.dictionary,
      abbreviations: f.abbreviations,
      consistency: f.consistency,
      ...(f.ngrams ? { ngrams: f.ngrams } : {}),
      ...(meta.clusters ? { clusters: { ...meta.clusters } } : {}),
      ...(meta.pack ? { pack: { ...meta.pack } } : {}),
    },
    inference: {
      abbreviationPropagation: model.abbreviationPropagation,
      temperature: model.temperature,
      ...(model.platt ? { platt: { ...model.platt } } : {}),
    },
    hyperparameters: {
      ...trained.hyperparameters,
      ...(meta.extraHyperparameters ?? {}),
    },
    seed: meta.seed,
    data: meta.data,
    metrics: meta.metrics,
    code: meta.code,
    created: meta.created,
  };
  const weights = float32ToBytes(model.emission, model.transitions);
  return writeModelDir(
    dir,
    {
      ...manifest,
      weights: {
        file: WEIGHTS_FILE,
        dtype: 'float32le',
        emission: [1 << f.bits, L],
        transitions: [L + 1, L],
      },
    },
    weights,
    nerModelCard(manifest, meta.limits),
  );
}

export type { PRF };

/**
 * `clinote train classify --task specialty|section`: build the task's dataset from MTSamples, run
 * the experiment (train, temperature, thresholds, scores) and write the model directory.
 */
import { join } from 'node:path';
import { ClinoteError } from '../../../errors/error.js';
import { packageVersion } from '../../../resources.js';
import { manifestCreatedTime } from '../../artifact.js';
import { type ClassifierMeta, writeClassifierDir } from '../artifact.js';
import { type ClassifyDataset, type ExperimentResult, runExperiment } from '../experiment.js';
import type { ClassifierManifest } from '../manifest.js';
import {
  MTSAMPLES_ATTRIBUTION,
  MTSAMPLES_LICENSE,
  MTSAMPLES_SOURCE,
  type MtSamplesFile,
} from './mtsamples.js';
import { SECTION_FEATURES, sectionDataset } from './section.js';
import { SPECIALTY_FEATURES, specialtyDataset } from './specialty.js';

export type TextTask = 'specialty' | 'section';
export const TEXT_TASKS: readonly TextTask[] = ['specialty', 'section'];

/** Hyperparameters of each task (chosen on the tuned part of dev; see docs/classifiers.md). */
export const TASK_DEFAULTS: Readonly<
  Record<
    TextTask,
    {
      bits: number;
      normalize: boolean;
      learningRate: number;
      l2: number;
      patience: number;
      oversampleN: number;
    }
  >
> = {
  specialty: { bits: 18, normalize: true, learningRate: 1, l2: 1e-5, patience: 3, oversampleN: 40 },
  section: { bits: 16, normalize: true, learningRate: 0.2, l2: 1e-4, patience: 3, oversampleN: 40 },
};

const DESCRIPTIONS: Record<TextTask, string> = {
  specialty: 'The medical specialty of a transcribed note (MTSamples `medical_specialty`).',
  section:
    'The category of a section header the rules do not know, from its words, characters, body and position.',
};

const FEATURES: Record<TextTask, string> = { specialty: SPECIALTY_FEATURES, section: SECTION_FEATURES };

const SPLITS: Record<TextTask, string> = {
  specialty:
    'seeded hash (FNV-1a + murmur3 mixing) of the transcription text: 70% train, 15% dev (tuned on: early stopping, temperature, thresholds), 15% held out (only scored); identical texts fall in one split',
  section:
    'seeded hash of the lower-cased header string: 70% train, 15% dev (tuned on), 15% held out (only scored); a header string of dev or held out never occurs in train; at most 20 occurrences of one header string (seeded choice)',
};

const LIMITS: Record<TextTask, string[]> = {
  specialty: [
    'MTSamples files some notes under several specialties (the same text under "Surgery" and an organ specialty, and the catch-all classes "Consult - History and Phy.", "Discharge Summary", "SOAP / Chart / Progress Notes", "Office Notes", "Letters"): these are document types, not specialties, and cap the attainable accuracy.',
    'Classes with few examples (under 20 in training) are rarely predicted right.',
  ],
  section: [
    "Trained on the headers Clinote's rules know: its labels are the rules' categories, and a truly new kind of section has no right answer.",
    'Scores are on header strings never seen in training, at most 20 occurrences each.',
  ],
};

/** Write the result of an experiment on a text task as a classifier directory. */
export function saveExperiment(
  dir: string,
  task: TextTask,
  data: ClassifyDataset & { readonly file: MtSamplesFile },
  result: ExperimentResult,
  meta: { seed: number; variant?: string; name?: string; created?: string },
): ClassifierManifest {
  const file = { name: data.file.name, sha256: data.file.sha256, bytes: data.file.bytes };
  const m: ClassifierMeta = {
    name: meta.name ?? `classify-${task}`,
    version: '0.1.0',
    kind: task,
    description: DESCRIPTIONS[task],
    features: { description: FEATURES[task] },
    hyperparameters: {
      ...result.training.hyperparameters,
      thresholds: result.thresholds !== null,
      ...(meta.variant ? { variant: meta.variant } : {}),
    },
    seed: meta.seed,
    data: {
      source: MTSAMPLES_SOURCE,
      train: [file],
      dev: [file],
      split: SPLITS[task],
      license: MTSAMPLES_LICENSE,
      attribution: MTSAMPLES_ATTRIBUTION,
    },
    metrics: { dev: result.metrics.dev, heldout: result.metrics.heldout },
    calibration: {
      method: 'temperature',
      temperature: Math.round(result.temperature * 1e6) / 1e6,
      bins: 15,
      fittedOn: 'dev (the tuned part)',
      eceBefore: Math.round(result.eceBefore * 1e6) / 1e6,
      eceAfter: Math.round(result.eceAfter * 1e6) / 1e6,
      scoredOn: 'heldout',
    },
    thresholds: result.thresholds,
    code: { package: 'clinote', version: packageVersion() },
    created: manifestCreatedTime(meta.created),
    limits: LIMITS[task],
  };
  return writeClassifierDir(dir, result.training.model, m);
}

export interface TrainClassifyOptions {
  readonly task: TextTask;
  /** MTSamples CSV (default: the shared data dir). */
  readonly data?: string;
  readonly out?: string;
  readonly name?: string;
  readonly seed?: number;
  readonly epochs?: number;
  readonly patience?: number;
  readonly bits?: number;
  readonly classWeights?: 'balanced' | 'none';
  readonly oversample?: number;
  readonly thresholds?: boolean;
  readonly limit?: number;
  readonly created?: string;
  readonly log?: (line: string) => void;
}

/** Train a text classifier and write its directory (default `models/classify-<task>`). */
export function trainClassifierTask(options: TrainClassifyOptions): {
  dir: string;
  manifest: ClassifierManifest;
  result: ExperimentResult;
} {
  const task = options.task;
  if (!TEXT_TASKS.includes(task)) {
    throw new ClinoteError('CLINOTE_E_MODEL_UNKNOWN_TASK', `unknown classify task '${task}'`, {
      task,
      tasks: [...TEXT_TASKS],
    });
  }
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 1;
  const t0 = performance.now();
  const data =
    task === 'specialty'
      ? specialtyDataset({
          splitSeed: seed,
          ...(options.data !== undefined ? { path: options.data } : {}),
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
        })
      : sectionDataset({
          splitSeed: seed,
          ...(options.data !== undefined ? { path: options.data } : {}),
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
        });
  if (data.train.length === 0 || data.dev.length === 0) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `classify ${task}: ${data.train.length} training and ${data.dev.length} dev examples; need both`,
      { task, train: data.train.length, dev: data.dev.length },
    );
  }
  log(
    `train classify ${task}: ${data.labels.length} labels; ${data.train.length} training, ${data.dev.length} dev (tuned), ${data.heldout.length} held-out examples; prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const d = TASK_DEFAULTS[task];
  const result = runExperiment(
    data,
    {
      labels: data.labels,
      bits: options.bits ?? d.bits,
      normalize: d.normalize,
      learningRate: d.learningRate,
      l2: d.l2,
      patience: options.patience ?? d.patience,
      seed,
      ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
      classWeights: options.classWeights ?? 'none',
      ...(options.oversample !== undefined ? { oversampleTo: options.oversample } : {}),
      thresholds: options.thresholds ?? false,
    },
    log,
  );
  const dir = options.out ?? join('models', options.name ?? `classify-${task}`);
  const manifest = saveExperiment(dir, task, data, result, {
    seed,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.created !== undefined ? { created: options.created } : {}),
  });
  const f3 = (x: number): string => x.toFixed(3);
  log(
    `dev macro-F1 ${f3(result.metrics.dev.macroF1)} micro-F1 ${f3(result.metrics.dev.microF1)}; held out macro-F1 ${f3(result.metrics.heldout.macroF1)} micro-F1 ${f3(result.metrics.heldout.microF1)}; temperature ${result.temperature.toFixed(3)}, held-out ECE ${f3(result.eceBefore)} -> ${f3(result.eceAfter)}; best epoch ${result.training.bestEpoch}; ${result.seconds.toFixed(1)} s; written to ${dir}`,
  );
  return { dir, manifest, result };
}

/**
 * Training a sequence labeller on a `ner` preset (`clinote train ner`): the preset's train and dev
 * files under the shared data dir (or `--train`/`--dev`), read by the corpus readers, tokenized by
 * Clinote's segmentation pipeline, with the dictionary tags of a terminology pack; the model is
 * trained with early stopping on the first part of dev (`devFraction`), scored on both parts with
 * the scorer of `clinote eval`, and written as a model directory.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { packPath, readPack } from '../components/concepts/index.js';
import { nerInput } from '../components/ner/input.js';
import { missingDataMessage, sharedDataDir, sharedDataPath } from '../data.js';
import { Doc } from '../doc/doc.js';
import { loadPipelineSync } from '../engine-sync.js';
import { ClinoteError } from '../errors/error.js';
import { type ModelManifest, manifestCreatedTime, sha256 } from '../models/artifact.js';
import { parseWordClasses } from '../models/clusters/index.js';
import { readClassesFile, saveNerModel } from '../models/ner/artifact.js';
import { expectedCalibrationError, mentionCalibration } from '../models/ner/calibration.js';
import type { CrfOptions } from '../models/ner/crf.js';
import type { FeatureConfig } from '../models/ner/features.js';
import type { NerModel } from '../models/ner/model.js';
import { type EpochInfo, type NerAlgorithm, trainNer } from '../models/ner/train.js';
import type { NerExample, TypedSpan } from '../models/ner/types.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { fileResourceContext, packageVersion } from '../resources.js';
import { Matcher } from '../terminology/matcher/index.js';
import { DEFAULT_KEYS } from '../terminology/pack/default-keys.js';
import type { GoldDoc } from './gold.js';
import { type LabeledSpan, SpanScorer } from './metrics.js';
import { type NerPreset, presetMaps } from './presets.js';
import { loadGold, nerPreset } from './tasks/ner.js';
import type { SpanScores } from './types.js';

export interface TrainNerPresetOptions {
  readonly preset: string;
  /** Training data (default: the preset's train file under the shared data dir). */
  readonly train?: string;
  /** Development data (default: the preset's dev file). */
  readonly dev?: string;
  /** Output directory (default `models/<name>`). */
  readonly out?: string;
  readonly name?: string;
  readonly version?: string;
  readonly epochs?: number;
  readonly patience?: number;
  readonly seed?: number;
  /** log2 of the hashed feature slots (default 20). */
  readonly bits?: number;
  /** Character n-gram features of this length (default 0: none). */
  readonly ngrams?: number;
  /** Other feature settings (window, affixes, switches); `bits` and `ngrams` above win. */
  readonly features?: Partial<FeatureConfig>;
  /** Terminology pack of the dictionary features (default: the starter pack). */
  readonly pack?: string;
  /** Share of dev documents (the first ones) used for early stopping; the rest is held out (default 0.8). */
  readonly devFraction?: number;
  readonly abbreviationPropagation?: boolean;
  /** The structured averaged perceptron (default) or the linear-chain CRF. */
  readonly algorithm?: NerAlgorithm;
  /**
   * Word-classes file of the class features (`src/models/clusters`): a path under resources/ (as
   * `models/word-clusters/clusters.tsv`, recorded so in the manifest) or any file path.
   */
  readonly clusters?: string;
  /** Step size and L2 of the CRF. */
  readonly crf?: Partial<CrfOptions>;
  /** ISO time for the manifest (default: SOURCE_DATE_EPOCH, else now). */
  readonly created?: string;
  /** Stop after N documents of each file (quick runs). */
  readonly limit?: number;
  /**
   * More training documents (reviewers' feedback: src/monitoring/retrain.ts), in the corpus types of
   * the preset; recorded in the manifest's training data by the name and hash given.
   */
  readonly extraTrain?: {
    readonly docs: readonly GoldDoc[];
    readonly name: string;
    readonly sha256: string;
    readonly bytes: number;
  };
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface TrainNerPresetResult {
  readonly dir: string;
  readonly manifest: ModelManifest;
  readonly seconds: number;
  readonly epochs: readonly EpochInfo[];
}

/** The file (or directory) to read: the option, else the preset's under the shared data dir. */
function dataPath(
  option: string | undefined,
  parts: readonly string[] | undefined,
  what: string,
  preset: NerPreset,
): string {
  if (option !== undefined) {
    try {
      statSync(option);
    } catch {
      throw new ClinoteError('CLINOTE_E_MODEL_TRAINING_DATA', `${what} data not found: ${option}`, {
        path: option,
      });
    }
    return option;
  }
  if (!parts) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `preset '${preset.name}' has no ${what} split: pass --${what}`,
      { preset: preset.name },
    );
  }
  const p = sharedDataPath(...parts);
  if (!p) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `${missingDataMessage(...parts).replace(/; skipped$/, '')}; pass --${what}`,
      { preset: preset.name, path: parts.join('/') },
    );
  }
  return p;
}

/** Name, SHA-256 and size of a data file; a directory hashes the sorted list of its files' names and hashes. */
export function dataFileInfo(path: string): { name: string; sha256: string; bytes: number } {
  const base = sharedDataDir();
  const rel = relative(base, path);
  const name = rel.startsWith('..') || rel === '' ? basename(path) : rel.split('\\').join('/');
  if (statSync(path).isDirectory()) {
    const h = createHash('sha256');
    let bytes = 0;
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir).sort()) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else {
          const b = readFileSync(p);
          bytes += b.byteLength;
          h.update(`${relative(path, p)}\t${sha256(b)}\n`);
        }
      }
    };
    walk(path);
    return { name, sha256: h.digest('hex'), bytes };
  }
  const b = readFileSync(path);
  return { name, sha256: sha256(b), bytes: b.byteLength };
}

/** What turns gold documents into examples: the segmentation pipeline and the dictionary. */
export interface ExampleMaker {
  readonly pipeline: Pipeline;
  readonly matcher: Matcher;
  readonly pack: { name: string; sha256: string };
}

export function exampleMaker(pack?: string): ExampleMaker {
  const pipeline = loadPipelineSync({
    config: {
      name: 'ner-train',
      components: [{ name: 'normalize' }, { name: 'sections' }, { name: 'sentences' }, { name: 'tokens' }],
    },
  });
  const base = fileResourceContext();
  let hash = '';
  const ctx = {
    ...base,
    readResourceBytes: (p: string) => {
      const bytes = base.readResourceBytes(p);
      hash = sha256(bytes);
      return bytes;
    },
  };
  const loaded = readPack(ctx, packPath(pack));
  return { pipeline, matcher: new Matcher(loaded, DEFAULT_KEYS), pack: { name: loaded.name, sha256: hash } };
}

/** Examples of gold documents: Clinote tokens, dictionary tags, gold spans mapped to the preset's labels. */
export function makeExamples(preset: NerPreset, docs: readonly GoldDoc[], maker: ExampleMaker): NerExample[] {
  const { gold } = presetMaps(preset);
  return docs.map((g) => {
    const doc = maker.pipeline.runSync(new Doc(g.text, { id: g.id }));
    const input = nerInput(doc, maker.matcher);
    const spans: TypedSpan[] = [];
    for (const s of g.spans) {
      const label = gold.get(s.type);
      if (label !== undefined) spans.push({ start: s.start, end: s.end, type: label });
    }
    return { id: g.id, tokens: input.tokens, dict: input.dict, gold: spans };
  });
}

/** Strict and lenient scores of a model on gold documents, with the scorer of `clinote eval`. */
export function scoreExamples(
  model: NerModel,
  examples: readonly NerExample[],
  docs: readonly GoldDoc[],
  types: readonly string[],
): SpanScores {
  const scorer = new SpanScorer({ types: [...types] });
  examples.forEach((ex, i) => {
    const pred: LabeledSpan[] = model.predict(ex);
    scorer.add({ id: ex.id, text: (docs[i] as GoldDoc).text, gold: ex.gold, pred });
  });
  const r = scorer.result();
  return { strict: r.strict, lenient: r.lenient };
}

const f3 = (x: number): string => x.toFixed(3);

/** CPU seconds (user + system) of this process since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(start);
  return (c.user + c.system) / 1e6;
}

/** ECE (15 bins) of a model's mention probabilities on examples, at its temperature and at 1. */
export function calibration(
  model: NerModel,
  examples: readonly NerExample[],
): { mentions: number; ece: number; eceTemperature: number; eceUncalibrated: number } {
  const fitted = model.temperature;
  const p = model.platt;
  const after = mentionCalibration(model, examples);
  model.platt = undefined;
  const temperatureOnly = mentionCalibration(model, examples);
  model.temperature = 1;
  const before = mentionCalibration(model, examples);
  model.temperature = fitted;
  model.platt = p;
  return {
    mentions: after.length,
    ece: expectedCalibrationError(after, 15),
    eceTemperature: expectedCalibrationError(temperatureOnly, 15),
    eceUncalibrated: expectedCalibrationError(before, 15),
  };
}

/** The data of a `ner` preset, as both architectures train on it. */
export interface PresetExamples {
  readonly trainPath: string;
  readonly devPath: string;
  readonly trainEx: NerExample[];
  /** The first `devFraction` of the dev documents: early stopping and calibration. */
  readonly tune: NerExample[];
  /** The rest of dev: only scored. */
  readonly held: NerExample[];
  /** The gold documents of `tune` and of `held`. */
  readonly tuneGold: GoldDoc[];
  readonly heldGold: GoldDoc[];
  readonly devFraction: number;
  readonly types: string[];
  /** The pack of the dictionary features. */
  readonly pack: ReturnType<typeof exampleMaker>['pack'];
}

/**
 * The training and dev documents of a preset (`--train`/`--dev` or the shared data dir), as
 * examples, dev split into the tuned part and the held-out rest (`devFraction`, default 0.8).
 */
export function presetExamples(
  preset: NerPreset,
  options: {
    readonly train?: string;
    readonly dev?: string;
    readonly limit?: number;
    readonly devFraction?: number;
    readonly pack?: string;
    readonly extraTrain?: { readonly docs: readonly GoldDoc[] };
  },
): PresetExamples {
  const trainPath = dataPath(options.train, preset.training?.train, 'train', preset);
  const devPath = dataPath(options.dev, preset.training?.dev, 'dev', preset);
  const maker = exampleMaker(options.pack);
  const trainGold = [...loadGold(preset, trainPath, options.limit).docs, ...(options.extraTrain?.docs ?? [])];
  const devGold = loadGold(preset, devPath, options.limit).docs;
  const trainEx = makeExamples(preset, trainGold, maker);
  const devEx = makeExamples(preset, devGold, maker);
  const fraction = options.devFraction ?? 0.8;
  const cut = Math.max(1, Math.min(devEx.length, Math.round(devEx.length * fraction)));
  return {
    trainPath,
    devPath,
    trainEx,
    tune: devEx.slice(0, cut),
    held: devEx.slice(cut),
    tuneGold: devGold.slice(0, cut),
    heldGold: devGold.slice(cut),
    devFraction: fraction,
    types: Object.keys(preset.labels),
    pack: maker.pack,
  };
}

/** Train, score and write a model of a `ner` preset. */
export function trainNerPreset(options: TrainNerPresetOptions): TrainNerPresetResult {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const preset = nerPreset(options.preset);
  const data = presetExamples(preset, options);
  const { trainPath, devPath, trainEx, tune, held, types } = data;
  log(
    `train ner: ${trainEx.length} training documents, dev ${tune.length} tuned on + ${held.length} held out; labels ${types.join(', ')}; prepared in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const classesText = options.clusters !== undefined ? readClassesFile(options.clusters) : undefined;
  const classes =
    classesText !== undefined ? parseWordClasses(classesText, options.clusters as string) : undefined;
  const trained = trainNer(trainEx, tune, {
    types,
    ...(options.algorithm !== undefined ? { algorithm: options.algorithm } : {}),
    ...(options.crf !== undefined ? { crf: options.crf } : {}),
    features: {
      ...(options.features ?? {}),
      ...(classes ? { classes } : {}),
      ...(options.bits !== undefined ? { bits: options.bits } : {}),
      ...(options.ngrams !== undefined ? { ngrams: options.ngrams } : {}),
    },
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.patience !== undefined ? { patience: options.patience } : {}),
    seed: options.seed ?? 1,
    abbreviationPropagation: options.abbreviationPropagation ?? true,
    onEpoch: (e) =>
      log(
        `epoch ${e.epoch}: errors ${e.errors}/${e.tokens} tokens, dev strict F1 ${f3(e.devF1)}${e.best ? ' (best)' : ''}, ${e.seconds.toFixed(1)} s`,
      ),
  });
  const tuneScores = {
    ...scoreExamples(trained.model, tune, data.tuneGold, types),
    calibration: calibration(trained.model, tune),
  };
  const heldScores =
    held.length > 0
      ? {
          ...scoreExamples(trained.model, held, data.heldGold, types),
          calibration: calibration(trained.model, held),
        }
      : undefined;
  const name = options.name ?? `ner-${preset.name}`;
  const dir = options.out ?? join('models', name);
  const seconds = (performance.now() - started) / 1000;
  const manifest = saveNerModel(dir, trained, {
    name,
    version: options.version ?? '0.1.0',
    description: `Mentions of ${types.join(', ')} learned from the training data of the \`${preset.name}\` preset (${preset.description.replace(/, development split.*$/, '')}).`,
    types: Object.fromEntries(types.map((t) => [t, preset.labels[t]?.concepts[0] ?? t.toLowerCase()])),
    seed: options.seed ?? 1,
    data: {
      preset: preset.name,
      train: [
        dataFileInfo(trainPath),
        ...(options.extraTrain
          ? [
              {
                name: options.extraTrain.name,
                sha256: options.extraTrain.sha256,
                bytes: options.extraTrain.bytes,
              },
            ]
          : []),
      ],
      dev: [dataFileInfo(devPath)],
      ...(preset.license ? { license: preset.license } : {}),
      ...(preset.attribution ? { attribution: preset.attribution } : {}),
    },
    metrics: {
      dev: { documents: tune.length, ...tuneScores },
      ...(heldScores ? { heldout: { documents: held.length, ...heldScores } } : {}),
    },
    code: { package: 'clinote', version: packageVersion() },
    pack: data.pack,
    ...(classes && classesText !== undefined
      ? {
          clusters: {
            file: (options.clusters as string).split('\\').join('/'),
            sha256: sha256(classesText),
            levels: classes.levels,
          },
        }
      : {}),
    created: manifestCreatedTime(options.created),
    extraHyperparameters: {
      devFraction: data.devFraction,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    },
  });
  log(
    `dev (first ${tune.length} docs) strict F1 ${f3(tuneScores.strict.f1)} lenient ${f3(tuneScores.lenient.f1)} ECE ${f3(tuneScores.calibration.ece)}${heldScores ? `; held out (${held.length} docs) strict F1 ${f3(heldScores.strict.f1)} lenient ${f3(heldScores.lenient.f1)} ECE ${f3(heldScores.calibration.ece)} (T only ${f3(heldScores.calibration.eceTemperature)}, raw ${f3(heldScores.calibration.eceUncalibrated)})` : ''}; temperature ${trained.temperature}; best epoch ${trained.bestEpoch}; ${seconds.toFixed(1)} s wall, ${cpuSeconds(cpuStart).toFixed(1)} s CPU; written to ${dir}`,
  );
  return { dir, manifest, seconds, epochs: trained.epochs };
}

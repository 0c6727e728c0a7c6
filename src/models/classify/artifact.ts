/**
 * Classifier artifacts: a model directory with `manifest.json` (task `classify`, validated by
 * `ClassifierManifestSchema`), `weights.bin` (the compact sparse-row format below, its SHA-256 and
 * size in the manifest) and `model-card.md`. Reading checks the task, the schema, the format
 * version, the weights' size and hash, with coded errors.
 *
 * weights.bin, little-endian: the magic `CLFW`, then uint32 format version (1), bits, L and the
 * number R of slots with a non-zero weight; R uint32 slot indices in increasing order; R x L float32
 * weights (row by row); L float32 biases. A slot no feature reached costs nothing.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClinoteError } from '../../errors/error.js';
import { schemaIssues } from '../../pipeline/config.js';
import {
  CARD_FILE,
  canonicalJson,
  MANIFEST_FILE,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  parseTaskManifest,
  readModelFile,
  sha256,
  WEIGHTS_FILE,
} from '../artifact.js';
import { classifierCard } from './card.js';
import { Classifier } from './classifier.js';
import { type LogRegModel, logRegFromWeights } from './logreg.js';
import { CLASSIFY_FEATURES_VERSION, type ClassifierManifest, ClassifierManifestSchema } from './manifest.js';

const WEIGHTS_MAGIC = 'CLFW';
const WEIGHTS_VERSION = 1;

/** What the writer needs besides the model: the manifest without the fields it computes. */
export type ClassifierMeta = Omit<
  ClassifierManifest,
  'format' | 'formatVersion' | 'task' | 'labels' | 'features' | 'weights' | 'thresholds'
> & {
  readonly features: { readonly description: string; readonly version?: number };
  readonly thresholds?: readonly number[] | null;
  /** Extra lines for the card's "Known limits". */
  readonly limits?: readonly string[];
};

/** The weights as the compact sparse-row bytes. */
export function encodeWeights(model: LogRegModel): Uint8Array {
  const L = model.labels.length;
  const rows = 1 << model.bits;
  const w = model.weights;
  const nonzero: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let y = 0; y < L; y++) {
      if (w[r * L + y] !== 0) {
        nonzero.push(r);
        break;
      }
    }
  }
  const R = nonzero.length;
  const out = new Uint8Array(20 + R * 4 + R * L * 4 + L * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = WEIGHTS_MAGIC.charCodeAt(i);
  view.setUint32(4, WEIGHTS_VERSION, true);
  view.setUint32(8, model.bits, true);
  view.setUint32(12, L, true);
  view.setUint32(16, R, true);
  let at = 20;
  for (const r of nonzero) {
    view.setUint32(at, r, true);
    at += 4;
  }
  for (const r of nonzero) {
    for (let y = 0; y < L; y++) {
      view.setFloat32(at, w[r * L + y] as number, true);
      at += 4;
    }
  }
  for (let y = 0; y < L; y++) {
    view.setFloat32(at, w[rows * L + y] as number, true);
    at += 4;
  }
  return out;
}

/** Dense weights ((2^bits) x L, then L biases) from the sparse-row bytes; `where` names the model. */
export function decodeWeights(bytes: Uint8Array, bits: number, L: number, where: string): Float32Array {
  const bad = (why: string): ClinoteError =>
    new ClinoteError('CLINOTE_E_MODEL_HASH_MISMATCH', `${where}: weights.bin is damaged (${why})`, {
      path: where,
    });
  if (bytes.byteLength < 20) throw bad('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== WEIGHTS_MAGIC || view.getUint32(4, true) !== WEIGHTS_VERSION)
    throw bad('not a classifier weights file');
  if (view.getUint32(8, true) !== bits || view.getUint32(12, true) !== L)
    throw bad('shape differs from the manifest');
  const R = view.getUint32(16, true);
  if (bytes.byteLength !== 20 + R * 4 + R * L * 4 + L * 4) throw bad('size differs from its header');
  const rows = 1 << bits;
  const w = new Float32Array(rows * L + L);
  let at = 20 + R * 4;
  for (let i = 0; i < R; i++) {
    const r = view.getUint32(20 + i * 4, true);
    if (r >= rows) throw bad('slot out of range');
    for (let y = 0; y < L; y++) {
      w[r * L + y] = view.getFloat32(at, true);
      at += 4;
    }
  }
  for (let y = 0; y < L; y++) {
    w[rows * L + y] = view.getFloat32(at, true);
    at += 4;
  }
  return w;
}

/**
 * Write a classifier directory: weights, then the manifest (validated; sorted keys), then the card.
 * Same model and meta give the same bytes. Returns the manifest.
 */
export function writeClassifierDir(
  dir: string,
  model: LogRegModel,
  meta: ClassifierMeta,
): ClassifierManifest {
  const weights = encodeWeights(model);
  const { limits, thresholds, features, ...rest } = meta;
  const manifest = {
    ...rest,
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    task: 'classify',
    labels: [...model.labels],
    features: {
      version: features.version ?? CLASSIFY_FEATURES_VERSION,
      bits: model.bits,
      normalize: model.normalize,
      description: features.description,
    },
    thresholds: thresholds ? [...thresholds] : null,
    weights: {
      file: WEIGHTS_FILE,
      layout: 'sparse-rows-float32le',
      rows: 1 << model.bits,
      cols: model.labels.length,
      nonzeroRows: new DataView(weights.buffer).getUint32(16, true),
      sha256: sha256(weights),
      bytes: weights.byteLength,
    },
  } as ClassifierManifest;
  const issues = schemaIssues(ClassifierManifestSchema, manifest);
  if (issues.length > 0) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `classifier manifest to write is invalid: ${issues.slice(0, 5).join('; ')}`,
      { path: dir, issues },
    );
  }
  mkdirSync(dir, { recursive: true });
  const put = (file: string, data: Uint8Array | string): void => {
    const tmp = join(dir, `.${file}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, file));
  };
  put(WEIGHTS_FILE, weights);
  put(MANIFEST_FILE, canonicalJson(manifest));
  put(CARD_FILE, classifierCard(manifest, limits ?? []));
  return manifest;
}

/** Parse and check classifier manifest text: JSON, task, format version, schema. */
export function parseClassifierManifest(text: string, where: string): ClassifierManifest {
  const m = parseTaskManifest(text, where, 'classify', ClassifierManifestSchema, 'the classifier schema');
  if (m.thresholds && m.thresholds.length !== m.labels.length) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${where}: ${m.thresholds.length} thresholds for ${m.labels.length} labels`,
      { path: where },
    );
  }
  return m;
}

export interface ClassifierFiles {
  readonly manifest: ClassifierManifest;
  readonly model: LogRegModel;
  /** The model with its temperature and thresholds: calibrated predictions with evidence. */
  readonly classifier: Classifier;
}

/** Check weights bytes against the manifest (size and SHA-256). */
export function checkClassifierWeights(manifest: ClassifierManifest, bytes: Uint8Array, where: string): void {
  const hash = sha256(bytes);
  if (bytes.byteLength !== manifest.weights.bytes || hash !== manifest.weights.sha256) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_HASH_MISMATCH',
      `${where}: weights.bin does not match its manifest (${bytes.byteLength} bytes, sha256 ${hash.slice(0, 12)}…; expected ${manifest.weights.bytes} bytes, ${manifest.weights.sha256.slice(0, 12)}…)`,
      { path: where, sha256: hash, expected: manifest.weights.sha256 },
    );
  }
}

/** The model of checked manifest and weights bytes (e.g. read through a factory context). */
export function classifierFromFiles(
  manifestText: string,
  weightsBytes: Uint8Array,
  where: string,
  expectedKind?: string,
): ClassifierFiles {
  const manifest = parseClassifierManifest(manifestText, where);
  if (expectedKind !== undefined && manifest.kind !== expectedKind) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TASK_MISMATCH',
      `${where}: a '${manifest.kind}' classifier, not '${expectedKind}'`,
      { path: where, kind: manifest.kind },
    );
  }
  if (manifest.features.version !== CLASSIFY_FEATURES_VERSION) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${where}: features version ${manifest.features.version}, this Clinote computes version ${CLASSIFY_FEATURES_VERSION}; train the model again`,
      { path: where },
    );
  }
  checkClassifierWeights(manifest, weightsBytes, where);
  const L = manifest.labels.length;
  if (manifest.weights.cols !== L || manifest.weights.rows !== 1 << manifest.features.bits) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${where}: weight shapes do not fit the labels and feature bits`,
      { path: where },
    );
  }
  const dense = decodeWeights(weightsBytes, manifest.features.bits, L, where);
  const model = logRegFromWeights(
    manifest.labels,
    manifest.features.bits,
    dense,
    manifest.features.normalize,
  );
  const classifier = new Classifier(model, {
    name: manifest.name,
    version: manifest.version,
    temperature: manifest.calibration.temperature,
    thresholds: manifest.thresholds,
  });
  return { manifest, model, classifier };
}

/** Read and check a classifier directory; `expectedKind` also checks `kind`. */
export function readClassifierDir(dir: string, expectedKind?: string): ClassifierFiles {
  const text = readModelFile(dir, MANIFEST_FILE).toString('utf8');
  const bytes = new Uint8Array(readModelFile(dir, WEIGHTS_FILE));
  return classifierFromFiles(text, bytes, dir, expectedKind);
}

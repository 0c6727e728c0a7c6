/**
 * Model artifacts: a directory holding `manifest.json` (validated by `ModelManifestSchema`),
 * `weights.bin` (little-endian float32, its SHA-256 and size in the manifest) and `model-card.md`.
 * Reading checks the schema, the format version and the weights' hash, with coded errors.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ClinoteError, isClinoteError } from '../errors/error.js';
import type { FactoryContext } from '../pipeline/component.js';
import { schemaIssues } from '../pipeline/config.js';

export const MODEL_FORMAT = 'clinote-model';
export const MODEL_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';
export const CARD_FILE = 'model-card.md';

const closed = { additionalProperties: false } as const;
/** A SHA-256 in lower-case hex. */
export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

const PRFSchema = Type.Object(
  {
    precision: Type.Number(),
    recall: Type.Number(),
    f1: Type.Number(),
    tp: Type.Integer({ minimum: 0 }),
    fp: Type.Integer({ minimum: 0 }),
    fn: Type.Integer({ minimum: 0 }),
  },
  closed,
);

/** A training or development file of a model: its name, SHA-256 and size. */
export const DataFileSchema = Type.Object(
  {
    name: Type.String({
      description: 'File name (relative to the shared data dir when it comes from there)',
    }),
    sha256: Sha256,
    bytes: Type.Integer({ minimum: 0 }),
  },
  closed,
);

export const ModelManifestSchema = Type.Object(
  {
    format: Type.Literal(MODEL_FORMAT),
    formatVersion: Type.Integer({ minimum: 1 }),
    name: Type.String({ minLength: 1, pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+' }),
    task: Type.Union([Type.Literal('ner')]),
    description: Type.Optional(Type.String()),
    labels: Type.Array(Type.String(), { minItems: 1, description: 'Output labels (BIO for ner), `O` first' }),
    types: Type.Record(Type.String(), Type.String(), {
      description: 'Entity type -> the Clinote concept type its mentions get',
    }),
    features: Type.Object(
      {
        version: Type.Integer({ minimum: 1 }),
        bits: Type.Integer({ minimum: 8, maximum: 24 }),
        affixes: Type.Integer({ minimum: 0, maximum: 6 }),
        window: Type.Integer({ minimum: 0, maximum: 3 }),
        dictionary: Type.Boolean(),
        abbreviations: Type.Boolean(),
        consistency: Type.Boolean(),
        ngrams: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
        clusters: Type.Optional(
          Type.Object(
            {
              file: Type.String({ minLength: 1, description: 'Word-classes file, a path under resources/' }),
              sha256: Sha256,
              levels: Type.Integer({ minimum: 1, maximum: 6 }),
            },
            { ...closed, description: 'Word classes of the class features (src/models/clusters)' },
          ),
        ),
        pack: Type.Optional(
          Type.Object(
            { name: Type.String(), sha256: Sha256 },
            { ...closed, description: 'Pack of the dictionary features' },
          ),
        ),
      },
      closed,
    ),
    inference: Type.Object(
      {
        abbreviationPropagation: Type.Boolean(),
        temperature: Type.Optional(
          Type.Number({
            exclusiveMinimum: 0,
            description:
              'Scores are divided by it before mention probabilities (fitted on the tuned part of dev)',
          }),
        ),
        platt: Type.Optional(
          Type.Object(
            { a: Type.Number(), b: Type.Number() },
            { ...closed, description: 'Platt scaling sigmoid(a logit(p) + b) after the temperature' },
          ),
        ),
      },
      closed,
    ),
    hyperparameters: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean()])),
    seed: Type.Integer(),
    data: Type.Object(
      {
        preset: Type.Optional(Type.String()),
        train: Type.Array(DataFileSchema),
        dev: Type.Array(DataFileSchema),
        license: Type.Optional(Type.String()),
        attribution: Type.Optional(Type.String()),
      },
      closed,
    ),
    metrics: Type.Record(
      Type.String(),
      Type.Object(
        {
          documents: Type.Integer({ minimum: 0 }),
          strict: PRFSchema,
          lenient: Type.Optional(PRFSchema),
          calibration: Type.Optional(
            Type.Object(
              {
                mentions: Type.Integer({ minimum: 0 }),
                ece: Type.Number({ description: 'ECE (15 equal-width bins) of the mention probabilities' }),
                eceTemperature: Type.Number({ description: 'The same with the temperature alone' }),
                eceUncalibrated: Type.Number({ description: 'The same at temperature 1, no Platt scaling' }),
              },
              closed,
            ),
          ),
        },
        closed,
      ),
      { description: 'Scores by split (`dev`: the part tuned on; `heldout`: the part never looked at)' },
    ),
    code: Type.Object({ package: Type.String(), version: Type.String() }, closed),
    weights: Type.Object(
      {
        file: Type.Literal(WEIGHTS_FILE),
        dtype: Type.Literal('float32le'),
        sha256: Sha256,
        bytes: Type.Integer({ minimum: 0 }),
        emission: Type.Tuple([Type.Integer({ minimum: 1 }), Type.Integer({ minimum: 1 })]),
        transitions: Type.Tuple([Type.Integer({ minimum: 1 }), Type.Integer({ minimum: 1 })]),
      },
      closed,
    ),
    created: Type.String({ description: 'ISO 8601 time of training' }),
  },
  { ...closed, description: 'manifest.json of a Clinote model directory' },
);

export type ModelManifest = Static<typeof ModelManifestSchema>;

/**
 * The `created` time of a model manifest: the one given, else SOURCE_DATE_EPOCH (seconds; for
 * reproducible builds: the same data, seed and options then give the same manifest bytes), else now.
 */
export function manifestCreatedTime(given?: string): string {
  if (given !== undefined) return given;
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  return new Date().toISOString();
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Float32 values as little-endian bytes. */
export function float32ToBytes(...parts: readonly Float32Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n * 4);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    if (LITTLE_ENDIAN) out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at * 4);
    else for (let i = 0; i < p.length; i++) view.setFloat32((at + i) * 4, p[i] as number, true);
    at += p.length;
  }
  return out;
}

/** Little-endian float32 bytes as a Float32Array (a copy, aligned). */
export function bytesToFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength >>> 2);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 4));
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/**
 * JSON with sorted keys and a final newline: the same manifest gives the same bytes. Laid out as the
 * repository's formatter (Biome) lays JSON out, so a committed manifest passes the lint step:
 * objects one key per line, arrays of numbers and strings on one line when they fit in 110 columns.
 */
export function canonicalJson(value: unknown): string {
  const WIDTH = 110;
  const write = (v: unknown, indent: string, prefix: number): string => {
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const primitive = v.every((x) => x === null || typeof x !== 'object');
      if (primitive) {
        const inline = `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
        if (prefix + inline.length + 1 <= WIDTH) return inline;
      }
      const inner = `${indent}  `;
      return `[\n${v.map((x) => `${inner}${write(x, inner, inner.length)}`).join(',\n')}\n${indent}]`;
    }
    if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v as object).sort();
      if (keys.length === 0) return '{}';
      const inner = `${indent}  `;
      const lines = keys.map((k) => {
        const head = `${inner}${JSON.stringify(k)}: `;
        return `${head}${write((v as Record<string, unknown>)[k], inner, head.length)}`;
      });
      return `{\n${lines.join(',\n')}\n${indent}}`;
    }
    return JSON.stringify(v);
  };
  return `${write(value, '', 0)}\n`;
}

/** Parse and validate manifest text; `where` names the model in messages. */
export function parseManifest(text: string, where: string): ModelManifest {
  return parseTaskManifest(text, where, 'ner', ModelManifestSchema, 'the schema');
}

/**
 * Parse the manifest text of a model of `task` and validate it against `schema`: not JSON, or a
 * newer format version, or a schema mismatch is CLINOTE_E_MODEL_MANIFEST_INVALID; a model of another
 * task is CLINOTE_E_MODEL_TASK_MISMATCH. Shared by every kind of model directory.
 */
export function parseTaskManifest<S extends TSchema>(
  text: string,
  where: string,
  task: string,
  schema: S,
  schemaName: string,
): Static<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${where}: manifest.json is not valid JSON`,
      { path: where },
      { cause: e },
    );
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > MODEL_FORMAT_VERSION) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${where}: model format version ${version} is newer than this Clinote reads (${MODEL_FORMAT_VERSION})`,
      { path: where },
    );
  }
  const given = (value as { task?: unknown } | null)?.task;
  if (typeof given === 'string' && given !== task) {
    throw new ClinoteError('CLINOTE_E_MODEL_TASK_MISMATCH', `${where}: a '${given}' model, not '${task}'`, {
      path: where,
      task: given,
    });
  }
  const issues = schemaIssues(schema, value);
  if (issues.length > 0) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `${where}: manifest.json does not match ${schemaName}: ${issues.slice(0, 5).join('; ')}`,
      { path: where, issues: issues.slice(0, 20) },
    );
  }
  return value as Static<S>;
}

/** Check the weights' bytes against the manifest (size and SHA-256). */
export function checkWeights(manifest: ModelManifest, bytes: Uint8Array, where: string): void {
  const [rows, cols] = manifest.weights.emission;
  const [trows, tcols] = manifest.weights.transitions;
  const expected = (rows * cols + trows * tcols) * 4;
  const hash = sha256(bytes);
  if (
    bytes.byteLength !== manifest.weights.bytes ||
    bytes.byteLength !== expected ||
    hash !== manifest.weights.sha256
  ) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_HASH_MISMATCH',
      `${where}: weights.bin does not match its manifest (${bytes.byteLength} bytes, sha256 ${hash.slice(0, 12)}…; expected ${manifest.weights.bytes} bytes, ${manifest.weights.sha256.slice(0, 12)}…)`,
      { path: where, sha256: hash, expected: manifest.weights.sha256 },
    );
  }
}

/** Read a file of a model directory; CLINOTE_E_MODEL_NOT_FOUND when it cannot be read. */
export function readModelFile(dir: string, file: string): Buffer {
  try {
    return readFileSync(join(dir, file));
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_NOT_FOUND',
      `model '${dir}': cannot read ${file}`,
      { path: join(dir, file) },
      { cause: e },
    );
  }
}

/**
 * A model directory's manifest, weights and `extra` text files, read through a component's factory
 * context (so they enter the pipeline version). A missing file is CLINOTE_E_MODEL_NOT_FOUND naming
 * `what` and the directory.
 */
export function readModelResources(
  ctx: FactoryContext,
  dir: string,
  what: string,
  extra: readonly string[] = [],
): { manifest: string; weights: Uint8Array; extra: string[] } {
  try {
    return {
      manifest: ctx.readResource(join(dir, MANIFEST_FILE)),
      weights: ctx.readResourceBytes(join(dir, WEIGHTS_FILE)),
      extra: extra.map((f) => ctx.readResource(join(dir, f))),
    };
  } catch (e) {
    if (isClinoteError(e) && e.code === 'CLINOTE_E_RESOURCE_NOT_FOUND')
      throw new ClinoteError(
        'CLINOTE_E_MODEL_NOT_FOUND',
        `${what} '${dir}' cannot be read (a directory with ${[MANIFEST_FILE, WEIGHTS_FILE, ...extra].join(', ')})`,
        { path: dir },
        { cause: e },
      );
    throw e;
  }
}

export interface ModelFiles {
  readonly manifest: ModelManifest;
  /** The raw weights (checked). */
  readonly weights: Uint8Array;
}

/** Read and check a model directory from disk. */
export function readModelDir(dir: string): ModelFiles {
  const manifest = parseManifest(readModelFile(dir, MANIFEST_FILE).toString('utf8'), dir);
  const weights = new Uint8Array(readModelFile(dir, WEIGHTS_FILE));
  checkWeights(manifest, weights, dir);
  return { manifest, weights };
}

/**
 * Write a model directory: the weights, then the manifest with the weights' hash and size filled in,
 * then the card. Each file is written to a temporary name and renamed.
 */
export function writeModelDir(
  dir: string,
  manifest: Omit<ModelManifest, 'weights'> & { weights: Omit<ModelManifest['weights'], 'sha256' | 'bytes'> },
  weights: Uint8Array,
  card: string,
): ModelManifest {
  mkdirSync(dir, { recursive: true });
  const full = {
    ...manifest,
    weights: { ...manifest.weights, sha256: sha256(weights), bytes: weights.byteLength },
  } as ModelManifest;
  const issues = schemaIssues(ModelManifestSchema, full);
  if (issues.length > 0) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `manifest to write is invalid: ${issues.slice(0, 5).join('; ')}`,
      { path: dir, issues },
    );
  }
  const put = (file: string, data: Uint8Array | string): void => {
    const tmp = join(dir, `.${file}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, join(dir, file));
  };
  put(WEIGHTS_FILE, weights);
  put(MANIFEST_FILE, canonicalJson(full));
  put(CARD_FILE, card);
  return full;
}

/**
 * Named float32 tensors and their file format: `<name>.bin` (the tensors' little-endian float32
 * values one after the other, each 64-byte aligned) and `<name>.json` (the index: for every tensor
 * its name, shape, byte offset and length, plus free metadata). An ONNX writer can read it as is:
 * names follow Hugging Face BERT's, and dense weights are stored [in, out] (y = x W + b), which is
 * the transpose of PyTorch's nn.Linear layout (the index says so in `layout`).
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ClinoteError } from '../../errors/error.js';

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export type NamedTensors = Map<string, Tensor>;

export interface TensorIndexEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32';
  readonly offset: number;
  readonly length: number;
}

export interface TensorIndex {
  readonly format: 'clinote-tensors';
  readonly version: 1;
  readonly layout: 'dense weights [in, out]';
  readonly sha256: string;
  readonly bytes: number;
  readonly tensors: TensorIndexEntry[];
  readonly meta: Record<string, unknown>;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const ALIGN = 64;

/** Write `tensors` to `<base>.bin` and `<base>.json` (each through a temporary file, then renamed). */
export function saveTensors(
  base: string,
  tensors: NamedTensors,
  meta: Record<string, unknown> = {},
): TensorIndex {
  const entries: TensorIndexEntry[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.data.length !== sizeOf(t.shape))
      throw new Error(`tensor ${name}: data length does not match its shape`);
    entries.push({ name, shape: [...t.shape], dtype: 'float32', offset, length: t.data.length * 4 });
    offset += Math.ceil((t.data.length * 4) / ALIGN) * ALIGN;
  }
  const buf = Buffer.alloc(offset);
  for (const e of entries) {
    const t = tensors.get(e.name)!;
    const view = new DataView(buf.buffer, buf.byteOffset + e.offset, e.length);
    for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i]!, true);
  }
  const index: TensorIndex = {
    format: 'clinote-tensors',
    version: 1,
    layout: 'dense weights [in, out]',
    sha256: createHash('sha256').update(buf).digest('hex'),
    bytes: buf.length,
    tensors: entries,
    meta,
  };
  writeFileSync(`${base}.bin.tmp`, buf);
  writeFileSync(`${base}.json.tmp`, `${JSON.stringify(index, null, 1)}\n`);
  renameSync(`${base}.bin.tmp`, `${base}.bin`);
  renameSync(`${base}.json.tmp`, `${base}.json`);
  return index;
}

/** Read `<base>.json` and `<base>.bin`; checks the hash and every entry's bounds. */
export function loadTensors(base: string): { tensors: NamedTensors; index: TensorIndex } {
  let index: TensorIndex;
  let buf: Buffer;
  try {
    index = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as TensorIndex;
    buf = readFileSync(`${base}.bin`);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_NOT_FOUND',
      `cannot read tensors '${base}.json' / '${base}.bin'`,
      { path: base },
      { cause: e },
    );
  }
  if (index.format !== 'clinote-tensors' || index.version !== 1 || !Array.isArray(index.tensors))
    throw new ClinoteError(
      'CLINOTE_E_MODEL_MANIFEST_INVALID',
      `'${base}.json' is not a tensor index of version 1`,
      {
        path: base,
      },
    );
  if (buf.length !== index.bytes || createHash('sha256').update(buf).digest('hex') !== index.sha256)
    throw new ClinoteError('CLINOTE_E_MODEL_HASH_MISMATCH', `'${base}.bin' does not match its index`, {
      path: base,
    });
  const tensors: NamedTensors = new Map();
  for (const e of index.tensors) {
    const n = sizeOf(e.shape);
    if (e.dtype !== 'float32' || e.length !== n * 4 || e.offset < 0 || e.offset + e.length > buf.length)
      throw new ClinoteError(
        'CLINOTE_E_MODEL_MANIFEST_INVALID',
        `'${base}.json': tensor entry out of bounds`,
        {
          path: base,
          tensor: e.name,
        },
      );
    const data = new Float32Array(n);
    const view = new DataView(buf.buffer, buf.byteOffset + e.offset, e.length);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, true);
    tensors.set(e.name, { shape: e.shape, data });
  }
  return { tensors, index };
}

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devSplit } from '../../corpora/brat.js';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { mulberry32 } from '../prng.js';
import { learningRate } from './adamw.js';
import { encoderConfig } from './config.js';
import { readPretrainingText } from './corpus.js';
import { batchIndices, maskBatch, packDocument, packDocuments, type Vocabulary } from './mlm.js';
import { pretrain } from './pretrain.js';
import { loadTensors, saveTensors } from './tensors.js';
import { trainTokenizer } from './tokenizer-train.js';
import { WordPieceTokenizer } from './wordpiece.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'clinote-h7-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const V: Vocabulary = { padId: 0, clsId: 2, sepId: 3, maskId: 4, firstRegularId: 5, vocabSize: 40 };

describe('MLM data', () => {
  it('packs a document into [CLS] ... [SEP] sequences', () => {
    const ids = Int32Array.from({ length: 20 }, (_, i) => 5 + i);
    const seqs = packDocument(ids, 8, V, 2);
    expect(seqs.map((s) => [...s])).toEqual([
      [2, 5, 6, 7, 8, 9, 10, 3],
      [2, 11, 12, 13, 14, 15, 16, 3],
      [2, 17, 18, 19, 20, 21, 22, 3],
      [2, 23, 24, 3],
    ]);
  });

  it('packs short documents together and cuts long ones', () => {
    const doc = (n: number, from: number): Int32Array => Int32Array.from({ length: n }, (_, i) => from + i);
    const seqs = packDocuments([doc(2, 10), doc(3, 20), doc(9, 30), doc(1, 40)], 8, V, 2);
    expect(seqs.map((s) => [...s])).toEqual([
      [2, 10, 11, 3, 20, 21, 22, 3],
      [2, 30, 31, 32, 33, 34, 35, 3],
      [2, 36, 37, 38, 3, 40, 3],
    ]);
    for (const s of seqs) expect(s.length).toBeLessThanOrEqual(8);
  });

  it('masks 15% of the real tokens, 80/10/10, never a special or a pad', () => {
    const rnd = mulberry32(5);
    const seqs = Array.from({ length: 64 }, (_, b) =>
      Int32Array.from({ length: 100 - (b % 30) }, (_, t) => (t === 0 ? 2 : 5 + ((b * 7 + t) % 35))),
    );
    let picked = 0;
    let real = 0;
    let masked = 0;
    let kept = 0;
    const T = 100;
    const { batch, targets } = maskBatch(seqs, T, V, rnd, 2000);
    for (let i = 0; i < batch.ids.length; i++) if (batch.attention[i] && i % T !== 0) real++;
    for (let i = 0; i < targets.positions.length; i++) {
      const p = targets.positions[i]!;
      picked++;
      expect(batch.attention[p]).toBe(1);
      expect(targets.labels[i]).toBeGreaterThanOrEqual(5);
      if (batch.ids[p] === V.maskId) masked++;
      else if (batch.ids[p] === targets.labels[i]) kept++;
    }
    expect(picked / real).toBeGreaterThan(0.13);
    expect(picked / real).toBeLessThan(0.17);
    expect(masked / picked).toBeGreaterThan(0.76);
    expect(masked / picked).toBeLessThan(0.84);
    expect(kept / picked).toBeGreaterThan(0.07); // 10% kept, plus random draws of the same id
    expect(kept / picked).toBeLessThan(0.14);
    for (let i = 0; i < batch.ids.length; i++) if (!batch.attention[i]) expect(batch.ids[i]).toBe(V.padId);
  });

  it('draws batches as a function of (seed, step)', () => {
    expect(batchIndices(10, 4, 1, 7)).toEqual(batchIndices(10, 4, 1, 7));
    expect(new Set([0, 1].flatMap((s) => batchIndices(10, 5, 3, s))).size).toBe(10); // one epoch covers all
    expect(batchIndices(10, 4, 1, 0)).not.toEqual(batchIndices(10, 4, 2, 0));
  });

  it('warms up then decays the learning rate linearly to 0', () => {
    const c = {
      lr: 1,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-6,
      weightDecay: 0,
      warmupSteps: 4,
      totalSteps: 12,
      clipNorm: 0,
    };
    expect([0, 1, 3, 4, 7, 11].map((s) => learningRate(c, s))).toEqual([0.25, 0.5, 1, 0.875, 0.5, 0]);
  });
});

describe('named tensors', () => {
  it('round-trips and detects a damaged file', () => {
    const d = tmp();
    const t = new Map([
      ['a.weight', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 4, 5e-8, -6]) }],
      ['a.bias', { shape: [3], data: Float32Array.from([0.1, 0.2, 0.3]) }],
    ]);
    const index = saveTensors(join(d, 'x'), t, { note: 'n' });
    expect(index.tensors.map((e) => e.offset)).toEqual([0, 64]);
    const back = loadTensors(join(d, 'x'));
    expect([...back.tensors.get('a.weight')!.data]).toEqual([...t.get('a.weight')!.data]);
    expect(back.tensors.get('a.bias')!.shape).toEqual([3]);
    expect(back.index.meta).toEqual({ note: 'n' });
    const bin = readFileSync(join(d, 'x.bin'));
    bin[5] = (bin[5]! + 1) % 256;
    writeFileSync(join(d, 'x.bin'), bin);
    expect(() => loadTensors(join(d, 'x'))).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_HASH_MISMATCH' }),
    );
    expect(() => loadTensors(join(d, 'nope'))).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_NOT_FOUND' }),
    );
  });
});

describe('pretraining', () => {
  const config = encoderConfig('tiny', V.vocabSize, {
    hidden: 16,
    heads: 2,
    layers: 1,
    intermediate: 32,
    maxPositions: 16,
  });
  const rnd = mulberry32(11);
  const seqs = Array.from({ length: 40 }, () =>
    Int32Array.from({ length: 6 + Math.floor(rnd() * 10) }, (_, t) =>
      t === 0 ? 2 : 5 + Math.floor(rnd() * 35),
    ),
  );
  const base = {
    config,
    train: seqs.slice(0, 32),
    heldOut: seqs.slice(32),
    vocabulary: V,
    steps: 10,
    batchSize: 4,
    seqLen: 16,
    seed: 3,
    checkpointEvery: 4,
    evalEvery: 5,
    evalBatches: 2,
    optimizer: { lr: 5e-3, warmupSteps: 2 },
  };

  it('resumes with the trajectory of an uninterrupted run', async () => {
    const whole = await pretrain({ ...base, out: tmp() });
    expect(whole.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const out = tmp();
    const first = await pretrain({ ...base, out, stopAt: 6 });
    expect(first.steps).toHaveLength(6);
    const resumed = await pretrain({ ...base, out, resume: true });
    expect(resumed.steps.map((s) => s.loss)).toEqual(whole.steps.map((s) => s.loss));
    expect(resumed.evals).toEqual(whole.evals);
    expect([...resumed.params.get('encoder.layer.0.output.dense.weight')!.data]).toEqual([
      ...whole.params.get('encoder.layer.0.output.dense.weight')!.data,
    ]);
    const png = readFileSync(join(out, 'curve.png'));
    expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    expect(whole.evals.map((e) => e.step)).toEqual([0, 5, 10]);
  });

  it('stops on an aborted signal with a checkpoint it can resume from', async () => {
    const out = tmp();
    let checks = 0;
    // Aborted from the fourth check on: the loop checks once before each step.
    const signal = {
      get aborted() {
        checks += 1;
        return checks > 3;
      },
    } as AbortSignal;
    const first = await pretrain({ ...base, out, signal });
    expect(first.steps).toHaveLength(3);
    const resumed = await pretrain({ ...base, out, resume: true });
    const whole = await pretrain({ ...base, out: tmp() });
    expect(resumed.steps.map((x) => x.loss)).toEqual(whole.steps.map((x) => x.loss));
  });

  it('refuses to resume with another config', async () => {
    const out = tmp();
    await pretrain({ ...base, out, stopAt: 2 });
    await expect(pretrain({ ...base, out, resume: true, seed: 4 })).rejects.toMatchObject({
      code: 'CLINOTE_E_MODEL_TRAIN_OPTION',
    });
  });
});

describe.skipIf(sharedDataPath('maccrobat') === null)('pretraining text', () => {
  it('reads only the tune part of MACCROBAT', () => {
    const dir = sharedDataPath('maccrobat')!;
    const ids = readdirSync(dir)
      .filter((n) => n.endsWith('.txt'))
      .map((n) => n.replace(/\.txt$/, ''));
    const read = readPretrainingText({ names: ['maccrobat'] }).documents.map((d) => d.id);
    expect(read.length).toBe(devSplit(ids, 'tune').length);
    const score = new Set(devSplit(ids, 'score'));
    expect(read.some((id) => score.has(id))).toBe(false);
  });
});

const hasData = sharedDataPath('mtsamples', 'mtsamples.csv') !== null;
describe.skipIf(!hasData)('tokenizer training on the shared data', () => {
  it('writes a tokenizer.json both readers accept', () => {
    const out = tmp();
    const r = trainTokenizer({ out, vocabSize: 600, sources: ['mtsamples', 'chia'], limit: 60 });
    expect(r.vocabSize).toBe(600);
    expect(existsSync(r.path)).toBe(true);
    const t = WordPieceTokenizer.fromFile(r.path);
    expect(t.idToToken.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(r.corpus.map((c) => c.name)).toEqual(['mtsamples', 'chia']);
  });
});
if (!hasData) console.warn(missingDataMessage('mtsamples', 'mtsamples.csv'));

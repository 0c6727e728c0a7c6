import { beforeAll, describe, expect, it } from 'vitest';
import { resourcePath } from '../../resources.js';
import { bioLabels, spansFromTags } from '../ner/labels.js';
import type { NerExample, NerToken } from '../ner/types.js';
import { ADAMW_DEFAULTS, adamWState, adamWStep } from './adamw.js';
import { encoderConfig } from './config.js';
import { initJax, initParameters } from './encoder.js';
import { fineTuneNer, inverseFrequencyWeights } from './finetune.js';
import type { NamedTensors } from './tensors.js';
import {
  CLASSIFIER_WEIGHT,
  initTokenClassifier,
  type TokenBatch,
  TokenClassifierModel,
} from './token-classification.js';
import { alignWords, decodeBio, PieceCache, sentenceSpans } from './windows.js';
import { WordPieceTokenizer } from './wordpiece.js';

beforeAll(async () => {
  await initJax();
});

const config = encoderConfig('tiny', 32, {
  hidden: 16,
  layers: 1,
  heads: 2,
  intermediate: 32,
  maxPositions: 16,
  initStd: 0.2,
});

/** Synthetic task: label = 1 for ids 10..19, 2 for ids 20..31, 0 otherwise; every real position scored. */
function synthBatch(rows: number[][], T: number, classWeights = [1, 1, 1]): TokenBatch {
  const B = rows.length;
  const ids = new Int32Array(B * T);
  const attention = new Uint8Array(B * T);
  const labels = new Int32Array(B * T);
  const weight = new Float32Array(B * T);
  for (const [b, r] of rows.entries())
    for (const [t, id] of r.entries()) {
      ids[b * T + t] = id;
      attention[b * T + t] = 1;
      const y = id >= 20 ? 2 : id >= 10 ? 1 : 0;
      labels[b * T + t] = y;
      weight[b * T + t] = classWeights[y]!;
    }
  return { B, T, ids, attention, labels, weight };
}

describe('TokenClassifierModel', () => {
  const rows = [
    [2, 11, 5, 21, 6, 3],
    [2, 7, 25, 12, 13, 8, 3],
  ];

  it('lowers the weighted cross-entropy on a tiny synthetic task in a few steps', () => {
    const params = initTokenClassifier(config, 3, 1);
    const model = new TokenClassifierModel(config, 3, 2, 8);
    const batch = synthBatch(rows, 8, [0.5, 2, 2]);
    const opt = { ...ADAMW_DEFAULTS, lr: 1e-2, warmupSteps: 2, totalSteps: 15 };
    const state = adamWState(params);
    const losses: number[] = [];
    for (let s = 0; s < 15; s++) {
      const { loss, grads } = model.lossAndGrads(params, batch);
      losses.push(loss);
      adamWStep(opt, state, params, grads);
    }
    expect(losses[0]).toBeGreaterThan(0.8); // about ln 3 at the start
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]! / 2);
    // the MLM head is not part of the model
    expect([...params.keys()].some((n) => n.startsWith('cls.'))).toBe(false);
  });

  it('starts from a pretraining checkpoint without its MLM head and optimizer moments', () => {
    const encoder = initParameters(config, 9);
    const checkpoint: NamedTensors = new Map(encoder);
    for (const [n, t] of encoder) checkpoint.set(`adamw.m/${n}`, t);
    const params = initTokenClassifier(config, 3, 1, checkpoint);
    const names = [...params.keys()];
    expect(names.some((n) => n.startsWith('cls.') || n.startsWith('adamw.'))).toBe(false);
    expect(names).toContain(CLASSIFIER_WEIGHT);
    const e = 'encoder.layer.0.attention.self.query.weight';
    expect([...params.get(e)!.data]).toEqual([...encoder.get(e)!.data]);
    expect(params.get(e)!.data).not.toBe(encoder.get(e)!.data); // a copy: fine-tuning leaves the checkpoint alone
    expect([...params.get(e)!.data]).not.toEqual([...initTokenClassifier(config, 3, 1).get(e)!.data]);
  });

  it('distillation: a teacher agreeing with gold changes nothing; the soft target mixes CE(gold) and CE(teacher)', () => {
    const params = initTokenClassifier(config, 3, 4);
    const model = new TokenClassifierModel(config, 3, 2, 8);
    const batch = synthBatch(rows, 8);
    const N = 2 * 8;
    const oneHot = new Float32Array(N * 3);
    for (let r = 0; r < N; r++) oneHot[r * 3 + batch.labels[r]!] = 1;
    const plain = model.loss(params, batch);
    expect(model.loss(params, { ...batch, soft: oneHot, hardWeight: 0.3 })).toBeCloseTo(plain, 5);
    // a uniform teacher: loss = a CE(gold) + (1 - a) CE(uniform), both linear in the target
    const uniform = new Float32Array(N * 3).fill(1 / 3);
    const onlyTeacher = model.loss(params, { ...batch, soft: uniform, hardWeight: 0 });
    const mixed = model.loss(params, { ...batch, soft: uniform, hardWeight: 0.25 });
    expect(mixed).toBeCloseTo(0.25 * plain + 0.75 * onlyTeacher, 5);
    expect(onlyTeacher).not.toBeCloseTo(plain, 2);
  });

  it('gives probabilities that sum to 1 per position', () => {
    const params = initTokenClassifier(config, 3, 2);
    const model = new TokenClassifierModel(config, 3, 2, 8);
    const p = model.predict(params, synthBatch(rows, 8));
    for (let r = 0; r < 16; r++) expect(p[r * 3]! + p[r * 3 + 1]! + p[r * 3 + 2]!).toBeCloseTo(1, 5);
  });

  it('has a head gradient that matches a central finite difference on one weight', () => {
    const params = initTokenClassifier(config, 3, 3);
    const model = new TokenClassifierModel(config, 3, 2, 8);
    const batch = synthBatch(rows, 8, [0.5, 3, 2]);
    const { grads } = model.lossAndGrads(params, batch);
    const w = params.get(CLASSIFIER_WEIGHT)!;
    const i = 5 * 3 + 1; // hidden unit 5 -> label 1
    const eps = 1e-2;
    const shifted = (s: number): NamedTensors => {
      const p = new Map(params);
      const data = new Float32Array(w.data);
      data[i] = data[i]! + s * eps;
      p.set(CLASSIFIER_WEIGHT, { shape: w.shape, data });
      return p;
    };
    const numeric = (model.loss(shifted(1), batch) - model.loss(shifted(-1), batch)) / (2 * eps);
    const analytic = grads.get(CLASSIFIER_WEIGHT)!.data[i]!;
    expect(Math.abs(analytic)).toBeGreaterThan(1e-3);
    expect(Math.abs(numeric - analytic)).toBeLessThan(2e-3 + 2e-2 * Math.abs(analytic));
  });

  it('ignores positions of weight 0', () => {
    const params = initTokenClassifier(config, 3, 4);
    const model = new TokenClassifierModel(config, 3, 2, 8);
    const a = synthBatch(rows, 8);
    const b = { ...a, labels: Int32Array.from(a.labels), weight: Float32Array.from(a.weight) };
    b.weight[1] = 0;
    b.labels[1] = 2;
    const c = { ...b, labels: Int32Array.from(b.labels) };
    c.labels[1] = 0;
    expect(model.loss(params, b)).toBeCloseTo(model.loss(params, c), 6);
    expect(model.loss(params, a)).not.toBeCloseTo(model.loss(params, b), 4);
  });
});

const tok = WordPieceTokenizer.fromFile(resourcePath('models/tokenizer/tokenizer.json'));

function tokensOf(text: string, sentenceBreaks: number[] = []): NerToken[] {
  const out: NerToken[] = [];
  const re = /\S+/g;
  let sentence = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (sentenceBreaks.includes(out.length)) sentence++;
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length, sentence });
  }
  return out;
}

describe('word-start alignment', () => {
  const text = 'Hypercholesterolemia and adrenoleukodystrophy were seen';
  const tokens = tokensOf(text);
  const pieces = new PieceCache(tok);

  it('puts each word label on its first piece only', () => {
    const [seq, ...rest] = alignWords(tokens, 0, tokens.length, pieces, 64);
    expect(rest).toHaveLength(0);
    expect(seq!.ids[0]).toBe(tok.clsId);
    expect(seq!.ids[seq!.ids.length - 1]).toBe(tok.sepId);
    const starts = [...seq!.wordAt].map((w, t) => [w, t]).filter(([w]) => w! >= 0);
    expect(starts.map(([w]) => w)).toEqual([0, 1, 2, 3, 4]);
    // the first piece of each word is its encoding's first piece; the others follow, unscored
    for (const [w, t] of starts) {
      const own = tok.encode(tokens[w!]!.text, { special: false }).ids;
      expect([...seq!.ids.subarray(t!, t! + own.length)]).toEqual([...own]);
      for (let j = 1; j < own.length; j++) expect(seq!.wordAt[t! + j]).toBe(-1);
    }
    const multi = tokens.filter((t) => pieces.pieces(t.text).length > 1);
    expect(multi.length).toBeGreaterThanOrEqual(1);
    expect(seq!.ids.length).toBe(2 + tokens.reduce((s, t) => s + pieces.pieces(t.text).length, 0));
  });

  it('windows a long sentence at word boundaries, each word starting exactly once', () => {
    const T = 8;
    const seqs = alignWords(tokens, 0, tokens.length, pieces, T);
    expect(seqs.length).toBeGreaterThan(1);
    const seen: number[] = [];
    for (const s of seqs) {
      expect(s.ids.length).toBeLessThanOrEqual(T);
      expect(s.wordAt[1]).toBeGreaterThanOrEqual(0); // a window starts on a word
      for (const w of s.wordAt) if (w >= 0) seen.push(w);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('splits sentences', () => {
    expect(sentenceSpans(tokensOf('a b c d e', [2, 4]))).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
  });
});

describe('BIO decoding', () => {
  const labels = bioLabels(['Disease']); // O, B-Disease, I-Disease
  const rows = (ps: number[][]): Float32Array => Float32Array.from(ps.flat());

  it.each([
    {
      name: 'argmax when valid',
      p: [
        [0.8, 0.1, 0.1],
        [0.1, 0.8, 0.1],
        [0.1, 0.1, 0.8],
      ],
      want: [0, 1, 2],
    },
    {
      name: 'no I- at the start',
      p: [
        [0.3, 0.3, 0.4],
        [0.1, 0.1, 0.8],
      ],
      want: [1, 2],
    },
    {
      name: 'no I- after O',
      p: [
        [0.9, 0.05, 0.05],
        [0.45, 0.1, 0.45],
        [0.3, 0.3, 0.4],
      ],
      want: [0, 0, 0],
    },
    { name: 'empty', p: [], want: [] },
  ])('$name', ({ p, want }) => {
    expect([...decodeBio(rows(p), p.length, labels)]).toEqual(want);
  });

  it('decodes spans over words', () => {
    const tokens = tokensOf('familial adenomatous polyposis and cancer');
    const tags = decodeBio(
      rows([
        [0.1, 0.8, 0.1],
        [0.1, 0.1, 0.8],
        [0.2, 0.1, 0.7],
        [0.9, 0.05, 0.05],
        [0.2, 0.7, 0.1],
      ]),
      5,
      labels,
    );
    expect(spansFromTags(tokens, tags, labels)).toEqual([
      { start: 0, end: 30, type: 'Disease' },
      { start: 35, end: 41, type: 'Disease' },
    ]);
  });
});

describe('class weights', () => {
  it.each([
    { counts: [90, 5, 5], cap: 10, want: [100 / 270, 100 / 15, 100 / 15] },
    { counts: [990, 9, 1], cap: 10, want: [1000 / 2970, 10, 10] },
    { counts: [10, 0, 10], cap: 5, want: [20 / 30, 5, 20 / 30] },
  ])('inverse frequency of $counts capped at $cap', ({ counts, cap, want }) => {
    const w = inverseFrequencyWeights(counts, cap);
    for (const [i, x] of want.entries()) expect(w[i]).toBeCloseTo(x, 5);
  });
});

describe('fineTuneNer', () => {
  it('learns a toy NER task and keeps the best epoch', async () => {
    const doc = (id: string, text: string, disease: string[]): NerExample => {
      const tokens = tokensOf(text);
      const gold = disease.map((d) => {
        const start = text.indexOf(d);
        return { start, end: start + d.length, type: 'Disease' };
      });
      return { id, tokens, dict: tokens.map(() => 'O'), gold };
    };
    const train = [
      doc('a', 'the patient had asthma today', ['asthma']),
      doc('b', 'asthma was seen in the child', ['asthma']),
      doc('c', 'no cancer in the patient', ['cancer']),
      doc('d', 'the child had cancer today', ['cancer']),
    ];
    const small = encoderConfig('tiny', tok.vocabSize, {
      hidden: 32,
      layers: 1,
      heads: 2,
      intermediate: 64,
      maxPositions: 16,
    });
    const r = await fineTuneNer({
      train,
      dev: train,
      types: ['Disease'],
      tokenizer: tok,
      config: small,
      epochs: 25,
      batchSize: 4,
      seqLen: 16,
      lr: 1e-2,
      patience: 25,
      seed: 1,
    });
    expect(r.labels).toEqual(['O', 'B-Disease', 'I-Disease']);
    expect(r.epochs[r.epochs.length - 1]!.loss).toBeLessThan(r.epochs[0]!.loss);
    expect(r.dev.f1).toBe(Math.max(...r.epochs.map((e) => e.dev.f1)));
    expect(r.dev.f1).toBeGreaterThan(0.5);
  }, 60_000);
});

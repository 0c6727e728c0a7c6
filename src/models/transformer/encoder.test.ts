import { numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.js';
import { ADAMW_DEFAULTS, adamWState, adamWStep } from './adamw.js';
import { type EncoderConfig, encoderConfig } from './config.js';
import {
  type Batch,
  gaussian,
  initJax,
  initParameters,
  MlmModel,
  type MlmTargets,
  selfAttention,
} from './encoder.js';
import type { NamedTensors } from './tensors.js';

beforeAll(async () => {
  await initJax();
});

function randn(n: number, seed: number, scale = 1): Float32Array {
  const g = gaussian(mulberry32(seed));
  return Float32Array.from({ length: n }, () => g() * scale);
}

/** Attention written as loops, straight from the equations (docs/models/transformer.md). */
function naiveAttention(
  x: Float32Array,
  mask: Uint8Array,
  w: {
    q: Float32Array;
    k: Float32Array;
    v: Float32Array;
    bq: Float32Array;
    bk: Float32Array;
    bv: Float32Array;
  },
  B: number,
  T: number,
  H: number,
  heads: number,
): Float32Array {
  const dh = H / heads;
  const proj = (W: Float32Array, b: Float32Array): Float64Array => {
    const out = new Float64Array(B * T * H);
    for (let r = 0; r < B * T; r++)
      for (let o = 0; o < H; o++) {
        let s = b[o]!;
        for (let i = 0; i < H; i++) s += x[r * H + i]! * W[i * H + o]!;
        out[r * H + o] = s;
      }
    return out;
  };
  const q = proj(w.q, w.bq);
  const k = proj(w.k, w.bk);
  const v = proj(w.v, w.bv);
  const out = new Float32Array(B * T * H);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < T; i++) {
        const scores: number[] = [];
        for (let j = 0; j < T; j++) {
          if (!mask[b * T + j]) {
            scores.push(Number.NEGATIVE_INFINITY);
            continue;
          }
          let s = 0;
          for (let d = 0; d < dh; d++)
            s += q[(b * T + i) * H + h * dh + d]! * k[(b * T + j) * H + h * dh + d]!;
          scores.push(s / Math.sqrt(dh));
        }
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((a, c) => a + c, 0);
        for (let d = 0; d < dh; d++) {
          let s = 0;
          for (let j = 0; j < T; j++) s += (e[j]! / z) * v[(b * T + j) * H + h * dh + d]!;
          out[(b * T + i) * H + h * dh + d] = s;
        }
      }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('self-attention', () => {
  it.each([
    [2, 5, 8, 2],
    [3, 4, 12, 3],
    [1, 7, 16, 4],
  ])('matches the naive loops (B=%i, T=%i, H=%i, heads=%i)', (B, T, H, heads) => {
    const x = randn(B * T * H, 1);
    const w = {
      q: randn(H * H, 2, 0.3),
      k: randn(H * H, 3, 0.3),
      v: randn(H * H, 4, 0.3),
      bq: randn(H, 5, 0.1),
      bk: randn(H, 6, 0.1),
      bv: randn(H, 7, 0.1),
    };
    const mask = new Uint8Array(B * T).fill(1);
    for (let b = 0; b < B; b++) for (let t = T - b; t < T; t++) mask[b * T + t] = 0; // row b: b padded keys
    const additive = Float32Array.from(mask, (m) => (m ? 0 : -1e9));
    const out = selfAttention(
      np.array(x).reshape([B * T, H]),
      np.array(additive).reshape([B, 1, 1, T]),
      np.array(w.q).reshape([H, H]),
      np.array(w.bq),
      np.array(w.k).reshape([H, H]),
      np.array(w.bk),
      np.array(w.v).reshape([H, H]),
      np.array(w.bv),
      B,
      T,
      heads,
    ).dataSync();
    expect(maxAbsDiff(out, naiveAttention(x, mask, w, B, T, H, heads))).toBeLessThan(1e-5);
  });
});

const TINY: EncoderConfig = encoderConfig('tiny', 30, {
  hidden: 8,
  heads: 2,
  layers: 2,
  intermediate: 16,
  maxPositions: 8,
  initStd: 0.3,
});

function batchOf(rows: number[][], T: number, padId = 0): Batch {
  const B = rows.length;
  const ids = new Int32Array(B * T).fill(padId);
  const attention = new Uint8Array(B * T);
  rows.forEach((r, b) => {
    r.forEach((id, t) => {
      ids[b * T + t] = id;
      attention[b * T + t] = 1;
    });
  });
  return { B, T, ids, attention };
}

describe.each(['post', 'pre'] as const)('encoder (%s-LN)', (norm) => {
  const config = { ...TINY, norm };
  const params = initParameters(config, 7);

  it('padding does not change the other positions', () => {
    const T = 8;
    const rows = [
      [2, 10, 11, 12, 3],
      [2, 20, 21, 22, 23, 24, 25, 3],
    ];
    const model = new MlmModel(config, 2, T, 4);
    const a = model.hidden(params, batchOf(rows, T));
    const other = batchOf(rows, T);
    for (let t = 5; t < T; t++) other.ids[t] = 17 + t; // new ids under the padding of row 0
    const b = model.hidden(params, other);
    const H = config.hidden;
    const real = (h: Float32Array): Float32Array =>
      Float32Array.from([...h.subarray(0, 5 * H), ...h.subarray(T * H)]);
    expect(maxAbsDiff(real(a), real(b))).toBe(0);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0); // the padded positions themselves did change
    // Row 0 alone with T=5 (no padding at all) gives the same states at its 5 positions.
    const short = new MlmModel(config, 1, 5, 4).hidden(params, batchOf([rows[0]!], 5));
    expect(maxAbsDiff(short, a.subarray(0, 5 * config.hidden))).toBeLessThan(1e-5);
    // ...but changing a real token does change them.
    const changed = batchOf(rows, T);
    changed.ids[2] = 13;
    expect(maxAbsDiff(model.hidden(params, changed), a)).toBeGreaterThan(1e-4);
  });

  it('has gradients that match finite differences', () => {
    const T = 6;
    const model = new MlmModel(config, 2, T, 4);
    const batch = batchOf(
      [
        [2, 4, 9, 4, 3],
        [2, 15, 16, 17, 18, 3],
      ],
      T,
    );
    const targets: MlmTargets = {
      positions: Int32Array.from([1, 3, 8]),
      labels: Int32Array.from([7, 8, 16]),
      slots: 4,
    };
    const { grads } = model.lossAndGrads(params, batch, targets);
    const eps = 1e-2;
    let seed = 100;
    for (const [name, t] of params) {
      const d = randn(t.data.length, seed++);
      let analytic = 0;
      const g = grads.get(name)!.data;
      for (let i = 0; i < d.length; i++) analytic += g[i]! * d[i]!;
      const shifted = (s: number): NamedTensors => {
        const p = new Map(params);
        p.set(name, { shape: t.shape, data: t.data.map((v, i) => v + s * eps * d[i]!) });
        return p;
      };
      const numeric =
        (model.loss(shifted(1), batch, targets) - model.loss(shifted(-1), batch, targets)) / (2 * eps);
      expect(Math.abs(numeric - analytic), name).toBeLessThan(3e-3 + 3e-2 * Math.abs(analytic));
    }
  });

  it('overfits one batch', () => {
    const T = 8;
    const model = new MlmModel(config, 2, T, 6);
    const p = initParameters({ ...config, initStd: 0.02 }, 3);
    const batch = batchOf(
      [
        [2, 4, 4, 9, 10, 11, 3],
        [2, 15, 16, 17, 18, 19, 20, 3],
      ],
      T,
    );
    const targets: MlmTargets = {
      positions: Int32Array.from([1, 3, 5, 9, 11, 13]),
      labels: Int32Array.from([5, 6, 7, 25, 26, 27]),
      slots: 6,
    };
    const opt = { ...ADAMW_DEFAULTS, lr: 1e-2, warmupSteps: 5, totalSteps: 80 };
    const state = adamWState(p);
    const losses: number[] = [];
    for (let s = 0; s < 80; s++) {
      const { loss, grads } = model.lossAndGrads(p, batch, targets);
      losses.push(loss);
      adamWStep(opt, state, p, grads);
    }
    expect(losses[0]).toBeGreaterThan(3);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]! / 10);
  });
});

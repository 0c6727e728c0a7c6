/**
 * AdamW (Loshchilov & Hutter: decoupled weight decay) with a linear warm-up and a linear decay to
 * zero, on named float32 tensors in place. Biases, LayerNorm parameters and the position table get
 * no weight decay, as in BERT.
 */
import type { NamedTensors } from './tensors.js';

export interface AdamWConfig {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly warmupSteps: number;
  readonly totalSteps: number;
  /** Clip the global gradient norm to this (0: no clipping). */
  readonly clipNorm: number;
}

export const ADAMW_DEFAULTS: Omit<AdamWConfig, 'totalSteps'> = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-6,
  weightDecay: 0.01,
  warmupSteps: 100,
  clipNorm: 1,
};

/** Learning rate at `step` (0-based: the step about to be taken). */
export function learningRate(c: AdamWConfig, step: number): number {
  const s = step + 1;
  if (s <= c.warmupSteps) return (c.lr * s) / Math.max(1, c.warmupSteps);
  const rest = Math.max(1, c.totalSteps - c.warmupSteps);
  return c.lr * Math.max(0, 1 - (s - c.warmupSteps) / rest);
}

export function decays(name: string): boolean {
  return (
    name.endsWith('.weight') &&
    !name.includes('LayerNorm') &&
    !name.includes('layer_norm') &&
    !name.includes('position_embeddings')
  );
}

export interface AdamWState {
  /** Steps taken. */
  step: number;
  readonly m: NamedTensors;
  readonly v: NamedTensors;
}

export function adamWState(params: NamedTensors): AdamWState {
  const zeros = (): NamedTensors =>
    new Map([...params].map(([n, t]) => [n, { shape: t.shape, data: new Float32Array(t.data.length) }]));
  return { step: 0, m: zeros(), v: zeros() };
}

/** Global L2 norm of the gradients. */
export function gradNorm(grads: NamedTensors): number {
  let s = 0;
  for (const t of grads.values()) for (let i = 0; i < t.data.length; i++) s += t.data[i]! * t.data[i]!;
  return Math.sqrt(s);
}

/** One update of `params` in place; returns the learning rate used and the gradient norm before clipping. */
export function adamWStep(
  c: AdamWConfig,
  state: AdamWState,
  params: NamedTensors,
  grads: NamedTensors,
): { lr: number; gradNorm: number } {
  const lr = learningRate(c, state.step);
  const norm = gradNorm(grads);
  const scale = c.clipNorm > 0 && norm > c.clipNorm ? c.clipNorm / norm : 1;
  state.step += 1;
  const bc1 = 1 - c.beta1 ** state.step;
  const bc2 = 1 - c.beta2 ** state.step;
  for (const [name, p] of params) {
    const g = grads.get(name)!.data;
    const m = state.m.get(name)!.data;
    const v = state.v.get(name)!.data;
    const wd = decays(name) ? c.weightDecay : 0;
    const w = p.data;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]! * scale;
      m[i] = c.beta1 * m[i]! + (1 - c.beta1) * gi;
      v[i] = c.beta2 * v[i]! + (1 - c.beta2) * gi * gi;
      const update = m[i]! / bc1 / (Math.sqrt(v[i]! / bc2) + c.eps);
      w[i] = w[i]! - lr * (update + wd * w[i]!);
    }
  }
  return { lr, gradNorm: norm };
}

/**
 * Masked-language-model pretraining of the encoder (docs/models/transformer.md): seeded batches and
 * masks, AdamW with warm-up and linear decay, a held-out perplexity every `evalEvery` steps, a
 * checkpoint (parameters, AdamW moments, step, history) every `checkpointEvery` steps and at the
 * end, and `resume` from the last checkpoint with exactly the trajectory of an uninterrupted run.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClinoteError } from '../../errors/error.js';
import { mulberry32 } from '../prng.js';
import { ADAMW_DEFAULTS, type AdamWConfig, adamWState, adamWStep } from './adamw.js';
import { checkConfig, type EncoderConfig } from './config.js';
import { type CurvePoint, pretrainCurvePng } from './curve.js';
import { initJax, initParameters, MlmModel } from './encoder.js';
import { batchIndices, maskBatch, mixSeed, targetSlots, type Vocabulary } from './mlm.js';
import { loadTensors, type NamedTensors, saveTensors } from './tensors.js';

export interface PretrainOptions {
  readonly config: EncoderConfig;
  /** Training sequences ([CLS] ... [SEP], at most seqLen ids each). */
  readonly train: readonly Int32Array[];
  /** Held-out sequences for the perplexity (may be empty). */
  readonly heldOut: readonly Int32Array[];
  readonly vocabulary: Vocabulary;
  readonly out: string;
  readonly steps: number;
  readonly batchSize?: number;
  readonly seqLen?: number;
  readonly seed?: number;
  readonly optimizer?: Partial<Omit<AdamWConfig, 'totalSteps'>>;
  readonly checkpointEvery?: number;
  readonly evalEvery?: number;
  /** Held-out batches per evaluation (default 4). */
  readonly evalBatches?: number;
  readonly resume?: boolean;
  /** Stop after this step (a simulated interruption, or a time-boxed run); the schedule stays `steps`. */
  readonly stopAt?: number;
  /** Where to write the curve PNG (default `<out>/curve.png`). */
  readonly plot?: string;
  readonly log?: (line: string) => void;
  /** Aborted (SIGINT/SIGTERM): stop after the current step, write the checkpoint and the curve. */
  readonly signal?: AbortSignal;
}

export interface StepRecord {
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
  readonly gradNorm: number;
  /** Real (non-padding) tokens in the batch. */
  readonly tokens: number;
  readonly ms: number;
}

export interface EvalRecord {
  readonly step: number;
  readonly loss: number;
  readonly perplexity: number;
}

export interface PretrainResult {
  readonly params: NamedTensors;
  readonly steps: StepRecord[];
  readonly evals: EvalRecord[];
  /** Real tokens per second of wall time over this call's steps (forward, backward, update). */
  readonly tokensPerSecond: number;
  /** Real tokens per second of this process's CPU time over the same steps (less sensitive to a loaded machine). */
  readonly tokensPerCpuSecond: number;
  readonly checkpoint: string;
}

const CHECKPOINT = 'checkpoint';

interface CheckpointMeta {
  readonly kind: 'clinote-mlm-checkpoint';
  readonly config: EncoderConfig;
  readonly optimizer: AdamWConfig;
  readonly seed: number;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly step: number;
  readonly steps: StepRecord[];
  readonly evals: EvalRecord[];
}

function saveCheckpoint(
  out: string,
  params: NamedTensors,
  m: NamedTensors,
  v: NamedTensors,
  meta: CheckpointMeta,
): string {
  const all: NamedTensors = new Map();
  for (const [n, t] of params) all.set(n, t);
  for (const [n, t] of m) all.set(`adamw.m/${n}`, t);
  for (const [n, t] of v) all.set(`adamw.v/${n}`, t);
  const base = join(out, CHECKPOINT);
  saveTensors(base, all, meta as unknown as Record<string, unknown>);
  return base;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Evaluate the mean MLM loss on fixed held-out batches (fixed masks: seed-derived, step-independent). */
export function heldOutLoss(
  model: MlmModel,
  params: NamedTensors,
  seqs: readonly Int32Array[],
  v: Vocabulary,
  seed: number,
  batches: number,
): number {
  const { B, T, M } = model;
  let sum = 0;
  let n = 0;
  for (let k = 0; k < batches && k * B < seqs.length; k++) {
    const chosen: Int32Array[] = [];
    for (let i = 0; i < B; i++) chosen.push(seqs[(k * B + i) % seqs.length]!);
    const { batch, targets } = maskBatch(chosen, T, v, mulberry32(mixSeed(seed ^ 0x5eed, k)), M);
    sum += model.loss(params, batch, targets) * targets.positions.length;
    n += targets.positions.length;
  }
  return n > 0 ? sum / n : Number.NaN;
}

export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  const bad = checkConfig(o.config);
  const B = o.batchSize ?? 16;
  const T = o.seqLen ?? 128;
  const seed = o.seed ?? 1;
  const log = o.log ?? (() => {});
  const optionError = (why: string, option: string): never => {
    throw new ClinoteError('CLINOTE_E_MODEL_TRAIN_OPTION', `train pretrain: ${why}`, { options: [option] });
  };
  if (bad) optionError(bad, '--size');
  if (T > o.config.maxPositions)
    optionError(`--seq-len ${T} exceeds the ${o.config.maxPositions} positions`, '--seq-len');
  if (!Number.isInteger(o.steps) || o.steps <= 0)
    optionError('--steps must be a positive integer', '--steps');
  if (o.train.length === 0)
    throw new ClinoteError('CLINOTE_E_MODEL_TRAINING_DATA', 'train pretrain: no training sequence', {
      sources: [],
    });
  const optimizer: AdamWConfig = { ...ADAMW_DEFAULTS, ...o.optimizer, totalSteps: o.steps };
  const checkpointEvery = o.checkpointEvery ?? 200;
  const evalEvery = o.evalEvery ?? 100;
  const evalBatches = o.evalBatches ?? 4;
  const M = targetSlots(B, T);
  mkdirSync(o.out, { recursive: true });

  let params: NamedTensors;
  let state = adamWState(new Map());
  let steps: StepRecord[] = [];
  let evals: EvalRecord[] = [];
  const base = join(o.out, CHECKPOINT);
  if (o.resume && existsSync(`${base}.json`)) {
    const { tensors, index } = loadTensors(base);
    const meta = index.meta as unknown as CheckpointMeta;
    if (
      meta.kind !== 'clinote-mlm-checkpoint' ||
      !sameJson(meta.config, o.config) ||
      !sameJson(meta.optimizer, optimizer) ||
      meta.seed !== seed ||
      meta.batchSize !== B ||
      meta.seqLen !== T
    )
      optionError(
        'the checkpoint was written with another config, optimizer, seed, batch or length',
        '--resume',
      );
    params = new Map();
    const m: NamedTensors = new Map();
    const v: NamedTensors = new Map();
    for (const [n, t] of tensors) {
      if (n.startsWith('adamw.m/')) m.set(n.slice(8), t);
      else if (n.startsWith('adamw.v/')) v.set(n.slice(8), t);
      else params.set(n, t);
    }
    state = { step: meta.step, m, v };
    steps = [...meta.steps];
    evals = [...meta.evals];
    log(`resumed at step ${meta.step}`);
  } else {
    params = initParameters(o.config, seed);
    state = adamWState(params);
  }

  await initJax();
  const model = new MlmModel(o.config, B, T, M);
  const meta = (): CheckpointMeta => ({
    kind: 'clinote-mlm-checkpoint',
    config: o.config,
    optimizer,
    seed,
    batchSize: B,
    seqLen: T,
    step: state.step,
    steps,
    evals,
  });
  const stopAt = Math.min(o.steps, o.stopAt ?? o.steps);
  let tokens = 0;
  let ms = 0;
  let cpuMicros = 0;
  if (state.step === 0 && o.heldOut.length > 0 && evalEvery > 0) {
    const loss = heldOutLoss(model, params, o.heldOut, o.vocabulary, seed, evalBatches);
    evals.push({ step: 0, loss, perplexity: Math.exp(loss) });
  }
  while (state.step < stopAt) {
    await new Promise<void>((resolve) => setImmediate(resolve)); // let a signal be delivered
    if (o.signal?.aborted) {
      log(`interrupted at step ${state.step}: writing the checkpoint (continue with --resume)`);
      break;
    }
    const step = state.step;
    const chosen = batchIndices(o.train.length, B, seed, step).map((i) => o.train[i]!);
    const { batch, targets } = maskBatch(chosen, T, o.vocabulary, mulberry32(mixSeed(seed, step + 1)), M);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const { loss, grads } = model.lossAndGrads(params, batch, targets);
    const upd = adamWStep(optimizer, state, params, grads);
    const dt = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    cpuMicros += c1.user + c1.system;
    const real = batch.attention.reduce((a, b) => a + b, 0);
    tokens += real;
    ms += dt;
    if (!Number.isFinite(loss)) throw new Error(`the MLM loss is not finite at step ${step}`);
    steps.push({
      step: state.step,
      loss,
      lr: upd.lr,
      gradNorm: upd.gradNorm,
      tokens: real,
      ms: Math.round(dt),
    });
    if (state.step % 10 === 0 || state.step === stopAt)
      log(
        `step ${state.step}/${o.steps} loss ${loss.toFixed(4)} lr ${upd.lr.toExponential(2)} ${Math.round((tokens / ms) * 1000)} tok/s (${Math.round((tokens / cpuMicros) * 1e6)} per CPU s)`,
      );
    if (o.heldOut.length > 0 && evalEvery > 0 && (state.step % evalEvery === 0 || state.step === o.steps)) {
      const el = heldOutLoss(model, params, o.heldOut, o.vocabulary, seed, evalBatches);
      evals.push({ step: state.step, loss: el, perplexity: Math.exp(el) });
      log(`step ${state.step} held-out loss ${el.toFixed(4)} perplexity ${Math.exp(el).toFixed(1)}`);
    }
    if (checkpointEvery > 0 && state.step % checkpointEvery === 0)
      saveCheckpoint(o.out, params, state.m, state.v, meta());
  }
  const checkpoint = saveCheckpoint(o.out, params, state.m, state.v, meta());
  const png = pretrainCurvePng(
    steps.map((s): CurvePoint => ({ step: s.step, value: s.loss })),
    evals.map((e): CurvePoint => ({ step: e.step, value: e.loss })),
  );
  writeFileSync(o.plot ?? join(o.out, 'curve.png'), png);
  writeFileSync(
    join(o.out, 'metrics.json'),
    `${JSON.stringify({ config: o.config, optimizer, seed, batchSize: B, seqLen: T, steps, evals }, null, 1)}\n`,
  );
  return {
    params,
    steps,
    evals,
    tokensPerSecond: ms > 0 ? (tokens / ms) * 1000 : 0,
    tokensPerCpuSecond: cpuMicros > 0 ? (tokens / cpuMicros) * 1e6 : 0,
    checkpoint,
  };
}

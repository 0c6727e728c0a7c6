/**
 * MLM data: documents -> token sequences of at most T ids ([CLS] piece... [SEP], padded), batches in
 * a seeded order, and BERT's masking: 15% of the real tokens are predicted; of those 80% become
 * [MASK], 10% a random token and 10% stay as they are. Everything is a function of (seed, step), so
 * a resumed run sees exactly the batches and masks of an uninterrupted one.
 */
import { mulberry32, shuffle } from '../prng.js';
import type { Batch, MlmTargets } from './encoder.js';
import type { WordPieceTokenizer } from './wordpiece.js';

/** Special ids and vocabulary size the masking needs. */
export interface Vocabulary {
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number;
  /** Ids below this are special tokens: never drawn as random replacements. */
  readonly firstRegularId: number;
  readonly vocabSize: number;
}

export function vocabularyOf(tok: WordPieceTokenizer): Vocabulary {
  return {
    padId: tok.padId,
    clsId: tok.clsId,
    sepId: tok.sepId,
    maskId: tok.maskId,
    firstRegularId: Math.max(tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId) + 1,
    vocabSize: tok.vocabSize,
  };
}

/** Cut a document's ids into sequences of at most T: [CLS] up to T-2 pieces [SEP]. */
export function packDocument(ids: Int32Array, T: number, v: Vocabulary, minPieces = 8): Int32Array[] {
  const out: Int32Array[] = [];
  const per = T - 2;
  for (let s = 0; s < ids.length; s += per) {
    const piece = ids.subarray(s, Math.min(ids.length, s + per));
    if (piece.length < minPieces && s > 0) break;
    const seq = new Int32Array(piece.length + 2);
    seq[0] = v.clsId;
    seq.set(piece, 1);
    seq[seq.length - 1] = v.sepId;
    out.push(seq);
  }
  return out;
}

/** Mixes two 32-bit integers into a seed. */
export function mixSeed(a: number, b: number): number {
  let h = (a ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (b >>> 0), 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The sequence indices of batch `step` of size B: epochs are seeded permutations. */
export function batchIndices(n: number, B: number, seed: number, step: number): number[] {
  const perEpoch = Math.max(1, Math.floor(n / B));
  const epoch = Math.floor(step / perEpoch);
  const k = step % perEpoch;
  const order = shuffle(
    Array.from({ length: n }, (_, i) => i),
    mulberry32(mixSeed(seed, epoch)),
  );
  const out: number[] = [];
  for (let i = 0; i < B; i++) out.push(order[(k * B + i) % n]!);
  return out;
}

/** Slots of the fixed-size target selection for B x T: 15% of B*T, rounded up, plus 10% room. */
export function targetSlots(B: number, T: number, rate = 0.15): number {
  return Math.ceil(B * T * rate * 1.1) + 1;
}

/**
 * Build a padded batch from `seqs` and mask it with `random`. Each real non-special token is chosen
 * with probability `rate` (at least one per batch); capped at `slots`.
 */
export function maskBatch(
  seqs: readonly Int32Array[],
  T: number,
  v: Vocabulary,
  random: () => number,
  slots: number,
  rate = 0.15,
): { batch: Batch; targets: MlmTargets } {
  const B = seqs.length;
  const ids = new Int32Array(B * T).fill(v.padId);
  const attention = new Uint8Array(B * T);
  const candidates: number[] = [];
  for (let b = 0; b < B; b++) {
    const s = seqs[b]!;
    for (let t = 0; t < Math.min(T, s.length); t++) {
      ids[b * T + t] = s[t]!;
      attention[b * T + t] = 1;
      if (s[t]! >= v.firstRegularId) candidates.push(b * T + t);
    }
  }
  const positions: number[] = [];
  for (const p of candidates) if (positions.length < slots && random() < rate) positions.push(p);
  if (positions.length === 0 && candidates.length > 0)
    positions.push(candidates[Math.floor(random() * candidates.length)]!);
  const labels = new Int32Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    labels[i] = ids[p]!;
    const r = random();
    if (r < 0.8) ids[p] = v.maskId;
    else if (r < 0.9) ids[p] = v.firstRegularId + Math.floor(random() * (v.vocabSize - v.firstRegularId));
  }
  return {
    batch: { B, T, ids, attention },
    targets: { positions: Int32Array.from(positions), labels, slots },
  };
}

/**
 * Pack documents' pieces into full sequences (RoBERTa's "full sentences"): [CLS] a [SEP] b [SEP] ...,
 * a document longer than T-2 pieces cut into chunks, a sequence closed when the next chunk does not
 * fit. Short documents (single sentences) would otherwise leave most of each sequence as padding.
 */
export function packDocuments(
  docs: readonly Int32Array[],
  T: number,
  v: Vocabulary,
  minPieces = 8,
): Int32Array[] {
  const out: Int32Array[] = [];
  let cur: number[] = [v.clsId];
  const flush = (): void => {
    if (cur.length > 1) out.push(Int32Array.from(cur));
    cur = [v.clsId];
  };
  for (const ids of docs) {
    for (let s = 0; s < ids.length; s += T - 2) {
      const chunk = ids.subarray(s, Math.min(ids.length, s + T - 2));
      if (chunk.length < minPieces && s > 0) break;
      if (cur.length + chunk.length + 1 > T) flush();
      for (const id of chunk) cur.push(id);
      cur.push(v.sepId);
    }
  }
  flush();
  return out;
}

/**
 * Tokenize documents and pack them into full sequences (`packDocuments`); every `heldOutEvery`-th
 * document (by position) goes to the held-out set used for perplexity.
 */
export function pretrainingSequences(
  tok: WordPieceTokenizer,
  texts: readonly string[],
  T: number,
  heldOutEvery = 50,
): { train: Int32Array[]; heldOut: Int32Array[]; tokens: number } {
  const v = vocabularyOf(tok);
  const train: Int32Array[] = [];
  const heldOut: Int32Array[] = [];
  let tokens = 0;
  texts.forEach((text, i) => {
    const ids = tok.encode(text, { special: false }).ids;
    tokens += ids.length;
    if (heldOutEvery > 0 && i % heldOutEvery === heldOutEvery - 1) heldOut.push(ids);
    else train.push(ids);
  });
  return { train: packDocuments(train, T, v), heldOut: packDocuments(heldOut, T, v), tokens };
}

/**
 * The inputs of an exported encoder for onnxruntime (`input_ids`, `attention_mask`: int64
 * `[batch, sequence]`), from a batch of token ids and its attention mask. The onnxruntime module is
 * passed in, so that importing this file loads no native code.
 */
import type { Tensor } from 'onnxruntime-node';

/** A batch as the encoder code makes it: B x T ids and attention flags (1 real, 0 padding). */
export interface EncoderBatch {
  readonly B: number;
  readonly T: number;
  readonly ids: ArrayLike<number>;
  readonly attention: ArrayLike<number>;
}

function int64(a: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = BigInt(a[i]!);
  return out;
}

/** The feeds of `session.run` for a batch. */
export function encoderFeeds(
  ort: { readonly Tensor: typeof Tensor },
  batch: EncoderBatch,
): { input_ids: Tensor; attention_mask: Tensor } {
  return {
    input_ids: new ort.Tensor('int64', int64(batch.ids), [batch.B, batch.T]),
    attention_mask: new ort.Tensor('int64', int64(batch.attention), [batch.B, batch.T]),
  };
}

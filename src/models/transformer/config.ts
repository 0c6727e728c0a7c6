/** Sizes of the BERT-style encoder (docs/models/transformer.md). */

export type LayerNormPlacement = 'post' | 'pre';

export interface EncoderConfig {
  /** Vocabulary size (the tokenizer's). */
  readonly vocabSize: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  /** Feed-forward inner size (4 x hidden by convention). */
  readonly intermediate: number;
  /** Most positions (the position table's rows). */
  readonly maxPositions: number;
  /** 'post': BERT (LayerNorm after each residual add); 'pre': LayerNorm before each sublayer. */
  readonly norm: LayerNormPlacement;
  readonly layerNormEps: number;
  /** Standard deviation of the normal initialisation of weights (biases and LN start at 0/1). */
  readonly initStd: number;
}

export const ENCODER_PRESETS = {
  /** A distillation student (docs/models/serving.md): a quarter of tiny's width. */
  mini: { hidden: 64, layers: 2, heads: 2, intermediate: 256, maxPositions: 128 },
  tiny: { hidden: 128, layers: 2, heads: 2, intermediate: 512, maxPositions: 128 },
  small: { hidden: 256, layers: 4, heads: 4, intermediate: 1024, maxPositions: 128 },
} as const;

export type EncoderPreset = keyof typeof ENCODER_PRESETS;

export function encoderConfig(
  preset: EncoderPreset,
  vocabSize: number,
  overrides: Partial<EncoderConfig> = {},
): EncoderConfig {
  return {
    vocabSize,
    ...ENCODER_PRESETS[preset],
    norm: 'post',
    layerNormEps: 1e-12,
    initStd: 0.02,
    ...overrides,
  };
}

/** A config's consistency; returns the reason it is not valid, or null. */
export function checkConfig(c: EncoderConfig): string | null {
  const ints: (keyof EncoderConfig)[] = [
    'vocabSize',
    'hidden',
    'layers',
    'heads',
    'intermediate',
    'maxPositions',
  ];
  for (const k of ints)
    if (!Number.isInteger(c[k]) || (c[k] as number) <= 0) return `${k} must be a positive integer`;
  if (c.hidden % c.heads !== 0) return 'hidden must be a multiple of heads';
  if (c.norm !== 'post' && c.norm !== 'pre') return "norm must be 'post' or 'pre'";
  return null;
}

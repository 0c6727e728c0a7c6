/** The transformer path, first part: WordPiece tokenizer, BERT-style encoder, MLM pretraining (docs/models/transformer.md). */
export { ADAMW_DEFAULTS, type AdamWConfig, adamWState, adamWStep, learningRate } from './adamw.js';
export {
  checkConfig,
  ENCODER_PRESETS,
  type EncoderConfig,
  type EncoderPreset,
  encoderConfig,
} from './config.js';
export { readPretrainingText, TEXT_SOURCES, type TextDocument, type TextSource } from './corpus.js';
export {
  encoderForward,
  initJax,
  initParameters,
  MlmModel,
  parameterShapes,
  selfAttention,
} from './encoder.js';
export { maskBatch, packDocument, pretrainingSequences, vocabularyOf } from './mlm.js';
export { type PretrainOptions, type PretrainResult, pretrain } from './pretrain.js';
export { loadTensors, type NamedTensors, saveTensors, type Tensor, type TensorIndex } from './tensors.js';
export { tokenizerJson, trainTokenizer } from './tokenizer-train.js';
export { SPECIAL_TOKENS, type WordPieceEncoding, WordPieceTokenizer } from './wordpiece.js';

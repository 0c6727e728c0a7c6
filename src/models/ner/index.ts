/** The sequence labeller: features, training, decoding, artifacts. */
export * from './artifact.js';
export * from './calibration.js';
export * from './crf.js';
export * from './features.js';
export * from './labels.js';
export * from './model.js';
export * from './perceptron.js';
export * from './train.js';
export type * from './types.js';

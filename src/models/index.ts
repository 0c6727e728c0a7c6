/** Trained models: artifacts (model directories) and the learners. */
export * from './artifact.js';
export * from './hash.js';
export * from './ner/index.js';
export * from './prng.js';

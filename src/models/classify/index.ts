/** Text classifiers: logistic regression, thresholds, metrics, the classifier artifact. */
export * from './artifact.js';
export * from './card.js';
export * from './classifier.js';
export * from './experiment.js';
export * from './logreg.js';
export * from './manifest.js';
export * from './metrics.js';
export * from './thresholds.js';

/**
 * Monitoring: per-window profiles of processed notes (./profile.ts, ./observe.ts) and drift between
 * two profiles (./drift.ts). Pure, synchronous and JSON-serializable; see docs/monitoring.md.
 */
export {
  alignCategories,
  binPoints,
  compareProfiles,
  type DatasetDrift,
  DEFAULT_THRESHOLDS,
  DRIFT_DEFAULTS,
  DRIFT_METRICS,
  type DriftConfig,
  type DriftMetric,
  type DriftReport,
  type FeatureDrift,
  type FeatureDriftConfig,
  type FeatureStatus,
  jensenShannon,
  parseDriftConfig,
  psi,
  renderDriftReport,
  wasserstein,
} from './drift.js';
export { BINS, CONCEPT_TYPES, FEATURES, type FeatureSpec, featureSpec, OTHER_BUCKET } from './features.js';
export {
  type ProfileLinesOptions,
  type ProfileLinesResult,
  profileResultLines,
  readNoteTexts,
} from './ndjson.js';
export {
  characterShares,
  type ObserveInput,
  type ObserveOptions,
  observeResult,
  oovRate,
  type TokenizerOov,
  type WordSet,
} from './observe.js';
export {
  emptyProfile,
  type Histogram,
  mergeAll,
  mergeProfiles,
  type NoteObservation,
  PROFILE_FORMAT,
  type Profile,
  ProfileBuilder,
  type ProfileKey,
  type ProfileWindow,
  parseProfile,
  profileOf,
} from './profile.js';
export { loadPackWordSet, packWordSet, wordSetOf } from './vocabulary.js';

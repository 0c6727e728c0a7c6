/**
 * Terminology: importers of official vocabularies, term normalization, the binary pack (compiler
 * and loader) and the dictionary matcher. See docs/terminology.md.
 */
export {
  abbreviationsFromTsv,
  fullPackOptions,
  manifestLines,
  SHARED_SOURCES,
  STARTER_PACK_FILE,
  STARTER_SOURCES,
  starterPackOptions,
  starterSourceFiles,
  type VocabBuildOptions,
  type VocabBuildResult,
  type VocabInfo,
  vocabBuild,
  vocabImporters,
  vocabInfo,
} from './cli.js';
export {
  type FuzzyOptions,
  Matcher,
  type MatcherKeys,
  type MatcherOptions,
  type MatchInput,
} from './matcher/index.js';
export { type CompileOptions, type CompileResult, compilePack, type PackSource } from './pack/compile.js';
export { DEFAULT_KEYS } from './pack/default-keys.js';
export { PACK_FORMAT_VERSION, type PackManifest, type PackSourceInfo } from './pack/format.js';
export type { Abbreviation, AbbreviationSense, KeyFunctions, TermVariant } from './pack/keys.js';
export { type LoadOptions, loadPack, loadPackCached, loadPackFile, readManifest } from './pack/load.js';
export { Pack, type PackCode } from './pack/pack.js';
export type * from './types.js';

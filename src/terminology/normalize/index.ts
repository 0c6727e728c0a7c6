/**
 * Term normalization shared by the pack compiler and the matcher: token keys, term keys, term
 * variants, abbreviations and approximate-matching helpers. See docs/terminology-sources.md.
 */
export {
  ABBREVIATION_COLUMNS,
  ABBREVIATIONS_RESOURCE,
  type AbbreviationEntry,
  type AbbreviationGroup,
  abbreviationKey,
  abbreviationSenses,
  defaultAbbreviations,
  groupAbbreviations,
  loadAbbreviations,
  rankAbbreviationSenses,
} from './abbreviations.js';
export {
  editDistance,
  FUZZY_DEFAULTS,
  fuzzyKey,
  fuzzyMinOverlap,
  fuzzySizeRange,
  isLikelyMisspelling,
  similarity,
  trigramSimilarity,
  trigrams,
} from './fuzzy.js';
export { termKeys, tokenKeys } from './term-keys.js';
export { clearTokenKeyCache, foldText, tokenKey } from './token-key.js';
export {
  GENERIC_WORDS,
  MAX_PENALTY,
  MAX_VARIANTS,
  type TermVariant,
  termVariants,
  VARIANT_RULES,
  type VariantRule,
  type VariantRuleId,
} from './variants.js';

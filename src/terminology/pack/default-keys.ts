/** The key functions of the engine: term normalization from src/terminology/normalize. */
import { isLikelyMisspelling, similarity, termKeys, termVariants, tokenKey } from '../normalize/index.js';
import type { KeyFunctions } from './keys.js';

export const DEFAULT_KEYS: KeyFunctions = {
  tokenKey,
  termKeys,
  termVariants,
  similarity,
  acceptMisspelling: isLikelyMisspelling,
};

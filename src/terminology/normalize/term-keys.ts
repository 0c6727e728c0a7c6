/**
 * Keys of a dictionary term, computed exactly as the matcher computes them for note text: the note
 * normalization view, then the note tokenizer, then tokenKey on each token's `norm`, dropping
 * tokens whose key is '' (pure punctuation). A term and the same words in a note get the same keys.
 */

import { normalize } from '../../doc/normalize.js';
import { tokenize } from '../../text/tokenize.js';
import { tokenKey } from './token-key.js';

/** Token keys of a term, in order (punctuation dropped). */
export function termKeys(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(normalize(text).text)) {
    const k = tokenKey(t.norm);
    if (k !== '') out.push(k);
  }
  return out;
}

/**
 * Keys of already tokenized text (note tokens), with the index of the token each key comes from.
 * The matcher can use this instead of calling tokenKey itself; it applies the same rule as termKeys.
 */
export function tokenKeys(tokens: readonly { readonly norm: string }[]): { key: string; token: number }[] {
  const out: { key: string; token: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const k = tokenKey(tokens[i]!.norm);
    if (k !== '') out.push({ key: k, token: i });
  }
  return out;
}

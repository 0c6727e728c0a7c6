// PLACEHOLDER — replaced by the tokenizer work. The signature is the contract.
import type { TokenKind } from '../../doc/types.js';

export interface RawToken {
  readonly start: number;
  readonly end: number;
  readonly kind: TokenKind;
  /** Lower-cased token text. */
  readonly norm: string;
  readonly value?: number;
  readonly unit?: string;
}

/** Tokenize a string (already normalized). Offsets index `text`. Pure; never throws. */
export function tokenize(text: string): RawToken[] {
  const out: RawToken[] = [];
  const re = /[A-Za-z0-9]+|[^\sA-Za-z0-9]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, kind: 'word', norm: m[0].toLowerCase() });
  }
  return out;
}

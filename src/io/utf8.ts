/**
 * Decode a UTF-8 byte stream chunk by chunk, knowing which chunks held invalid sequences (a chunk
 * boundary never splits a character: incomplete trailing bytes wait for the next chunk).
 */
import { isUtf8 } from 'node:buffer';

export class Utf8ChunkDecoder {
  readonly #decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  #carry: Buffer | null = null;
  #first = true;

  /** Decode a chunk; `invalid` is true when it held invalid UTF-8 (replaced by U+FFFD). */
  decode(chunk: Buffer): { text: string; invalid: boolean } {
    const buf = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    const cut = completeLength(buf);
    this.#carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
    return this.#text(buf.subarray(0, cut));
  }

  /** The bytes left at the end of the input (an incomplete character is invalid). */
  end(): { text: string; invalid: boolean } {
    const rest = this.#carry ?? Buffer.alloc(0);
    this.#carry = null;
    return this.#text(rest);
  }

  #text(bytes: Buffer): { text: string; invalid: boolean } {
    const invalid = bytes.length > 0 && !isUtf8(bytes);
    let text = bytes.length > 0 ? this.#decoder.decode(bytes) : '';
    if (this.#first && bytes.length > 0) {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return { text, invalid };
  }
}

/** Length of the prefix of `buf` that does not end inside a multi-byte character. */
export function completeLength(buf: Uint8Array): number {
  const n = buf.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (b < 0x80 || b >= 0xf8) return n; // ASCII, or never a lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > n ? i : n;
  }
  return n;
}

/** Number of U+FFFD in a string. */
export function countReplacement(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) count++;
  return count;
}

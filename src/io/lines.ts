/**
 * Split a byte stream into lines (LF or CRLF) without decoding it, so each line can be decoded on
 * its own (and flagged when it is not valid UTF-8). A line longer than `maxLineBytes` is not kept
 * in memory: it comes back with `bytes: null` and its length.
 */

export interface Line {
  /** 1-based line number. */
  readonly number: number;
  /** The line without its end of line, or null when it was longer than the limit. */
  readonly bytes: Buffer | null;
  /** Bytes of the line including its end of line (for progress). */
  readonly byteLength: number;
}

/** Bytes to read: a stream (stdin, a file) or, in tests, an array of chunks. */
export type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>;

export async function* readLines(source: ByteSource, maxLineBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let length = 0;
  let overflow = false;
  let number = 0;

  const add = (b: Buffer): void => {
    length += b.length;
    if (overflow) return;
    if (length > maxLineBytes) {
      overflow = true;
      parts = [];
      return;
    }
    if (b.length > 0) parts.push(b);
  };
  const take = (withNewline: boolean): Line => {
    number++;
    let bytes: Buffer | null = null;
    if (!overflow) {
      bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    }
    const line: Line = { number, bytes, byteLength: length + (withNewline ? 1 : 0) };
    parts = [];
    length = 0;
    overflow = false;
    return line;
  };

  for await (const raw of source) {
    const chunk =
      typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      add(chunk.subarray(start, nl));
      yield take(true);
      start = nl + 1;
    }
    // copy the tail: the chunk buffer may be reused by the stream
    if (start < chunk.length) add(Buffer.from(chunk.subarray(start)));
  }
  if (length > 0 || parts.length > 0 || overflow) yield take(false);
}

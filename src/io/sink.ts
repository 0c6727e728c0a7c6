/**
 * Buffered, backpressure-aware output: stdout or a file (`--out`). Write failures (disk full, a
 * closed pipe) become CLINOTE_E_OUTPUT_WRITE (exit 4). Takes text, or UTF-8 bytes (records
 * serialized on a worker thread, written as they are).
 */

import { closeSync, createWriteStream, openSync } from 'node:fs';
import { ClinoteError, errorReason } from '../errors/error.js';

const FLUSH_AT = 64 * 1024;

export function outputError(label: string, e: unknown): ClinoteError {
  const reason = errorReason(e);
  return new ClinoteError(
    'CLINOTE_E_OUTPUT_WRITE',
    `cannot write to ${label}: ${reason}`,
    { target: label, reason },
    { cause: e },
  );
}

export class OutputSink {
  readonly #stream: NodeJS.WritableStream;
  readonly #label: string;
  readonly #owned: boolean;
  #parts: (string | Uint8Array)[] = [];
  /** Text or bytes buffered (UTF-16 code units plus bytes: only a threshold). */
  #size = 0;
  /** Some buffered part is bytes. */
  #bytes = false;
  #error: ClinoteError | null = null;
  readonly #onError = (e: unknown): void => {
    this.#error ??= outputError(this.#label, e);
  };

  /** `owned`: end the stream on close (a file); stdout is only flushed. */
  constructor(stream: NodeJS.WritableStream, label: string, owned: boolean) {
    this.#stream = stream;
    this.#label = label;
    this.#owned = owned;
    stream.on('error', this.#onError);
  }

  /** Open `path` for writing now, so a bad path fails before any work. */
  static toFile(path: string): OutputSink {
    const label = `'${path}'`;
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      throw outputError(label, e);
    }
    try {
      return new OutputSink(createWriteStream(path, { fd, highWaterMark: 1 << 20 }), label, true);
    } catch (e) {
      closeSync(fd);
      throw outputError(label, e);
    }
  }

  get error(): ClinoteError | null {
    return this.#error;
  }

  /**
   * Queue text or UTF-8 bytes (not copied: do not change them afterwards); resolves once the buffer
   * is handed to the stream (waits when the stream is full).
   */
  async write(data: string | Uint8Array): Promise<void> {
    if (this.#error) throw this.#error;
    const size = typeof data === 'string' ? data.length : data.byteLength;
    if (size === 0) return;
    this.#parts.push(data);
    this.#size += size;
    if (typeof data !== 'string') this.#bytes = true;
    if (this.#size >= FLUSH_AT) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#parts.length === 0) return;
    const parts = this.#parts;
    const bytes = this.#bytes;
    this.#parts = [];
    this.#size = 0;
    this.#bytes = false;
    let ok: boolean;
    if (!bytes) {
      ok = this.#stream.write(parts.length === 1 ? (parts[0] as string) : parts.join(''));
    } else {
      // bytes are handed over as they are; the parts go to the stream together (one writev)
      const stream = this.#stream as NodeJS.WritableStream & { cork?: () => void; uncork?: () => void };
      stream.cork?.();
      ok = true;
      for (const part of parts) ok = stream.write(part) && ok;
      stream.uncork?.();
    }
    if (!ok) await this.#wait('drain');
    if (this.#error) throw this.#error;
  }

  /** Flush everything and end a file (stdout stays open); throws CLINOTE_E_OUTPUT_WRITE on failure. */
  async close(): Promise<void> {
    await this.flush();
    if (this.#owned) {
      const done = this.#wait('finish');
      this.#stream.end();
      await done;
    } else {
      await new Promise<void>((resolve) => {
        this.#stream.write('', () => resolve());
      });
    }
    this.#stream.removeListener('error', this.#onError);
    if (this.#error) throw this.#error;
  }

  /**
   * After another failure: drop what is buffered, end a file without waiting (the stream may be
   * stuck), leave stdout alone. Never throws.
   */
  abort(): void {
    this.#parts = [];
    this.#size = 0;
    this.#bytes = false;
    if (this.#owned) {
      try {
        this.#stream.end();
      } catch {
        // already failing
      }
    }
  }

  #wait(event: 'drain' | 'finish'): Promise<void> {
    if (this.#error) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.#stream.removeListener(event, done);
        this.#stream.removeListener('error', done);
        this.#stream.removeListener('close', done);
        resolve();
      };
      this.#stream.on(event, done);
      this.#stream.on('error', done);
      this.#stream.on('close', done);
    });
  }
}

/**
 * RFC 4180 CSV (and TSV) parsing: quoted fields with commas, quotes and newlines; CRLF or LF.
 * `CsvParser` is incremental (feed chunks, get records) so large files stream.
 */
import { createReadStream } from 'node:fs';
import { ClinoteError } from '../errors/error.js';

export interface CsvOptions {
  readonly delimiter?: string;
  /** Treat quotes as ordinary characters (TSV exports that never quote). */
  readonly quotes?: boolean;
}

export class CsvParser {
  readonly #delim: number;
  readonly #quotes: boolean;
  #field: string[] = [];
  #record: string[] = [];
  #inQuotes = false;
  #quotePending = false; // saw a quote inside a quoted field: end of field or escaped quote
  #recordNo = 0;
  #fieldStarted = false;
  #afterCR = false;

  constructor(options: CsvOptions = {}) {
    this.#delim = (options.delimiter ?? ',').charCodeAt(0);
    this.#quotes = options.quotes ?? true;
  }

  /** Feed a chunk; returns the records completed by it. */
  push(chunk: string): string[][] {
    const out: string[][] = [];
    let runStart = 0;
    const n = chunk.length;
    const flushRun = (to: number): void => {
      if (to > runStart) this.#field.push(chunk.slice(runStart, to));
    };
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.#afterCR) {
        this.#afterCR = false;
        if (c === 10) {
          runStart = i + 1;
          continue;
        }
      }
      if (this.#inQuotes) {
        if (this.#quotePending) {
          this.#quotePending = false;
          if (c === 34) {
            // escaped quote: keep one
            runStart = i;
            continue;
          }
          this.#inQuotes = false;
          // fall through to unquoted handling of c
        } else {
          if (c === 34) {
            flushRun(i);
            this.#quotePending = true;
            runStart = i + 1;
          }
          continue;
        }
      }
      if (c === 34 && this.#quotes && !this.#fieldStarted && this.#field.length === 0) {
        this.#inQuotes = true;
        this.#fieldStarted = true;
        runStart = i + 1;
        continue;
      }
      if (c === this.#delim) {
        flushRun(i);
        this.#endField();
        runStart = i + 1;
        continue;
      }
      if (c === 10 || c === 13) {
        flushRun(i);
        this.#endField();
        out.push(this.#endRecord());
        if (c === 13) this.#afterCR = true;
        runStart = i + 1;
        continue;
      }
      this.#fieldStarted = true;
    }
    if (this.#inQuotes && !this.#quotePending) flushRun(n);
    else if (!this.#inQuotes) flushRun(n);
    return out.filter((r) => !(r.length === 1 && r[0] === ''));
  }

  /** End of input: returns the last record, if any. Throws on an unterminated quote. */
  end(): string[][] {
    if (this.#inQuotes && !this.#quotePending) {
      throw new ClinoteError(
        'CLINOTE_E_INPUT_MALFORMED_CSV',
        `unterminated quoted field in record ${this.#recordNo + 1}`,
        {
          record: this.#recordNo + 1,
        },
      );
    }
    this.#inQuotes = false;
    this.#quotePending = false;
    if (this.#field.length > 0 || this.#record.length > 0 || this.#fieldStarted) {
      this.#endField();
      const r = this.#endRecord();
      return r.length === 1 && r[0] === '' ? [] : [r];
    }
    return [];
  }

  #endField(): void {
    this.#record.push(this.#field.length === 1 ? this.#field[0]! : this.#field.join(''));
    this.#field = [];
    this.#fieldStarted = false;
  }

  #endRecord(): string[] {
    const r = this.#record;
    this.#record = [];
    this.#recordNo++;
    return r;
  }
}

/** Parse a whole CSV string into records (first record = header, if the file has one). */
export function parseCsv(text: string, options: CsvOptions = {}): string[][] {
  const p = new CsvParser(options);
  return [...p.push(text), ...p.end()];
}

/** Stream a CSV file's records, header first. */
export async function* readCsvRecords(path: string, options: CsvOptions = {}): AsyncGenerator<string[]> {
  const p = new CsvParser(options);
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    yield* p.push(chunk as string);
  }
  yield* p.end();
}

/** Stream a CSV file as objects keyed by the header row. */
export async function* readCsvObjects(
  path: string,
  options: CsvOptions = {},
): AsyncGenerator<{ record: number; row: Record<string, string> }> {
  let header: string[] | null = null;
  let record = 0;
  for await (const r of readCsvRecords(path, options)) {
    if (header === null) {
      header = r.map((h) => h.replace(/^\uFEFF/, '').trim());
      continue;
    }
    record++;
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      row[h] = r[i] ?? '';
    });
    yield { record, row };
  }
}

/**
 * Strict, incremental CSV reading for `clinote extract` (RFC 4180: quoted commas, quotes and
 * newlines; CRLF, LF or CR), with line numbers and malformed rows reported instead of repaired.
 *
 * A stray quote must never silently merge rows into one note. A record is malformed when:
 * - a quote appears inside an unquoted field (`He said "no`);
 * - a quoted field is closed and followed by something other than a delimiter or an end of line
 *   (`"a"b`);
 * - a quoted field runs past the end of the input (unterminated), over `maxQuotedLines` lines, or
 *   over `maxRecordChars` characters;
 * - a record whose quoted field spans lines has a different number of fields than the header (the
 *   first record): the quote swallowed the delimiters and ends of line of the rows after it.
 * A stray quote that swallows whole rows and is closed at the end of a line, with the same number
 * of fields as the header, cannot be told from a note that holds line breaks: it is read as such.
 *
 * A malformed record that spans several lines is reported as its first line only, and reading goes
 * on from the line after it: the rows a stray quote swallowed are read again as rows. (Re-reading
 * is bounded: in all, at most twice the input plus 1 MiB is read again; past that a malformed
 * record is reported whole.) A malformed record on one line is reported as that line.
 * `src/text/csv.ts` is the lenient parser used for terminology files.
 */

export interface CsvRecord {
  readonly kind: 'record';
  readonly fields: string[];
  /** 1-based line where the record starts. */
  readonly line: number;
}

export type CsvProblem =
  | 'quote-in-unquoted-field'
  | 'text-after-closing-quote'
  | 'unterminated-quote'
  | 'quoted-field-too-many-lines'
  | 'record-too-large'
  | 'field-count';

export interface CsvMalformed {
  readonly kind: 'malformed';
  /** 1-based lines of the malformed record: `line` to `endLine` (inclusive). */
  readonly line: number;
  readonly endLine: number;
  readonly problem: CsvProblem;
}

export type CsvItem = CsvRecord | CsvMalformed;

export interface CsvReaderOptions {
  /** Field delimiter (one character). Default `,`. */
  readonly delimiter?: string;
  /** Most lines a quoted field may span. Default 100,000. */
  readonly maxQuotedLines?: number;
  /** Most characters a record may hold. Default 64 Mi. */
  readonly maxRecordChars?: number;
}

export const CSV_PROBLEMS: Readonly<Record<CsvProblem, string>> = {
  'quote-in-unquoted-field': 'a quote inside an unquoted field',
  'text-after-closing-quote': 'text after the closing quote of a field',
  'unterminated-quote': 'a quoted field that is never closed',
  'quoted-field-too-many-lines': 'a quoted field over the line limit (an unclosed quote?)',
  'record-too-large': 'a record over the size limit (an unclosed quote?)',
  'field-count': 'a quoted field spanning lines, and a field count unlike the header (a stray quote?)',
};

const QUOTE = 34;
const LF = 10;
const CR = 13;

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the end of the field, or the first of an escaped pair. */
  QuoteInQuoted,
  /** Skipping a record too large to keep, up to the next end of line. */
  Skip,
}

interface Field {
  start: number;
  end: number;
  quoted: boolean;
}

export class CsvReader {
  readonly #delim: number;
  readonly #maxLines: number;
  readonly #maxChars: number;

  /** The text of the current record (from its first character) and what follows. */
  #buf = '';
  /** Scan position in #buf. */
  #pos = 0;
  #state = State.FieldStart;
  #fieldStart = 0;
  #fields: Field[] = [];
  /** Line of the scan position; line where the current record starts. */
  #line = 1;
  #recordLine = 1;
  /** Offset in #buf just after the first end of line inside the current record, or -1. */
  #firstBreak = -1;
  #problem: CsvProblem | null = null;
  #afterCR = false;
  #header: number | null = null;
  /** Characters read again after a malformed record (bounded: linear time). */
  #replayed = 0;
  #total = 0;

  constructor(options: CsvReaderOptions = {}) {
    this.#delim = (options.delimiter ?? ',').charCodeAt(0);
    this.#maxLines = options.maxQuotedLines ?? 100_000;
    this.#maxChars = options.maxRecordChars ?? 64 << 20;
  }

  /** Feed a chunk of text; returns the records (and malformed records) it completes. */
  push(chunk: string): CsvItem[] {
    this.#total += chunk.length;
    this.#buf += chunk;
    const out: CsvItem[] = [];
    this.#scan(out, false);
    this.#compact();
    return out;
  }

  /** End of input: the last record, or a malformed one. */
  end(): CsvItem[] {
    const out: CsvItem[] = [];
    this.#scan(out, true);
    this.#buf = '';
    this.#pos = 0;
    return out;
  }

  /** Offset in #buf where the current record starts (0 after #compact). */
  #recStart = 0;

  /** Drop the text of completed records; keep the current one. */
  #compact(): void {
    if (this.#recStart === 0) return;
    const cut = this.#recStart;
    this.#buf = this.#buf.slice(cut);
    this.#pos -= cut;
    this.#fieldStart -= cut;
    if (this.#firstBreak >= 0) this.#firstBreak -= cut;
    for (const f of this.#fields) {
      f.start -= cut;
      f.end -= cut;
    }
    this.#recStart = 0;
  }

  #scan(out: CsvItem[], atEnd: boolean): void {
    const buf = this.#buf;
    const n = buf.length;
    const delim = this.#delim;
    let i = this.#pos;
    while (i < n) {
      if (this.#afterCR) {
        this.#afterCR = false;
        if (buf.charCodeAt(i) === LF) {
          i++;
          this.#recStart = i;
          continue;
        }
      }
      switch (this.#state) {
        case State.Skip: {
          const nl = nextBreak(buf, i);
          if (nl < 0) {
            i = n;
            this.#recStart = n; // nothing of it is kept
            continue;
          }
          i = this.#endLine(buf, nl);
          this.#emitMalformed(out, 'record-too-large', this.#line - 1);
          this.#startRecord(i);
          continue;
        }
        case State.Quoted: {
          const q = buf.indexOf('"', i);
          const stop = q < 0 ? n : q;
          // count the ends of line inside the field
          for (let nl = buf.indexOf('\n', i); nl >= 0 && nl < stop; nl = buf.indexOf('\n', nl + 1)) {
            if (this.#firstBreak < 0) this.#firstBreak = nl + 1;
            this.#line++;
            if (this.#problem === null && this.#line - this.#recordLine > this.#maxLines) {
              i = this.#malformedSpan(out, 'quoted-field-too-many-lines', nl + 1);
              if (this.#state !== State.Quoted) break;
            }
          }
          if (this.#state !== State.Quoted) continue;
          if (q < 0) {
            i = n;
            continue;
          }
          i = q + 1;
          this.#state = State.QuoteInQuoted;
          continue;
        }
        case State.QuoteInQuoted: {
          const c = buf.charCodeAt(i);
          if (c === QUOTE) {
            this.#state = State.Quoted;
            i++;
            continue;
          }
          if (c === delim) {
            this.#fields.push({ start: this.#fieldStart, end: i - 1, quoted: true });
            this.#state = State.FieldStart;
            i++;
            continue;
          }
          if (c === LF || c === CR) {
            this.#fields.push({ start: this.#fieldStart, end: i - 1, quoted: true });
            i = this.#endRecordAt(out, buf, i);
            continue;
          }
          i = this.#problemAt(out, 'text-after-closing-quote', i);
          continue;
        }
        case State.FieldStart:
        case State.Unquoted: {
          const c = buf.charCodeAt(i);
          if (this.#state === State.FieldStart) {
            if (c === QUOTE) {
              this.#state = State.Quoted;
              this.#fieldStart = i + 1;
              i++;
              continue;
            }
            this.#fieldStart = i;
            this.#state = State.Unquoted;
          }
          if (c === delim) {
            this.#fields.push({ start: this.#fieldStart, end: i, quoted: false });
            this.#state = State.FieldStart;
            i++;
            continue;
          }
          if (c === LF || c === CR) {
            this.#fields.push({ start: this.#fieldStart, end: i, quoted: false });
            i = this.#endRecordAt(out, buf, i);
            continue;
          }
          if (c === QUOTE) {
            i = this.#problemAt(out, 'quote-in-unquoted-field', i);
            continue;
          }
          i++;
          continue;
        }
      }
    }
    this.#pos = i;
    if (!atEnd) {
      if (this.#state !== State.Skip && n - this.#recStart > this.#maxChars) {
        if (this.#firstBreak >= 0 && this.#canReplay(n - this.#firstBreak)) {
          this.#emitMalformed(out, 'record-too-large', this.#recordLine);
          this.#replay(out, this.#firstBreak, this.#recordLine + 1, atEnd);
        } else {
          this.#state = State.Skip;
          this.#recStart = n;
          this.#pos = n;
        }
      }
      return;
    }
    // end of input
    if (this.#state === State.Skip) {
      this.#emitMalformed(out, 'record-too-large', this.#line);
      this.#reset();
      return;
    }
    if (this.#state === State.Quoted) {
      if (this.#firstBreak >= 0 && this.#canReplay(n - this.#firstBreak)) {
        this.#emitMalformed(out, 'unterminated-quote', this.#recordLine);
        this.#replay(out, this.#firstBreak, this.#recordLine + 1, true);
      } else {
        this.#emitMalformed(out, 'unterminated-quote', this.#line);
        this.#reset();
      }
      return;
    }
    let again: number | null = null;
    if (this.#state === State.QuoteInQuoted) {
      this.#fields.push({ start: this.#fieldStart, end: n - 1, quoted: true });
      again = this.#finishRecord(out, buf, this.#line);
    } else if (this.#state === State.Unquoted || this.#fields.length > 0) {
      this.#fields.push({ start: this.#fieldStart, end: n, quoted: false });
      again = this.#finishRecord(out, buf, this.#line);
    }
    if (again !== null) this.#replay(out, again, this.#recordLine + 1, true);
    else this.#reset();
  }

  #reset(): void {
    this.#state = State.FieldStart;
    this.#fields = [];
    this.#problem = null;
    this.#firstBreak = -1;
    this.#recStart = this.#buf.length;
  }

  #canReplay(chars: number): boolean {
    if (this.#replayed + chars > 2 * this.#total + (1 << 20)) return false;
    this.#replayed += chars;
    return true;
  }

  /**
   * Read again from `from` (just after the first line of a malformed record), as the start of a
   * record on line `line`: the text after it is scanned afresh.
   */
  #replay(out: CsvItem[], from: number, line: number, atEnd: boolean): void {
    this.#buf = this.#buf.slice(from);
    this.#pos = 0;
    this.#line = line;
    this.#afterCR = false;
    this.#startRecord(0);
    this.#scan(out, atEnd);
    if (!atEnd) this.#compact();
  }

  /**
   * A problem at `i`: a record spanning lines is reported as its first line and read again from
   * the next; a record on one line is marked and ends at its end of line. Returns where to go on.
   */
  #problemAt(out: CsvItem[], problem: CsvProblem, i: number): number {
    if (this.#firstBreak >= 0) return this.#malformedSpan(out, problem, i);
    this.#problem ??= problem;
    this.#state = State.Unquoted;
    return i + 1;
  }

  /** A malformed record spanning lines, found at `i`: report, then read again after its first line. */
  #malformedSpan(out: CsvItem[], problem: CsvProblem, i: number): number {
    const from = this.#firstBreak;
    if (from >= 0 && this.#canReplay(i - from)) {
      this.#emitMalformed(out, problem, this.#recordLine, this.#recordLine);
      const line = this.#recordLine + 1;
      this.#line = line;
      this.#afterCR = false;
      this.#startRecord(from);
      return from;
    }
    // no more re-reading: the record is malformed as a whole, up to its end
    this.#problem ??= problem;
    if (this.#state === State.Quoted) return i; // keep reading the quoted field to its end
    this.#state = State.Unquoted;
    return i + 1;
  }

  /** End of line at `i` ends the record: emit it, start the next. Returns the next position. */
  #endRecordAt(out: CsvItem[], buf: string, i: number): number {
    const next = this.#endLine(buf, i);
    const again = this.#finishRecord(out, buf, this.#line - 1);
    if (again !== null) {
      // swallowed rows: read them again, from the line after the record's first
      this.#line = this.#recordLine + 1;
      this.#afterCR = false;
      this.#startRecord(again);
      return again;
    }
    this.#startRecord(next);
    return next;
  }

  /** Past the end of line at `i` (CR, LF or CRLF; a CR at the end of the chunk waits). */
  #endLine(buf: string, i: number): number {
    this.#line++;
    if (buf.charCodeAt(i) === CR) {
      if (i + 1 >= buf.length) {
        this.#afterCR = true;
        return i + 1;
      }
      if (buf.charCodeAt(i + 1) === LF) return i + 2;
    }
    return i + 1;
  }

  /**
   * Emit the record ending on `lastLine` (or report it malformed). Returns where to read again
   * when it swallowed rows (a field-count problem), else null.
   */
  #finishRecord(out: CsvItem[], buf: string, lastLine: number): number | null {
    let problem = this.#problem;
    if (
      problem === null &&
      this.#firstBreak >= 0 &&
      this.#header !== null &&
      this.#fields.length !== this.#header
    ) {
      problem = 'field-count';
      if (this.#canReplay(this.#pos - this.#firstBreak)) {
        this.#emitMalformed(out, problem, this.#recordLine);
        return this.#firstBreak;
      }
    }
    if (problem !== null) {
      this.#emitMalformed(out, problem, this.#recordLine, lastLine);
      return null;
    }
    const fields = this.#fields.map((f) => {
      const s = buf.slice(f.start, f.end);
      return f.quoted && s.includes('"') ? s.replaceAll('""', '"') : s;
    });
    // a blank line is not a record
    if (fields.length === 1 && fields[0] === '' && !this.#fields[0]!.quoted) return null;
    // the first record is the header: its field count is the reference
    this.#header ??= fields.length;
    out.push({ kind: 'record', fields, line: this.#recordLine });
    return null;
  }

  #startRecord(at: number): void {
    this.#state = State.FieldStart;
    this.#fields = [];
    this.#problem = null;
    this.#firstBreak = -1;
    this.#recStart = at;
    this.#recordLine = this.#line;
  }

  #emitMalformed(out: CsvItem[], problem: CsvProblem, line: number, endLine = line): void {
    out.push({ kind: 'malformed', line, endLine: Math.max(line, endLine), problem });
  }
}

/** Index of the next CR or LF at or after `i`, or -1. */
function nextBreak(s: string, i: number): number {
  const a = s.indexOf('\n', i);
  const b = s.indexOf('\r', i);
  if (a < 0) return b;
  if (b < 0) return a;
  return Math.min(a, b);
}

/**
 * Streaming text input for the importers: plain or gzip files (detected by their magic bytes),
 * read as lines or delimited records, never whole.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ClinoteError } from '../../../errors/error.js';
import { CsvParser } from '../../../text/csv.js';

export interface TextInputOptions {
  /** Text encoding (default utf8; the CMS HCPCS file is latin1). */
  readonly encoding?: BufferEncoding;
}

/** Throws CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE unless `path` is a readable file. */
export async function assertReadableFile(path: string): Promise<void> {
  let ok = false;
  try {
    ok = (await stat(path)).isFile();
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE',
      `vocabulary file '${path}' cannot be read`,
      { path },
      { cause: e },
    );
  }
  if (!ok) {
    throw new ClinoteError('CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE', `'${path}' is not a file`, { path });
  }
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** A stream of decoded text chunks from a plain or gzip file. */
export async function openText(path: string, options: TextInputOptions = {}): Promise<Readable> {
  await assertReadableFile(path);
  const encoding = options.encoding ?? 'utf8';
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (await isGzip(path)) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    const out = raw.pipe(gunzip);
    out.setEncoding(encoding);
    return out;
  }
  raw.setEncoding(encoding);
  return raw;
}

/** Lines of a plain or gzip text file (LF or CRLF; a leading BOM removed). */
export async function* readLines(path: string, options: TextInputOptions = {}): AsyncGenerator<string> {
  const stream = await openText(path, options);
  let rest = '';
  let first = true;
  try {
    for await (const chunk of stream) {
      let s = rest + (chunk as string);
      if (first) {
        s = s.replace(/^\uFEFF/, '');
        first = false;
      }
      let start = 0;
      for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', start)) {
        const end = i > start && s.charCodeAt(i - 1) === 13 ? i - 1 : i;
        yield s.slice(start, end);
        start = i + 1;
      }
      rest = s.slice(start);
    }
    if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  } finally {
    stream.destroy();
  }
}

export interface DelimitedOptions extends TextInputOptions {
  readonly delimiter: string;
  /** RFC 4180 quotes (default true); false for TSV that never quotes. */
  readonly quotes?: boolean;
  /** Skip lines that start with `#` (and blank lines) before parsing. */
  readonly comments?: boolean;
}

/** Records of a delimited file (header included), with the 1-based line each record starts on. */
export async function* readDelimited(
  path: string,
  options: DelimitedOptions,
): AsyncGenerator<{ line: number; cells: string[] }> {
  const parser = new CsvParser({ delimiter: options.delimiter, quotes: options.quotes ?? true });
  let lineNo = 0;
  let recordStart = 1;
  let pending = 0; // records fed but not yet completed (multi-line quoted fields)
  for await (const line of readLines(path, options)) {
    lineNo++;
    if (pending === 0) {
      if (options.comments && (line.startsWith('#') || line.trim() === '')) continue;
      recordStart = lineNo;
    }
    const records = parser.push(`${line}\n`);
    if (records.length > 0) pending = 0;
    else if (line !== '') pending = 1;
    for (const cells of records) yield { line: recordStart, cells };
  }
  for (const cells of parser.end()) yield { line: recordStart, cells };
}

/** Split a pipe-delimited line (RRF, RxTerms): no quoting. */
export function splitPipe(line: string): string[] {
  return line.split('|');
}

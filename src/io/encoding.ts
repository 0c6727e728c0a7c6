/**
 * Character encodings and binary inputs (`--encoding`).
 *
 * - A byte order mark decides: UTF-8 (dropped), UTF-16LE, UTF-16BE.
 * - `auto` (the default) without a BOM: binary inputs are refused (a known magic number, NUL bytes,
 *   a high share of control bytes); UTF-16 without a BOM is recognized by its zero bytes; valid UTF-8
 *   is UTF-8; invalid UTF-8 whose high bytes decode sensibly as Windows-1252 is read as Windows-1252
 *   (the note is flagged `CLINOTE_W_INPUT_ENCODING_GUESSED`); otherwise UTF-8 with U+FFFD in place
 *   of the invalid sequences (`CLINOTE_W_INPUT_INVALID_UTF8`).
 * - A named encoding is used as it is (a BOM of that encoding is dropped); the binary check still
 *   runs (magic numbers only for UTF-16, whose text holds zero bytes).
 *
 * Every note not read as UTF-8 carries a flag naming the encoding: `CLINOTE_W_INPUT_ENCODING`
 * (declared: a BOM or `--encoding`) or `CLINOTE_W_INPUT_ENCODING_GUESSED`. Messages never quote bytes.
 */
import { isUtf8 } from 'node:buffer';
import type { Flag } from '../doc/types.js';
import { ClinoteError } from '../errors/error.js';

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'latin1'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export type EncodingChoice = Encoding | 'auto';
export const ENCODING_CHOICES: readonly EncodingChoice[] = ['auto', ...ENCODINGS];

/** How the encoding was chosen. */
export type EncodingSource = 'bom' | 'option' | 'guessed' | 'default';

export interface Detected {
  readonly encoding: Encoding;
  readonly source: EncodingSource;
  /** Bytes of the BOM to skip. */
  readonly bomLength: number;
}

/** What a binary input looks like: a file type from its magic number, or why it is binary. */
export type BinaryKind = string;

/** Magic numbers of common binary files found among notes (exports, scans, archives). */
const MAGIC: readonly (readonly [kind: string, bytes: readonly number[], offset?: number])[] = [
  ['PDF', [0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  ['ZIP (DOCX, XLSX, ODT)', [0x50, 0x4b, 0x03, 0x04]],
  ['ZIP (empty)', [0x50, 0x4b, 0x05, 0x06]],
  ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['JPEG', [0xff, 0xd8, 0xff]],
  ['GIF', [0x47, 0x49, 0x46, 0x38]], // GIF8
  ['TIFF', [0x49, 0x49, 0x2a, 0x00]],
  ['TIFF', [0x4d, 0x4d, 0x00, 0x2a]],
  ['GZIP', [0x1f, 0x8b]],
  ['BZIP2', [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26]], // BZh91AY&
  ['XZ', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['ZSTD', [0x28, 0xb5, 0x2f, 0xfd]],
  ['7Z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['RAR', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['OLE2 (DOC, XLS, MSG)', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ['ELF', [0x7f, 0x45, 0x4c, 0x46]],
  [
    'SQLite',
    [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00],
  ],
  ['DICOM', [0x44, 0x49, 0x43, 0x4d], 128],
];

/** Bytes looked at for NUL bytes and the UTF-16 shape (as `git` and `grep` do). */
const SNIFF_BYTES = 8192;
/** Share of control bytes (C0 other than TAB, LF, VT, FF, CR, ESC; DEL) from which a text is binary. */
const CONTROL_SHARE = 0.1;

function magicOf(bytes: Uint8Array): string | null {
  for (const [kind, magic, offset = 0] of MAGIC) {
    if (bytes.length < offset + magic.length) continue;
    let ok = true;
    for (let i = 0; i < magic.length; i++) {
      if (bytes[offset + i] !== magic[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return kind;
  }
  return null;
}

function bomOf(bytes: Uint8Array): Detected | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { encoding: 'utf-8', source: 'bom', bomLength: 3 };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', source: 'bom', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', source: 'bom', bomLength: 2 };
  return null;
}

/**
 * UTF-16 without a BOM, from the zero bytes of the first SNIFF_BYTES: text in Latin script has a
 * zero high byte in most code units (odd bytes in LE, even bytes in BE) and none in the others.
 */
function utf16Shape(bytes: Uint8Array): Encoding | null {
  const n = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const units = n / 2;
  if (oddZero >= units * 0.4 && evenZero <= units * 0.02) return 'utf-16le';
  if (evenZero >= units * 0.4 && oddZero <= units * 0.02) return 'utf-16be';
  return null;
}

/** Why these bytes are binary (a file type, NUL bytes, control bytes), or null for text. */
export function binaryKind(bytes: Uint8Array, encoding: Encoding | null = null): BinaryKind | null {
  const magic = magicOf(bytes);
  if (magic !== null) return magic;
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return null;
  const head = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < head; i++) if (bytes[i] === 0) return 'NUL bytes';
  let control = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && !(b >= 0x09 && b <= 0x0d) && b !== 0x1b) || b === 0x7f) control++;
  }
  return bytes.length > 0 && control / bytes.length >= CONTROL_SHARE ? 'control bytes' : null;
}

export function binaryError(id: string, kind: BinaryKind): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_INPUT_BINARY',
    `'${id}' is a binary file (${kind}), not text: it is not read`,
    { id, kind },
  );
}

// Windows-1252 bytes 0x80-0x9F that have no character (decoded as C1 controls by TextDecoder)
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * Invalid UTF-8 that reads sensibly as Windows-1252: every high byte is a defined character, and
 * the text is mostly ASCII (as English clinical text is), so the high bytes are accents, curly
 * quotes, dashes, degree and micro signs.
 */
export function looksLikeCp1252(bytes: Uint8Array): boolean {
  let high = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    if (CP1252_UNDEFINED.has(b)) return false;
    high++;
  }
  return high > 0 && high <= bytes.length * 0.3;
}

/** The encoding of a whole input (or its first chunk), and how it was chosen. */
export function detectEncoding(bytes: Uint8Array, choice: EncodingChoice): Detected {
  const bom = bomOf(bytes);
  if (choice !== 'auto') {
    const skip = bom !== null && bom.encoding === choice ? bom.bomLength : 0;
    return { encoding: choice, source: 'option', bomLength: skip };
  }
  if (bom) return bom;
  const utf16 = utf16Shape(bytes);
  if (utf16) return { encoding: utf16, source: 'guessed', bomLength: 0 };
  if (isUtf8(bytes) || !looksLikeCp1252(bytes)) return { encoding: 'utf-8', source: 'default', bomLength: 0 };
  return { encoding: 'windows-1252', source: 'guessed', bomLength: 0 };
}

/**
 * Windows-1252 characters of bytes 0x80-0x9F (the rest is Latin-1). Written out because Node's
 * TextDecoder('windows-1252') decodes these bytes as C1 controls, as Latin-1 does.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** A decoder for a detected encoding (streaming; invalid sequences become U+FFFD). */
export function decoderFor(encoding: Encoding): { decode(bytes: Uint8Array, stream: boolean): string } {
  if (encoding === 'latin1') return { decode: (bytes) => latin1(bytes) };
  if (encoding === 'windows-1252') {
    return {
      decode: (bytes) => latin1(bytes).replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!),
    };
  }
  const d = new TextDecoder(encoding, { fatal: false, ignoreBOM: true });
  return { decode: (bytes, stream) => d.decode(bytes, { stream }) };
}

/** The flag naming the encoding of a note not read as UTF-8 (none for UTF-8). */
export function encodingFlag(detected: Detected): Flag | null {
  if (detected.encoding === 'utf-8') return null;
  const how =
    detected.source === 'bom' ? 'byte order mark' : detected.source === 'option' ? '--encoding' : 'guessed';
  return {
    code: detected.source === 'guessed' ? 'CLINOTE_W_INPUT_ENCODING_GUESSED' : 'CLINOTE_W_INPUT_ENCODING',
    message: `decoded as ${detected.encoding} (${how})`,
  };
}

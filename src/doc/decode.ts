import type { Flag } from './types.js';

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/**
 * Decode note bytes as UTF-8. Invalid sequences become U+FFFD and the note is flagged
 * (CLINOTE_W_INPUT_INVALID_UTF8); offsets index the decoded string.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string; flags: Flag[] } {
  try {
    const text = fatal.decode(bytes);
    return { text, flags: inspectText(text) };
  } catch {
    const text = lenient.decode(bytes);
    let count = 0;
    for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) count++;
    return {
      text,
      flags: [
        {
          code: 'CLINOTE_W_INPUT_INVALID_UTF8',
          message: `invalid UTF-8: ${count} sequence(s) replaced by U+FFFD`,
          count,
        },
        ...inspectText(text),
      ],
    };
  }
}

// C0 controls other than TAB, LF, VT, FF, CR; DEL; C1 controls other than NEL.
const BINARY = /[\0-\x08\x0E-\x1F\x7F\x80-\x84\x86-\x9F]/g;

/** Flags for a decoded string: NUL and binary control characters (CLINOTE_W_INPUT_BINARY). */
export function inspectText(text: string): Flag[] {
  if (!BINARY.test(text)) {
    BINARY.lastIndex = 0;
    return [];
  }
  BINARY.lastIndex = 0;
  const matches = text.match(BINARY);
  const count = matches ? matches.length : 0;
  const nul = matches ? matches.filter((c) => c === '\0').length : 0;
  return [
    {
      code: 'CLINOTE_W_INPUT_BINARY',
      message: `${count} binary control character(s)${nul > 0 ? `, ${nul} NUL` : ''}; read as spaces`,
      count,
    },
  ];
}

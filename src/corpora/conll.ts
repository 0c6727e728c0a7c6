/**
 * CoNLL / IOB reader: one token per line, columns separated by tabs (or, when a line has no tab, by
 * spaces), the token first and the tag last; a blank line ends a sentence; `-DOCSTART-` lines (when
 * present) separate documents. Tags are IOB1/IOB2 (`B-Disease`, `I-Disease`, `O`), IOBES (`S-`,
 * `E-` also read), or bare `B`/`I`/`O` (the entity type is then `options.defaultType`).
 *
 * `conllToText` rebuilds a text from the tokens (tokens joined by one space, sentences by one space:
 * the corpora read here are abstracts of running prose) with each token's offsets, the sentence
 * spans and the gold entities.
 */
import type { Span } from '../doc/types.js';

export interface ConllSentence {
  readonly tokens: string[];
  readonly tags: string[];
}

export interface ConllDocument {
  /** From the `-DOCSTART-` line when it carries one (`-DOCSTART- (1234)`), else `doc<N>` from 1. */
  readonly id: string;
  readonly sentences: ConllSentence[];
}

export interface ConllReadOptions {
  /** Column separator; default: tab when the line has one, else runs of spaces. */
  readonly separator?: 'tab' | 'space';
}

export interface ConllEntity extends Span {
  readonly type: string;
}

export interface ConllToken extends Span {
  /** Index of the sentence (in the document, or over all documents when several are joined). */
  readonly sentence: number;
}

export interface ConllText {
  readonly id: string;
  readonly text: string;
  readonly tokens: ConllToken[];
  readonly sentences: Span[];
  /** End offset of every sentence (the last one included). */
  readonly sentenceEnds: number[];
  readonly entities: ConllEntity[];
  /** Where each document starts in `text` (one entry per document joined). */
  readonly documentStarts: number[];
}

export interface ConllTextOptions {
  /** Type of entities tagged with bare `B`/`I` (default `Entity`). */
  readonly defaultType?: string;
  /** Between sentences (default one space). */
  readonly sentenceSeparator?: string;
  /** Between documents when several are joined (default a blank line). */
  readonly documentSeparator?: string;
}

const DOCSTART = '-DOCSTART-';

/** Parse CoNLL text into documents (one document when there is no `-DOCSTART-`). Never throws. */
export function readConll(text: string, options: ConllReadOptions = {}): ConllDocument[] {
  const docs: ConllDocument[] = [];
  let current: ConllDocument | null = null;
  let tokens: string[] = [];
  let tags: string[] = [];
  const endSentence = (): void => {
    if (tokens.length === 0) return;
    if (current === null) {
      current = { id: `doc${docs.length + 1}`, sentences: [] };
      docs.push(current);
    }
    current.sentences.push({ tokens, tags });
    tokens = [];
    tags = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      endSentence();
      continue;
    }
    const cols = splitColumns(line, options.separator);
    const token = cols[0] ?? '';
    if (token === DOCSTART) {
      endSentence();
      const m = /\(([^)]*)\)/.exec(line);
      current = { id: m?.[1]?.trim() || `doc${docs.length + 1}`, sentences: [] };
      docs.push(current);
      continue;
    }
    tokens.push(token);
    tags.push(cols.length > 1 ? cols[cols.length - 1]! : 'O');
  }
  endSentence();
  return docs.filter((d) => d.sentences.length > 0);
}

function splitColumns(line: string, separator: 'tab' | 'space' | undefined): string[] {
  if (separator === 'tab' || (separator === undefined && line.includes('\t'))) {
    return line.split('\t').map((c) => c.trim());
  }
  return line.trim().split(/ +/);
}

/** Split a tag into its prefix (`B`, `I`, `E`, `S`, `O`) and type (may be ''). */
export function parseTag(tag: string): { prefix: 'B' | 'I' | 'E' | 'S' | 'O'; type: string } {
  const t = tag.trim();
  if (t === '' || t === 'O') return { prefix: 'O', type: '' };
  const m = /^([BIESU])(?:[-_](.*))?$/.exec(t);
  if (!m) return { prefix: 'O', type: '' };
  const p = m[1] === 'U' ? 'S' : (m[1] as 'B' | 'I' | 'E' | 'S');
  return { prefix: p, type: m[2] ?? '' };
}

/**
 * Rebuild the text of one document, or of several joined (e.g. the whole of `readConll`'s result),
 * with token offsets, sentence spans and entities. Entities never cross a sentence: an entity open
 * at the end of a sentence is closed there.
 */
export function conllToText(
  input: ConllDocument | readonly ConllDocument[],
  options: ConllTextOptions = {},
): ConllText {
  const docs: readonly ConllDocument[] = Array.isArray(input) ? input : [input as ConllDocument];
  const defaultType = options.defaultType ?? 'Entity';
  const sentSep = options.sentenceSeparator ?? ' ';
  const docSep = options.documentSeparator ?? '\n\n';
  const parts: string[] = [];
  let pos = 0;
  const tokens: ConllToken[] = [];
  const sentences: Span[] = [];
  const entities: ConllEntity[] = [];
  const documentStarts: number[] = [];
  const put = (s: string): void => {
    parts.push(s);
    pos += s.length;
  };
  for (let di = 0; di < docs.length; di++) {
    const doc = docs[di]!;
    if (di > 0) put(docSep);
    documentStarts.push(pos);
    for (let si = 0; si < doc.sentences.length; si++) {
      const sent = doc.sentences[si]!;
      if (si > 0) put(sentSep);
      const sentenceIndex = sentences.length;
      const sStart = pos;
      let open: ConllEntity | null = null;
      for (let ti = 0; ti < sent.tokens.length; ti++) {
        if (ti > 0) put(' ');
        const start = pos;
        put(sent.tokens[ti]!);
        const end = pos;
        tokens.push({ start, end, sentence: sentenceIndex });
        const { prefix, type: rawType } = parseTag(sent.tags[ti] ?? 'O');
        const type = rawType === '' ? defaultType : rawType;
        if (prefix === 'I' || prefix === 'E') {
          // continue an open entity of the same type, else start one (IOB1)
          if (open !== null && open.type === type) open = { start: open.start, end, type };
          else {
            if (open !== null) entities.push(open);
            open = { start, end, type };
          }
        } else {
          if (open !== null) entities.push(open);
          open = prefix === 'O' ? null : { start, end, type };
        }
        if (open !== null && (prefix === 'E' || prefix === 'S')) {
          entities.push(open);
          open = null;
        }
      }
      if (open !== null) entities.push(open);
      sentences.push({ start: sStart, end: pos });
    }
  }
  const id = docs.length === 1 ? docs[0]!.id : 'conll';
  return {
    id,
    text: parts.join(''),
    tokens,
    sentences,
    sentenceEnds: sentences.map((s) => s.end),
    entities,
    documentStarts,
  };
}

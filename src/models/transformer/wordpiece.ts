/**
 * WordPiece encoding of a standard Hugging Face `tokenizer.json` (BertNormalizer, BertPreTokenizer,
 * WordPiece model), written in TypeScript so that serving needs no native binary and every token
 * keeps half-open `[start, end)` offsets into the ORIGINAL text.
 *
 * The text goes through the project's normalized view first (`normalize`, docs/decisions/0001),
 * then through the BERT normalizer (clean text, CJK spacing, accents stripped, lower case) one code
 * point at a time, each produced character remembering the view span it came from. Pre-tokens and
 * word pieces are spans of that second view; `NormalizedText.toOriginal` takes them home.
 * The ids are the ones the `tokenizers` package gives on the same view text (a test checks it).
 */
import { readFileSync } from 'node:fs';
import { normalize } from '../../doc/normalize.js';
import { ClinoteError } from '../../errors/error.js';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

export interface WordPieceEncoding {
  /** Token ids. */
  readonly ids: Int32Array;
  /** The tokens (vocabulary strings, `##` on word continuations). */
  readonly tokens: string[];
  /** starts[i], ends[i]: half-open span of token i in the original text ([0, 0) for [CLS]/[SEP]). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export interface EncodeOptions {
  /** Add [CLS] before and [SEP] after (default true). */
  readonly special?: boolean;
}

interface BertNormalizerConfig {
  readonly cleanText: boolean;
  readonly chineseChars: boolean;
  readonly stripAccents: boolean;
  readonly lowercase: boolean;
}

const COMBINING_MARK = /\p{Mn}/u;
const OTHER = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/u;
const WHITE = /\s/u;
const UNICODE_PUNCT = /\p{P}/u;

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || WHITE.test(ch);
}

function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return OTHER.test(ch);
}

/** BERT's punctuation: every ASCII non-alphanumeric printable character, and Unicode P*. */
export function isBertPunctuation(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
    return true;
  return UNICODE_PUNCT.test(ch);
}

function isChineseChar(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x20000 && c <= 0x2a6df) ||
    (c >= 0x2a700 && c <= 0x2b73f) ||
    (c >= 0x2b740 && c <= 0x2b81f) ||
    (c >= 0x2b920 && c <= 0x2ceaf) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x2f800 && c <= 0x2fa1f)
  );
}

/** BERT normalization of one code point (what it becomes; '' when it is dropped). */
function normalizeChar(ch: string, cfg: BertNormalizerConfig): string {
  const c = ch.codePointAt(0) ?? 0;
  if (cfg.cleanText) {
    if (c === 0 || c === 0xfffd || isControl(ch)) return '';
    if (isWhitespace(ch)) return ' ';
  }
  let s = ch;
  if (cfg.chineseChars && isChineseChar(c)) return ` ${s} `;
  if (cfg.stripAccents) {
    let out = '';
    for (const d of s.normalize('NFD')) if (!COMBINING_MARK.test(d)) out += d;
    s = out;
  }
  if (cfg.lowercase) s = s.toLowerCase();
  return s;
}

/** A WordPiece tokenizer read from a `tokenizer.json`. */
export class WordPieceTokenizer {
  readonly vocab: ReadonlyMap<string, number>;
  readonly idToToken: readonly string[];
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly maskId: number;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly cfg: BertNormalizerConfig;

  constructor(json: unknown) {
    const bad = (why: string): never => {
      throw new ClinoteError(
        'CLINOTE_E_MODEL_MANIFEST_INVALID',
        `tokenizer.json is not a WordPiece tokenizer: ${why}`,
        {
          reason: why,
        },
      );
    };
    if (typeof json !== 'object' || json === null) bad('not an object');
    const j = json as Record<string, unknown>;
    const model = j.model as Record<string, unknown> | undefined;
    if (model?.type !== 'WordPiece') bad('model.type is not WordPiece');
    const vocabObj = (model as Record<string, unknown>).vocab;
    if (typeof vocabObj !== 'object' || vocabObj === null) bad('model.vocab is missing');
    const vocab = new Map<string, number>();
    const ids: string[] = [];
    for (const [tok, id] of Object.entries(vocabObj as Record<string, unknown>)) {
      if (!Number.isInteger(id) || (id as number) < 0) bad('a vocabulary id is not a non-negative integer');
      vocab.set(tok, id as number);
      ids[id as number] = tok;
    }
    for (let i = 0; i < ids.length; i++) if (ids[i] === undefined) bad('vocabulary ids are not contiguous');
    this.vocab = vocab;
    this.idToToken = ids;
    const need = (t: string): number => {
      const id = vocab.get(t);
      return id === undefined ? bad(`the vocabulary has no ${t}`) : id;
    };
    this.unkId = need(String((model as Record<string, unknown>).unk_token ?? '[UNK]'));
    this.padId = need('[PAD]');
    this.clsId = need('[CLS]');
    this.sepId = need('[SEP]');
    this.maskId = need('[MASK]');
    this.prefix = String((model as Record<string, unknown>).continuing_subword_prefix ?? '##');
    this.maxInputCharsPerWord = Number((model as Record<string, unknown>).max_input_chars_per_word ?? 100);
    const n = (j.normalizer ?? {}) as Record<string, unknown>;
    if (n.type !== 'BertNormalizer') bad('normalizer.type is not BertNormalizer');
    if ((j.pre_tokenizer as Record<string, unknown> | null)?.type !== 'BertPreTokenizer')
      bad('pre_tokenizer.type is not BertPreTokenizer');
    const lowercase = n.lowercase !== false;
    this.cfg = {
      cleanText: n.clean_text !== false,
      chineseChars: n.handle_chinese_chars !== false,
      // HF: strip_accents null follows lowercase
      stripAccents:
        n.strip_accents === null || n.strip_accents === undefined ? lowercase : n.strip_accents === true,
      lowercase,
    };
  }

  static fromFile(path: string): WordPieceTokenizer {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ClinoteError(
        'CLINOTE_E_MODEL_NOT_FOUND',
        `cannot read tokenizer file '${path}'`,
        { path },
        { cause: e },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ClinoteError(
        'CLINOTE_E_MODEL_MANIFEST_INVALID',
        `'${path}' is not valid JSON`,
        { path },
        { cause: e },
      );
    }
    return new WordPieceTokenizer(json);
  }

  get vocabSize(): number {
    return this.idToToken.length;
  }

  /** The BERT-normalized string of `s` (what a token's text equals, `##` aside). */
  normalizeString(s: string): string {
    let out = '';
    for (const ch of s) out += normalizeChar(ch, this.cfg);
    return out;
  }

  /**
   * Encode `text`: the project's normalized view is built here, and the offsets are into `text`
   * itself (every token's span reproduces its text, modulo case and accents).
   */
  encode(text: string, options: EncodeOptions = {}): WordPieceEncoding {
    const view = normalize(text);
    const inner = this.encodeView(view.text);
    const special = options.special !== false;
    const n = inner.ids.length + (special ? 2 : 0);
    const ids = new Int32Array(n);
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    const tokens: string[] = [];
    let k = 0;
    if (special) {
      ids[k] = this.clsId;
      tokens.push('[CLS]');
      k++;
    }
    for (let i = 0; i < inner.ids.length; i++, k++) {
      ids[k] = inner.ids[i]!;
      tokens.push(inner.tokens[i]!);
      const [s, e] = view.toOriginal(inner.starts[i]!, inner.ends[i]!);
      starts[k] = s;
      ends[k] = e;
    }
    if (special) {
      ids[k] = this.sepId;
      tokens.push('[SEP]');
    }
    return { ids, tokens, starts, ends };
  }

  /** Encode text as is (no project view, no special tokens); offsets are into `text`. */
  encodeView(text: string): WordPieceEncoding {
    // 1. BERT normalization with a map: produced char j comes from text[srcStart[j], srcEnd[j]).
    const chars: string[] = [];
    const srcStart: number[] = [];
    const srcEnd: number[] = [];
    let i = 0;
    while (i < text.length) {
      const cp = text.codePointAt(i) ?? 0;
      const len = cp > 0xffff ? 2 : 1;
      const out = normalizeChar(text.slice(i, i + len), this.cfg);
      for (const o of out) {
        chars.push(o);
        srcStart.push(i);
        srcEnd.push(i + len);
      }
      i += len;
    }
    // 2. Pre-tokenize: split on spaces, isolate punctuation.
    const words: [number, number][] = [];
    let start = -1;
    for (let j = 0; j <= chars.length; j++) {
      const ch = chars[j];
      const boundary = ch === undefined || isWhitespace(ch) || isBertPunctuation(ch);
      if (boundary) {
        if (start >= 0) words.push([start, j]);
        start = -1;
        if (ch !== undefined && !isWhitespace(ch)) words.push([j, j + 1]);
      } else if (start < 0) start = j;
    }
    // 3. WordPiece: greedy longest match first; a word with an unknown piece is one [UNK].
    const ids: number[] = [];
    const tokens: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [ws, we] of words) {
      const piecesIds: number[] = [];
      const piecesToks: string[] = [];
      const spans: [number, number][] = [];
      let ok = we - ws <= this.maxInputCharsPerWord;
      let s = ws;
      while (ok && s < we) {
        let e = we;
        let found = -1;
        let tok = '';
        while (e > s) {
          let sub = chars.slice(s, e).join('');
          if (s > ws) sub = this.prefix + sub;
          const id = this.vocab.get(sub);
          if (id !== undefined) {
            found = id;
            tok = sub;
            break;
          }
          e--;
        }
        if (found < 0) ok = false;
        else {
          piecesIds.push(found);
          piecesToks.push(tok);
          spans.push([s, e]);
          s = e;
        }
      }
      if (ok) {
        for (let p = 0; p < piecesIds.length; p++) {
          ids.push(piecesIds[p]!);
          tokens.push(piecesToks[p]!);
          const [a, b] = spans[p]!;
          starts.push(srcStart[a]!);
          ends.push(srcEnd[b - 1]!);
        }
      } else {
        ids.push(this.unkId);
        tokens.push(this.idToToken[this.unkId]!);
        starts.push(srcStart[ws]!);
        ends.push(srcEnd[we - 1]!);
      }
    }
    return {
      ids: Int32Array.from(ids),
      tokens,
      starts: Int32Array.from(starts),
      ends: Int32Array.from(ends),
    };
  }
}

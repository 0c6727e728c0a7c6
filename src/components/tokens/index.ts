/**
 * The tokens component: tokenizes the whole normalized view once with the same scanner as
 * `tokenize()`, maps every token back to the original text and gives it the index of the sentence
 * holding it (a merge walk over the sentences, which are ordered). See docs/tokens.md.
 */
import { Type } from '@sinclair/typebox';
import type { Sentence, Token } from '../../doc/types.js';
import { defineComponent } from '../../pipeline/component.js';
import { TokenScanner } from '../../text/tokenize.js';

export { type RawToken, TokenScanner, tokenize } from '../../text/tokenize.js';
export { UNITS } from '../../text/units.js';

export const tokensComponent = defineComponent({
  name: 'tokens',
  version: '1.0.0',
  description:
    'Clinical tokenizer with offsets: words, numbers, measures (5mg -> value 5, unit mg), punctuation, symbols; each token knows its sentence.',
  requires: ['normalized', 'sentences'],
  assigns: ['tokens'],
  options: Type.Object({}, { additionalProperties: false }),
  create() {
    return (doc) => {
      const view = doc.get('normalized');
      const sentences = doc.maybe('sentences') ?? [];
      doc.set('tokens', tokensOf(view.text, view.isIdentityMap ? null : view, sentences));
    };
  },
});

interface OffsetMap {
  toOriginal(start: number, end: number): [number, number];
}

/**
 * Tokens of `text` (a normalized view) with original offsets and sentence indexes. A token that is
 * not wholly inside a sentence gets -1 (a stray comma between units, or a token cut by a section
 * boundary).
 */
export function tokensOf(text: string, map: OffsetMap | null, sentences: readonly Sentence[]): Token[] {
  const out: Token[] = [];
  const sc = new TokenScanner(text);
  const ns = sentences.length;
  let si = 0;
  while (sc.next()) {
    let start = sc.start;
    let end = sc.end;
    if (map !== null) [start, end] = map.toOriginal(start, end);
    while (si < ns && sentences[si]!.end <= start) si++;
    const s = sentences[si];
    const sentence = s !== undefined && s.start <= start && end <= s.end ? si : -1;
    const norm = sc.norm();
    const kind = sc.kind;
    if (kind === 'measure') {
      out.push(
        Number.isNaN(sc.value)
          ? { start, end, kind, norm, unit: sc.unit, sentence }
          : { start, end, kind, norm, value: sc.value, unit: sc.unit, sentence },
      );
    } else if (kind === 'number' && !Number.isNaN(sc.value)) {
      out.push({ start, end, kind, norm, value: sc.value, sentence });
    } else {
      out.push({ start, end, kind, norm, sentence });
    }
  }
  return out;
}

/** The sequence labeller's input from a Doc: its tokens (original text) and the pack's longest matches as BIO tags. */
import type { Doc } from '../../doc/doc.js';
import { dictionaryTags } from '../../models/ner/labels.js';
import type { NerInput, NerToken } from '../../models/ner/types.js';
import type { Matcher } from '../../terminology/matcher/index.js';

/**
 * Tokens of the `tokens` layer with their original text, and dictionary tags from `matcher` (all `O`
 * without one). The Doc must have `tokens`, `sentences` and `sections` (the matcher reads them).
 */
export function nerInput(doc: Doc, matcher: Matcher | undefined): NerInput {
  const layer = doc.get('tokens');
  const tokens: NerToken[] = layer.map((t) => ({
    text: doc.text.slice(t.start, t.end),
    start: t.start,
    end: t.end,
    sentence: t.sentence,
  }));
  if (!matcher) return { tokens, dict: new Array<string>(tokens.length).fill('O') };
  const concepts = matcher.match({
    text: doc.text,
    tokens: layer,
    sentences: doc.get('sentences'),
    sections: doc.get('sections'),
  });
  return { tokens, dict: dictionaryTags(tokens, concepts) };
}

// PLACEHOLDER — replaced by the tokenizer work.
import { Type } from '@sinclair/typebox';
import type { Token } from '../../doc/types.js';
import { defineComponent } from '../../pipeline/component.js';

export const tokensComponent = defineComponent({
  name: 'tokens',
  version: '0.0.0',
  description: 'Clinical tokenizer with offsets.',
  requires: ['normalized', 'sentences'],
  assigns: ['tokens'],
  options: Type.Object({}, { additionalProperties: false }),
  create() {
    return (doc) => {
      const out: Token[] = [];
      const re = /\w+|[^\w\s]/g;
      for (let m = re.exec(doc.text); m; m = re.exec(doc.text)) {
        out.push({
          start: m.index,
          end: m.index + m[0].length,
          kind: 'word',
          norm: m[0].toLowerCase(),
          sentence: -1,
        });
      }
      doc.set('tokens', out);
    };
  },
});

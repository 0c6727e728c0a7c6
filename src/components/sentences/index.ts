// PLACEHOLDER — replaced by the sentence splitter work.
import { Type } from '@sinclair/typebox';
import type { Sentence } from '../../doc/types.js';
import { defineComponent } from '../../pipeline/component.js';

export const sentencesComponent = defineComponent({
  name: 'sentences',
  version: '0.0.0',
  description: 'Clinical sentence splitter.',
  requires: ['normalized', 'sections'],
  assigns: ['sentences'],
  options: Type.Object({}, { additionalProperties: false }),
  create() {
    return (doc) => {
      const out: Sentence[] = [];
      const re = /[^\n]+/g;
      for (let m = re.exec(doc.text); m; m = re.exec(doc.text)) {
        out.push({ start: m.index, end: m.index + m[0].length, section: 0, kind: 'line' });
      }
      doc.set('sentences', out);
    };
  },
});

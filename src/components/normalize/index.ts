import { Type } from '@sinclair/typebox';
import { normalize } from '../../doc/normalize.js';
import { defineComponent } from '../../pipeline/component.js';

export const normalizeComponent = defineComponent({
  name: 'normalize',
  version: '1.0.0',
  description:
    'Builds the normalized view (NFC, whitespace, quotes, transcription commas, soft wraps) with an offset map to the original.',
  requires: [],
  assigns: ['normalized'],
  options: Type.Object(
    {
      nfc: Type.Optional(Type.Boolean()),
      whitespace: Type.Optional(Type.Boolean()),
      punctuation: Type.Optional(Type.Boolean()),
      transcriptionCommas: Type.Optional(Type.Boolean()),
      softWraps: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  create(options) {
    return (doc) => {
      doc.set('normalized', normalize(doc.text, options));
    };
  },
});

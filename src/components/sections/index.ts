// PLACEHOLDER — replaced by the sectionizer work.
import { Type } from '@sinclair/typebox';
import { defineComponent } from '../../pipeline/component.js';

export const sectionsComponent = defineComponent({
  name: 'sections',
  version: '0.0.0',
  description: 'Section header detection and normalization.',
  requires: ['normalized'],
  assigns: ['sections'],
  options: Type.Object({}, { additionalProperties: false }),
  create() {
    return (doc) => {
      doc.set('sections', [
        {
          start: 0,
          end: doc.text.length,
          category: 'preamble',
          header: null,
          bodyStart: 0,
          evidence: { component: 'sections' },
        },
      ]);
    };
  },
});

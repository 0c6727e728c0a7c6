/**
 * The `classifications` layer of the `classify` component: one item per prediction of a trained
 * classifier, on the whole note (`target: 'document'`) or on one concept (`target: 'concept'`), with
 * its calibrated probability, its offsets and the model that made it. See docs/classify.md.
 */
import type { Static } from '@sinclair/typebox';
import type { ClassificationSchema, ReadonlyDeep } from '../../doc/schema.js';

export interface Classification extends ReadonlyDeep<Static<typeof ClassificationSchema>> {}

declare module '../../doc/types.js' {
  interface Layers {
    classifications: Classification[];
  }
}

import type { Doc } from '../doc/doc.js';
import type { Span } from '../doc/types.js';
import type { ClinoteError } from '../errors/error.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { ErrorResult, Result } from './schema.js';

export interface ResultOptions {
  /**
   * Include the original text (`text`) and the text of each section and sentence. Without it,
   * sections and sentences are offsets only (concepts and the other layers always carry their text).
   */
  readonly text?: boolean;
  /** Include the tokens layer. */
  readonly tokens?: boolean;
}

/** The result while it is built (key by key: the key order is the order of the JSON). */
type ResultDraft = { -readonly [K in keyof Result]: Result[K] };

/** The layers of the result a component adds under its own key (its `outputs`). */
const OPTIONAL_LAYERS = ['medications', 'measurements', 'dates'] as const;
type OptionalLayer = (typeof OPTIONAL_LAYERS)[number];
const isOptionalLayer = (layer: string): layer is OptionalLayer =>
  (OPTIONAL_LAYERS as readonly string[]).includes(layer);

const withText = <T extends Span>(doc: Doc, s: T): T & { text: string } => ({
  ...s,
  text: doc.text.slice(s.start, s.end),
});

/** Set an optional layer of the result from the Doc, when the Doc has it. */
function setLayer(result: ResultDraft, doc: Doc, layer: OptionalLayer): void {
  switch (layer) {
    case 'medications': {
      const v = doc.maybe('medications');
      if (v) result.medications = v;
      return;
    }
    case 'measurements': {
      const v = doc.maybe('measurements');
      if (v) result.measurements = v;
      return;
    }
    case 'dates': {
      const v = doc.maybe('dates');
      if (v) result.dates = v;
      return;
    }
  }
}

/** The documented JSON result of one processed note (see schemas/result.schema.json). */
export function toResult(doc: Doc, pipeline: Pipeline, options: ResultOptions = {}): Result {
  const result: ResultDraft = {
    id: doc.id,
    pipeline: pipeline.stamp,
    flags: doc.flags,
    ...(options.text ? { text: doc.text } : {}),
    // sections and sentences cover the whole note: their text only with --text (else the output
    // would repeat the note twice over)
    sections: (doc.maybe('sections') ?? []).map((s) =>
      options.text ? { ...withText(doc, s), header: s.header } : { ...s },
    ),
    sentences: (doc.maybe('sentences') ?? []).map((s) => (options.text ? withText(doc, s) : { ...s })),
    ...(options.tokens ? { tokens: (doc.maybe('tokens') ?? []).map((t) => withText(doc, t)) } : {}),
    concepts: doc.maybe('concepts') ?? [],
  };
  // the layers components add, in component order
  for (const c of pipeline.components) {
    for (const layer of c.outputs) {
      if (layer in result || !doc.has(layer)) continue;
      if (isOptionalLayer(layer)) setLayer(result, doc, layer);
      // A layer the result schema does not know is still written (the schema is closed, so such
      // a result does not validate until the layer's schema is added to ResultSchema).
      else Object.assign(result, { [layer]: doc.get(layer) });
    }
  }
  return result;
}

export function toErrorResult(id: string, error: ClinoteError, pipeline: Pipeline): ErrorResult {
  return { id, pipeline: pipeline.stamp, error: error.toJSON() };
}

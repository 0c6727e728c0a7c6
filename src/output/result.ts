import type { Doc } from '../doc/doc.js';
import type { Span } from '../doc/types.js';
import type { ClinoteError } from '../errors/error.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { ErrorResult, Result } from './schema.js';

export interface ResultOptions {
  /** Include the original text. */
  readonly text?: boolean;
  /** Include the tokens layer. */
  readonly tokens?: boolean;
}

const withText = <T extends Span>(doc: Doc, s: T): T & { text: string } => ({
  ...s,
  text: doc.text.slice(s.start, s.end),
});

/** The documented JSON result of one processed note (see schemas/result.schema.json). */
export function toResult(doc: Doc, pipeline: Pipeline, options: ResultOptions = {}): Result {
  const result: Record<string, unknown> = {
    id: doc.id,
    pipeline: pipeline.stamp,
    flags: doc.flags,
  };
  if (options.text) result.text = doc.text;
  result.sections = (doc.maybe('sections') ?? []).map((s) => ({
    ...withText(doc, s),
    header: s.header,
  }));
  result.sentences = (doc.maybe('sentences') ?? []).map((s) => withText(doc, s));
  if (options.tokens) result.tokens = (doc.maybe('tokens') ?? []).map((t) => withText(doc, t));
  result.concepts = doc.maybe('concepts') ?? [];
  for (const c of pipeline.components) {
    for (const layer of c.outputs) {
      if (doc.has(layer) && !(layer in result)) result[layer] = doc.get(layer);
    }
  }
  return result as Result;
}

export function toErrorResult(id: string, error: ClinoteError, pipeline: Pipeline): ErrorResult {
  return { id, pipeline: pipeline.stamp as ErrorResult['pipeline'], error: error.toJSON() };
}

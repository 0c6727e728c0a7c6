import { ClinoteError } from '../errors/error.js';
import { NormalizedText } from './normalize.js';
import type { DocMeta, Flag, LayerName, Layers, Span } from './types.js';

/** Format tag of a serialized Doc. */
export const DOC_FORMAT = 'clinote-doc';
export const DOC_FORMAT_VERSION = 1;

/** The JSON form of a Doc (`doc.toJSON()`): text, metadata, flags and every layer as data. */
export interface DocJSON {
  readonly format: typeof DOC_FORMAT;
  readonly formatVersion: number;
  readonly id: string;
  readonly text: string;
  readonly meta: DocMeta;
  readonly flags: readonly Flag[];
  /** Layer name -> value, in the order they were assigned. `normalized` is `NormalizedText.toJSON()`. */
  readonly layers: Readonly<Record<string, unknown>>;
}

function invalid(why: string): ClinoteError {
  return new ClinoteError('CLINOTE_E_DOC_INVALID', `not a serialized Doc: ${why}`, { reason: why });
}

/**
 * A clinical note: the original text, never changed, and typed layers added by components.
 * All spans index `text` as half-open [start, end).
 *
 * A Doc crosses threads and processes as data: `doc.toJSON()` / `Doc.fromJSON()`. A structured
 * clone (`structuredClone`, `postMessage`) keeps every layer too, as plain data without the
 * prototype: revive it with `Doc.fromJSON(clone)`.
 */
export class Doc {
  readonly id: string;
  readonly text: string;
  readonly meta: DocMeta;
  readonly flags: Flag[];
  /**
   * Layer values by name. Use `get`/`maybe`/`set`; the map is an own field (not `#private`) only
   * so that a structured clone of a Doc keeps its layers.
   */
  readonly layers: Map<LayerName, unknown> = new Map();

  constructor(text: string, options: { id?: string; meta?: DocMeta; flags?: Flag[] } = {}) {
    this.text = text;
    this.id = options.id ?? 'doc';
    this.meta = options.meta ?? {};
    this.flags = options.flags ? [...options.flags] : [];
  }

  has(layer: LayerName): boolean {
    return this.layers.has(layer);
  }

  /** The layer's value; throws when no component has assigned it (the pipeline checks this at build). */
  get<K extends LayerName>(layer: K): Layers[K] {
    const value = this.layers.get(layer);
    if (value === undefined) throw new Error(`layer '${layer}' has not been assigned`);
    return value as Layers[K];
  }

  /** The layer's value or undefined. */
  maybe<K extends LayerName>(layer: K): Layers[K] | undefined {
    return this.layers.get(layer) as Layers[K] | undefined;
  }

  set<K extends LayerName>(layer: K, value: Layers[K]): this {
    this.layers.set(layer, value);
    return this;
  }

  layerNames(): LayerName[] {
    return [...this.layers.keys()];
  }

  /** The original text of a span. */
  textOf(span: Span): string {
    return this.text.slice(span.start, span.end);
  }

  /** A span with its text, checked to be in bounds. */
  span(start: number, end: number): { start: number; end: number; text: string } {
    if (!(start >= 0 && end >= start && end <= this.text.length)) {
      throw new RangeError(`span [${start}, ${end}) out of bounds for text of length ${this.text.length}`);
    }
    return { start, end, text: this.text.slice(start, end) };
  }

  /** Everything as JSON data; `Doc.fromJSON(JSON.parse(JSON.stringify(doc)))` gives the same Doc. */
  toJSON(): DocJSON {
    const layers: Record<string, unknown> = {};
    for (const [name, value] of this.layers) {
      layers[name] = value instanceof NormalizedText ? value.toJSON() : value;
    }
    return {
      format: DOC_FORMAT,
      formatVersion: DOC_FORMAT_VERSION,
      id: this.id,
      text: this.text,
      meta: this.meta,
      flags: this.flags,
      layers,
    };
  }

  /**
   * A Doc from `toJSON()` output (parsed or not) or from a structured clone of a Doc. Throws
   * CLINOTE_E_DOC_INVALID when the value is neither (the message never holds note text).
   */
  static fromJSON(value: unknown): Doc {
    if (typeof value !== 'object' || value === null) throw invalid('not an object');
    const v = value as Partial<Record<keyof DocJSON, unknown>> & { layers?: unknown };
    const cloned = v.layers instanceof Map;
    if (!cloned) {
      if (v.format !== DOC_FORMAT) throw invalid(`format is not '${DOC_FORMAT}'`);
      if (v.formatVersion !== DOC_FORMAT_VERSION) throw invalid(`formatVersion is not ${DOC_FORMAT_VERSION}`);
    }
    if (typeof v.text !== 'string') throw invalid('text is not a string');
    if (typeof v.id !== 'string') throw invalid('id is not a string');
    if (v.meta !== undefined && (typeof v.meta !== 'object' || v.meta === null))
      throw invalid('meta is not an object');
    if (v.flags !== undefined && !Array.isArray(v.flags)) throw invalid('flags is not an array');
    const doc = new Doc(v.text, {
      id: v.id,
      ...(v.meta ? { meta: v.meta as DocMeta } : {}),
      ...(v.flags ? { flags: v.flags as Flag[] } : {}),
    });
    const entries: [string, unknown][] = cloned
      ? [...(v.layers as Map<string, unknown>)]
      : typeof v.layers === 'object' && v.layers !== null
        ? Object.entries(v.layers)
        : [];
    if (!cloned && (typeof v.layers !== 'object' || v.layers === null))
      throw invalid('layers is not an object');
    for (const [name, layer] of entries) {
      if (name === 'normalized') {
        const view = NormalizedText.fromJSON(layer, v.text);
        if (!view) throw invalid("layer 'normalized' is not a normalized view of the text");
        doc.layers.set('normalized', view);
      } else if (layer === undefined) {
        throw invalid(`layer '${name}' has no value`);
      } else doc.layers.set(name as LayerName, layer);
    }
    return doc;
  }
}

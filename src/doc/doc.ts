import type { DocMeta, Flag, LayerName, Layers, Span } from './types.js';

/**
 * A clinical note: the original text, never changed, and typed layers added by components.
 * All spans index `text` as half-open [start, end).
 */
export class Doc {
  readonly id: string;
  readonly text: string;
  readonly meta: DocMeta;
  readonly flags: Flag[];
  readonly #layers = new Map<LayerName, unknown>();

  constructor(text: string, options: { id?: string; meta?: DocMeta; flags?: Flag[] } = {}) {
    this.text = text;
    this.id = options.id ?? 'doc';
    this.meta = options.meta ?? {};
    this.flags = options.flags ? [...options.flags] : [];
  }

  has(layer: LayerName): boolean {
    return this.#layers.has(layer);
  }

  /** The layer's value; throws when no component has assigned it (the pipeline checks this at build). */
  get<K extends LayerName>(layer: K): Layers[K] {
    const value = this.#layers.get(layer);
    if (value === undefined) throw new Error(`layer '${layer}' has not been assigned`);
    return value as Layers[K];
  }

  /** The layer's value or undefined. */
  maybe<K extends LayerName>(layer: K): Layers[K] | undefined {
    return this.#layers.get(layer) as Layers[K] | undefined;
  }

  set<K extends LayerName>(layer: K, value: Layers[K]): this {
    this.#layers.set(layer, value);
    return this;
  }

  layerNames(): LayerName[] {
    return [...this.#layers.keys()];
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
}

import type { Static, TSchema } from '@sinclair/typebox';
import type { Doc } from '../doc/doc.js';
import type { LayerName } from '../doc/types.js';

/**
 * What a component reads or writes: a whole layer (`concepts`) or one attribute of a layer's items
 * (`concepts.assertion`). A component that writes an attribute re-sets the layer with the attribute
 * added; later components can require that it ran (a coder requires `concepts.assertion`).
 */
export type LayerRef = LayerName | `${LayerName}.${string}`;

/** The layer of a reference: `concepts.assertion` -> `concepts`. */
export function baseLayer(ref: LayerRef): LayerName {
  const dot = ref.indexOf('.');
  return (dot < 0 ? ref : ref.slice(0, dot)) as LayerName;
}

/** A resource file a component was built from; its hash is part of the pipeline version. */
export interface ResourceRef {
  readonly path: string;
  readonly sha256: string;
  /** Read as bytes (a terminology pack, a model): worker threads share these instead of copying them. */
  readonly binary?: boolean;
}

/** How one component fared on one note (or one batch), for the runner's hooks. */
export type ComponentOutcome = 'ok' | 'error' | 'aborted';

/** Called around every component run: per-component timings for metrics and benchmarks. */
export interface RunHooks {
  /**
   * After a component ran on a note (`notes` = 1) or, through `runMany`, on a batch (`notes` = the
   * batch size). `ms` is wall time. Never given note text.
   */
  onComponent?(component: string, ms: number, outcome: ComponentOutcome, notes: number): void;
}

/** What the runner gives a component on every call. */
export interface RunContext {
  /** Aborted at the note's (or batch's) deadline, or when the caller gives up. Long loops check it. */
  readonly signal: AbortSignal;
}

/** Run on one note. May be synchronous (rules) or return a Promise (a model). */
export type RunFn = (doc: Doc, ctx: RunContext) => void | Promise<void>;

/** Run on several notes at once (model inference batches across notes). Same effect as `run` on each. */
export type RunManyFn = (docs: readonly Doc[], ctx: RunContext) => void | Promise<void>;

/** What a factory builds: a run function, or a run function with a batch form. */
export interface ComponentRunner {
  readonly run: RunFn;
  readonly runMany?: RunManyFn;
}

/** A built component: a step of the pipeline. Doc in, Doc out. */
export interface Component {
  readonly name: string;
  readonly version: string;
  readonly requires: readonly LayerRef[];
  readonly reads: readonly LayerRef[];
  readonly assigns: readonly LayerRef[];
  /** True when `run` (or `runMany`) returns a Promise: `processSync` refuses the pipeline. */
  readonly async: boolean;
  /** Resource files this instance was built from. */
  readonly resources: readonly ResourceRef[];
  /** Layers this component adds to the JSON result under their own key (besides the core ones). */
  readonly outputs: readonly LayerName[];
  readonly run: RunFn;
  readonly runMany?: RunManyFn;
}

/** What a factory may use while building a component. The core does no I/O of its own. */
export interface FactoryContext {
  /** Read a resource (a path under resources/, or an absolute path). Records its hash. */
  readResource(path: string): string;
  /** Read a binary resource (e.g. a terminology pack). Records its hash. */
  readResourceBytes(path: string): Uint8Array;
  /**
   * A value compiled from resource text, cached by `kind` and the text's content hash for the life
   * of the process (shared between pipeline builds). `kind` names what is compiled and its version.
   * With `persist`, the value must be JSON data: it is also kept in the on-disk cache folder and
   * read back by the next process instead of compiling again. `compile` runs only on a miss.
   * Optional: without it a factory compiles every time.
   */
  compiled?<T>(kind: string, text: string, compile: () => T, options?: { readonly persist?: boolean }): T;
}

/** A versioned factory registered under a name. */
export interface ComponentFactory<S extends TSchema = TSchema> {
  readonly name: string;
  /** Semantic version; a config may pin a range (`"version": "^1"`). */
  readonly version: string;
  readonly description: string;
  /** Layers (or layer attributes) that must be assigned by a component before this one. */
  readonly requires: readonly LayerRef[];
  /**
   * Layers read when present (optional reads). The pipeline refuses a config where one of them is
   * assigned only by a LATER component: the output would depend on config order.
   */
  readonly reads?: readonly LayerRef[];
  /** Layers (or layer attributes) this component sets on every note. */
  readonly assigns: readonly LayerRef[];
  /** The run function returns a Promise (a model runtime, I/O). Default false. */
  readonly async?: boolean;
  /** TypeBox schema of the options; unknown keys must be rejected (additionalProperties: false). */
  readonly options: S;
  /** Layers to copy into the JSON result under their own key (core layers are always there). */
  readonly outputs?: readonly LayerName[];
  /** Build the component once per pipeline; may be asynchronous (loading a model). */
  create(options: Static<S>, ctx: FactoryContext): RunFn | ComponentRunner | Promise<RunFn | ComponentRunner>;
}

/** Helper to get the option type checked against the schema. */
export function defineComponent<S extends TSchema>(factory: ComponentFactory<S>): ComponentFactory<S> {
  return factory;
}

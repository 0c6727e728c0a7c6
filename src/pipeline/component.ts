import type { Static, TSchema } from '@sinclair/typebox';
import type { Doc } from '../doc/doc.js';
import type { LayerName } from '../doc/types.js';

/** A resource file a component was built from; its hash is part of the pipeline version. */
export interface ResourceRef {
  readonly path: string;
  readonly sha256: string;
}

/** A built component: a step of the pipeline. Doc in, Doc out. */
export interface Component {
  readonly name: string;
  readonly version: string;
  readonly requires: readonly LayerName[];
  readonly assigns: readonly LayerName[];
  /** Resource files this instance was built from. */
  readonly resources: readonly ResourceRef[];
  /** Layers this component adds to the JSON result under their own key (besides the core ones). */
  readonly outputs: readonly LayerName[];
  run(doc: Doc): Doc;
}

/** What a factory may use while building a component. The core does no I/O of its own. */
export interface FactoryContext {
  /** Read a resource (a path under resources/, or an absolute path). Records its hash. */
  readResource(path: string): string;
  /** Read a binary resource (e.g. a terminology pack). Records its hash. */
  readResourceBytes(path: string): Uint8Array;
}

/** A versioned factory registered under a name. */
export interface ComponentFactory<S extends TSchema = TSchema> {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly requires: readonly LayerName[];
  readonly assigns: readonly LayerName[];
  /** TypeBox schema of the options; unknown keys must be rejected (additionalProperties: false). */
  readonly options: S;
  /** Layers to copy into the JSON result under their own key (core layers are always there). */
  readonly outputs?: readonly LayerName[];
  create(options: Static<S>, ctx: FactoryContext): (doc: Doc) => void;
}

/** Helper to get the option type checked against the schema. */
export function defineComponent<S extends TSchema>(factory: ComponentFactory<S>): ComponentFactory<S> {
  return factory;
}

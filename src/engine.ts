/**
 * The one way adapters (CLI, HTTP, workers, benchmarks) build a pipeline: a config (object or JSON
 * file), the default registry of components and the package's resource files.
 */

import { existsSync } from 'node:fs';
import { registryOf } from './components/loaders.js';
import { ClinoteError } from './errors/error.js';
import { readJsonFile } from './io/json-file.js';
import type { RunHooks } from './pipeline/component.js';
import { type CreatePipelineOptions, createPipeline, type Pipeline } from './pipeline/pipeline.js';
import type { Registry } from './pipeline/registry.js';
import { fileResourceContext, resourcePath } from './resources.js';

export const DEFAULT_PIPELINE = 'pipelines/default.json';

export interface LoadPipelineOptions {
  /** A config object, or a path to a JSON config (default: resources/pipelines/default.json). */
  readonly config?: unknown;
  readonly configPath?: string;
  readonly registry?: Registry;
  readonly maxNoteBytes?: number;
  /** Override of limits.timeoutMs (a deadline per note). */
  readonly timeoutMs?: number;
  /** A terminology pack path for the `concepts` component (like `--pack`). */
  readonly pack?: string;
  /** Hooks around every component run (per-component timings). */
  readonly hooks?: RunHooks;
  /**
   * Resource bytes already in memory, by absolute path (a worker thread gets the terminology pack
   * as a SharedArrayBuffer view from the main thread instead of reading it again).
   */
  readonly sharedBytes?: ReadonlyMap<string, Uint8Array>;
}

/** The component that takes a terminology pack. */
export const CONCEPTS_COMPONENT = 'concepts';

/**
 * The config with `options.pack` set on its `concepts` component (and on the `link` of a `ner`
 * component that links). `applied` is false when the config has no `concepts` component (the caller
 * says so to the user).
 */
export function applyPack(config: unknown, pack: string): { config: unknown; applied: boolean } {
  const components = (config as { components?: unknown } | null)?.components;
  if (!Array.isArray(components)) return { config, applied: false };
  let applied = false;
  const patched = components.map((c: unknown) => {
    // a `ner` (or `transformer-ner`) component that links its mentions links them to the same pack (docs/ner.md)
    const name = typeof c === 'object' && c !== null ? (c as { name?: unknown }).name : undefined;
    if (name === 'ner' || name === 'transformer-ner') {
      const o = (c as { options?: { link?: unknown } }).options;
      if (o?.link === true || (typeof o?.link === 'object' && o.link !== null)) {
        return {
          ...(c as object),
          options: { ...o, link: { ...(o.link === true ? {} : (o.link as object)), pack } },
        };
      }
      return c;
    }
    if (typeof c !== 'object' || c === null || (c as { name?: unknown }).name !== CONCEPTS_COMPONENT)
      return c;
    applied = true;
    const prev = (c as { options?: unknown }).options;
    const opts = typeof prev === 'object' && prev !== null ? prev : {};
    return { ...c, options: { ...opts, pack } };
  });
  return { config: { ...(config as object), components: patched }, applied };
}

/**
 * The file of a pipeline config given on a command line or in a server config: a path, or the name
 * of a built-in pipeline (`default`, `ml`, `coding`, `transformer`: `resources/pipelines/NAME.json`) when no file of
 * that name exists in the working directory.
 */
export function pipelineConfigPath(path: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(path) || existsSync(path)) return path;
  const builtIn = resourcePath(`pipelines/${path}.json`);
  return existsSync(builtIn) ? builtIn : path;
}

/** Read and parse a pipeline config file (a path, or a built-in pipeline's name). */
export function readConfigFile(given: string): unknown {
  return readJsonFile(pipelineConfigPath(given), 'pipeline config', {
    unreadable: 'CLINOTE_E_CONFIG_UNREADABLE',
  });
}

/** The config of a load: the file or object given (or the default), with the pack applied. */
export function configOf(options: LoadPipelineOptions): unknown {
  let config = options.config ?? readConfigFile(options.configPath ?? resourcePath(DEFAULT_PIPELINE));
  if (options.pack !== undefined) config = applyPack(config, options.pack).config;
  return config;
}

/** The options of `createPipeline` for a load, given its registry. */
export function createOptions(options: LoadPipelineOptions, registry: Registry): CreatePipelineOptions {
  return {
    registry,
    context: fileResourceContext(options.sharedBytes ? { shared: options.sharedBytes } : {}),
    ...(options.maxNoteBytes !== undefined ? { maxNoteBytes: options.maxNoteBytes } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.hooks !== undefined ? { hooks: options.hooks } : {}),
  };
}

/**
 * Resolves registry references (`models:/NAME@ALIAS`, `models:/NAME/VERSION`): a config that is one
 * (a registered pipeline) or components whose `model` option is one. Installed by the registry
 * (src/registry/resolve.ts: `installRegistryResolver`); the engine itself knows no registry.
 */
export type ModelUriResolver = (config: unknown) => Promise<unknown>;

let modelUriResolver: ModelUriResolver | undefined;

/** Install (or, with undefined, remove) the resolver of `models:/` references. */
export function setModelUriResolver(resolver: ModelUriResolver | undefined): void {
  modelUriResolver = resolver;
}

const isModelUri = (v: unknown): v is string => typeof v === 'string' && v.startsWith('models:/');

/** The config with its `models:/` references resolved; unchanged when it has none. */
export async function resolveModelUris(config: unknown): Promise<unknown> {
  if (!isModelUri(config) && !JSON.stringify(config ?? null).includes('"models:/')) return config;
  if (!modelUriResolver)
    throw new ClinoteError(
      'CLINOTE_E_REGISTRY_URI_UNRESOLVED',
      'the pipeline config refers to the model registry (models:/...) but no registry is installed in this process',
    );
  return modelUriResolver(config);
}

/** Names of the components a config lists (for loading only those). */
function componentNames(config: unknown): string[] {
  const components = (config as { components?: unknown } | null)?.components;
  if (!Array.isArray(components)) return [];
  return components
    .map((c: unknown) => (c as { name?: unknown } | null)?.name)
    .filter((n): n is string => typeof n === 'string');
}

/**
 * Build a pipeline (the default one unless a config is given). Only the components the config
 * names are imported; components may build asynchronously.
 */
export async function loadPipeline(options: LoadPipelineOptions = {}): Promise<Pipeline> {
  const config = await resolveModelUris(
    isModelUri(options.configPath) ? configOf({ ...options, config: options.configPath }) : configOf(options),
  );
  const registry = options.registry ?? (await registryOf(componentNames(config)));
  return createPipeline(config, createOptions(options, registry));
}

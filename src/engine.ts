/**
 * The one way adapters (CLI, HTTP, workers, benchmarks) build a pipeline: a config (object or JSON
 * file), the default registry of components and the package's resource files.
 */
import { readFileSync } from 'node:fs';
import { defaultRegistry } from './components/index.js';
import { ClinoteError } from './errors/error.js';
import { createPipeline, type Pipeline } from './pipeline/pipeline.js';
import type { Registry } from './pipeline/registry.js';
import { fileResourceContext, resourcePath } from './resources.js';

export const DEFAULT_PIPELINE = 'pipelines/default.json';

export interface LoadPipelineOptions {
  /** A config object, or a path to a JSON config (default: resources/pipelines/default.json). */
  readonly config?: unknown;
  readonly configPath?: string;
  readonly registry?: Registry;
  readonly maxNoteBytes?: number;
  /** A terminology pack path for the `concepts` component (like `--pack`). */
  readonly pack?: string;
}

/** The component that takes a terminology pack. */
export const CONCEPTS_COMPONENT = 'concepts';

/**
 * The config with `options.pack` set on its `concepts` component. `applied` is false when the
 * config has no such component (the caller says so to the user).
 */
export function applyPack(config: unknown, pack: string): { config: unknown; applied: boolean } {
  const components = (config as { components?: unknown } | null)?.components;
  if (!Array.isArray(components)) return { config, applied: false };
  let applied = false;
  const patched = components.map((c: unknown) => {
    if (typeof c !== 'object' || c === null || (c as { name?: unknown }).name !== CONCEPTS_COMPONENT)
      return c;
    applied = true;
    const prev = (c as { options?: unknown }).options;
    const opts = typeof prev === 'object' && prev !== null ? prev : {};
    return { ...c, options: { ...opts, pack } };
  });
  return { config: { ...(config as object), components: patched }, applied };
}

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_CONFIG_UNREADABLE',
      `cannot read pipeline config '${path}'`,
      { path },
      { cause: e },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_CONFIG_UNREADABLE',
      `pipeline config '${path}' is not valid JSON: ${e instanceof Error ? e.message : ''}`,
      { path },
    );
  }
}

export function loadPipeline(options: LoadPipelineOptions = {}): Pipeline {
  let config = options.config ?? readConfigFile(options.configPath ?? resourcePath(DEFAULT_PIPELINE));
  if (options.pack !== undefined) config = applyPack(config, options.pack).config;
  return createPipeline(config, {
    registry: options.registry ?? defaultRegistry(),
    context: fileResourceContext(),
    ...(options.maxNoteBytes !== undefined ? { maxNoteBytes: options.maxNoteBytes } : {}),
  });
}

/**
 * The registry's side of the engine's resolver hook (src/engine.ts `setModelUriResolver`): a config
 * that is a `models:/` reference becomes the registered pipeline's config, and components whose
 * `model` option is one get the artifact folder of the version it names. Aliases are read at each
 * load: a pipeline built after `registry alias set` runs the new version.
 */
import { setModelUriResolver } from '../engine.js';
import { type OpenRegistryOptions, openRegistry, type Registry } from './registry.js';
import { isModelUri } from './uri.js';

/** Resolve with an open registry. */
export async function resolveWith(registry: Registry, config: unknown): Promise<unknown> {
  if (isModelUri(config)) return registry.pipelineConfig(await registry.resolve(config));
  return registry.resolveConfig(config);
}

/**
 * Install the resolver for this process (the CLI, a script). `registry`: an open one to use, else
 * each load opens the store named by the options (default: $CLINOTE_STORE or the data folder) and
 * closes it.
 */
export function installRegistryResolver(source: Registry | OpenRegistryOptions = {}): void {
  setModelUriResolver(async (config) => {
    if ('artifacts' in source && typeof source.artifacts === 'object')
      return resolveWith(source as Registry, config);
    const registry = await openRegistry(source as OpenRegistryOptions);
    try {
      return await resolveWith(registry, config);
    } finally {
      await registry.close();
    }
  });
}

/** Resolve with the registry of the environment ($CLINOTE_STORE, $CLINOTE_ARTIFACTS, else the defaults). */
export async function resolveFromEnv(
  config: unknown,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<unknown> {
  const registry = await openRegistry({ env });
  try {
    return await resolveWith(registry, config);
  } finally {
    await registry.close();
  }
}

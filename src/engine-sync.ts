/**
 * `loadPipelineSync`: the default registry with every built-in component, built synchronously.
 * For tests, benchmarks and scripts; adapters that start fast (the CLI, workers) use
 * `loadPipeline`, which imports only the components a config names.
 */
import { defaultRegistry } from './components/index.js';
import { configOf, createOptions, type LoadPipelineOptions } from './engine.js';
import { createPipelineSync, type Pipeline } from './pipeline/pipeline.js';

/** `loadPipeline` for configs of synchronous components (every rule component). */
export function loadPipelineSync(options: LoadPipelineOptions = {}): Pipeline {
  return createPipelineSync(configOf(options), createOptions(options, options.registry ?? defaultRegistry()));
}

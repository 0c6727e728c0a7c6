/** Clinote's public API (re-exports only). */

export * from './batch/index.js';
export { defaultRegistry } from './components/index.js';
export * from './doc/index.js';
export { DEFAULT_PIPELINE, type LoadPipelineOptions, loadPipeline, readConfigFile } from './engine.js';
export { loadPipelineSync } from './engine-sync.js';
export * from './errors/index.js';
export { type ResultOptions, toErrorResult, toResult } from './output/result.js';
export type { ErrorResult, Result } from './output/schema.js';
export * from './pipeline/index.js';
export { fileResourceContext, packageRoot } from './resources.js';

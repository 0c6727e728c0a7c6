export type {
  Component,
  ComponentFactory,
  ComponentOutcome,
  ComponentRunner,
  FactoryContext,
  LayerRef,
  ResourceRef,
  RunContext,
  RunFn,
  RunHooks,
  RunManyFn,
} from './component.js';
export { baseLayer, defineComponent } from './component.js';
export {
  type ComponentConfig,
  DEFAULT_MAX_NOTE_BYTES,
  type PipelineConfig,
  PipelineConfigSchema,
  parsePipelineConfig,
  schemaIssues,
} from './config.js';
export {
  type CreatePipelineOptions,
  createPipeline,
  createPipelineSync,
  type NoteInput,
  type Pipeline,
  type PipelineStamp,
  type ProcessOptions,
  type ProcessOutcome,
  sha256,
} from './pipeline.js';
export { Registry } from './registry.js';

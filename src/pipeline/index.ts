export type { Component, ComponentFactory, FactoryContext, ResourceRef } from './component.js';
export { defineComponent } from './component.js';
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
  type NoteInput,
  type Pipeline,
  type PipelineStamp,
  type ProcessOutcome,
  sha256,
} from './pipeline.js';
export { Registry } from './registry.js';

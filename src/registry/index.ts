/**
 * The model registry (docs/registry.md): versions, aliases, lineage, evaluation reports, gated
 * promotion, deployments and their online comparison.
 *
 *   const registry = await openRegistry({ url: process.env.CLINOTE_STORE });
 *   const v = await registry.register({ name: 'ner', pipeline: 'resources/pipelines/ml.json' });
 *   await registry.setAlias('ner', 'champion', v.version);
 *   const config = await registry.pipelineConfig(await registry.resolve('models:/ner@champion'));
 */
export * from './artifacts.js';
export * from './evaluate.js';
export * from './online.js';
export * from './policy.js';
export * from './registry.js';
export * from './resolve.js';
export * from './stats.js';
export * from './uri.js';

/**
 * Which pipeline a run asks for and a worker builds: `--pipeline NAME|CONFIG` (a name of
 * resources/pipelines/NAME.json, else a path to a config JSON) and `--pack` (else CLINOTE_PACK).
 * The version of what it builds decides the queue (src/worker/schema.ts `queueName`).
 */
import { existsSync } from 'node:fs';
import type { WorkerPipelineOptions } from '../batch/wire.js';
import { DEFAULT_PIPELINE, readConfigFile } from '../engine.js';
import { resourcePath } from '../resources.js';

export interface PipelineChoice {
  /** What the user named: `default`, a pipeline name, or a config path. */
  readonly name: string;
  /** Plain options (the config read once): they cross to worker threads. */
  readonly load: WorkerPipelineOptions;
}

export function choosePipeline(
  pipeline: string | undefined,
  pack: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): PipelineChoice {
  let name = 'default';
  let path = resourcePath(DEFAULT_PIPELINE);
  if (pipeline !== undefined) {
    name = pipeline;
    const named = /^[\w-]+$/.test(pipeline) ? resourcePath(`pipelines/${pipeline}.json`) : null;
    path = named !== null && existsSync(named) ? named : pipeline;
  }
  const envPack = env.CLINOTE_PACK;
  const chosenPack = pack ?? (envPack !== undefined && envPack !== '' ? envPack : undefined);
  return {
    name,
    load: { config: readConfigFile(path), ...(chosenPack !== undefined ? { pack: chosenPack } : {}) },
  };
}

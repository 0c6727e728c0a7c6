import { PipelineConfigSchema } from '../pipeline/config.js';
import { ErrorResultSchema, ResultSchema } from './schema.js';

/** The JSON Schema files kept in schemas/ (generated; a test keeps them in step). */
export function generatedSchemas(): Record<string, unknown> {
  const draft = 'http://json-schema.org/draft-07/schema#';
  return {
    'result.schema.json': { $schema: draft, ...ResultSchema },
    'error-result.schema.json': { $schema: draft, ...ErrorResultSchema },
    'pipeline-config.schema.json': { $schema: draft, ...PipelineConfigSchema },
  };
}

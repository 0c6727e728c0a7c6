import { type Static, Type } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { ClinoteError } from '../errors/error.js';

export const ComponentConfigSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Registered component name' }),
    version: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'A semver range of the component version (`^1`, `~1.2`, `1.2.0`); default the highest registered. The stamp records the resolved version.',
      }),
    ),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Component options' })),
  },
  { additionalProperties: false },
);

export const PipelineConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, description: 'Name of the pipeline' }),
    description: Type.Optional(Type.String()),
    limits: Type.Optional(
      Type.Object(
        {
          maxNoteBytes: Type.Optional(
            Type.Integer({ minimum: 1, description: 'Largest note accepted, in UTF-8 bytes (default 1 MB)' }),
          ),
          timeoutMs: Type.Optional(
            Type.Integer({
              minimum: 1,
              description:
                'Deadline per note in milliseconds (per batch in processMany); none by default. A note past it fails with CLINOTE_E_PIPELINE_DEADLINE.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    components: Type.Array(ComponentConfigSchema, { minItems: 1 }),
  },
  { additionalProperties: false, $id: 'https://clinote.dev/schemas/pipeline-config.json' },
);

export type PipelineConfig = Static<typeof PipelineConfigSchema>;
export type ComponentConfig = Static<typeof ComponentConfigSchema>;

export const DEFAULT_MAX_NOTE_BYTES = 1_048_576;

/** JSON-pointer-ish path to a readable key: `/components/1/options/x` -> `components[1].options.x`. */
export function readablePath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

/** Every problem of `value` against `schema`, each naming its key. Unknown keys are named too. */
export function schemaIssues(schema: Parameters<typeof Value.Errors>[0], value: unknown): string[] {
  // the fast check first: listing errors walks the whole value and costs more
  if (Value.Check(schema, value)) return [];
  const issues: string[] = [];
  for (const e of Value.Errors(schema, value)) {
    const at = readablePath(e.path);
    if (e.type === ValueErrorType.ObjectAdditionalProperties) {
      issues.push(`${at}: unknown key`);
      continue;
    }
    issues.push(`${at}: ${e.message}`);
  }
  return [...new Set(issues)];
}

/** Validate a parsed config; throws CLINOTE_E_CONFIG_INVALID naming every bad key. */
export function parsePipelineConfig(value: unknown, source = 'pipeline config'): PipelineConfig {
  const issues = schemaIssues(PipelineConfigSchema, value);
  if (issues.length > 0) {
    throw new ClinoteError('CLINOTE_E_CONFIG_INVALID', `${source}: ${issues.join('; ')}`, { issues });
  }
  return value as PipelineConfig;
}

import type { Static, TSchema } from '@sinclair/typebox';
import { ClinoteError } from '../errors/error.js';
import type { FactoryContext } from './component.js';
import { schemaIssues } from './config.js';

/**
 * Read a JSON rule/lexicon file through the factory context and validate it against its schema.
 * Throws CLINOTE_E_RESOURCE_INVALID naming the file and every bad key.
 */
export function loadJsonResource<S extends TSchema>(ctx: FactoryContext, path: string, schema: S): Static<S> {
  const text = ctx.readResource(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_RESOURCE_INVALID',
      `${path}: not valid JSON (${e instanceof Error ? e.message : ''})`,
      { path },
    );
  }
  const issues = schemaIssues(schema, value);
  if (issues.length > 0) {
    throw new ClinoteError('CLINOTE_E_RESOURCE_INVALID', `${path}: ${issues.slice(0, 10).join('; ')}`, {
      path,
      issues,
    });
  }
  return value as Static<S>;
}

import { createHash } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import { ClinoteError, jsonErrorReason } from '../errors/error.js';
import type { FactoryContext } from './component.js';
import { schemaIssues } from './config.js';

/**
 * Read a JSON rule/lexicon file through the factory context and validate it against its schema.
 * Throws CLINOTE_E_RESOURCE_INVALID naming the file and every bad key.
 */
export function loadJsonResource<S extends TSchema>(ctx: FactoryContext, path: string, schema: S): Static<S> {
  const text = ctx.readResource(path);
  const parse = (): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ClinoteError(
        'CLINOTE_E_RESOURCE_INVALID',
        `${path}: not valid JSON (${jsonErrorReason(e)})`,
        { path },
      );
    }
  };
  if (!ctx.compiled) return checked(path, parse(), schema);
  // validating a large rule file is most of its load time: a file checked once against this schema
  // (same bytes, same schema) is not checked again, in this process or the next (disk cache)
  const kind = `json-valid:${schemaKey(schema)}`;
  let value: unknown;
  ctx.compiled(
    kind,
    text,
    () => {
      value = checked(path, parse(), schema);
      return true;
    },
    { persist: true },
  );
  return (value ?? parse()) as Static<S>;
}

function checked<S extends TSchema>(path: string, value: unknown, schema: S): Static<S> {
  const issues = schemaIssues(schema, value);
  if (issues.length > 0) {
    throw new ClinoteError('CLINOTE_E_RESOURCE_INVALID', `${path}: ${issues.slice(0, 10).join('; ')}`, {
      path,
      issues,
    });
  }
  return value as Static<S>;
}

const schemaKeys = new WeakMap<object, string>();

/** A short hash of a schema's JSON: a changed schema re-validates every file. */
function schemaKey(schema: TSchema): string {
  let key = schemaKeys.get(schema);
  if (key === undefined) {
    key = createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16);
    schemaKeys.set(schema, key);
  }
  return key;
}

/**
 * Registry references, pure: `models:/NAME/VERSION` (a version number) and `models:/NAME@ALIAS`
 * (an alias: `champion`, `challenger`, any name), the URI form MLflow users know. On the command
 * line the scheme may be left out (`ner@champion`, `ner/3`).
 */
import { ClinoteError } from '../errors/error.js';

export const URI_SCHEME = 'models:/';

/** Names and aliases: 1 to 64 letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type ModelRef =
  | { readonly name: string; readonly version: number; readonly alias?: undefined }
  | { readonly name: string; readonly alias: string; readonly version?: undefined };

export function isModelUri(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(URI_SCHEME);
}

/** A short form of a reference safe to print (it is checked first: never arbitrary input). */
export function formatRef(ref: ModelRef): string {
  return ref.alias !== undefined ? `models:/${ref.name}@${ref.alias}` : `models:/${ref.name}/${ref.version}`;
}

export function checkName(value: string, what: string): string {
  if (!NAME_PATTERN.test(value))
    throw new ClinoteError(
      'CLINOTE_E_REGISTRY_BAD_INPUT',
      `${what} must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      { what },
    );
  return value;
}

export function parseVersion(value: string | number, what = 'version'): number {
  const n = typeof value === 'number' ? value : /^\d{1,9}$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new ClinoteError('CLINOTE_E_REGISTRY_BAD_INPUT', `${what} must be a positive integer`, { what });
  return n;
}

/** Parse `models:/NAME/VERSION`, `models:/NAME@ALIAS` (or, with `bare`, the same without the scheme). */
export function parseModelRef(value: string, options: { readonly bare?: boolean } = {}): ModelRef {
  let rest: string;
  if (value.startsWith(URI_SCHEME)) rest = value.slice(URI_SCHEME.length);
  else if (options.bare) rest = value;
  else throw badUri();
  const at = /^([^@/]+)@([^@/]+)$/.exec(rest);
  if (at && NAME_PATTERN.test(at[1]!) && NAME_PATTERN.test(at[2]!)) return { name: at[1]!, alias: at[2]! };
  const slash = /^([^@/]+)\/(\d{1,9})$/.exec(rest);
  if (slash && NAME_PATTERN.test(slash[1]!) && Number(slash[2]) >= 1)
    return { name: slash[1]!, version: Number(slash[2]) };
  throw badUri();
}

function badUri(): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_REGISTRY_BAD_URI',
    'not a registry reference: use models:/NAME/VERSION or models:/NAME@ALIAS',
  );
}

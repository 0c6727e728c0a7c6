/**
 * Test helpers (not shipped: tsconfig.build.json leaves `testing.ts` files out of dist).
 */
import type { TSchema } from '@sinclair/typebox';
import type { Doc } from '../doc/doc.js';
import { fileResourceContext } from '../resources.js';
import type { ComponentFactory, FactoryContext, RunContext } from './component.js';

const CTX: RunContext = { signal: new AbortController().signal };

/** Build one synchronous component outside a pipeline and return a `(doc) => void` running it. */
export function buildSync<S extends TSchema>(
  factory: ComponentFactory<S>,
  options: Parameters<ComponentFactory<S>['create']>[0],
  ctx: FactoryContext = fileResourceContext(),
): (doc: Doc) => void {
  const made = factory.create(options, ctx);
  if (made instanceof Promise) throw new Error(`component '${factory.name}' builds asynchronously`);
  const run = typeof made === 'function' ? made : made.run;
  return (doc) => {
    const r = run(doc, CTX);
    if (r instanceof Promise) throw new Error(`component '${factory.name}' runs asynchronously`);
  };
}

/** Every `id` of a JSON value (a rule file), depth first. */
export function idsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(idsOf);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return [...(typeof o.id === 'string' ? [o.id] : []), ...Object.values(o).flatMap(idsOf)];
  }
  return [];
}

/** Every list of words of a JSON value (arrays of strings), with its path. */
export function listsOf(value: unknown, path = ''): [string, string[]][] {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return [[path, value as string[]]];
    return value.flatMap((v, i) => listsOf(v, `${path}[${i}]`));
  }
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => listsOf(v, path ? `${path}.${k}` : k));
  return [];
}

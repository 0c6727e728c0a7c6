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

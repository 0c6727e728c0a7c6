/**
 * The built-in components by name, each loaded on demand: a pipeline imports only the components
 * its config names (a segmentation-only pipeline never loads the terminology matcher).
 */
import type { TSchema } from '@sinclair/typebox';
import type { ComponentFactory } from '../pipeline/component.js';
import { Registry } from '../pipeline/registry.js';

type Loader = () => Promise<ComponentFactory<TSchema>>;

export const COMPONENT_LOADERS: Readonly<Record<string, Loader>> = {
  normalize: async () => (await import('./normalize/index.js')).normalizeComponent,
  sections: async () => (await import('./sections/index.js')).sectionsComponent,
  sentences: async () => (await import('./sentences/index.js')).sentencesComponent,
  tokens: async () => (await import('./tokens/index.js')).tokensComponent,
  concepts: async () => (await import('./concepts/index.js')).conceptsComponent,
  assertions: async () => (await import('./assertions/index.js')).assertionsComponent,
  medications: async () => (await import('./medications/index.js')).medicationsComponent,
  measurements: async () => (await import('./measurements/index.js')).measurementsComponent,
  dates: async () => (await import('./dates/index.js')).datesComponent,
  modifiers: async () => (await import('./modifiers/index.js')).modifiersComponent,
  ner: async () => (await import('./ner/index.js')).nerComponent,
  'transformer-ner': async () => (await import('./transformer-ner/index.js')).transformerNerComponent,
  coding: async () => (await import('./coding/index.js')).codingComponent,
  classify: async () => (await import('./classify/index.js')).classifyComponent,
};

/** A registry holding the built-in components among `names` (unknown names are left for the pipeline to report). */
export async function registryOf(names: Iterable<string>): Promise<Registry> {
  const registry = new Registry();
  const wanted = [...new Set(names)].filter((n) => Object.hasOwn(COMPONENT_LOADERS, n));
  const factories = await Promise.all(wanted.map((n) => (COMPONENT_LOADERS[n] as Loader)()));
  for (const f of factories) registry.register(f);
  return registry;
}

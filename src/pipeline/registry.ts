import type { TSchema } from '@sinclair/typebox';
import type { ComponentFactory } from './component.js';

/** Versioned component factories by name. */
export class Registry {
  readonly #factories = new Map<string, ComponentFactory<TSchema>>();

  register<S extends TSchema>(factory: ComponentFactory<S>): this {
    if (this.#factories.has(factory.name)) {
      throw new Error(`component '${factory.name}' is already registered`);
    }
    this.#factories.set(factory.name, factory as unknown as ComponentFactory<TSchema>);
    return this;
  }

  get(name: string): ComponentFactory<TSchema> | undefined {
    return this.#factories.get(name);
  }

  names(): string[] {
    return [...this.#factories.keys()];
  }

  list(): ComponentFactory<TSchema>[] {
    return [...this.#factories.values()];
  }
}

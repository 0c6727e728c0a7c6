import type { TSchema } from '@sinclair/typebox';
import { ClinoteError } from '../errors/error.js';
import type { ComponentFactory } from './component.js';
import { compareVersions, parseVersion, satisfies, type Version } from './semver.js';

/**
 * Component factories keyed `name@version`. Several versions of one component can be registered
 * side by side (shadow and canary deployments compare two pipelines in one process); a config
 * picks one with a semver range, and without one gets the highest.
 */
export class Registry {
  /** name -> its versions, highest first. */
  readonly #byName = new Map<string, ComponentFactory<TSchema>[]>();

  register<S extends TSchema>(factory: ComponentFactory<S>): this {
    const version = parseVersion(factory.version);
    if (version === null) {
      throw new Error(`component '${factory.name}': version '${factory.version}' is not a semantic version`);
    }
    const versions = this.#byName.get(factory.name) ?? [];
    if (versions.some((f) => f.version === factory.version)) {
      throw new ClinoteError(
        'CLINOTE_E_REGISTRY_DUPLICATE',
        `component '${factory.name}@${factory.version}' is already registered`,
        { component: factory.name, version: factory.version },
      );
    }
    // a factory's create takes its own options type; the registry hands it validated options
    versions.push(factory as ComponentFactory<TSchema>);
    versions.sort((a, b) =>
      compareVersions(parseVersion(b.version) as Version, parseVersion(a.version) as Version),
    );
    this.#byName.set(factory.name, versions);
    return this;
  }

  /** The highest version of `name` satisfying `range` (any version when omitted). */
  get(name: string, range?: string): ComponentFactory<TSchema> | undefined {
    const versions = this.#byName.get(name);
    if (!versions) return undefined;
    if (range === undefined) return versions[0];
    return versions.find((f) => satisfies(f.version, range));
  }

  /** Registered versions of `name`, highest first. */
  versions(name: string): string[] {
    return (this.#byName.get(name) ?? []).map((f) => f.version);
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** Every registered factory, every version, highest version first within a name. */
  list(): ComponentFactory<TSchema>[] {
    return [...this.#byName.values()].flat();
  }
}

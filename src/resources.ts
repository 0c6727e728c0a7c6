/**
 * Where the package's own files live (resources/, schemas/, examples/), and the default
 * FactoryContext that reads resource files from disk. This is the only place the engine reads its
 * resources; adapters pass it to createPipelineSync.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClinoteError } from './errors/error.js';
import type { FactoryContext } from './pipeline/component.js';

let root: string | undefined;

/** The package root (the folder holding clinote's package.json), from src/ or dist/src/. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'clinote') {
          root = dir;
          return dir;
        }
      } catch {
        // not ours; keep walking up
      }
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the clinote package root');
}

export function resourcePath(path: string): string {
  return isAbsolute(path) ? path : resolve(packageRoot(), 'resources', path);
}

/** Values compiled from resource text, by kind and content hash: shared by every pipeline build of the process. */
const compiledCache = new Map<string, unknown>();

/** Clear the in-process cache of compiled resources (tests measure builds with and without it). */
export function clearCompiledCache(): void {
  compiledCache.clear();
}

function compiledOnce<T>(kind: string, text: string, compile: () => T): T {
  const key = `${kind}\0${createHash('sha256').update(text).digest('hex')}`;
  if (compiledCache.has(key)) return compiledCache.get(key) as T;
  const value = compile();
  compiledCache.set(key, value);
  return value;
}

export interface ResourceContextOptions {
  /** Bytes already in memory, by absolute path (shared between worker threads, never copied). */
  readonly shared?: ReadonlyMap<string, Uint8Array>;
}

/** Reads resources from the package's resources/ folder (or absolute paths); compiled values are cached by content. */
export function fileResourceContext(options: ResourceContextOptions = {}): FactoryContext {
  const read = (path: string): Buffer => {
    const full = resourcePath(path);
    try {
      return readFileSync(full);
    } catch (e) {
      throw new ClinoteError(
        'CLINOTE_E_RESOURCE_NOT_FOUND',
        `resource '${path}' cannot be read`,
        { path },
        { cause: e },
      );
    }
  };
  const shared = options.shared;
  return {
    readResource: (path) => read(path).toString('utf8'),
    readResourceBytes: (path) => shared?.get(resourcePath(path)) ?? new Uint8Array(read(path)),
    compiled: compiledOnce,
  };
}

/**
 * Where the package's own files live (resources/, schemas/, examples/), and the default
 * FactoryContext that reads resource files from disk. This is the only place the engine reads its
 * resources; adapters pass it to createPipelineSync.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
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

let version: string | undefined;

/** The package's version (from its package.json; `0.0.0` when it cannot be read). Read once. */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
        version?: string;
      };
      version = pkg.version ?? '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
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

/**
 * The on-disk cache folder: `$CLINOTE_CACHE_DIR`, else `$XDG_CACHE_HOME/clinote`, else
 * `~/.cache/clinote`; null when `CLINOTE_CACHE_DIR=off`. Safe to delete at any time.
 */
export function defaultCacheDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | null {
  const set = env.CLINOTE_CACHE_DIR;
  if (set === 'off' || set === '0') return null;
  if (set) return resolve(set);
  const xdg = env.XDG_CACHE_HOME;
  return xdg ? join(xdg, 'clinote') : join(homedir(), '.cache', 'clinote');
}

/** Entries in the disk cache are keyed by this too: a new Clinote never reads an old one's files. */
const DISK_CACHE_VERSION = 'v1';

function compiledWith(cacheDir: string | null) {
  return function compiled<T>(
    kind: string,
    text: string,
    compile: () => T,
    options?: { readonly persist?: boolean },
  ): T {
    const hash = createHash('sha256').update(kind).update('\0').update(text).digest('hex');
    if (compiledCache.has(hash)) return compiledCache.get(hash) as T;
    let value: T | undefined;
    const file =
      options?.persist && cacheDir !== null
        ? join(cacheDir, DISK_CACHE_VERSION, `${hash.slice(0, 40)}.json`)
        : null;
    if (file !== null) {
      try {
        value = JSON.parse(readFileSync(file, 'utf8')) as T;
      } catch {
        // a miss, or a damaged entry: compile again
      }
    }
    if (value === undefined) {
      value = compile();
      if (file !== null) writeCacheFile(file, JSON.stringify(value));
    }
    compiledCache.set(hash, value);
    return value;
  };
}

/** Write a cache entry atomically (temp file + rename); a cache that cannot be written is skipped. */
function writeCacheFile(file: string, data: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    // read-only home, full disk: the cache is an optimisation, never a failure
  }
}

export interface ResourceContextOptions {
  /** Bytes already in memory, by absolute path (shared between worker threads, never copied). */
  readonly shared?: ReadonlyMap<string, Uint8Array>;
  /** The on-disk cache of compiled resources; default `defaultCacheDir()`, null for none. */
  readonly cacheDir?: string | null;
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
    compiled: compiledWith(options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir),
  };
}

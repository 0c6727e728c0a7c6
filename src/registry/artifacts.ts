/**
 * The content-addressed artifact store: a folder (default: `artifacts/` beside the SQLite store, else
 * in the data folder; `CLINOTE_ARTIFACTS` or `--artifacts` override it). An artifact is a folder of
 * files named by the SHA-256 of its listing (each file's relative path and SHA-256, sorted), so the
 * same model registered twice is stored once, and a file changed after registration is detected when
 * the version is loaded.
 *
 *   <root>/<hash>/files...        (written to a temporary folder, then renamed: never half there)
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ClinoteError } from '../errors/error.js';
import { defaultStorePath, resolveStoreLocation } from '../store/location.js';

type Env = Readonly<Record<string, string | undefined>>;

export const sha256Hex = (data: Uint8Array | string): string =>
  createHash('sha256').update(data).digest('hex');

/** The artifact folder: `given`, else $CLINOTE_ARTIFACTS, else beside the SQLite store, else the data folder. */
export function defaultArtifactRoot(storeUrl: string | undefined, env: Env = process.env): string {
  if (env.CLINOTE_ARTIFACTS) return env.CLINOTE_ARTIFACTS;
  const location = resolveStoreLocation(storeUrl, env);
  if (location.kind === 'sqlite' && location.path !== ':memory:')
    return join(dirname(location.path), 'artifacts');
  return join(dirname(defaultStorePath(env)), 'artifacts');
}

/** The files of an artifact: relative path (with `/`) -> bytes. */
export type ArtifactFiles = ReadonlyMap<string, Uint8Array>;

/** The listing that names an artifact: `path sha256` lines, sorted by path. */
export function artifactHash(files: ArtifactFiles): string {
  const lines = [...files.entries()]
    .map(([path, bytes]) => `${path} ${sha256Hex(bytes)}`)
    .sort()
    .join('\n');
  return sha256Hex(lines);
}

function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, base, out);
    else if (st.isFile()) out.push(relative(base, p).split(sep).join('/'));
  }
  return out;
}

export class ArtifactStore {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash))
      throw new ClinoteError('CLINOTE_E_REGISTRY_ARTIFACT_INVALID', 'an artifact hash is 64 hex digits');
    return join(this.root, hash);
  }

  /** Store the files (once: an artifact already there is kept); returns the hash. */
  put(files: ArtifactFiles): string {
    const hash = artifactHash(files);
    const dir = this.pathOf(hash);
    if (existsSync(dir)) return hash;
    mkdirSync(this.root, { recursive: true });
    const tmp = join(this.root, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      for (const [path, bytes] of files) {
        const target = join(tmp, ...path.split('/'));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, bytes);
      }
      try {
        renameSync(tmp, dir);
      } catch (e) {
        // another process stored the same artifact meanwhile
        if (!existsSync(dir)) throw e;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return hash;
  }

  /**
   * The folder of an artifact, after checking that its files still hash to its name. Throws
   * CLINOTE_E_REGISTRY_ARTIFACT_INVALID when it is missing or was changed.
   */
  verified(hash: string): string {
    const dir = this.pathOf(hash);
    if (!existsSync(dir))
      throw new ClinoteError(
        'CLINOTE_E_REGISTRY_ARTIFACT_INVALID',
        `artifact ${hash.slice(0, 12)} is not in the artifact store ${this.root}`,
        { hash },
      );
    const files = new Map<string, Uint8Array>();
    for (const path of walk(dir)) files.set(path, readFileSync(join(dir, ...path.split('/'))));
    const actual = artifactHash(files);
    if (actual !== hash)
      throw new ClinoteError(
        'CLINOTE_E_REGISTRY_ARTIFACT_INVALID',
        `artifact ${hash.slice(0, 12)} was changed after it was registered (its files hash to ${actual.slice(0, 12)})`,
        { hash },
      );
    return dir;
  }
}

/** Every regular file under `dir` (relative paths with `/`), read. */
export function readFolder(dir: string, prefix = ''): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const path of walk(dir)) out.set(`${prefix}${path}`, readFileSync(join(dir, ...path.split('/'))));
  return out;
}

/**
 * Where the store lives: a SQLite file (the default, under the user's data folder) or a PostgreSQL
 * URL. Pure: no I/O.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ClinoteError } from '../errors/error.js';

export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

type Env = Readonly<Record<string, string | undefined>>;

/** The file name of the default SQLite store inside the data folder. */
export const STORE_FILE = 'clinote.db';

/**
 * The default SQLite path: `$CLINOTE_HOME/clinote.db`, else `$XDG_DATA_HOME/clinote/clinote.db`,
 * else `~/.local/share/clinote/clinote.db`.
 */
export function defaultStorePath(env: Env = process.env): string {
  const dataDir = env.CLINOTE_HOME;
  if (dataDir) return join(resolve(dataDir), STORE_FILE);
  const xdg = env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'clinote', STORE_FILE);
  const home = env.HOME || homedir();
  return join(home, '.local', 'share', 'clinote', STORE_FILE);
}

/**
 * `postgres://` / `postgresql://` URLs: PostgreSQL; `sqlite://PATH`, `sqlite:PATH`, `:memory:` or
 * any other path: SQLite; absent or empty: the default path. Any other `scheme://` is refused.
 */
export function resolveStoreLocation(url: string | undefined, env: Env = process.env): StoreLocation {
  const given = url?.trim();
  if (!given) return { kind: 'sqlite', path: defaultStorePath(env) };
  if (/^postgres(ql)?:\/\//i.test(given)) return { kind: 'postgres', url: given };
  if (given === ':memory:') return { kind: 'sqlite', path: ':memory:' };
  const sqlite = /^sqlite:(\/\/)?(.+)$/i.exec(given);
  if (sqlite) return { kind: 'sqlite', path: sqlite[2] === ':memory:' ? ':memory:' : resolve(sqlite[2]!) };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(given);
  if (scheme)
    throw new ClinoteError(
      'CLINOTE_E_STORE_BAD_URL',
      `the store URL scheme "${scheme[1]!.slice(0, 20)}" is not supported: use a file path (SQLite) or postgres://...`,
    );
  return { kind: 'sqlite', path: resolve(given) };
}

/** A URL safe to print: no password, no query (which may hold one). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@').replace(/[?#].*$/, '');
  }
}

/** How a location reads in messages and logs (never a password). */
export function describeLocation(location: StoreLocation): string {
  return location.kind === 'sqlite' ? `sqlite:${location.path}` : redactUrl(location.url);
}

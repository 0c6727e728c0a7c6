/**
 * The page's calls to the server it was served from. The API key lives in sessionStorage (this tab,
 * this session) and goes only into the Authorization header; note text only into request bodies.
 */

const KEY_ITEM = 'clinote.apiKey';

/** A failed call: the server's problem code and detail (never note text), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ApiError';
  }
}

export function apiKey(): string {
  try {
    return sessionStorage.getItem(KEY_ITEM) ?? '';
  } catch {
    return memoryKey;
  }
}

let memoryKey = '';

export function setApiKey(key: string): void {
  memoryKey = key;
  try {
    if (key === '') sessionStorage.removeItem(KEY_ITEM);
    else sessionStorage.setItem(KEY_ITEM, key);
  } catch {
    // storage disabled: the key stays in memory only
  }
}

/** Call the API; a non-2xx answer throws its problem as an ApiError. */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = apiKey();
  if (key !== '') headers.set('authorization', `Bearer ${key}`);
  let r: Response;
  try {
    r = await fetch(path, { ...init, headers, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached');
  }
  if (r.ok) return r;
  let code = `HTTP_${r.status}`;
  let detail = r.statusText || 'request failed';
  try {
    const p = (await r.json()) as { code?: unknown; detail?: unknown };
    if (typeof p.code === 'string') code = p.code;
    if (typeof p.detail === 'string') detail = p.detail;
  } catch {
    // not a problem+json body
  }
  throw new ApiError(r.status, code, detail);
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await call(path)).json()) as T;
}

/** The page-level explanation of an auth failure. */
export function authHint(e: ApiError): string | undefined {
  if (e.status === 401)
    return 'This server needs an API key: enter one above (it is kept for this tab only).';
  if (e.status === 403) return 'The API key entered has not the scope this page needs.';
  return undefined;
}

/**
 * The web UI of `clinote serve` (docs/ui.md): the built files of src/ui/app (dist/ui, made by
 * `npm run build:ui`) served as they are, from memory. The pages need no API key; the API calls the
 * page makes send the key the user typed.
 *
 * Only the files found at the top of the folder are served, by exact name: a request can never
 * name a path (no traversal). Every answer carries a strict Content-Security-Policy (same-origin
 * scripts, styles and requests only). Files whose names carry a content hash are cached for a
 * year; the page itself is revalidated each time (ETag). When the folder is missing, the pages
 * answer the coded problem CLINOTE_E_UI_NOT_BUILT (503); the API is unaffected.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClinoteError } from '../errors/error.js';
import { packageRoot } from '../resources.js';
import { serverError } from './problem.js';

export interface UiOptions {
  /** The built UI (default: $CLINOTE_UI_DIR, else dist/ui of the package). */
  readonly dir?: string;
}

/** The paths of the pages: each answers index.html (the page picks its view from the path). */
export const UI_PAGES = ['/', '/deployments', '/monitoring'] as const;

/** Where the built files are served from: `/ui/<name>`. */
export const UI_ASSET_PREFIX = '/ui/';

export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.map', '.txt', '.svg', '.webmanifest']);

/** A file name the server may serve: no separator, no leading dot. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** `name-HASH.ext` (esbuild's [name]-[hash]): the content never changes under that name. */
const HASHED = /-[A-Z0-9]{8,}\.[a-z]+$/;

interface UiFile {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly type: string;
  readonly etag: string;
  readonly immutable: boolean;
}

/** Read the built files into memory: a map by name, or undefined when the UI is not built. */
export function loadUiFiles(dir: string): Map<string, UiFile> | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const files = new Map<string, UiFile>();
  for (const name of readdirSync(dir)) {
    if (!SAFE_NAME.test(name)) continue;
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const ext = extname(name).toLowerCase();
    const body = readFileSync(path);
    const gz = COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined;
    files.set(name, {
      body,
      gzip: gz && gz.length < body.length ? gz : undefined,
      type: TYPES[ext] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 20)}"`,
      immutable: HASHED.test(name),
    });
  }
  return files;
}

function acceptsGzip(req: FastifyRequest): boolean {
  const h = req.headers['accept-encoding'];
  return typeof h === 'string' && /\bgzip\b/i.test(h) && !/\bgzip\s*;\s*q=0(\.0*)?\b/i.test(h);
}

function send(req: FastifyRequest, reply: FastifyReply, file: UiFile): FastifyReply {
  void reply
    .header('content-security-policy', UI_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('etag', file.etag)
    .header('vary', 'accept-encoding')
    .type(file.type);
  if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
  if (file.gzip && acceptsGzip(req)) {
    return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

/** The fastify plugin: the pages (index.html) and `/ui/<file>`. */
export async function uiPlugin(app: FastifyInstance, options: UiOptions = {}): Promise<void> {
  const dir = options.dir ?? process.env.CLINOTE_UI_DIR ?? join(packageRoot(), 'dist', 'ui');
  let files: Map<string, UiFile> | undefined;
  // read on first use, and again while missing: a UI built after the server started is picked up
  const filesOf = (): Map<string, UiFile> => {
    files ??= loadUiFiles(dir);
    if (!files) {
      throw new ClinoteError('CLINOTE_E_UI_NOT_BUILT', 'the web UI is not built (dist/ui is missing)');
    }
    return files;
  };
  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    const index = filesOf().get('index.html');
    if (!index) throw new ClinoteError('CLINOTE_E_UI_NOT_BUILT', 'the web UI has no index.html');
    return send(req, reply, index);
  };
  for (const url of UI_PAGES) {
    app.get(url, { schema: { summary: 'The web UI (docs/ui.md)', hide: true } }, page);
  }
  app.get(
    `${UI_ASSET_PREFIX}*`,
    { schema: { summary: 'A file of the web UI', hide: true } },
    async (req: FastifyRequest, reply: FastifyReply) => {
      const name = (req.params as { '*'?: string })['*'] ?? '';
      const all = filesOf();
      const file = SAFE_NAME.test(name) ? all.get(name) : undefined;
      if (!file) throw serverError('CLINOTE_E_SERVER_NOT_FOUND', 'no such file of the web UI');
      return send(req, reply, file);
    },
  );
}

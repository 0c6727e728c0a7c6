import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig } from './config.js';
import { type RunningServer, startServer } from './start.js';
import { memoryStore } from './testing.js';
import { UI_CSP } from './ui.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-ui-'));
const built = join(dir, 'built');
const BIG_JS = `export const x = ${JSON.stringify('a'.repeat(4000))};\n`;

function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += String(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(uiDir: string): Promise<{ running: RunningServer; secret: string }> {
  process.env.CLINOTE_UI_DIR = uiDir;
  const store = memoryStore();
  const { secret } = await store.keys.create({ tenant: 'acme', scopes: ['extract'] });
  const config = {
    ...parseServerConfig({
      threads: 0,
      limits: { maxEventLoopDelayMs: 0 },
      pipelines: { default: { name: 'tiny', components: [{ name: 'normalize' }] } },
    }),
    port: 0,
  };
  const running = await startServer(config, { store, logStream: false });
  return { running, secret };
}

beforeAll(() => {
  mkdirSync(built);
  writeFileSync(join(built, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(built, 'app-ABCDEFGH.js'), BIG_JS);
  writeFileSync(join(built, 'style-ABCDEFGH.css'), 'body{color:red}');
  writeFileSync(join(built, 'notes.txt'), 'plain');
  mkdirSync(join(built, 'sub'));
  writeFileSync(join(built, 'sub', 'secret.js'), 'no');
  writeFileSync(join(dir, 'outside.txt'), 'OUTSIDE');
});
afterAll(() => {
  delete process.env.CLINOTE_UI_DIR;
  rmSync(dir, { recursive: true, force: true });
});

describe('the web UI plugin on a real port', () => {
  let running: RunningServer;
  let secret: string;
  beforeAll(async () => {
    ({ running, secret } = await start(built));
  });
  afterAll(async () => {
    await running?.stop();
  });

  it('serves the pages without a key, with a strict CSP and no caching of the page', async () => {
    for (const path of ['/', '/deployments', '/monitoring']) {
      const r = await fetch(`${running.url}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(r.headers.get('content-security-policy')).toBe(UI_CSP);
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('cache-control')).toBe('no-cache');
      expect(await r.text()).toContain('<title>x</title>');
    }
    // the API still needs its key
    const api = await fetch(`${running.url}/v1/pipelines`);
    expect(api.status).toBe(401);
    const ok = await fetch(`${running.url}/v1/pipelines`, { headers: { authorization: `Bearer ${secret}` } });
    expect(ok.status).toBe(200);
  });

  it('serves hashed files for a year, gzipped when asked, with content types and ETags', async () => {
    const js = await fetch(`${running.url}/ui/app-ABCDEFGH.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip'); // fetch decodes it
    expect(await js.text()).toBe(BIG_JS);
    const css = await fetch(`${running.url}/ui/style-ABCDEFGH.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const txt = await fetch(`${running.url}/ui/notes.txt`);
    expect(txt.headers.get('cache-control')).toBe('no-cache');
    const etag = js.headers.get('etag') as string;
    expect(etag).toMatch(/^"[0-9a-f]{20}"$/);
    const again = await fetch(`${running.url}/ui/app-ABCDEFGH.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    // the gzip bytes are the file's
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const u = new URL(running.url);
      request(
        {
          host: u.hostname,
          port: u.port,
          path: '/ui/app-ABCDEFGH.js',
          headers: { 'accept-encoding': 'gzip' },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve(Buffer.concat(parts)));
        },
      )
        .on('error', reject)
        .end();
    });
    expect(gunzipSync(raw).toString()).toBe(BIG_JS);
  });

  it('never leaves the folder: traversal, sub-folders and unknown names are a coded 404', async () => {
    for (const path of [
      '/ui/../outside.txt',
      '/ui/..%2Foutside.txt',
      '/ui/%2e%2e/outside.txt',
      '/ui/sub/secret.js',
      '/ui/sub%2Fsecret.js',
      '/ui/.hidden',
      '/ui/nope.js',
      '/ui/',
      '/ui/..',
    ]) {
      const r = await rawGet(running.url, path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toContain('OUTSIDE');
      expect(r.body, path).not.toContain('"no"');
      expect(JSON.parse(r.body).code, path).toBe('CLINOTE_E_SERVER_NOT_FOUND');
    }
  });
});

describe('without a built UI', () => {
  it('answers the pages with the coded problem CLINOTE_E_UI_NOT_BUILT; the API still works', async () => {
    const { running, secret } = await start(join(dir, 'missing'));
    try {
      const r = await fetch(`${running.url}/`);
      expect(r.status).toBe(503);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const p = (await r.json()) as { code: string; detail: string };
      expect(p.code).toBe('CLINOTE_E_UI_NOT_BUILT');
      expect(p.detail).toMatch(/npm run build:ui/);
      expect((await fetch(`${running.url}/ui/app.js`)).status).toBe(503);
      const api = await fetch(`${running.url}/v1/extract`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'text/plain' },
        body: 'Denies fever.',
      });
      expect(api.status).toBe(200);
    } finally {
      await running.stop();
    }
  });
});

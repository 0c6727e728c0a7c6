import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultWorkerFile } from '../batch/pool.js';
import { packageRoot } from '../resources.js';
import { parseServerConfig, readServerConfig } from './config.js';
import { startServer } from './start.js';
import { memoryStore } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('server config', () => {
  it('applies the defaults: auth on, the built-in pipeline as default', () => {
    const c = parseServerConfig({});
    expect(c.auth.required).toBe(true);
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.pipelines.map((p) => p.name)).toEqual(['default']);
    expect(c.batching).toEqual({ maxBatchNotes: 32, maxDelayMs: 0 });
  });

  it('refuses unknown keys, naming them', () => {
    expect(() => parseServerConfig({ limits: { maxBodyByte: 1 }, auth: { requred: false } })).toThrow(
      /limits\.maxBodyByte: unknown key.*auth\.requred: unknown key|auth\.requred: unknown key.*limits\.maxBodyByte: unknown key/,
    );
    expect(() => parseServerConfig({ pipelines: { a: { config: 'x.json', pakc: 'y' } } })).toThrow(
      /pipelines\.a\.pakc: unknown key/,
    );
    expect(() => parseServerConfig({ port: 'x' })).toThrow(/CLINOTE_E_SERVER_CONFIG_INVALID|port/);
    expect(() => parseServerConfig({ pipelines: { a: 'a.json' }, defaultPipeline: 'b' })).toThrow(
      /defaultPipeline/,
    );
  });

  it('reads a file; pipeline paths are relative to it; bad JSON never quotes the file', () => {
    const path = join(dir, 'server.json');
    writeFileSync(
      path,
      JSON.stringify({
        pipelines: {
          tiny: 'pipelines/tiny.json',
          inline: { name: 'x', components: [{ name: 'normalize' }] },
        },
      }),
    );
    const c = readServerConfig(path);
    expect(c.pipelines[0]).toMatchObject({ name: 'tiny', configPath: join(dir, 'pipelines/tiny.json') });
    expect(c.pipelines[1]?.config).toEqual({ name: 'x', components: [{ name: 'normalize' }] });
    expect(c.defaultPipeline).toBe('tiny');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"pipelines": SECRET');
    expect(() => readServerConfig(bad)).toThrow(/not valid JSON \(syntax error/);
    try {
      readServerConfig(bad);
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('SECRET');
    }
  });
});

describe('a real listening port', () => {
  it('serves over HTTP on an ephemeral port, then stops', async () => {
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
    const notices: string[] = [];
    const running = await startServer(config, { store, logStream: false, notice: (l) => notices.push(l) });
    try {
      expect(running.port).toBeGreaterThan(0);
      expect(notices.join('\n')).toMatch(/auth is on/);
      const r = await fetch(`${running.url}/v1/extract`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'text/plain' },
        body: 'Denies fever.',
      });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { pipeline: { name: string } }).pipeline.name).toBe('tiny');
      const live = await fetch(`${running.url}/v2/health/live`);
      expect(live.status).toBe(200);
    } finally {
      await running.stop();
    }
    await expect(fetch(`${running.url}/v2/health/live`)).rejects.toThrow();
  });

  it('says so on start-up when auth is off', async () => {
    const config = {
      ...parseServerConfig({
        threads: 0,
        auth: { required: false },
        pipelines: { default: { name: 'tiny', components: [{ name: 'normalize' }] } },
      }),
      port: 0,
    };
    const notices: string[] = [];
    const running = await startServer(config, { logStream: false, notice: (l) => notices.push(l) });
    await running.stop();
    expect(notices.join('\n')).toMatch(/auth is OFF/);
  });
});

// worker threads need the compiled worker module (npm run build)
const workerFile = defaultWorkerFile();
const srcBatch = join(packageRoot(), 'src', 'batch', 'pool.ts');
const stale = !existsSync(workerFile) || statSync(workerFile).mtimeMs < statSync(srcBatch).mtimeMs;

describe.skipIf(stale)('on worker threads (dist/ built)', () => {
  it('runs micro-batches on a pool, the same results as the main thread', async () => {
    const store = memoryStore();
    const { secret } = await store.keys.create({ tenant: 'acme', scopes: ['extract'] });
    const config = { ...parseServerConfig({ threads: 2, limits: { maxEventLoopDelayMs: 0 } }), port: 0 };
    const running = await startServer(config, { store, logStream: false });
    try {
      const texts = Array.from({ length: 12 }, (_, i) => `HPI: chest pain ${i}. Denies fever. BP 12${i}/80.`);
      const out = await Promise.all(
        texts.map((text, i) =>
          fetch(`${running.url}/v1/extract`, {
            method: 'POST',
            headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
            body: JSON.stringify({ id: `n${i}`, text }),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } })),
        ),
      );
      expect(out.map((o) => o.status)).toEqual(texts.map(() => 200));
      expect(out.map((o) => o.body.id)).toEqual(texts.map((_, i) => `n${i}`));
      const { loadPipeline } = await import('../engine.js');
      const { toResult } = await import('../output/result.js');
      const p = await loadPipeline();
      const ref = await p.process({ id: 'n3', text: texts[3] as string });
      expect(ref.ok && JSON.parse(JSON.stringify(toResult(ref.doc, p)))).toEqual(out[3]?.body);
    } finally {
      await running.stop();
    }
  }, 60_000);
});

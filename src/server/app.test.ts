import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClinoteServer } from './app.js';
import { createServer } from './app.js';
import { parseServerConfig } from './config.js';
import type { Engine } from './dispatcher.js';
import { startEngine } from './engines.js';
import { type MemoryStore, memoryStore } from './testing.js';

const NOTE = `HPI: 58-year-old man with chest pain. Denies fever.
MEDICATIONS: metoprolol 25 mg PO twice daily.
VITALS: BP 142/88, HR 92.
ASSESSMENT: hypertension. Rule out pneumonia.`;

let server: ClinoteServer;
let store: MemoryStore;
let engine: Engine;
let extractKey: string;
let adminKey: string;
let otherTenantKey: string;
let limitedKey: string;
const lines: string[] = [];

beforeAll(async () => {
  const config = parseServerConfig({
    threads: 0,
    limits: { maxBatchNotes: 5, maxQueuedNotes: 8, maxEventLoopDelayMs: 0 },
    batching: { maxBatchNotes: 2 },
  });
  engine = await startEngine(config.pipelines[0]!);
  store = memoryStore();
  extractKey = (await store.keys.create({ tenant: 'acme', scopes: ['extract'] })).secret;
  adminKey = (await store.keys.create({ tenant: 'acme', scopes: ['extract', 'admin'] })).secret;
  otherTenantKey = (await store.keys.create({ tenant: 'globex', scopes: ['extract'] })).secret;
  limitedKey = (await store.keys.create({ tenant: 'acme', scopes: ['extract'], rateLimitPerMinute: 2 }))
    .secret;
  server = await createServer(config, {
    engines: new Map([['default', engine]]),
    store,
    logStream: { write: (l: string) => lines.push(l) },
    processMetrics: false,
  });
}, 60_000);

afterAll(async () => {
  await server?.shutdown();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('POST /v1/extract', () => {
  it('gives the JSON result of a JSON note', async () => {
    const r = await server.app.inject({
      method: 'POST',
      url: '/v1/extract',
      headers: auth(extractKey),
      payload: { id: 'n1', text: NOTE, noteDate: '2024-03-01' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const body = r.json();
    expect(body.id).toBe('n1');
    expect(body.pipeline.version).toBe(engine.pipeline.stamp.version);
    expect(body.concepts.length).toBeGreaterThan(0);
    expect(r.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('reads text/plain and gives a FHIR Bundle with ?format=fhir', async () => {
    const r = await server.app.inject({
      method: 'POST',
      url: '/v1/extract?format=fhir',
      headers: { ...auth(extractKey), 'content-type': 'text/plain; charset=utf-8' },
      payload: NOTE,
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(r.json().resourceType).toBe('Bundle');
  });
});

describe('errors as problem+json', () => {
  const problem = (
    r: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
    status: number,
    code: string,
  ) => {
    expect(r.statusCode).toBe(status);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = r.json() as Record<string, unknown>;
    expect(body).toMatchObject({ status, code, type: `https://clinote.dev/errors/${code}` });
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    return body;
  };

  it('400 malformed JSON, without echoing it', async () => {
    const r = await server.app.inject({
      method: 'POST',
      url: '/v1/extract',
      headers: { ...auth(extractKey), 'content-type': 'application/json' },
      payload: '{"text": "HPI: secret',
    });
    const body = problem(r, 400, 'CLINOTE_E_SERVER_MALFORMED_REQUEST');
    expect(JSON.stringify(body)).not.toContain('HPI');
  });

  it('401 without a key, with a bad key', async () => {
    problem(
      await server.app.inject({ method: 'POST', url: '/v1/extract', payload: { text: 'x' } }),
      401,
      'CLINOTE_E_AUTH_MISSING',
    );
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        headers: auth('cln_nope_nope'),
        payload: { text: 'x' },
      }),
      401,
      'CLINOTE_E_AUTH_INVALID',
    );
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        headers: { authorization: 'Basic abc' },
        payload: { text: 'x' },
      }),
      401,
      'CLINOTE_E_AUTH_INVALID',
    );
  });

  it('403 when the key lacks the scope', async () => {
    problem(
      await server.app.inject({ method: 'GET', url: '/metrics', headers: auth(extractKey) }),
      403,
      'CLINOTE_E_AUTH_FORBIDDEN',
    );
  });

  it('404 unknown route, unknown pipeline (not echoed), unknown model version', async () => {
    problem(
      await server.app.inject({ method: 'GET', url: '/nope?text=secret' }),
      404,
      'CLINOTE_E_SERVER_NOT_FOUND',
    );
    const r = await server.app.inject({
      method: 'POST',
      url: '/v1/extract',
      headers: auth(extractKey),
      payload: { text: 'x', pipeline: 'mystery-pipeline' },
    });
    const body = problem(r, 404, 'CLINOTE_E_SERVER_UNKNOWN_PIPELINE');
    expect(JSON.stringify(body)).not.toContain('mystery');
    const v = await server.app.inject({
      method: 'GET',
      url: '/v2/models/default/versions/0000',
      headers: auth(extractKey),
    });
    expect(problem(v, 404, 'CLINOTE_E_SERVER_NOT_FOUND').error).toBeTypeOf('string');
  });

  it('413 body too large, too many notes, note too large', async () => {
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        headers: { ...auth(extractKey), 'content-type': 'text/plain' },
        payload: 'x'.repeat(server.config.limits.maxBodyBytes + 10),
      }),
      413,
      'CLINOTE_E_SERVER_BODY_TOO_LARGE',
    );
    const ndjson = Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ id: `b${i}`, text: 'BP 120/80.' }),
    ).join('\n');
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract/batch',
        headers: { ...auth(extractKey), 'content-type': 'application/x-ndjson' },
        payload: ndjson,
      }),
      413,
      'CLINOTE_E_SERVER_TOO_MANY_NOTES',
    );
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        headers: { ...auth(extractKey), 'content-type': 'text/plain' },
        payload: 'a'.repeat(engine.pipeline.maxNoteBytes + 1),
      }),
      413,
      'CLINOTE_E_INPUT_TOO_LARGE',
    );
  });

  it('415 unsupported content type', async () => {
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        headers: { ...auth(extractKey), 'content-type': 'application/xml' },
        payload: '<note/>',
      }),
      415,
      'CLINOTE_E_SERVER_UNSUPPORTED_MEDIA_TYPE',
    );
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        headers: { ...auth(extractKey), 'content-type': 'application/x-ndjson' },
        payload: '{"text":"x"}',
      }),
      415,
      'CLINOTE_E_SERVER_UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('422 schema mismatch (unknown key, missing text, bad FHIR, bad OIP tensor)', async () => {
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        headers: auth(extractKey),
        payload: { text: 'x', extra: 1 },
      }),
      422,
      'CLINOTE_E_SERVER_INVALID_REQUEST',
    );
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        headers: auth(extractKey),
        payload: { id: 'n' },
      }),
      422,
      'CLINOTE_E_SERVER_INVALID_REQUEST',
    );
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v1/extract/fhir',
        headers: { ...auth(extractKey), 'content-type': 'application/fhir+json' },
        payload: { resourceType: 'DocumentReference', status: 'current', content: [] },
      }),
      422,
      'CLINOTE_E_SERVER_INVALID_REQUEST',
    );
    problem(
      await server.app.inject({
        method: 'POST',
        url: '/v2/models/default/infer',
        headers: auth(extractKey),
        payload: { inputs: [{ name: 'text', shape: [1], datatype: 'FP32', data: [1] }] },
      }),
      422,
      'CLINOTE_E_SERVER_INVALID_REQUEST',
    );
  });

  it('429 past the key rate limit, with Retry-After', async () => {
    const call = () => server.app.inject({ method: 'GET', url: '/v1/pipelines', headers: auth(limitedKey) });
    expect((await call()).statusCode).toBe(200);
    expect((await call()).statusCode).toBe(200);
    const r = await call();
    problem(r, 429, 'CLINOTE_E_AUTH_RATE_LIMITED');
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('503 with Retry-After while not ready (starting, draining); health still answers', async () => {
    server.state.ready = false;
    try {
      const n = await server.app.inject({ method: 'GET', url: '/v1/pipelines', headers: auth(extractKey) });
      problem(n, 503, 'CLINOTE_E_SERVER_OVERLOADED');
      expect((await server.app.inject({ method: 'GET', url: '/v2/health/ready' })).statusCode).toBe(503);
      expect((await server.app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode).toBe(200);
    } finally {
      server.state.ready = true;
    }
  }, 60_000);
});

describe('other routes', () => {
  it('POST /v1/extract/batch streams one line per note, errors in place, in order', async () => {
    const payload = [
      JSON.stringify({ id: 'a', text: NOTE }),
      '{"id": "broken',
      JSON.stringify({ id: 'c' }),
      JSON.stringify({ id: 'd', text: 'Denies fever.', noteDate: '2024-01-02' }),
      '',
      JSON.stringify({ text: 'BP 120/80.' }),
    ].join('\n');
    const r = await server.app.inject({
      method: 'POST',
      url: '/v1/extract/batch',
      headers: { ...auth(extractKey), 'content-type': 'application/x-ndjson' },
      payload,
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const out = r.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(['a', 'line 2', 'c', 'd', 'line 6']);
    expect(out[1].error.code).toBe('CLINOTE_E_INPUT_MALFORMED_JSON');
    expect(out[2].error.code).toBe('CLINOTE_E_INPUT_MISSING_FIELD');
    expect(out[3].concepts).toBeDefined();
    const fhir = await server.app.inject({
      method: 'POST',
      url: '/v1/extract/batch?format=fhir',
      headers: { ...auth(extractKey), 'content-type': 'application/x-ndjson' },
      payload,
    });
    const types = fhir.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).resourceType);
    expect(types).toEqual(['Bundle', 'OperationOutcome', 'OperationOutcome', 'Bundle', 'Bundle']);
  });

  it('POST /v1/extract/fhir: a DocumentReference, and a Bundle of them', async () => {
    const doc = (id: string, text: string) => ({
      resourceType: 'DocumentReference',
      id,
      status: 'current',
      date: '2024-05-01T10:00:00Z',
      content: [
        {
          attachment: {
            contentType: 'text/plain; charset=utf-8',
            data: Buffer.from(text).toString('base64'),
          },
        },
      ],
    });
    const one = await server.app.inject({
      method: 'POST',
      url: '/v1/extract/fhir',
      headers: { ...auth(extractKey), 'content-type': 'application/fhir+json' },
      payload: doc('d1', NOTE),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json().resourceType).toBe('Bundle');
    const many = await server.app.inject({
      method: 'POST',
      url: '/v1/extract/fhir',
      headers: { ...auth(extractKey), 'content-type': 'application/fhir+json' },
      payload: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          { resource: doc('d1', NOTE) },
          { resource: doc('d2', 'a'.repeat(engine.pipeline.maxNoteBytes + 1)) },
          { resource: doc('d3', 'Denies fever.') },
        ],
      },
    });
    expect(many.statusCode).toBe(200);
    const b = many.json();
    expect(b.resourceType).toBe('Bundle');
    expect(b.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).toEqual([
      'Bundle',
      'OperationOutcome',
      'Bundle',
    ]);
  });

  it('GET /v1/pipelines and /v1/components', async () => {
    const p = await server.app.inject({ method: 'GET', url: '/v1/pipelines', headers: auth(extractKey) });
    expect(p.statusCode).toBe(200);
    expect(p.json().pipelines[0]).toMatchObject({
      name: 'default',
      default: true,
      stamp: engine.pipeline.stamp,
    });
    const c = await server.app.inject({ method: 'GET', url: '/v1/components', headers: auth(extractKey) });
    expect(c.statusCode).toBe(200);
    const concepts = c.json().components.find((x: { name: string }) => x.name === 'concepts');
    expect(concepts.loadedIn).toEqual(['default']);
  });

  it('Open Inference Protocol v2: server, health, model metadata, ready, infer', async () => {
    const h = auth(extractKey);
    expect((await server.app.inject({ method: 'GET', url: '/v2', headers: h })).json()).toMatchObject({
      name: 'clinote',
      extensions: [],
    });
    expect((await server.app.inject({ method: 'GET', url: '/v2/health/live' })).json()).toEqual({
      live: true,
    });
    expect((await server.app.inject({ method: 'GET', url: '/v2/health/ready' })).json()).toEqual({
      ready: true,
    });
    const version = engine.pipeline.stamp.version;
    const meta = await server.app.inject({ method: 'GET', url: '/v2/models/default', headers: h });
    expect(meta.json()).toMatchObject({ name: 'default', versions: [version], platform: 'clinote' });
    const metaV = await server.app.inject({
      method: 'GET',
      url: `/v2/models/default/versions/${version}`,
      headers: h,
    });
    expect(metaV.statusCode).toBe(200);
    const ready = await server.app.inject({
      method: 'GET',
      url: `/v2/models/default/versions/${version}/ready`,
      headers: h,
    });
    expect(ready.json()).toEqual({ name: 'default', ready: true });
    for (const url of ['/v2/models/default/infer', `/v2/models/default/versions/${version}/infer`]) {
      const r = await server.app.inject({
        method: 'POST',
        url,
        headers: h,
        payload: {
          id: 'req-1',
          inputs: [
            {
              name: 'text',
              shape: [3],
              datatype: 'BYTES',
              data: [NOTE, 'Denies fever.', 'a'.repeat(engine.pipeline.maxNoteBytes + 1)],
            },
            { name: 'id', shape: [3], datatype: 'BYTES', data: ['x1', 'x2', 'x3'] },
          ],
        },
      });
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(body).toMatchObject({ model_name: 'default', model_version: version, id: 'req-1' });
      expect(body.outputs[0]).toMatchObject({ name: 'result', datatype: 'BYTES', shape: [3] });
      const results = body.outputs[0].data.map((d: string) => JSON.parse(d));
      expect(results.map((x: { id: string }) => x.id)).toEqual(['x1', 'x2', 'x3']);
      expect(results[2].error.code).toBe('CLINOTE_E_INPUT_TOO_LARGE');
    }
  });

  it('GET /metrics (admin): requests, latency, components, queue, batch sizes, notes, bytes, errors', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/metrics', headers: auth(adminKey) });
    expect(r.statusCode).toBe(200);
    for (const name of [
      'clinote_http_requests_total',
      'clinote_http_request_duration_seconds_bucket',
      'clinote_component_duration_seconds_bucket',
      'clinote_queue_depth',
      'clinote_batch_size_notes_bucket',
      'clinote_notes_total',
      'clinote_note_bytes_total',
      'clinote_errors_total',
    ]) {
      expect(r.body, name).toContain(name);
    }
    expect(r.body).toMatch(
      /clinote_http_requests_total\{route="\/v1\/extract",method="POST",status="200",tenant="acme"\}/,
    );
  });

  it('GET /openapi.json lists the routes; /docs serves the UI', async () => {
    const r = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(r.statusCode).toBe(200);
    const paths = Object.keys(r.json().paths);
    for (const p of [
      '/v1/extract',
      '/v1/extract/batch',
      '/v1/extract/fhir',
      '/v1/pipelines',
      '/v2/models/{name}/infer',
    ]) {
      expect(paths).toContain(p);
    }
    expect((await server.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('continues a W3C trace and echoes the request id', async () => {
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const r = await server.app.inject({
      method: 'GET',
      url: '/v1/pipelines',
      headers: { ...auth(extractKey), traceparent: parent, 'x-request-id': 'abc-123' },
    });
    expect(r.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(r.headers.traceparent).not.toBe(parent);
    expect(r.headers['x-request-id']).toBe('abc-123');
  });

  it('isolates tenants in metrics and the audit log', async () => {
    await server.app.inject({
      method: 'POST',
      url: '/v1/extract',
      headers: auth(otherTenantKey),
      payload: { text: 'Denies fever.' },
    });
    await new Promise((r) => setTimeout(r, 10));
    const mine = await store.audit.list({ tenant: 'globex' });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((a) => a.tenant === 'globex')).toBe(true);
    const last = mine.at(-1)!;
    expect(last).toMatchObject({
      route: '/v1/extract',
      method: 'POST',
      status: 200,
      notes: 1,
      pipeline: 'default',
    });
    expect(last.pipelineVersion).toBe(engine.pipeline.stamp.version);
    expect((await store.audit.verify()).ok).toBe(true);
  });
});

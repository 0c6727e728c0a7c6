/**
 * No PHI through the side doors: notes holding canary strings go through every route (good and bad
 * requests, malformed bodies included); no log line, metric, audit record or error body holds them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClinoteServer, createServer } from './app.js';
import { parseServerConfig } from './config.js';
import { startEngine } from './engines.js';
import { type MemoryStore, memoryStore } from './testing.js';

const CANARY = 'QZXCANARYWQ';
const CANARY2 = 'Vellichor Quuxbridge';
const note = (i: number) =>
  `HPI: ${CANARY} is a 61-year-old with chest pain and ${CANARY2}. Denies fever.\nMEDICATIONS: ${CANARY}mab 50 mg PO daily.\nVITALS: BP 150/90 ${CANARY}.\nNote ${i}.`;

let server: ClinoteServer;
let store: MemoryStore;
let key: string;
const logs: string[] = [];
const errorBodies: string[] = [];

beforeAll(async () => {
  const config = parseServerConfig({
    threads: 0,
    log: { level: 'trace' },
    limits: { maxBatchNotes: 10, maxEventLoopDelayMs: 0 },
  });
  const engine = await startEngine(config.pipelines[0]!);
  store = memoryStore();
  key = (await store.keys.create({ tenant: 't1', scopes: ['extract', 'admin'] })).secret;
  server = await createServer(config, {
    engines: new Map([['default', engine]]),
    store,
    logStream: { write: (l: string) => logs.push(l) },
  });
}, 60_000);

afterAll(async () => {
  await server?.shutdown();
});

type Req = {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  payload?: unknown;
  auth?: boolean;
};

async function send(r: Req): Promise<number> {
  const res = await server.app.inject({
    method: r.method,
    url: r.url,
    headers: { ...(r.auth === false ? {} : { authorization: `Bearer ${key}` }), ...(r.headers ?? {}) },
    ...(r.payload !== undefined ? { payload: r.payload as string } : {}),
  });
  if (res.statusCode >= 400) errorBodies.push(res.body);
  return res.statusCode;
}

const json = { 'content-type': 'application/json' };
const text = { 'content-type': 'text/plain' };
const ndjson = { 'content-type': 'application/x-ndjson' };
const fhir = { 'content-type': 'application/fhir+json' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const docRef = (t: string) => ({
  resourceType: 'DocumentReference',
  status: 'current',
  content: [{ attachment: { contentType: 'text/plain', data: b64(t) } }],
});

describe('canary: no note text in logs, metrics, audit records or error bodies', () => {
  it('sends canaries through every route, good and bad requests', async () => {
    const big = `${note(0)} ${'x'.repeat(1_048_577)}`;
    const cases: [Req, number][] = [
      // /v1/extract
      [
        {
          method: 'POST',
          url: '/v1/extract',
          headers: json,
          payload: JSON.stringify({ id: 'c1', text: note(1) }),
        },
        200,
      ],
      [{ method: 'POST', url: '/v1/extract?format=fhir', headers: text, payload: note(2) }, 200],
      [{ method: 'POST', url: '/v1/extract', headers: json, payload: `{"text": "${note(3)}` }, 400],
      [{ method: 'POST', url: '/v1/extract', headers: json, payload: `${CANARY} ${CANARY2}` }, 400],
      [
        {
          method: 'POST',
          url: '/v1/extract',
          headers: json,
          payload: JSON.stringify({ text: note(4), [CANARY]: CANARY2 }),
        },
        422,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract',
          headers: json,
          payload: JSON.stringify({ text: 5, id: CANARY }),
        },
        422,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract',
          headers: json,
          payload: JSON.stringify({ text: note(5), noteDate: CANARY }),
        },
        422,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract',
          headers: json,
          payload: JSON.stringify({ text: note(6), pipeline: CANARY }),
        },
        404,
      ],
      [{ method: 'POST', url: `/v1/extract?pipeline=${CANARY}`, headers: text, payload: note(7) }, 404],
      [{ method: 'POST', url: `/v1/extract?format=${CANARY}`, headers: text, payload: note(7) }, 422],
      [{ method: 'POST', url: '/v1/extract', headers: text, payload: big }, 413],
      [
        {
          method: 'POST',
          url: '/v1/extract',
          headers: { 'content-type': 'application/xml' },
          payload: note(8),
        },
        415,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract',
          headers: json,
          payload: JSON.stringify({ text: note(9) }),
          auth: false,
        },
        401,
      ],
      [{ method: 'POST', url: `/v1/nope?q=${CANARY}`, headers: text, payload: note(10) }, 404],
      [{ method: 'GET', url: `/v1/extract?text=${CANARY}` }, 404],
      // /v1/extract/batch
      [
        {
          method: 'POST',
          url: '/v1/extract/batch',
          headers: ndjson,
          payload: [
            JSON.stringify({ id: 'b1', text: note(11) }),
            `{"text": "${note(12)}`,
            JSON.stringify({ body: CANARY }),
            JSON.stringify(CANARY),
          ].join('\n'),
        },
        200,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract/batch?format=fhir',
          headers: ndjson,
          payload: `${JSON.stringify({ text: note(13) })}\n${JSON.stringify({ text: big })}`,
        },
        200,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract/batch',
          headers: ndjson,
          payload: Array.from({ length: 11 }, (_, i) => JSON.stringify({ text: note(i) })).join('\n'),
        },
        413,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract/batch',
          headers: json,
          payload: JSON.stringify({ text: note(14) }),
        },
        415,
      ],
      // /v1/extract/fhir
      [
        { method: 'POST', url: '/v1/extract/fhir', headers: fhir, payload: JSON.stringify(docRef(note(15))) },
        200,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract/fhir',
          headers: fhir,
          payload: JSON.stringify({
            resourceType: 'Bundle',
            entry: [{ resource: docRef(note(16)) }, { resource: docRef(big) }],
          }),
        },
        200,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract/fhir',
          headers: fhir,
          payload: JSON.stringify({
            resourceType: 'DocumentReference',
            content: [{ attachment: { contentType: 'text/plain', data: `${CANARY} ${CANARY2}!` } }],
          }),
        },
        400,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract/fhir',
          headers: fhir,
          payload: JSON.stringify({
            resourceType: 'Bundle',
            entry: [{ resource: { resourceType: CANARY, text: note(17) } }],
          }),
        },
        422,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract/fhir',
          headers: fhir,
          payload: JSON.stringify({ resourceType: CANARY, text: note(18) }),
        },
        422,
      ],
      [
        {
          method: 'POST',
          url: '/v1/extract/fhir',
          headers: fhir,
          payload: `{"resourceType":"DocumentReference","x":"${note(19)}`,
        },
        400,
      ],
      // OIP v2
      [
        {
          method: 'POST',
          url: '/v2/models/default/infer',
          headers: json,
          payload: JSON.stringify({
            inputs: [{ name: 'text', shape: [2], datatype: 'BYTES', data: [note(20), big] }],
          }),
        },
        200,
      ],
      [
        {
          method: 'POST',
          url: '/v2/models/default/infer',
          headers: json,
          payload: JSON.stringify({
            inputs: [{ name: 'text', shape: [2], datatype: 'BYTES', data: [note(21)] }],
          }),
        },
        422,
      ],
      [
        {
          method: 'POST',
          url: '/v2/models/default/infer',
          headers: json,
          payload: JSON.stringify({
            inputs: [{ name: CANARY, shape: [1], datatype: CANARY2, data: [note(22)] }],
          }),
        },
        422,
      ],
      [
        {
          method: 'POST',
          url: '/v2/models/default/infer',
          headers: json,
          payload: `{"inputs": [${note(23)}`,
        },
        400,
      ],
      [
        {
          method: 'POST',
          url: `/v2/models/${CANARY}/infer`,
          headers: json,
          payload: JSON.stringify({
            inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: [note(24)] }],
          }),
        },
        404,
      ],
      [
        {
          method: 'POST',
          url: `/v2/models/default/versions/${CANARY}/infer`,
          headers: json,
          payload: JSON.stringify({
            inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: [note(25)] }],
          }),
        },
        404,
      ],
      [{ method: 'GET', url: `/v2/models/${CANARY}` }, 404],
      [{ method: 'GET', url: `/v2/models/${CANARY}/ready` }, 404],
      [{ method: 'GET', url: '/v2/models/default', headers: { traceparent: `00-${CANARY}-x-01` } }, 200],
      [{ method: 'GET', url: '/v2' }, 200],
      [{ method: 'GET', url: '/v2/health/ready' }, 200],
      [{ method: 'GET', url: '/v1/pipelines' }, 200],
      [{ method: 'GET', url: '/v1/components' }, 200],
    ];
    for (const [req, status] of cases) {
      expect(await send(req), `${req.method} ${req.url}`).toBe(status);
    }
    await new Promise((r) => setTimeout(r, 20));
    const metrics = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(metrics.statusCode).toBe(200);

    const sinks: [string, string][] = [
      ['logs', logs.join('\n')],
      ['metrics', metrics.body],
      ['audit', JSON.stringify(store.records)],
      ['error bodies', errorBodies.join('\n')],
    ];
    expect(logs.length).toBeGreaterThan(cases.length - 5);
    expect(store.records.length).toBeGreaterThan(20);
    expect(errorBodies.length).toBe(cases.filter(([, s]) => s >= 400).length);
    for (const [name, content] of sinks) {
      for (const c of [CANARY, CANARY2, 'Vellichor', 'Quuxbridge', 'chest pain']) {
        expect(content.includes(c), `${name} holds '${c}'`).toBe(false);
      }
    }
  }, 60_000);
});

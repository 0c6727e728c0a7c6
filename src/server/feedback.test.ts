/**
 * `POST /v1/feedback` and `GET /v1/feedback/figures` through a real server on a real port, over
 * the one shared suite of stores (SQLite, and PostgreSQL in a database of its own: skipped with the
 * reason when it cannot be reached, except under CI=true): tenant isolation, the audit record, the
 * figures, bad input with stable codes, and no note text in responses or logs (a canary string).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore, figuresOf } from '../monitoring/feedback.js';
import { type OpenedStore, openStore } from '../store/index.js';
import { pgSkipReason, postgresTestBackend, sqliteTestBackend, type TestBackend } from '../store/testing.js';
import { parseServerConfig } from './config.js';
import { type RunningServer, startServer } from './start.js';

const CANARY = 'ZZCANARY-FEEDBACK-7731';
const TEXT = `Patient reports chest pain. ${CANARY} No fever.`;
const pgSkip = await pgSkipReason();
if (pgSkip) console.warn(`feedback on PostgreSQL skipped: ${pgSkip}`);

const suites: [string, () => Promise<TestBackend>, string | false][] = [
  ['sqlite', sqliteTestBackend, false],
  ['postgres', postgresTestBackend, pgSkip],
];

describe.each(suites)('feedback on %s', (_kind, makeBackend, skip) => {
  let backend: TestBackend;
  let store: OpenedStore;
  let running: RunningServer;
  let acme: string;
  let globex: string;
  const logs: string[] = [];

  beforeAll(async () => {
    if (skip) return;
    backend = await makeBackend();
    store = await openStore({ url: backend.url });
    acme = (await store.keys.create({ tenant: 'acme', scopes: ['extract'] })).secret;
    globex = (await store.keys.create({ tenant: 'globex', scopes: ['extract'] })).secret;
    const config = {
      ...parseServerConfig({
        threads: 0,
        limits: { maxEventLoopDelayMs: 0 },
        pipelines: { default: { name: 'tiny', components: [{ name: 'normalize' }] } },
      }),
      port: 0,
    };
    running = await startServer(config, {
      store,
      logStream: { write: (l: string) => logs.push(l) },
      notice: () => {},
    });
  }, 60_000);

  afterAll(async () => {
    await running?.stop();
    await store?.close();
    await backend?.dispose();
  });

  const post = (key: string, body: unknown) =>
    fetch(`${running.url}/v1/feedback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const figures = async (key: string, query = '') => {
    const r = await fetch(`${running.url}/v1/feedback/figures${query}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { figures: ReturnType<typeof figuresOf>[] }).figures;
  };

  it.skipIf(skip)(
    'stores verdicts per tenant, audits them, and computes the figures per version',
    async () => {
      const r = await post(acme, {
        noteId: 'n1',
        pipeline: 'tiny',
        version: 'v1',
        text: TEXT,
        items: [
          { kind: 'span-accepted', start: 16, end: 26, type: 'problem' },
          { kind: 'span-removed', start: 0, end: 7 },
          { kind: 'span-added', start: 55, end: 60, type: 'problem' },
          { kind: 'assertion-corrected', start: 55, end: 60, from: 'affirmed', to: 'negated' },
          { kind: 'code-accepted', code: 'R07.9', system: 'icd10cm' },
          { kind: 'code-rejected', code: 'G56.00', system: 'icd10cm' },
          { kind: 'code-rejected', code: 'I10', system: 'icd10cm' },
        ],
      });
      expect(r.status).toBe(201);
      const body = await r.text();
      expect(body).not.toContain(CANARY);
      expect(JSON.parse(body).items).toBe(7);
      await post(acme, {
        noteId: 'n2',
        pipeline: 'tiny',
        version: 'v2',
        items: [{ kind: 'span-accepted', start: 0, end: 4 }],
      });

      const [v1, v2] = (await figures(acme)).sort((a, b) => a.version.localeCompare(b.version));
      expect(v1).toMatchObject({ version: 'v1', notes: 1, spanPrecision: 0.5, spanRecall: 0.5 });
      expect(v1?.codePrecision).toBeCloseTo(1 / 3, 10);
      expect(v1?.assertionCorrectionRate).toBeCloseTo(1 / 3, 10);
      expect(v2).toMatchObject({ version: 'v2', spanPrecision: 1, codePrecision: null });
      const byDay = await figures(acme, '?pipeline=tiny&by=day');
      expect(byDay.every((f) => /^\d{4}-\d{2}-\d{2}$/.test(f.period))).toBe(true);

      // another tenant sees nothing of acme's
      expect(await figures(globex)).toEqual([]);
      const fb = new FeedbackStore(store);
      expect(await fb.list('globex')).toEqual([]);
      const rows = await fb.list('acme', { withText: true, version: 'v1' });
      expect(rows).toHaveLength(7);
      expect(rows.every((x) => x.text === TEXT)).toBe(true);
      expect(await fb.count('acme')).toBe(8);

      // audited: the route, the tenant, the status; no content
      await store.audit.flush();
      const audit = (await store.audit.list({ tenant: 'acme' })).filter((a) => a.route === '/v1/feedback');
      expect(audit.map((a) => a.status)).toEqual([201, 201]);
      expect(logs.join('\n')).not.toContain(CANARY);
    },
  );

  it.skipIf(skip)('bad input gets a stable code and stores nothing', async () => {
    const before = await new FeedbackStore(store).count('acme');
    const cases: [unknown, number, string][] = [
      ['{"noteId":', 400, 'CLINOTE_E_SERVER_MALFORMED_REQUEST'],
      [{ noteId: 'n', pipeline: 'p', version: 'v', items: [] }, 422, 'CLINOTE_E_SERVER_INVALID_REQUEST'],
      [
        { noteId: 'n', pipeline: 'p', version: 'v', items: [{ kind: 'span-liked', start: 0, end: 1 }] },
        422,
        'CLINOTE_E_SERVER_INVALID_REQUEST',
      ],
      [
        {
          noteId: 'n',
          pipeline: 'p',
          version: 'v',
          items: [{ kind: 'span-added', start: 5, end: 2, type: 'x' }],
        },
        422,
        'CLINOTE_E_FEEDBACK_INVALID',
      ],
      [
        {
          noteId: 'n',
          pipeline: 'p',
          version: 'v',
          text: CANARY,
          items: [{ kind: 'span-added', start: 0, end: 99, type: 'x' }],
        },
        422,
        'CLINOTE_E_FEEDBACK_INVALID',
      ],
      [
        { noteId: 'n', pipeline: 'p', version: 'v', items: [{ kind: 'code-rejected' }] },
        422,
        'CLINOTE_E_FEEDBACK_INVALID',
      ],
      [
        { noteId: 'n', pipeline: 'p', version: 'v', items: [{ kind: 'type-corrected', start: 0, end: 2 }] },
        422,
        'CLINOTE_E_FEEDBACK_INVALID',
      ],
    ];
    for (const [body, status, code] of cases) {
      const r = await post(acme, body);
      const text = await r.text();
      expect([r.status, JSON.parse(text).code]).toEqual([status, code]);
      expect(text).not.toContain(CANARY);
    }
    expect(await new FeedbackStore(store).count('acme')).toBe(before);
    const r = await fetch(`${running.url}/v1/feedback`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(401);
  });
});

describe('figuresOf', () => {
  it('is null where a figure has no denominator', () => {
    const f = figuresOf([], 'p', 'v', 'all');
    expect([f.spanPrecision, f.spanRecall, f.codePrecision, f.notes]).toEqual([null, null, null, 0]);
  });
});

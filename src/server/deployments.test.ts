/**
 * The scripted scenario of docs/registry.md, through the real server (fastify, real pipelines, the
 * SQLite store): register a rule pipeline and a learned pipeline, evaluate them, promotion refused
 * for a worse challenger and accepted for a better one, then a deployment with a 10% canary and a
 * shadow: canary share and stickiness over 500 patients (1,000 requests; the 5,000-key count is
 * src/registry/stats.test.ts, on the same router code), shadow results stored
 * for every mirrored request, and an alias switch under load with no failed request.
 *
 * The evaluation runs on the first 10 documents of the NCBI-disease dev set under ../shared/data;
 * without it, that test is skipped and the gate is fed fixed reports (src/registry/testing.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { isClinoteError } from '../errors/error.js';
import { ArtifactStore } from '../registry/artifacts.js';
import { evaluateSuite } from '../registry/evaluate.js';
import { parsePolicy, promote } from '../registry/policy.js';
import { Registry } from '../registry/registry.js';
import { experimentReport } from '../registry/report.js';
import { syntheticReport } from '../registry/testing.js';
import { resourcePath } from '../resources.js';
import { type OpenedStore, openStore } from '../store/index.js';
import { sqliteTestBackend, type TestBackend } from '../store/testing.js';
import { type ClinoteServer, createServer } from './app.js';
import { parseServerConfig } from './config.js';
import { startEngine } from './engines.js';

const DATA = sharedDataPath('ncbi_disease', 'conll', 'devel.tsv');
if (!DATA) console.warn(`registry scenario: ${missingDataMessage('ncbi_disease', 'conll', 'devel.tsv')}`);
const SUITE = 'ner:ncbi-disease';

let backend: TestBackend;
let store: OpenedStore;
let registry: Registry;
let server: ClinoteServer;
let key: string;
let dir: string;

beforeAll(async () => {
  backend = await sqliteTestBackend();
  dir = mkdtempSync(join(tmpdir(), 'clinote-scenario-'));
  store = await openStore({ url: backend.url });
  registry = new Registry(store, new ArtifactStore(join(dir, 'artifacts')));
  key = (await store.keys.create({ tenant: 'acme', scopes: ['extract', 'admin'] })).secret;
  const learned = join(dir, 'learned.json');
  writeFileSync(
    learned,
    JSON.stringify({
      name: 'learned',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        { name: 'ner', options: { model: 'models/ner-ncbi-disease' } },
        { name: 'assertions' },
      ],
    }),
  );
  const worse = join(dir, 'worse.json');
  writeFileSync(
    worse,
    JSON.stringify({
      name: 'worse',
      components: [{ name: 'normalize' }, { name: 'sections' }, { name: 'sentences' }],
    }),
  );
  // 1: the rule pipeline, 2: the learned one (the shipped model), 3: a worse one (no concepts)
  await registry.register({
    name: 'ner',
    pipeline: resourcePath('pipelines/default.json'),
    tags: { kind: 'rules' },
  });
  await registry.register({ name: 'ner', pipeline: learned, tags: { kind: 'learned' } });
  await registry.register({ name: 'ner', pipeline: worse });
}, 120_000);

afterAll(async () => {
  await server?.shutdown();
  await store?.close();
  await backend?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('registry scenario', () => {
  it.skipIf(!DATA)(
    'evaluates the three versions on the first 10 documents and attaches the reports',
    async () => {
      for (const version of [1, 2, 3]) {
        const v = await registry.version('ner', version);
        const report = evaluateSuite(await registry.pipelineConfig(v), SUITE, { limit: 10 });
        expect(report.documents).toBe(10);
        await registry.attachEval('ner', version, report.suite, report.strict.f1, report);
      }
      const evals = await registry.evals('ner');
      const f1 = (v: number) => evals.find((e) => e.version === v)!.f1;
      expect(f1(2)).toBeGreaterThan(f1(1));
      expect(f1(3)).toBe(0);
    },
    120_000,
  );

  it('refuses a worse challenger and promotes a better one', async () => {
    if (!DATA) {
      await registry.attachEval('ner', 1, SUITE, 0.6, syntheticReport(50, 30));
      await registry.attachEval('ner', 2, SUITE, 0.8, syntheticReport(50, 45));
      await registry.attachEval('ner', 3, SUITE, 0.2, syntheticReport(50, 5));
    }
    await registry.setPolicy(
      'ner',
      parsePolicy({ suites: [SUITE], minF1DiffLowerBound: -0.5, maxClassRecallDrop: 2 }),
    );
    expect((await promote(registry, 'ner', 1)).outcome).toBe('promoted');
    let refused: unknown;
    try {
      await promote(registry, 'ner', 3);
    } catch (e) {
      refused = e;
    }
    expect(isClinoteError(refused) && refused.code).toBe('CLINOTE_E_REGISTRY_GATE_FAILED');
    expect((await promote(registry, 'ner', 2)).outcome).toBe('promoted');
    await registry.setAlias('ner', 'challenger', 1);
    expect((await registry.show('ner')).aliases).toEqual({ champion: 2, challenger: 1 });
  });

  it('serves a deployment: canary 10% +- 2% of 500 patients (1,000 requests), sticky, every mirrored request stored', async () => {
    const config = parseServerConfig({
      threads: 0,
      limits: { maxEventLoopDelayMs: 0, maxQueuedNotes: 10_000 },
      registry: { pollMs: 0, shadowQueueMax: 100_000 },
      deployments: {
        ner: {
          champion: 'models:/ner@champion',
          canary: { model: 'models:/ner@challenger', share: 0.1 },
          shadow: { model: 'models:/ner/1', sample: 1 },
        },
      },
    });
    const engine = await startEngine(config.pipelines[0]!);
    server = await createServer(config, {
      engines: new Map([['default', engine]]),
      store,
      registry,
      logStream: false,
      processMetrics: false,
    });
    const send = (patient: string, i: number) =>
      server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        headers: { authorization: `Bearer ${key}`, 'x-clinote-routing-key': patient },
        payload: { id: `n${i}`, text: 'Chest pain and diabetes. No fever.', pipeline: 'ner' },
      });
    const byPatient = new Map<string, Set<string>>();
    let canary = 0;
    let failed = 0;
    const N = 500;
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < N; i += 50) {
        const res = await Promise.all(Array.from({ length: 50 }, (_, j) => send(`patient-${i + j}`, i + j)));
        for (const [j, r] of res.entries()) {
          if (r.statusCode !== 200) {
            failed++;
            continue;
          }
          const version = String(r.headers['x-clinote-model-version']);
          expect(r.json().pipeline.name).toBe(version);
          if (r.headers['x-clinote-variant'] === 'canary') canary++;
          const seen = byPatient.get(`patient-${i + j}`) ?? new Set();
          seen.add(version);
          byPatient.set(`patient-${i + j}`, seen);
        }
      }
    expect(failed).toBe(0);
    const share = canary / (2 * N);
    console.info(
      `registry scenario: canary served ${canary} of ${2 * N} requests (${(share * 100).toFixed(1)}%)`,
    );
    expect(share).toBeGreaterThanOrEqual(0.08);
    expect(share).toBeLessThanOrEqual(0.12);
    // stickiness: every patient saw one version only
    expect([...byPatient.values()].filter((s) => s.size !== 1)).toHaveLength(0);
    await server.deployments!.settle();
    const rows = await registry.shadowRows('ner', { withResult: true });
    const shadow = rows.filter((r) => r.variant === 'shadow');
    expect(shadow).toHaveLength(2 * N);
    expect(shadow.every((r) => r.result !== null && r.candidate === 'ner/1')).toBe(true);
    expect(rows.filter((r) => r.variant === 'canary')).toHaveLength(canary);
    const report = await experimentReport(registry, 'ner', { windowMs: 60_000 });
    expect(report.compared).toBe(2 * N + canary);
    const sh = report.variants.find((v) => v.variant === 'shadow')!;
    expect(sh.total.agreementF1).not.toBeNull();
    const metrics = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(metrics.body).toMatch(
      /clinote_deployment_agreement_f1\{deployment="ner",variant="shadow",type="all"\}/,
    );
    expect(metrics.body).toMatch(
      /clinote_deployment_requests_total\{deployment="ner",variant="canary",version="ner\/1"\}/,
    );
  }, 300_000);

  it('switches the champion alias under load with no failed request; in-flight requests finish on their version', async () => {
    // a new champion that no variant runs yet: its engine is built while the old one serves
    await registry.putDeployment('ner', { champion: 'models:/ner@champion' });
    await server.deployments!.refresh();
    const statuses: number[] = [];
    const versions: string[] = [];
    let switched = false;
    const switching = (async () => {
      await new Promise((r) => setTimeout(r, 50));
      await registry.setAlias('ner', 'champion', 3);
      await server.deployments!.refresh();
      switched = true;
    })();
    let i = 0;
    while (!switched || i < 400) {
      const res = await Promise.all(
        Array.from({ length: 20 }, () =>
          server.app.inject({
            method: 'POST',
            url: '/v1/extract',
            headers: { authorization: `Bearer ${key}` },
            payload: { id: `s${i++}`, text: 'Chest pain.', pipeline: 'ner' },
          }),
        ),
      );
      for (const r of res) {
        statuses.push(r.statusCode);
        if (r.statusCode === 200) {
          versions.push(String(r.headers['x-clinote-model-version']));
          expect(r.json().pipeline.name).toBe(r.headers['x-clinote-model-version']);
        }
      }
      if (i > 5000) break;
    }
    await switching;
    expect(statuses.filter((s) => s !== 200)).toHaveLength(0);
    expect(versions[0]).toBe('ner/2');
    expect(versions.at(-1)).toBe('ner/3');
    // once switched, never back
    expect(versions.slice(versions.indexOf('ner/3')).every((v) => v === 'ner/3')).toBe(true);
  }, 120_000);

  it('starts a server pipeline given as models:/NAME@ALIAS (resolved on the main thread)', async () => {
    const config = parseServerConfig({
      threads: 0,
      registry: { store: backend.url, artifacts: join(dir, 'artifacts') },
      pipelines: { rules: 'models:/ner@challenger' },
    });
    expect(config.pipelines[0]).toMatchObject({ name: 'rules', modelUri: 'models:/ner@challenger' });
    const engine = await startEngine(config.pipelines[0]!);
    try {
      expect(engine.pipeline.stamp.name).toBe('ner/1');
    } finally {
      await engine.close();
    }
    expect(() => parseServerConfig({ pipelines: { ner: 'x.json' }, deployments: { ner: {} } })).toThrow(
      /deployments.ner: a pipeline has the same name/,
    );
  });

  it('exposes the registry to the web UI: models, one model, deployments, promotions', async () => {
    const get = (url: string) =>
      server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    const models = (await get('/v1/registry/models')).json();
    expect(models.models[0]).toMatchObject({
      name: 'ner',
      versions: 3,
      aliases: { champion: 3, challenger: 1 },
    });
    const one = (await get('/v1/registry/models/ner')).json();
    expect(one.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
    expect(one.versions[1].lineage.trainingData.length).toBeGreaterThan(0);
    expect(one.evals.length).toBeGreaterThanOrEqual(3);
    expect((await get('/v1/registry/models/nope')).statusCode).toBe(404);
    const deployments = (await get('/v1/deployments')).json();
    expect(deployments.deployments[0]).toMatchObject({ name: 'ner', champion: { version: 'ner/3' } });
    const promotions = (await get('/v1/registry/promotions?name=ner')).json();
    expect(promotions.promotions.map((p: { outcome: string }) => p.outcome)).toEqual([
      'promoted',
      'refused',
      'promoted',
    ]);
    expect((await server.app.inject({ method: 'GET', url: '/v1/registry/models' })).statusCode).toBe(401);
    // an admin changes the deployment over HTTP: stored, audited, applied at once
    const put = (payload: unknown) =>
      server.app.inject({
        method: 'PUT',
        url: '/v1/deployments/ner',
        headers: { authorization: `Bearer ${key}` },
        payload: payload as Record<string, unknown>,
      });
    const bad = await put({ champion: 'ner@champion' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('CLINOTE_E_REGISTRY_DEPLOYMENT_INVALID');
    const ok = await put({
      champion: 'models:/ner/2',
      canary: { model: 'models:/ner@champion', share: 0.2 },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().deployment).toMatchObject({
      champion: { version: 'ner/2' },
      canary: { version: 'ner/3', share: 0.2 },
    });
    expect((await registry.deployments()).find((d) => d.name === 'ner')?.spec).toMatchObject({
      champion: 'models:/ner/2',
    });
    expect((await store.audit.verify()).ok).toBe(true);
  });

  it('follows an alias change by polling the store, with no call to refresh', async () => {
    const { Registry: PromRegistry } = await import('prom-client');
    const { Deployments } = await import('./deployments.js');
    const { Dispatcher } = await import('./dispatcher.js');
    const polled = new Deployments({
      registry,
      configured: { polled: { champion: 'models:/ner@champion' } },
      metrics: new PromRegistry(),
      requestTimeoutMs: 10_000,
      pollMs: 50,
      async load(label, config) {
        const engine = await startEngine({ name: label, config, threads: 0 });
        return {
          name: label,
          engine,
          dispatcher: new Dispatcher(engine, { maxBatchNotes: 8, maxDelayMs: 0, maxQueuedNotes: 100 }),
        };
      },
    });
    await polled.start();
    try {
      const champion = () => polled.views().find((d) => d.name === 'polled')?.champion.version;
      expect(champion()).toBe('ner/3');
      await registry.setAlias('ner', 'champion', 1);
      const until = Date.now() + 20_000;
      while (champion() !== 'ner/1' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(champion()).toBe('ner/1');
    } finally {
      await polled.close();
    }
  }, 60_000);
});

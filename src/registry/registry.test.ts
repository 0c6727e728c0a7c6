/**
 * The registry over both backends, one suite: SQLite in a temp dir, PostgreSQL in a database of its
 * own (skipped with the reason when PostgreSQL is not reachable, except under CI=true).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isClinoteError } from '../errors/error.js';
import { resourcePath } from '../resources.js';
import { openStore } from '../store/index.js';
import { pgSkipReason, postgresTestBackend, sqliteTestBackend, type TestBackend } from '../store/testing.js';
import { ArtifactStore } from './artifacts.js';
import { parsePolicy, promote } from './policy.js';
import { openRegistry, promotionDigest, type Registry } from './registry.js';
import { syntheticReport } from './testing.js';
import { formatRef, parseModelRef } from './uri.js';

const pgSkip = await pgSkipReason();
if (pgSkip) console.warn(`registry tests: the PostgreSQL half is skipped: ${pgSkip}`);

const MODEL = resourcePath('models/ner-ncbi-disease');

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isClinoteError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a rejection');
}

const BACKENDS = [
  { name: 'sqlite', make: sqliteTestBackend, skip: false as string | false },
  { name: 'postgres', make: postgresTestBackend, skip: pgSkip },
];

describe('registry URIs', () => {
  it('parses models:/NAME/VERSION and models:/NAME@ALIAS, and refuses the rest', () => {
    expect(parseModelRef('models:/ner/3')).toEqual({ name: 'ner', version: 3 });
    expect(parseModelRef('models:/ner@champion')).toEqual({ name: 'ner', alias: 'champion' });
    expect(parseModelRef('ner@challenger', { bare: true })).toEqual({ name: 'ner', alias: 'challenger' });
    expect(formatRef({ name: 'ner', version: 2 })).toBe('models:/ner/2');
    for (const bad of [
      'models:/ner',
      'models:/ner/0',
      'models:/ner/x',
      'ner@champion',
      'models:/a b@c',
      'models:/ner@a@b',
    ])
      expect(() => parseModelRef(bad), bad).toThrow(/registry reference/);
  });
});

for (const b of BACKENDS) {
  describe.skipIf(b.skip)(`registry over ${b.name}${b.skip ? ` (skipped: ${b.skip})` : ''}`, () => {
    let backend: TestBackend;
    let registry: Registry;
    let dir: string;

    beforeAll(async () => {
      backend = await b.make();
      dir = mkdtempSync(join(tmpdir(), 'clinote-reg-'));
      registry = await openRegistry({ url: backend.url, artifacts: join(dir, 'artifacts'), env: {} });
    });
    afterAll(async () => {
      await registry?.close();
      await backend?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('registers versions 1, 2, 3 with lineage, tags and one artifact per content', async () => {
      const v1 = await registry.register({ name: 'disease', model: MODEL, tags: { team: 'nlp' } });
      const v2 = await registry.register({ name: 'disease', model: MODEL });
      const v3 = await registry.register({
        name: 'disease',
        pipeline: resourcePath('pipelines/default.json'),
        parent: 1,
      });
      expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
      expect(v1.kind).toBe('model');
      expect(v3.kind).toBe('pipeline');
      expect(v1.artifactHash).toBe(v2.artifactHash);
      expect(v3.artifactHash).not.toBe(v1.artifactHash);
      expect(v1.tags).toEqual({ team: 'nlp' });
      expect(v1.lineage.parentVersion).toBeNull();
      expect(v2.lineage.parentVersion).toBe(1);
      expect(v3.lineage.parentVersion).toBe(1);
      expect(v1.lineage.code.package).toBe('clinote');
      // training data hashes come from the model's manifest
      const manifest = JSON.parse(readFileSync(join(MODEL, 'manifest.json'), 'utf8'));
      expect(v1.lineage.trainingData.map((t) => t.sha256)).toContain(manifest.data.train[0].sha256);
      const list = await registry.list();
      expect(list.find((m) => m.name === 'disease')).toMatchObject({ versions: 3, latest: 3 });
    });

    it('gives distinct version numbers to registrations made at once', async () => {
      const vs = await Promise.all(
        Array.from({ length: 4 }, () =>
          registry.register({ name: 'race', pipeline: resourcePath('pipelines/default.json') }),
        ),
      );
      expect(vs.map((v) => v.version).sort()).toEqual([1, 2, 3, 4]);
    });

    it('sets aliases, resolves URIs, and refuses unknown names, versions and aliases', async () => {
      expect(await registry.setAlias('disease', 'champion', 1)).toBeNull();
      expect(await registry.setAlias('disease', 'champion', 2)).toBe(1);
      expect((await registry.resolve('models:/disease@champion')).version).toBe(2);
      expect((await registry.resolve('disease/3')).kind).toBe('pipeline');
      expect(await codeOf(registry.resolve('models:/disease@nope'))).toBe('CLINOTE_E_REGISTRY_NOT_FOUND');
      expect(await codeOf(registry.resolve('models:/disease/99'))).toBe('CLINOTE_E_REGISTRY_NOT_FOUND');
      expect(await codeOf(registry.setAlias('disease', 'bad alias', 1))).toBe('CLINOTE_E_REGISTRY_BAD_INPUT');
      const show = await registry.show('disease');
      expect(show.aliases).toEqual({ champion: 2 });
      expect(show.versionList.find((v) => v.version === 2)?.aliases).toEqual(['champion']);
    });

    it('builds the pipeline config of a version (named NAME/VERSION) and detects a changed artifact', async () => {
      const v1 = await registry.version('disease', 1);
      const config = (await registry.pipelineConfig(v1)) as {
        name: string;
        components: { name: string; options?: { model?: string } }[];
      };
      expect(config.name).toBe('disease/1');
      const ner = config.components.find((c) => c.name === 'ner');
      expect(ner?.options?.model).toBe(join(dir, 'artifacts', v1.artifactHash));
      // a component option that refers to the registry resolves to the artifact folder
      const resolved = (await registry.resolveConfig({
        components: [{ name: 'ner', options: { model: 'models:/disease@champion' } }],
      })) as { components: { options: { model: string } }[] };
      expect(resolved.components[0]!.options.model).toBe(join(dir, 'artifacts', v1.artifactHash));
      // tamper with a copy of the artifact store
      const copy = join(dir, 'tampered');
      cpSync(join(dir, 'artifacts'), copy, { recursive: true });
      writeFileSync(join(copy, v1.artifactHash, 'model-card.md'), 'changed');
      expect(() => new ArtifactStore(copy).verified(v1.artifactHash)).toThrow(
        /changed after it was registered/,
      );
    });

    it('validates policies; refuses a worse challenger, promotes a better one, forces with an audited reason', async () => {
      expect(() => parsePolicy({ suites: ['ner:nope'], minF1DiffLowerBound: -0.5 })).toThrow(/suites\/0/);
      expect(() => parsePolicy({ suites: ['ner:ncbi-disease'], extra: 1 })).toThrow(/extra/);
      await registry.register({ name: 'gate', model: MODEL });
      await registry.register({ name: 'gate', model: MODEL });
      await registry.register({ name: 'gate', model: MODEL });
      expect(await codeOf(promote(registry, 'gate', 1))).toBe('CLINOTE_E_REGISTRY_NO_POLICY');
      await registry.setPolicy(
        'gate',
        parsePolicy({ suites: ['ner:ncbi-disease'], minF1DiffLowerBound: -0.5, maxClassRecallDrop: 2 }),
      );
      const first = await promote(registry, 'gate', 1);
      expect(first.outcome).toBe('promoted');
      // v1: 60 of 100 right; v2 worse (40); v3 better (80)
      await registry.attachEval('gate', 1, 'ner:ncbi-disease', 0.6, syntheticReport(100, 60));
      await registry.attachEval('gate', 2, 'ner:ncbi-disease', 0.4, syntheticReport(100, 40));
      // v2 unevaluated on the suite at first: refused for that
      let refused: unknown;
      try {
        await promote(registry, 'gate', 3);
      } catch (e) {
        refused = e;
      }
      expect(isClinoteError(refused) && refused.code).toBe('CLINOTE_E_REGISTRY_GATE_FAILED');
      await registry.attachEval('gate', 3, 'ner:ncbi-disease', 0.8, syntheticReport(100, 80));
      let worse: unknown;
      try {
        await promote(registry, 'gate', 2);
      } catch (e) {
        worse = e;
      }
      expect(isClinoteError(worse) && worse.code).toBe('CLINOTE_E_REGISTRY_GATE_FAILED');
      const failing = (isClinoteError(worse) ? worse.details.failing : []) as { check: string }[];
      expect(failing.map((c) => c.check).sort()).toEqual(['class-recall-drop', 'f1-diff-lower-bound']);
      expect((await registry.show('gate')).aliases.champion).toBe(1);
      const better = await promote(registry, 'gate', 3);
      expect(better.outcome).toBe('promoted');
      expect(better.checks.every((c) => c.pass)).toBe(true);
      expect((await registry.show('gate')).aliases.champion).toBe(3);
      expect(await codeOf(promote(registry, 'gate', 2, 'champion', { force: true }))).toBe(
        'CLINOTE_E_REGISTRY_BAD_INPUT',
      );
      const forced = await promote(registry, 'gate', 2, 'champion', {
        force: true,
        reason: 'rollback drill',
      });
      expect(forced.outcome).toBe('forced');
      expect((await registry.show('gate')).aliases.champion).toBe(2);
      // every attempt is recorded, newest first, and anchored in the audit chain
      const attempts = await registry.promotions('gate');
      expect(attempts.map((a) => a.outcome)).toEqual([
        'forced',
        'promoted',
        'refused',
        'refused',
        'promoted',
      ]);
      const audit = await registry.store.audit.list({ limit: 1000 });
      const rec = audit.find((r) => r.seq === forced.auditSeq);
      const { auditSeq: _seq, ...body } = attempts[0]!;
      expect(rec?.requestId).toBe(`promotion-${forced.id}-${promotionDigest(body).slice(0, 32)}`);
      expect(rec?.route).toBe('/registry/promote/champion');
      expect((await registry.store.audit.verify()).ok).toBe(true);
      // a reason changed afterwards no longer matches its audit record
      expect(promotionDigest({ ...body, reason: 'something else' }).slice(0, 32)).not.toBe(
        rec?.requestId.slice(-32),
      );
    });

    it('stores deployments and shadow rows', async () => {
      await registry.putDeployment('web', { champion: 'models:/disease@champion' });
      expect((await registry.deployments()).map((d) => d.name)).toContain('web');
      await registry.insertShadow([
        {
          deployment: 'web',
          at: new Date().toISOString(),
          requestId: 'r1',
          variant: 'shadow',
          champion: 'disease/2',
          candidate: 'disease/3',
          championMs: 1,
          candidateMs: 2,
          championError: null,
          candidateError: null,
          agreement: { spans: { problem: [1, 0, 0] }, assertions: [1, 1], codes: [0, 0] },
          result: '{"id":"n"}',
        },
      ]);
      const rows = await registry.shadowRows('web', { withResult: true });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.result).toBe('{"id":"n"}');
    });

    it('keeps its tables through a second open (migrations applied once)', async () => {
      const s = await openStore({ url: backend.url });
      try {
        expect(s.kind).toBe(b.name);
      } finally {
        await s.close();
      }
    });
  });
}

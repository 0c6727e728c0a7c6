/**
 * `clinote registry|compare|experiments` in-process, over a SQLite store in a temp folder (the
 * store's behaviour over both backends is src/registry/registry.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDataPath } from '../../data.js';
import { loadPipeline, setModelUriResolver } from '../../engine.js';
import { isClinoteError } from '../../errors/error.js';
import { openRegistry } from '../../registry/registry.js';
import { installRegistryResolver } from '../../registry/resolve.js';
import { syntheticReport } from '../../registry/testing.js';
import { resourcePath } from '../../resources.js';
import { runCliForTest } from '../testing.js';

let dir: string;
let env: Record<string, string>;
const DATA = sharedDataPath('ncbi_disease', 'conll', 'devel.tsv');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clinote-cli-reg-'));
  env = { CLINOTE_STORE: join(dir, 'clinote.db'), CLINOTE_ARTIFACTS: join(dir, 'artifacts') };
});
afterAll(() => {
  setModelUriResolver(undefined);
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...argv: string[]) => runCliForTest(argv, { env });

describe('clinote registry', () => {
  it('registers, lists, shows and aliases', async () => {
    const model = resourcePath('models/ner-ncbi-disease');
    const r1 = await cli('registry', 'register', '--name', 'ner', '--model', model, '--tag', 'team=nlp');
    expect(r1.code).toBe(0);
    expect(r1.stdout).toMatch(/^ner version 1 \(model, artifact [0-9a-f]{12}\)/);
    const r2 = await cli(
      'registry',
      'register',
      '--name',
      'ner',
      '--pipeline',
      resourcePath('pipelines/default.json'),
      '--json',
    );
    expect(JSON.parse(r2.stdout)).toMatchObject({
      name: 'ner',
      version: 2,
      kind: 'pipeline',
      lineage: { parentVersion: 1 },
    });
    expect((await cli('registry', 'register', '--name', 'ner')).code).toBe(64);
    expect((await cli('registry', 'register', '--name', 'bad name', '--model', model)).code).toBe(64);
    expect((await cli('registry', 'alias', 'set', 'ner', 'champion', '1')).stdout).toBe(
      'ner@champion -> 1\n',
    );
    expect((await cli('registry', 'alias', 'set', 'ner', 'champion', '9')).code).toBe(3);
    const list = await cli('registry', 'list');
    expect(list.stdout).toMatch(/ner\s+2\s+2\s+champion=1\s+no/);
    const show = JSON.parse((await cli('registry', 'show', 'ner', '--json')).stdout);
    expect(show.versionList[0].tags).toEqual({ team: 'nlp' });
    expect(show.versionList[0].lineage.trainingData.length).toBeGreaterThan(0);
  });

  it('refuses a promotion the policy does not allow, lists the failing checks, and forces with a reason', async () => {
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ suites: ['ner:ncbi-disease'], minF1DiffLowerBound: -0.5 }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ suites: [], typo: 1 }));
    expect((await cli('registry', 'policy', 'set', 'ner', join(dir, 'bad.json'))).code).toBe(3);
    expect((await cli('registry', 'policy', 'set', 'ner', policy)).code).toBe(0);
    const registry = await openRegistry({ env });
    try {
      await registry.attachEval('ner', 1, 'ner:ncbi-disease', 0.8, syntheticReport(60, 50));
      await registry.attachEval('ner', 2, 'ner:ncbi-disease', 0.5, syntheticReport(60, 20));
    } finally {
      await registry.close();
    }
    const refused = await cli('registry', 'promote', 'ner', '2');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/CLINOTE_E_REGISTRY_GATE_FAILED/);
    expect(refused.stderr).toMatch(/f1-diff-lower-bound on ner:ncbi-disease/);
    const forced = await cli(
      'registry',
      'promote',
      'ner',
      '2',
      '--force',
      '--reason',
      'incident 42: rule fallback',
    );
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('ner@champion -> 2 (forced, was 1)\n');
    const attempts = JSON.parse((await cli('registry', 'promotions', 'ner', '--json')).stdout);
    expect(attempts[0]).toMatchObject({ outcome: 'forced', reason: 'incident 42: rule fallback' });
    expect(attempts[1].outcome).toBe('refused');
    const compared = JSON.parse(
      (await cli('compare', 'ner/1', 'ner@champion', '--suite', 'ncbi-disease', '--json')).stdout,
    );
    expect(compared).toMatchObject({ a: 'ner/1', b: 'ner/2', documents: 60 });
    expect(compared.f1Diff).toBeLessThan(0);
    expect((await cli('audit', 'verify')).code).toBe(0);
  });

  it.skipIf(!DATA)('evaluates a version on a suite and attaches the report', async () => {
    const r = await cli(
      'registry',
      'evaluate',
      'ner',
      '1',
      '--suite',
      'ner:ncbi-disease',
      '--limit',
      '5',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ suite: 'ner:ncbi-disease', documents: 5 });
    expect((await cli('registry', 'evaluate', 'ner', '1', '--suite', 'nope')).code).toBe(64);
  });

  it('resolves models:/ references when a pipeline is loaded (the engine hook), and refuses them without it', async () => {
    const config = {
      name: 'uses-registry',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        { name: 'ner', options: { model: 'models:/ner/1' } },
      ],
    };
    setModelUriResolver(undefined);
    await expect(loadPipeline({ config })).rejects.toSatisfy(
      (e: unknown) => isClinoteError(e) && e.code === 'CLINOTE_E_REGISTRY_URI_UNRESOLVED',
    );
    installRegistryResolver({ env });
    const p = await loadPipeline({ config });
    const doc = await p.process({ id: 'n', text: 'History of breast cancer.' });
    expect(doc.ok).toBe(true);
    // a registered pipeline as the config itself
    const whole = await loadPipeline({ configPath: 'models:/ner/2' });
    expect(whole.stamp.name).toBe('ner/2');
  });

  it('extracts with a registered pipeline (--pipeline models:/...) and a config that names a registered model', async () => {
    const note = join(dir, 'note.txt');
    writeFileSync(note, 'History of breast cancer. Denies chest pain.');
    const whole = await cli('extract', note, '--pipeline', 'models:/ner/2', '--format', 'ndjson');
    expect(whole.code).toBe(0);
    expect(JSON.parse(whole.stdout).pipeline.name).toBe('ner/2');
    const config = join(dir, 'uses-model.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: 'uses-model',
        components: [
          { name: 'normalize' },
          { name: 'sections' },
          { name: 'sentences' },
          { name: 'tokens' },
          { name: 'ner', options: { model: 'models:/ner/1' } },
        ],
      }),
    );
    const part = await cli('extract', note, '--pipeline', config, '--format', 'ndjson');
    expect(part.code).toBe(0);
    expect(JSON.parse(part.stdout).concepts.length).toBeGreaterThan(0);
    expect((await cli('extract', note, '--pipeline', 'models:/ner/9', '--format', 'ndjson')).code).toBe(3);
  });

  it('reports the online comparison of a deployment', async () => {
    const r = await cli('experiments', 'report', 'web', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ deployment: 'web', compared: 0, variants: [] });
    const d = await cli(
      'registry',
      'deploy',
      'web',
      '--champion',
      'models:/ner@champion',
      '--canary',
      'models:/ner/1',
      '--canary-share',
      '0.05',
    );
    expect(d.code).toBe(0);
    expect((await cli('registry', 'deploy', 'web', '--champion', 'ner@champion')).code).toBe(3);
    const list = JSON.parse((await cli('registry', 'deployments')).stdout);
    expect(list[0].spec).toMatchObject({ canary: { share: 0.05 } });
  });
});

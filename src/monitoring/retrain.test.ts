/**
 * The feedback-to-retrain loop end to end on a small model (a perceptron trained on 40 NCBI-disease
 * documents): feedback stored for a served version, a cycle triggered by the count of new labels,
 * the challenger trained on the corpus plus the feedback (a held-back share never trained on),
 * evaluated against the champion, registered with its lineage and deployed as shadow; the champion
 * is not changed; a second `--if-due` run finds nothing due. Needs ../shared/data (skipped without).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { trainNerPreset } from '../eval/ner-train.js';
import { NER_PRESETS } from '../eval/presets.js';
import { ArtifactStore } from '../registry/artifacts.js';
import { parseDeploymentSpec } from '../registry/deployment.js';
import { Registry } from '../registry/registry.js';
import { type OpenedStore, openStore } from '../store/index.js';
import { sqliteTestBackend, type TestBackend } from '../store/testing.js';
import { FeedbackStore } from './feedback.js';
import { feedbackGold, heldBackBucket, parseRetrainConfig, renderCycle, runRetrainCycle } from './retrain.js';

const DATA = sharedDataPath('ncbi_disease', 'conll', 'train.tsv');
if (!DATA) console.warn(`retrain loop: ${missingDataMessage('ncbi_disease', 'conll', 'train.tsv')}`);
const CANARY = 'ZZCANARY-RETRAIN-5521';

/** Notes written for this test: a disease name and its offsets in each. */
const NOTES: [string, string][] = [
  ['Known Marfan syndrome, followed by cardiology.', 'Marfan syndrome'],
  ['History of cystic fibrosis with recurrent infections.', 'cystic fibrosis'],
  ['She was diagnosed with Gaucher disease as a child.', 'Gaucher disease'],
  ['Family reports hemophilia A in the patient.', 'hemophilia A'],
  ['Longstanding Huntington disease, now in a care home.', 'Huntington disease'],
  ['Admitted with sickle cell anemia crisis.', 'sickle cell anemia'],
  ['Presents with Duchenne muscular dystrophy progression.', 'Duchenne muscular dystrophy'],
  ['Fabry disease on enzyme replacement.', 'Fabry disease'],
  ['Wilson disease, copper studies pending.', 'Wilson disease'],
  ['Neurofibromatosis type 1 with new lesions.', 'Neurofibromatosis type 1'],
];

let backend: TestBackend;
let store: OpenedStore;
let registry: Registry;
let dir: string;

beforeAll(async () => {
  if (!DATA) return;
  backend = await sqliteTestBackend();
  dir = mkdtempSync(join(tmpdir(), 'clinote-retrain-'));
  store = await openStore({ url: backend.url });
  registry = new Registry(store, new ArtifactStore(join(dir, 'artifacts')));
  const champion = trainNerPreset({
    preset: 'ncbi-disease',
    out: join(dir, 'champion'),
    name: 'ner-small',
    limit: 40,
    epochs: 2,
    bits: 14,
    created: '2026-01-01T00:00:00.000Z',
  });
  const v = await registry.register({ name: 'ner-small', model: champion.dir });
  await registry.setAlias('ner-small', 'champion', v.version);
  await registry.putDeployment('ner', parseDeploymentSpec({ champion: 'models:/ner-small@champion' }));
  const feedback = new FeedbackStore(store);
  for (const [i, [text, disease]] of NOTES.entries()) {
    const start = text.indexOf(disease);
    await feedback.add(
      {
        noteId: `note-${i}`,
        pipeline: 'ner',
        version: '1',
        text: i === 0 ? `${text} ${CANARY}` : text,
        items: [
          { kind: 'span-added', start, end: start + disease.length, type: 'problem' },
          { kind: 'span-removed', start: 0, end: 4 },
        ],
      },
      { tenant: 'acme', requestId: `r${i}` },
    );
  }
  // another tenant's feedback is never read
  await feedback.add(
    {
      noteId: 'x',
      pipeline: 'ner',
      version: '1',
      text: 'Other tenant note.',
      items: [{ kind: 'span-added', start: 0, end: 5, type: 'problem' }],
    },
    { tenant: 'globex', requestId: 'rx' },
  );
}, 300_000);

afterAll(async () => {
  await store?.close();
  await backend?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('retraining', () => {
  it('checks its config with a stable code', () => {
    expect(() => parseRetrainConfig({ name: 'x' })).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_RETRAIN_CONFIG_INVALID' }),
    );
    expect(() =>
      parseRetrainConfig({ name: 'x', feedback: { tenant: 't' }, trigger: { every: 'soon' } }),
    ).toThrow(expect.objectContaining({ code: 'CLINOTE_E_RETRAIN_CONFIG_INVALID' }));
  });

  it('builds feedback gold: the served mentions corrected by the reviewer', () => {
    const text = 'Fever and Marfan syndrome.';
    const rows = [
      {
        id: '1',
        at: '',
        tenant: 't',
        keyId: null,
        noteId: 'n',
        pipeline: 'p',
        version: 'v',
        text,
        item: { kind: 'span-added' as const, start: 10, end: 25, type: 'problem' },
      },
      {
        id: '2',
        at: '',
        tenant: 't',
        keyId: null,
        noteId: 'n',
        pipeline: 'p',
        version: 'v',
        text,
        item: { kind: 'span-removed' as const, start: 0, end: 5 },
      },
    ];
    const served = () => [
      { start: 0, end: 5, type: 'Disease' },
      { start: 10, end: 16, type: 'Disease' },
    ];
    const g = feedbackGold(rows, NER_PRESETS['ncbi-disease']!, served);
    // "Fever" removed; "Marfan" replaced by the reviewer's wider span
    expect(g.docs[0]?.spans).toEqual([{ start: 10, end: 25, type: 'Disease' }]);
    expect(g.items).toBe(2);
  });

  it('holds back a stable share of the notes', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `feedback:n${i}`);
    const share = ids.filter((id) => heldBackBucket(id) < 0.2).length / ids.length;
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);
    expect(heldBackBucket('feedback:n1')).toBe(heldBackBucket('feedback:n1'));
  });

  it.skipIf(!DATA)(
    'runs one cycle from the label trigger to a shadow deployment; the champion stays; then nothing is due',
    async () => {
      const config = parseRetrainConfig({
        name: 'ner-small',
        deployment: 'ner',
        train: { limit: 40, epochs: 2, bits: 14 },
        feedback: { tenant: 'acme', holdBack: 0.3 },
        suites: [{ suite: 'ner:ncbi-disease', limit: 10 }],
        trigger: { newLabels: 10 },
        out: join(dir, 'retrain'),
      });
      const lines: string[] = [];
      const report = await runRetrainCycle(registry, config, { ifDue: true, log: (l) => lines.push(l) });
      expect(report).toMatchObject({
        ran: true,
        trigger: 'labels',
        championVersion: 1,
        challengerVersion: 2,
        deployment: 'ner',
      });
      expect(report.feedback.notes).toBe(NOTES.length);
      expect(report.feedback.trained + report.feedback.heldBack).toBe(NOTES.length);
      expect(report.feedback.heldBack).toBeGreaterThan(0);
      expect(report.heldBack?.notes).toBe(report.feedback.heldBack);
      expect(report.suites).toHaveLength(1);
      expect(report.steps.map((s) => s.step)).toEqual([
        'champion',
        'data',
        'train',
        'evaluate',
        'register',
        'deploy',
      ]);

      const detail = await registry.show('ner-small');
      expect(detail.aliases).toEqual({ champion: 1, challenger: 2 });
      const v2 = await registry.version('ner-small', 2);
      expect(v2.lineage.parentVersion).toBe(1);
      expect(v2.tags).toMatchObject({ retrain: report.id, trigger: 'labels' });
      expect(v2.lineage.trainingData.map((d) => d.name)).toContain('feedback:acme/ner');
      expect((await registry.evals('ner-small', 2)).map((e) => e.suite)).toEqual(['ner:ncbi-disease']);
      const dep = (await registry.deployments()).find((d) => d.name === 'ner');
      expect(dep?.spec).toMatchObject({
        champion: 'models:/ner-small@champion',
        shadow: { model: 'models:/ner-small/2' },
      });

      const text = `${renderCycle(report)}${lines.join('\n')}${JSON.stringify(report)}`;
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain('Marfan');

      const again = await runRetrainCycle(registry, config, { ifDue: true });
      expect(again.ran).toBe(false);
      expect((await registry.show('ner-small')).latest).toBe(2);
    },
    600_000,
  );
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainNerPreset } from './ner-train.js';
import { runNer } from './tasks/ner.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CoNLL file from sentences where `[a b]` marks a Disease. Written for this test. */
function conll(sentences: string[]): string {
  return sentences
    .map((s) => {
      const lines: string[] = [];
      let inside = false;
      for (const raw of s.split(' ')) {
        let w = raw;
        let tag = inside ? 'I-Disease' : 'O';
        if (w.startsWith('[')) {
          w = w.slice(1);
          tag = 'B-Disease';
          inside = true;
        }
        if (w.endsWith(']')) {
          w = w.slice(0, -1);
          inside = false;
        }
        lines.push(`${w}\t${tag}`);
      }
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

const TRAIN = [
  'Patients with [breast cancer] were seen .',
  'The [muscular dystrophy] gene was cloned .',
  'No [diabetes] was found in the family .',
  'A family with [colon cancer] and [diabetes] .',
  'We studied [muscular dystrophy] in mice .',
  'The gene causes [breast cancer] and [ovarian cancer] .',
  'Mutations cause [cystic fibrosis] in children .',
  'Children with [cystic fibrosis] were treated .',
];
const DEV = ['Patients with [colon cancer] were seen .', 'The [cystic fibrosis] gene was cloned .'];

const trainFile = join(dir, 'train.tsv');
const devFile = join(dir, 'dev.tsv');
writeFileSync(trainFile, conll(TRAIN));
writeFileSync(devFile, conll(DEV));

const run = (out: string) =>
  trainNerPreset({
    preset: 'ncbi-disease',
    train: trainFile,
    dev: devFile,
    out,
    bits: 14,
    epochs: 10,
    devFraction: 1,
    created: '2026-12-07T00:00:00.000Z',
  });

describe('trainNerPreset', () => {
  const a = run(join(dir, 'a'));

  it('writes a model directory whose manifest records data hashes, metrics and the pack', () => {
    const m = a.manifest;
    expect(m.name).toBe('ner-ncbi-disease');
    expect(m.labels).toEqual(['O', 'B-Disease', 'I-Disease']);
    expect(m.types).toEqual({ Disease: 'problem' });
    expect(m.data.train[0]?.name).toBe('train.tsv');
    expect(m.data.train[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.data.license).toBe('public domain (NLM)');
    expect(m.features.pack?.name).toBeTruthy();
    expect(m.metrics.dev?.documents).toBe(1);
    expect(m.metrics.dev?.strict.f1).toBeGreaterThan(0);
    expect(readFileSync(join(a.dir, 'model-card.md'), 'utf8')).toContain('public domain (NLM)');
  });

  it('is deterministic: a second training gives the same bytes', () => {
    const b = run(join(dir, 'b'));
    for (const f of ['weights.bin', 'manifest.json', 'model-card.md']) {
      expect(readFileSync(join(b.dir, f)).equals(readFileSync(join(a.dir, f))), f).toBe(true);
    }
  });

  it('clinote eval ner --model scores the model alone with the eval scorer', async () => {
    const report = await runNer({ data: devFile, preset: 'ncbi-disease', model: a.dir });
    expect(report.model).toBe(a.dir);
    expect(report.counts.gold).toBe(2);
    expect(report.strict?.f1).toBeCloseTo(a.manifest.metrics.dev?.strict.f1 ?? -1, 6);
    expect(report.lenient?.f1).toBeGreaterThanOrEqual(report.strict?.f1 ?? 0);
  });

  it('records calibration: every split has an ECE; the manifest has the fitted temperature', () => {
    const m = a.manifest;
    expect(m.inference.temperature).toBeGreaterThan(0);
    const c = m.metrics.dev?.calibration;
    expect(c?.mentions).toBeGreaterThan(0);
    expect(c?.ece).toBeGreaterThanOrEqual(0);
    expect(c?.ece).toBeLessThanOrEqual(1);
  });

  it('trains a CRF with word classes from a file; the manifest names the file and its hash', () => {
    const classes = join(dir, 'classes.tsv');
    writeFileSync(classes, '# test classes\ncancer\t0\t1\nfibrosis\t0\t1\ndystrophy\t0\t0\nthe\t1\t2\n');
    const r = trainNerPreset({
      preset: 'ncbi-disease',
      train: trainFile,
      dev: devFile,
      out: join(dir, 'crf'),
      bits: 14,
      epochs: 5,
      devFraction: 1,
      algorithm: 'crf',
      clusters: classes,
      created: '2026-12-07T00:00:00.000Z',
    });
    expect(r.manifest.hyperparameters.algorithm).toBe('crf-sgd-l2');
    expect(r.manifest.features.clusters?.levels).toBe(2);
    expect(r.manifest.features.clusters?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(r.dir, 'model-card.md'), 'utf8')).toContain('linear-chain CRF');
  });

  it('missing data is CLINOTE_E_MODEL_TRAINING_DATA', () => {
    expect(() =>
      trainNerPreset({ preset: 'ncbi-disease', train: join(dir, 'nope.tsv'), dev: devFile }),
    ).toThrow(expect.objectContaining({ code: 'CLINOTE_E_MODEL_TRAINING_DATA' }));
    expect(() => trainNerPreset({ preset: 'maccrobat' })).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_MODEL_TRAINING_DATA' }),
    );
  });
});

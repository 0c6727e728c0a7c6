import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readClassifierDir } from '../models/classify/artifact.js';
import { mulberry32 } from '../models/prng.js';
import { runCliForTest } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'clinote-train-classify-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A small CSV in the MTSamples layout, written here (made-up notes, three specialties). */
function syntheticCsv(): string {
  const random = mulberry32(3);
  const cues: Record<string, string[]> = {
    Cardiology: ['murmur', 'echocardiogram', 'angina', 'palpitations', 'ejection'],
    Orthopedic: ['fracture', 'knee', 'cast', 'tendon', 'arthroscopy'],
    Neurology: ['seizure', 'headache', 'tremor', 'neuropathy', 'gait'],
  };
  const common = ['patient', 'reports', 'denies', 'history', 'today', 'normal', 'follow', 'up'];
  const pick = (list: readonly string[]): string => list[Math.floor(random() * list.length)] as string;
  const rows = ['note_id,description,medical_specialty,sample_name,transcription,keywords'];
  let id = 0;
  for (let i = 0; i < 90; i++) {
    const specialty = Object.keys(cues)[i % 3] as string;
    const body = Array.from({ length: 25 }, () =>
      random() < 0.4 ? pick(cues[specialty] ?? []) : pick(common),
    );
    const text = `HISTORY OF PRESENT ILLNESS: ${body.join(' ')} ${i}.\nMEDICATIONS: none.\nASSESSMENT: ${pick(cues[specialty] ?? [])}.`;
    rows.push(`${++id},made up,${specialty},sample ${id},"${text}",`);
  }
  return `${rows.join('\n')}\n`;
}

describe('clinote train classify', () => {
  it('trains a specialty classifier from a CSV and writes a readable model directory', async () => {
    const csv = join(root, 'notes.csv');
    writeFileSync(csv, syntheticCsv());
    const out = join(root, 'model');
    const r = await runCliForTest([
      'train',
      'classify',
      '--task',
      'specialty',
      '--train',
      csv,
      '--out',
      out,
      '--epochs',
      '3',
      '--bits',
      '12',
      '--thresholds',
      '--class-weights',
      'balanced',
    ]);
    expect(r.stderr).toMatch(/epoch 1: loss [\d.]+, dev macro-F1 [\d.]+/);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(out);
    const { manifest, classifier } = readClassifierDir(out, 'specialty');
    expect(manifest.labels).toEqual(['Cardiology', 'Neurology', 'Orthopedic']);
    expect(manifest.thresholds).toHaveLength(3);
    expect(manifest.hyperparameters.classWeights).toBe('balanced');
    expect(manifest.calibration.method).toBe('temperature');
    expect(manifest.metrics.dev?.macroF1).toBeGreaterThan(0.8);
    expect(classifier.predict(['u=seizure', 'u=tremor', 'u=gait']).label).toBe('Neurology');
  });

  it('refuses options the task does not take, and a missing task', async () => {
    const a = await runCliForTest(['train', 'classify', '--task', 'specialty', '--dev', 'x.csv']);
    expect(a.code).toBe(64);
    expect(a.stderr).toContain('CLINOTE_E_MODEL_TRAIN_OPTION');
    const b = await runCliForTest(['train', 'classify']);
    expect(b.code).toBe(64);
    expect(b.stderr).toContain('CLINOTE_E_MODEL_UNKNOWN_TASK');
    const c = await runCliForTest(['train', 'classify', '--task', 'assertion', '--oversample', '5']);
    expect(c.code).toBe(64);
    expect(c.stderr).toContain('CLINOTE_E_MODEL_TRAIN_OPTION');
    const d = await runCliForTest(['train', 'classify', '--task', 'specialty', '--class-weights', 'heavy']);
    expect(d.code).not.toBe(0);
  });

  it('reports missing training data with its code', async () => {
    const r = await runCliForTest([
      'train',
      'classify',
      '--task',
      'section',
      '--train',
      join(root, 'none.csv'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CLINOTE_E_MODEL_TRAINING_DATA');
  });
});

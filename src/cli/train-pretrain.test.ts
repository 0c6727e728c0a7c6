import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../models/prng.js';
import { runCliForTest } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'clinote-train-pretrain-'));
const before = process.env.CLINOTE_DATA_DIR;

/** A made-up data dir holding only an MTSamples-shaped CSV of invented notes. */
beforeAll(() => {
  const random = mulberry32(9);
  const words = [
    'patient',
    'denies',
    'chest',
    'pain',
    'fever',
    'cough',
    'aspirin',
    'daily',
    'history',
    'normal',
    'exam',
  ];
  const rows = ['note_id,description,medical_specialty,sample_name,transcription,keywords'];
  for (let i = 0; i < 60; i++) {
    const body = Array.from({ length: 40 }, () => words[Math.floor(random() * words.length)]).join(' ');
    rows.push(`${i + 1},made up,Cardiology,sample ${i},"HPI: ${body} ${i}.",`);
  }
  mkdirSync(join(root, 'data', 'mtsamples'), { recursive: true });
  writeFileSync(join(root, 'data', 'mtsamples', 'mtsamples.csv'), `${rows.join('\n')}\n`);
  process.env.CLINOTE_DATA_DIR = join(root, 'data');
});

afterAll(() => {
  if (before === undefined) delete process.env.CLINOTE_DATA_DIR;
  else process.env.CLINOTE_DATA_DIR = before;
  rmSync(root, { recursive: true, force: true });
});

describe('clinote train tokenizer / pretrain', () => {
  it('trains a tokenizer, pretrains a small encoder and resumes it', async () => {
    const tok = join(root, 'tok');
    const t = await runCliForTest([
      'train',
      'tokenizer',
      '--out',
      tok,
      '--vocab-size',
      '120',
      '--sources',
      'mtsamples',
    ]);
    expect(t.stderr).not.toMatch(/error/);
    expect(t.code).toBe(0);
    expect(t.stdout.trim()).toBe(join(tok, 'tokenizer.json'));
    expect(readFileSync(join(tok, 'model-card.md'), 'utf8')).toMatch(/\| mtsamples \|.*\| CC0 1\.0 \|/);

    const out = join(root, 'pre');
    const common = [
      'train',
      'pretrain',
      '--tokenizer',
      join(tok, 'tokenizer.json'),
      '--sources',
      'mtsamples',
    ];
    const sizes = [
      '--steps',
      '4',
      '--batch',
      '2',
      '--seq-len',
      '16',
      '--eval-every',
      '2',
      '--out',
      out,
      '--json',
    ];
    const a = await runCliForTest([...common, ...sizes, '--stop-at', '2']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ size: 'tiny', steps: 2 });
    const b = await runCliForTest([...common, ...sizes, '--resume']);
    expect(b.code).toBe(0);
    const summary = JSON.parse(b.stdout) as { steps: number; heldOutPerplexity: number };
    expect(summary.steps).toBe(4);
    expect(summary.heldOutPerplexity).toBeGreaterThan(1);
    expect(existsSync(join(out, 'checkpoint.bin'))).toBe(true);
    expect(existsSync(join(out, 'curve.png'))).toBe(true);
  });

  it('refuses an unknown size with CLINOTE_E_MODEL_TRAIN_OPTION', async () => {
    const r = await runCliForTest(['train', 'pretrain', '--size', 'huge']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/CLINOTE_E_MODEL_TRAIN_OPTION/);
  });
});

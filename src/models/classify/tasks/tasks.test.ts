import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitOf, words } from './mtsamples.js';
import { headerKey, sectionDataset, sectionFeatures } from './section.js';
import { specialtyDataset, specialtyFeatures } from './specialty.js';

const root = mkdtempSync(join(tmpdir(), 'clinote-classify-tasks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Made-up notes in the MTSamples layout: varied headers the rules know. */
function csv(): string {
  const headers = [
    ['HISTORY OF PRESENT ILLNESS', 'The patient reports pain.'],
    ['HPI', 'Pain for two days.'],
    ['MEDICATIONS', 'Aspirin daily.'],
    ['CURRENT MEDICATIONS', 'None.'],
    ['ALLERGIES', 'No known drug allergies.'],
    ['PAST MEDICAL HISTORY', 'Hypertension.'],
    ['ASSESSMENT', 'Stable.'],
    ['PLAN', 'Follow up.'],
  ];
  const rows = ['note_id,description,medical_specialty,sample_name,transcription,keywords'];
  for (let i = 0; i < 30; i++) {
    const parts = headers.filter((_, k) => (i + k) % 3 !== 0).map(([h, b]) => `${h}: ${b}`);
    rows.push(`${i + 1},x,${i % 2 ? 'Cardiology' : 'Neurology'},s,"${parts.join('\n')}",`);
  }
  rows.push('99,x,Neurology,s,"",'); // an empty transcription is skipped
  return `${rows.join('\n')}\n`;
}

describe('classifier tasks', () => {
  const path = join(root, 'notes.csv');
  writeFileSync(path, csv());

  it('splits by a seeded hash: the same key always lands in the same split', () => {
    expect(splitOf('medications', 1)).toBe(splitOf('medications', 1));
    const counts = { train: 0, dev: 0, heldout: 0 };
    for (let i = 0; i < 3000; i++) counts[splitOf(`key ${i}`, 7)]++;
    expect(counts.train / 3000).toBeCloseTo(0.7, 1);
    expect(counts.dev / 3000).toBeCloseTo(0.15, 1);
    expect(words("The patient's BP 120/80.")).toEqual(['the', "patient's", 'bp', '120', '80']);
  });

  it('builds specialty examples with words, bigrams and section categories', () => {
    const f = specialtyFeatures('HPI: chest pain.');
    expect(f).toEqual(['u=hpi', 'u=chest', 'b=hpi chest', 'u=pain', 'b=chest pain']);
    const data = specialtyDataset({ path });
    expect(data.labels).toEqual(['Cardiology', 'Neurology']);
    expect(data.file.empty).toBe(1);
    expect(data.train.length + data.dev.length + data.heldout.length).toBe(30);
    expect(data.train[0]?.features).toContain('s=hpi');
  });

  it('builds section examples from the headers the rules know, split by header string', () => {
    expect(headerKey('  2. Current  Medications: ')).toBe('current medications');
    const f = sectionFeatures({
      header: 'Home Meds',
      body: 'aspirin',
      index: 2,
      relative: 0.55,
      previous: 'hpi',
    });
    expect(f).toEqual(
      expect.arrayContaining([
        'hw=home',
        'hb=home meds',
        'hc=#ho',
        'hc=eds#',
        'bf=aspirin',
        'pos=2',
        'rel=5',
        'prev=hpi',
      ]),
    );
    const data = sectionDataset({ path, maxPerHeader: 5 });
    expect(data.labels).toEqual(expect.arrayContaining(['allergies', 'hpi', 'medications', 'plan']));
    const h = data.headers;
    expect(h.train + h.dev + h.heldout).toBe(8);
    // at most 5 occurrences of each of the 8 header strings
    expect(data.train.length + data.dev.length + data.heldout.length).toBeLessThanOrEqual(40);
    expect(data.occurrences).toBeGreaterThan(40);
  });
});

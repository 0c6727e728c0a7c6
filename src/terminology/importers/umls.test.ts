import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importUmls } from './umls.js';
import { collectConcepts } from './util/collect.js';

const dir = join(import.meta.dirname, 'fixtures', 'umls');

describe('umls importer', () => {
  it('merge-joins MRCONSO and MRSTY: one concept per CUI with its English strings, codes and type', async () => {
    const { stats, byId } = await collectConcepts(importUmls, dir);
    expect(stats).toMatchObject({
      read: 6,
      imported: 4,
      skippedReasons: { 'semantic-type': 1, 'no-kept-strings': 1 },
    });
    const dm = byId.get('umls:C0011860')!;
    expect(dm).toMatchObject({
      type: 'problem',
      subtype: 'disorder',
      preferred: 'Diabetes Mellitus, Non-Insulin-Dependent',
    });
    expect(dm.terms).toEqual([
      { text: 'Diabetes Mellitus, Non-Insulin-Dependent', kind: 'preferred' },
      { text: 'Type 2 diabetes mellitus', kind: 'synonym' },
      { text: 'T2DM', kind: 'abbreviation' },
      { text: 'adult onset diabetes', kind: 'lay' },
      { text: 'Diabetes Mellitus, Type 2', kind: 'synonym' },
    ]);
    expect(dm.codes).toEqual([
      { system: 'umls', code: 'C0011860', display: 'Diabetes Mellitus, Non-Insulin-Dependent' },
      { system: 'snomed', code: '44054006' },
      { system: 'icd10cm', code: 'E11' },
      { system: 'mesh', code: 'D003924' },
    ]);
    const insulin = byId.get('umls:C0021641')!;
    expect(insulin).toMatchObject({ type: 'medication', subtype: 'substance' });
    expect(insulin.terms).toContainEqual({ text: 'Humulin', kind: 'brand' });
    expect(insulin.codes.filter((c) => c.system === 'rxnorm').map((c) => c.code)).toEqual(['5856', '5857']);
    expect(byId.get('umls:C0376358')!.type).toBe('problem');
  });

  it('keeps only the sources asked for', async () => {
    const { byId, stats } = await collectConcepts(importUmls, dir, { sabs: ['ICD10CM'] });
    expect(byId.get('umls:C0011860')!.terms).toEqual([
      { text: 'Type 2 diabetes mellitus', kind: 'preferred' },
    ]);
    expect(byId.has('umls:C0021641')).toBe(false);
    expect(stats.skippedReasons['no-kept-strings']).toBe(3);
  });

  it('finds the files under META/', async () => {
    const root = mkdtempSync(join(tmpdir(), 'clinote-umls-'));
    mkdirSync(join(root, 'META'));
    for (const f of ['MRCONSO.RRF', 'MRSTY.RRF']) copyFileSync(join(dir, f), join(root, 'META', f));
    const { stats } = await collectConcepts(importUmls, root);
    expect(stats.imported).toBe(4);
  });

  it('stops on files out of CUI order, and on a missing file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'clinote-umls-'));
    const lines = readFileSync(join(dir, 'MRCONSO.RRF'), 'utf8').trim().split('\n').reverse();
    writeFileSync(join(root, 'MRCONSO.RRF'), `${lines.join('\n')}\n`);
    await expect(collectConcepts(importUmls, root)).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE',
    });
    copyFileSync(join(dir, 'MRSTY.RRF'), join(root, 'MRSTY.RRF'));
    await expect(collectConcepts(importUmls, root)).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_UNSORTED_INPUT',
    });
  });
});

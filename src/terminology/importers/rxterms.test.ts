import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRxterms, stripRoute } from './rxterms.js';
import { collectConcepts } from './util/collect.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('rxterms importer: ingredients file', () => {
  it('folds drug rows into one concept per ingredient RxCUI', async () => {
    const { stats, byId } = await collectConcepts(importRxterms, fixture('rxterms_ingredients.txt'));
    expect(stats).toMatchObject({ read: 7, imported: 3, skippedReasons: { malformed: 2 } });
    expect([...byId.keys()]).toEqual(['rxterms:5487', 'rxterms:29046', 'rxterms:6809']);
    expect(byId.get('rxterms:29046')).toEqual({
      id: 'rxterms:29046',
      source: 'rxterms',
      type: 'medication',
      subtype: 'ingredient',
      preferred: 'lisinopril',
      terms: [{ text: 'lisinopril', kind: 'preferred' }],
      codes: [{ system: 'rxnorm', code: '29046', display: 'lisinopril' }],
    });
  });
});

describe('rxterms importer: main RxTerms file', () => {
  it('groups generic and branded rows by generic name; skips suppressed, retired and orphan brands', async () => {
    const { stats, byId } = await collectConcepts(importRxterms, fixture('rxterms_main.txt'));
    expect(stats).toMatchObject({
      read: 8,
      imported: 3,
      skippedReasons: { suppressed: 1, retired: 1, 'brand-without-generic': 1 },
    });
    const lis = byId.get('rxterms:name:lisinopril')!;
    expect(lis.subtype).toBe('ingredient');
    expect(lis.terms).toEqual(
      expect.arrayContaining([
        { text: 'lisinopril', kind: 'preferred' },
        { text: 'ZESTRIL', kind: 'brand' },
        { text: 'PRINIVIL', kind: 'brand' },
      ]),
    );
    expect(lis.codes).toEqual([{ system: 'rxnorm', code: '1091643', display: 'lisinopril Oral Product' }]);
    expect(byId.get('rxterms:name:hydrochlorothiazide-lisinopril')!.subtype).toBe('combination');
    expect(byId.get('rxterms:name:magnesium-hydroxide')!.terms).toContainEqual({
      text: 'MOM',
      kind: 'abbreviation',
    });
  });

  it('maps generics to ingredient RxCUIs with the ingredients file', async () => {
    const { byId } = await collectConcepts(importRxterms, fixture('rxterms_main.txt'), {
      ingredients: fixture('rxterms_ingredients.txt'),
    });
    const lis = byId.get('rxterms:29046')!;
    expect(lis.preferred).toBe('lisinopril');
    expect(lis.codes).toEqual([{ system: 'rxnorm', code: '29046', display: 'lisinopril' }]);
    expect(lis.terms.filter((t) => t.kind === 'brand').map((t) => t.text)).toEqual(['ZESTRIL', 'PRINIVIL']);
    const combo = byId.get('rxterms:name:hydrochlorothiazide-lisinopril')!;
    expect(combo.codes.map((c) => c.code)).toEqual(['5487', '29046', '1091644']);
    expect(combo.subtype).toBe('combination');
  });

  it('refuses a file that is not RxTerms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinote-rxt-'));
    const p = join(dir, 'x.txt');
    writeFileSync(p, 'A|B|C\n1|2|3\n');
    await expect(collectConcepts(importRxterms, p)).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_UNKNOWN_FORMAT',
    });
  });

  it.each([
    ['amlodipine (Oral-pill)', 'amlodipine'],
    ['ZESTRIL (Oral-pill)', 'ZESTRIL'],
    ['Insulin Glargine (Injectable)', 'Insulin Glargine'],
    ['aspirin', 'aspirin'],
  ])('stripRoute(%s) = %s', (display, name) => {
    expect(stripRoute(display)).toBe(name);
  });
});

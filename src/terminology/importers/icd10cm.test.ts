import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIcd10cm, icd10cmType, importIcd10cm, versionFromName } from './icd10cm.js';
import { collectConcepts } from './util/collect.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('icd10cm importer: CMS order file (fixed width)', () => {
  it('reads every row, counts the malformed one, maps codes, titles, billable flags, types and parents', async () => {
    const { stats, byId } = await collectConcepts(importIcd10cm, fixture('icd10cm_order_2099.txt'));
    expect(stats).toMatchObject({ read: 10, imported: 9, skipped: 1, skippedReasons: { malformed: 1 } });
    expect(stats.version).toBe('2099');
    expect(stats.licence).toMatch(/public domain/);
    const e119 = byId.get('icd10cm:E11.9')!;
    expect(e119).toMatchObject({
      source: 'icd10cm',
      type: 'problem',
      subtype: 'disorder',
      preferred: 'Type 2 diabetes mellitus without complications',
      parents: ['icd10cm:E11'],
    });
    // identical short and long titles make one term
    expect(e119.terms).toEqual([
      { text: 'Type 2 diabetes mellitus without complications', kind: 'preferred' },
    ]);
    expect(e119.codes).toEqual([
      {
        system: 'icd10cm',
        code: 'E11.9',
        display: 'Type 2 diabetes mellitus without complications',
        billable: true,
      },
    ]);
    expect(byId.get('icd10cm:E11')!.codes[0]!.billable).toBe(false);
    const fx = byId.get('icd10cm:S72.90XA')!;
    expect(fx).toMatchObject({ type: 'problem', subtype: 'injury' });
    expect(fx.terms.map((t) => t.kind)).toEqual(['preferred', 'synonym']);
    expect(fx.terms[1]!.text).toBe('Unsp fracture of unsp femur, init for clos fx');
    expect(byId.get('icd10cm:W19.XXXA')).toMatchObject({ type: 'other', subtype: 'external-cause' });
    expect(byId.get('icd10cm:Z79.4')).toMatchObject({ type: 'other', subtype: 'health-factor' });
    expect(byId.get('icd10cm:R07.9')).toMatchObject({ type: 'problem', subtype: 'symptom' });
    expect(byId.get('icd10cm:A00')!.parents).toBeUndefined();
  });

  it('skips non-billable codes when asked', async () => {
    const { stats, byId } = await collectConcepts(importIcd10cm, fixture('icd10cm_order_2099.txt'), {
      includeNonBillable: false,
    });
    expect(stats.skippedReasons['non-billable']).toBe(2);
    expect(byId.has('icd10cm:E11')).toBe(false);
    expect(byId.get('icd10cm:E11.9')!.parents).toEqual(['icd10cm:E11']);
  });
});

describe('icd10cm importer: CSV export', () => {
  it('reads the header, the 0.0/1.0 billable flags, dotted and undotted codes, and skips bad rows', async () => {
    const { stats, byId } = await collectConcepts(importIcd10cm, fixture('icd10cm_order.csv'));
    expect(stats).toMatchObject({ read: 7, imported: 5, skippedReasons: { 'bad-code': 1, 'no-title': 1 } });
    expect(byId.get('icd10cm:J44')!.codes[0]!.billable).toBe(false);
    const copd = byId.get('icd10cm:J44.9')!;
    expect(copd.preferred).toBe('Chronic obstructive pulmonary disease, unspecified');
    expect(copd.terms[1]).toEqual({ text: 'Chronic obstructive pulmonary disease, unsp', kind: 'synonym' });
    expect(copd.codes[0]!.billable).toBe(true);
    expect(copd.parents).toEqual(['icd10cm:J44']);
    expect(byId.get('icd10cm:U07.1')).toMatchObject({ type: 'problem', preferred: 'COVID-19' });
    expect(byId.get('icd10cm:V00.01XA')!.type).toBe('other');
    expect(byId.has('icd10cm:E11.65')).toBe(true);
  });

  it('refuses a CSV without a code column (coded error)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinote-icd-'));
    const p = join(dir, 'other.csv');
    writeFileSync(p, 'name,value\na,b\n');
    await expect(collectConcepts(importIcd10cm, p)).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_UNKNOWN_FORMAT',
    });
  });

  it('reports a missing file with a coded error', async () => {
    await expect(collectConcepts(importIcd10cm, fixture('nope.txt'))).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE',
    });
  });
});

describe('ICD-10-CM helpers', () => {
  it.each([
    ['E119', 'E11.9'],
    ['E11.9', 'E11.9'],
    ['I10', 'I10'],
    ['S7290XA', 'S72.90XA'],
    ['s72.9-', 'S72.9'],
    ['T51.3X1', 'T51.3X1'],
    ['Z794', 'Z79.4'],
  ])('formatIcd10cm(%s) = %s', (code, expected) => {
    expect(formatIcd10cm(code)).toBe(expected);
  });

  it.each([
    ['A00.0', 'problem', 'disorder'],
    ['C34.90', 'problem', 'disorder'],
    ['F32.9', 'problem', 'disorder'],
    ['R07.9', 'problem', 'symptom'],
    ['R69', 'problem', 'symptom'],
    ['R73.09', 'problem', 'finding'],
    ['S72.001A', 'problem', 'injury'],
    ['T14.8', 'problem', 'injury'],
    ['T39.1X1A', 'problem', 'poisoning'],
    ['T65.91', 'problem', 'poisoning'],
    ['T81.4XXA', 'problem', 'complication'],
    ['U07.1', 'problem', 'disorder'],
    ['V43.52XA', 'other', 'external-cause'],
    ['W19.XXXA', 'other', 'external-cause'],
    ['Y92.009', 'other', 'external-cause'],
    ['Z79.4', 'other', 'health-factor'],
  ])('icd10cmType(%s) = %s/%s', (code, type, subtype) => {
    expect(icd10cmType(code)).toEqual({ type, subtype });
  });

  it.each([
    ['/x/icd10cm_order_2025.txt', '2025'],
    ['icd10cm_order_FY2022_from_icd10us.csv', 'FY2022'],
    ['codes.txt', undefined],
  ])('versionFromName(%s) = %s', (path, version) => {
    expect(versionFromName(path)).toBe(version);
  });
});

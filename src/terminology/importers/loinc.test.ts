import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importLoinc, LOINC_NOTICE, loincComponent } from './loinc.js';
import { collectConcepts } from './util/collect.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('loinc importer: Top 2000 format', () => {
  it('imports lab concepts with long names, short names, components and acronyms', async () => {
    const { stats, byId } = await collectConcepts(importLoinc, fixture('loinc_top.csv'));
    expect(stats).toMatchObject({ read: 7, imported: 5, skippedReasons: { 'bad-code': 1, duplicate: 1 } });
    expect(stats.licence).toBe(LOINC_NOTICE);
    const hgb = byId.get('loinc:718-7')!;
    expect(hgb).toMatchObject({
      type: 'lab',
      subtype: 'test',
      preferred: 'Hemoglobin [Mass/volume] in Blood',
    });
    expect(hgb.terms).toEqual([
      { text: 'Hemoglobin [Mass/volume] in Blood', kind: 'preferred' },
      { text: 'Hgb Bld-mCnc', kind: 'abbreviation' },
      { text: 'Hemoglobin', kind: 'related' },
      { text: 'Hgb', kind: 'abbreviation' },
    ]);
    expect(hgb.codes).toEqual([
      { system: 'loinc', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' },
    ]);
    expect(byId.get('loinc:3094-0')!.terms).toContainEqual({ text: 'BUN', kind: 'abbreviation' });
    expect(byId.get('loinc:2028-9')!.terms).toContainEqual({
      text: 'Carbon dioxide, total',
      kind: 'related',
    });
    // a component with a slash is not a term of its own
    expect(byId.get('loinc:770-8')!.terms.some((t) => t.kind === 'related')).toBe(false);
  });
});

describe('loinc importer: full LOINC table', () => {
  it('uses COMPONENT, DisplayName, CONSUMER_NAME; skips deprecated codes and claims/survey class types', async () => {
    const { stats, byId } = await collectConcepts(importLoinc, fixture('loinc_full.csv'));
    expect(stats).toMatchObject({ read: 5, imported: 3, skippedReasons: { deprecated: 1, 'class-type': 1 } });
    const glu = byId.get('loinc:2345-7')!;
    expect(glu.terms).toEqual(
      expect.arrayContaining([
        { text: 'Glucose, Serum or Plasma', kind: 'synonym' },
        { text: 'Glucose, blood', kind: 'lay' },
        { text: 'Glucose', kind: 'related' },
      ]),
    );
    expect(glu.terms.some((t) => t.text === 'Glu')).toBe(false);
    expect(byId.get('loinc:8867-4')!.subtype).toBe('clinical');
  });

  it('adds RELATEDNAMES2 entries when asked', async () => {
    const { byId } = await collectConcepts(importLoinc, fixture('loinc_full.csv'), { relatedNames: true });
    expect(byId.get('loinc:2345-7')!.terms).toContainEqual({ text: 'Glu', kind: 'related' });
  });

  it.each([
    ['Hemoglobin [Mass/volume] in Blood', 'Hemoglobin'],
    ['Carbon dioxide, total [Moles/volume] in Serum or Plasma', 'Carbon dioxide, total'],
    ['Bilirubin.total [Mass/volume] in Serum or Plasma', 'Bilirubin total'],
    ['Glucose^2H post 75 g glucose PO', 'Glucose'],
    ['Neutrophils/100 leukocytes in Blood by Automated count', 'Neutrophils/100 leukocytes'],
  ])('loincComponent(%s) = %s', (name, component) => {
    expect(loincComponent(name)).toBe(component);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDictionary, parseCode, parseTerm } from './dictionary.js';
import { collectConcepts } from './util/collect.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('csv importer: one row per term', () => {
  it('merges rows by concept_id, reads kinds, codes and the preferred flag or name; counts bad rows', async () => {
    const { stats, byId } = await collectConcepts(importDictionary, fixture('dictionary_terms.csv'));
    expect(stats).toMatchObject({
      read: 12,
      imported: 3,
      skippedReasons: {
        'missing-term': 1,
        'missing-concept-id': 1,
        'bad-type': 1,
        'bad-code': 1,
        'type-conflict': 1,
      },
    });
    expect(byId.get('custom:t2dm')).toEqual({
      id: 'custom:t2dm',
      source: 'custom',
      type: 'problem',
      subtype: 'disorder',
      preferred: 'Type 2 diabetes mellitus',
      terms: [
        { text: 'Type 2 diabetes mellitus', kind: 'preferred' },
        { text: 'T2DM', kind: 'abbreviation' },
        { text: 'diabetes, type 2', kind: 'synonym' },
        { text: 'sugar diabetes', kind: 'lay' },
      ],
      codes: [
        { system: 'icd10cm', code: 'E11.9', display: 'Type 2 diabetes mellitus without complications' },
        { system: 'snomed', code: '44054006' },
      ],
    });
    expect(byId.get('custom:metformin')).toMatchObject({
      type: 'medication',
      subtype: 'ingredient',
      terms: [
        { text: 'metformin', kind: 'synonym' },
        { text: 'Glucophage', kind: 'brand' },
      ],
    });
    const htn = byId.get('custom:htn')!;
    expect(htn.preferred).toBe('Hypertension');
    expect(htn.codes.map((c) => `${c.system}:${c.code}`)).toEqual(['icd10cm:I10', 'snomed:38341003']);
  });

  it('prefixes ids with the source option', async () => {
    const { concepts } = await collectConcepts(importDictionary, fixture('dictionary_terms.csv'), {
      source: 'starter',
    });
    expect(concepts.map((c) => c.id)).toEqual(['starter:t2dm', 'starter:metformin', 'starter:htn']);
    expect(concepts.every((c) => c.source === 'starter')).toBe(true);
  });
});

describe('csv importer: one row per concept (TSV)', () => {
  it('reads terms with kind prefixes, codes with displays, keeps quotes in TSV, skips bad rows', async () => {
    const { stats, byId } = await collectConcepts(importDictionary, fixture('dictionary_concepts.tsv'), {
      source: 'starter',
    });
    expect(stats).toMatchObject({
      read: 4,
      imported: 2,
      skippedReasons: { 'missing-term': 1, 'bad-code': 1 },
    });
    expect(byId.get('starter:chest-pain')).toEqual({
      id: 'starter:chest-pain',
      source: 'starter',
      type: 'problem',
      subtype: 'symptom',
      preferred: 'Chest pain',
      terms: [
        { text: 'Chest pain', kind: 'preferred' },
        { text: 'CP', kind: 'abbreviation' },
        { text: 'pain in the chest', kind: 'lay' },
        { text: 'thoracic pain', kind: 'synonym' },
      ],
      codes: [{ system: 'icd10cm', code: 'R07.9', display: 'Chest pain, unspecified' }],
    });
    const asa = byId.get('starter:aspirin')!; // the id already carries the prefix
    expect(asa.preferred).toBe('aspirin');
    expect(asa.terms).toContainEqual({ text: 'Bayer "Genuine"', kind: 'brand' });
    expect(asa.terms[0]).toEqual({ text: 'aspirin', kind: 'preferred' });
  });

  it('throws a coded error when the header is unusable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinote-dict-'));
    const noTerms = join(dir, 'a.csv');
    writeFileSync(noTerms, '# comment\nconcept_id,type\nx,problem\n');
    await expect(collectConcepts(importDictionary, noTerms)).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_BAD_HEADER',
      details: { missing: ['terms'] },
    });
    const empty = join(dir, 'b.tsv');
    writeFileSync(empty, '# only comments\n\n');
    await expect(collectConcepts(importDictionary, empty)).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_BAD_HEADER',
    });
  });
});

describe('dictionary cells', () => {
  it.each([
    ['abbr:T2DM', { text: 'T2DM', kind: 'abbreviation' }],
    ['brand:Glucophage', { text: 'Glucophage', kind: 'brand' }],
    ['LAY: heart attack ', { text: 'heart attack', kind: 'lay' }],
    ['chest pain', { text: 'chest pain', kind: 'synonym' }],
    ['note: not a prefix', { text: 'note: not a prefix', kind: 'synonym' }],
    ['constructor:x', { text: 'constructor:x', kind: 'synonym' }],
  ])('parseTerm(%s)', (entry, expected) => {
    expect(parseTerm(entry)).toEqual(expected);
  });

  it.each([
    ['icd10cm:E119', { system: 'icd10cm', code: 'E11.9' }],
    [
      'icd10cm:E11.9=Type 2 diabetes mellitus without complications',
      {
        system: 'icd10cm',
        code: 'E11.9',
        display: 'Type 2 diabetes mellitus without complications',
      },
    ],
    ['rxnorm:6809', { system: 'rxnorm', code: '6809' }],
    [
      'loinc:2345-7=Glucose [Mass/volume] in Serum or Plasma',
      {
        system: 'loinc',
        code: '2345-7',
        display: 'Glucose [Mass/volume] in Serum or Plasma',
      },
    ],
    ['SNOMEDCT_US:44054006', { system: 'snomed', code: '44054006' }],
    ['lnc:718-7', { system: 'loinc', code: '718-7' }],
    ['hcpcs:E0100', { system: 'hcpcs', code: 'E0100' }],
    ['icd10:E11.9', null],
    ['rxnorm:', null],
    ['6809', null],
    ['constructor:1', null],
    ['toString:1', null],
  ])('parseCode(%s)', (entry, expected) => {
    expect(parseCode(entry)).toEqual(expected);
  });
});

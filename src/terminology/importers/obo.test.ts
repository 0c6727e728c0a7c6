import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importObo, mapXref, parseSynonym } from './obo.js';
import { collectConcepts } from './util/collect.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('obo importer: DOID-like file', () => {
  it('maps names, synonym scopes, xrefs and is_a; skips obsolete and nameless terms; ignores Typedefs', async () => {
    const { stats, byId, concepts } = await collectConcepts(importObo, fixture('doid_tiny.obo'));
    expect(stats).toMatchObject({ read: 5, imported: 3, skippedReasons: { obsolete: 1, malformed: 1 } });
    expect(stats.version).toBe('clinote-test/2099-01-01/doid.obo');
    expect(stats.licence).toMatch(/CC0/);
    expect(
      concepts.every((c) => c.type === 'problem' && c.subtype === 'disorder' && c.source === 'doid'),
    ).toBe(true);
    const t2 = byId.get('doid:9352')!;
    expect(t2.preferred).toBe('type 2 diabetes mellitus');
    expect(t2.terms).toEqual([
      { text: 'type 2 diabetes mellitus', kind: 'preferred' },
      { text: 'type II diabetes mellitus', kind: 'exact' },
      { text: 'NIDDM', kind: 'exact' },
      { text: 'adult-onset diabetes', kind: 'related' },
      { text: 'maturity onset "diabetes"', kind: 'narrow' },
      { text: 'glucose metabolism disease', kind: 'broad' },
    ]);
    expect(t2.codes).toEqual([
      { system: 'doid', code: 'DOID:9352', display: 'type 2 diabetes mellitus' },
      { system: 'icd10cm', code: 'E11' },
      { system: 'mesh', code: 'D003924' },
      { system: 'omim', code: '125853' },
      { system: 'umls', code: 'C0011860' },
      { system: 'snomed', code: '44054006' },
    ]);
    expect(t2.parents).toEqual(['doid:9351']);
    expect(byId.has('doid:0050001')).toBe(false);
  });

  it('reads the same file gzipped (detected by its magic bytes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinote-obo-'));
    const gz = join(dir, 'doid.obo.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('doid_tiny.obo'))));
    const plain = await collectConcepts(importObo, fixture('doid_tiny.obo'));
    const zipped = await collectConcepts(importObo, gz);
    expect(zipped.concepts).toEqual(plain.concepts);
    expect(zipped.stats).toEqual(plain.stats);
  });
});

describe('obo importer: HPO-like file', () => {
  it('keeps the phenotypic abnormality branch as findings', async () => {
    const { stats, byId } = await collectConcepts(importObo, fixture('hpo_tiny.obo'));
    expect(stats).toMatchObject({
      read: 8,
      imported: 3,
      skippedReasons: { root: 1, 'outside-roots': 3, obsolete: 1 },
    });
    expect(stats.licence).toMatch(/Human Phenotype Ontology/);
    expect([...byId.keys()].sort()).toEqual(['hpo:0000707', 'hpo:0001250', 'hpo:0012638']);
    const seizure = byId.get('hpo:0001250')!;
    expect(seizure).toMatchObject({ type: 'problem', subtype: 'finding', parents: ['hpo:0012638'] });
    expect(seizure.terms).toContainEqual({ text: 'Fits', kind: 'lay' });
    expect(seizure.codes).toEqual([
      { system: 'hpo', code: 'HP:0001250', display: 'Seizure' },
      { system: 'umls', code: 'C0036572' },
      { system: 'mesh', code: 'D012640' },
    ]);
  });

  it('takes other roots, type and subtype from the options', async () => {
    const { byId, stats } = await collectConcepts(importObo, fixture('hpo_tiny.obo'), {
      roots: ['HP:0000005'],
      type: 'other',
      subtype: 'inheritance',
    });
    expect([...byId.keys()]).toEqual(['hpo:0000006']);
    expect(byId.get('hpo:0000006')).toMatchObject({ type: 'other', subtype: 'inheritance' });
    expect(stats.skippedReasons['outside-roots']).toBe(5);
  });
});

describe('OBO helpers', () => {
  it.each([
    ['"heart attack" EXACT []', { text: 'heart attack', kind: 'exact' }],
    ['"MI" RELATED [OMIM:1]', { text: 'MI', kind: 'related' }],
    ['"a \\"quoted\\" word" NARROW []', { text: 'a "quoted" word', kind: 'narrow' }],
    ['"disorder of X" BROAD []', { text: 'disorder of X', kind: 'broad' }],
    ['"fits" EXACT layperson []', { text: 'fits', kind: 'lay' }],
    ['"HTN" EXACT abbreviation []', { text: 'HTN', kind: 'abbreviation' }],
    ['"no scope" []', { text: 'no scope', kind: 'synonym' }],
  ])('parseSynonym(%s)', (value, expected) => {
    expect(parseSynonym(value)).toEqual(expected);
  });

  it('rejects an unquoted synonym', () => {
    expect(parseSynonym('heart attack EXACT []')).toBeNull();
  });

  it.each([
    ['ICD10CM:e11.9', { system: 'icd10cm', code: 'E11.9' }],
    ['MESH:D003924', { system: 'mesh', code: 'D003924' }],
    ['MSH:D003924', { system: 'mesh', code: 'D003924' }],
    ['OMIM:125853', { system: 'omim', code: '125853' }],
    ['UMLS_CUI:C0011860', { system: 'umls', code: 'C0011860' }],
    ['UMLS:C0036572 "Seizures"', { system: 'umls', code: 'C0036572' }],
    ['SNOMEDCT_US_2023_03_01:44054006', { system: 'snomed', code: '44054006' }],
    ['DOID:9352', { system: 'doid', code: 'DOID:9352' }],
    ['HP:0001250', { system: 'hpo', code: 'HP:0001250' }],
    ['NCI:C26747', null],
    ['ICD-10:R56.8', null],
    ['nocolon', null],
  ])('mapXref(%s)', (xref, expected) => {
    expect(mapXref(xref)).toEqual(expected);
  });
});

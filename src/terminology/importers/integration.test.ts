/**
 * The importers over the official files in ../shared/data (skipped with a message when absent).
 * Counts and a few structural facts; the time to stream each file is printed, never asserted.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import type { ImportStats, SourceConcept } from '../types.js';
import { newStats } from '../types.js';
import { IMPORTERS, type ImporterName } from './index.js';
import type { ImportOptions } from './types.js';

interface Run {
  stats: ImportStats;
  concepts: SourceConcept[];
  ms: number;
}

async function run(name: ImporterName, path: string, options: ImportOptions = {}): Promise<Run> {
  const stats = newStats(name);
  const concepts: SourceConcept[] = [];
  const t0 = performance.now();
  for await (const c of IMPORTERS[name].importer(path, stats, options)) concepts.push(c);
  const ms = performance.now() - t0;
  const terms = concepts.reduce((n, c) => n + c.terms.length, 0);
  console.log(
    `[${name}] ${path.split('/').slice(-2).join('/')}: read ${stats.read}, imported ${stats.imported} concepts (${terms} terms), skipped ${stats.skipped} ${JSON.stringify(stats.skippedReasons)}, ${ms.toFixed(0)} ms`,
  );
  return { stats, concepts, ms };
}

/** The shared file's path, or null with the skip message printed. */
function shared(...parts: string[]): string | null {
  const p = sharedDataPath(...parts);
  if (!p) console.warn(missingDataMessage(...parts));
  return p;
}

function byId(r: Run, id: string): SourceConcept | undefined {
  return r.concepts.find((c) => c.id === id);
}

const ICD = shared('icd10cm', 'icd10cm_order_FY2022_from_icd10us.csv');
describe.skipIf(!ICD)('icd10cm: FY2022 order file (CSV)', () => {
  it('streams 95,524 rows, 72,748 billable', async () => {
    const r = await run('icd10cm', ICD!);
    expect(r.stats.read).toBe(95_524);
    expect(r.stats.imported).toBe(95_524);
    const billable = r.concepts.filter((c) => c.codes[0]?.billable === true).length;
    expect(billable).toBe(72_748);
    const e119 = byId(r, 'icd10cm:E11.9')!;
    expect(e119.type).toBe('problem');
    expect(e119.codes[0]).toMatchObject({ system: 'icd10cm', code: 'E11.9', billable: true });
    expect(e119.parents).toEqual(['icd10cm:E11']);
    expect(byId(r, 'icd10cm:E11')!.codes[0]!.billable).toBe(false);
    expect(byId(r, 'icd10cm:Z79.4')!.type).toBe('other');
    expect(byId(r, 'icd10cm:R07.9')!.subtype).toBe('symptom');
    expect(r.concepts.every((c) => /^icd10cm:[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$/.test(c.id))).toBe(true);
  });
});

const INDEXES = [
  ['icd10cm', 'icd10cm-eindex-April-1-2026-XML.xml'],
  ['icd10cm', 'icd10cm-drug-April-1-2026-XML.xml'],
  ['icd10cm', 'icd10cm-neoplasm-April-1-2026-XML.xml'],
] as const;
describe('icd10cm-index: CMS index XML (FY2026)', () => {
  for (const parts of INDEXES) {
    const p = shared(...parts);
    it.skipIf(!p)(parts[1], async () => {
      const r = await run('icd10cm-index', p!);
      expect(r.stats.version).toBe('2026');
      expect(r.stats.imported).toBeGreaterThan(500);
      expect(
        r.concepts.every((c) => c.id.startsWith('icd10cm-index:') && c.codes[0]?.system === 'icd10cm'),
      ).toBe(true);
      expect(r.stats.skippedReasons['see-unresolved'] ?? 0).toBeLessThan(r.stats.read / 10);
      if (parts[1].includes('drug')) {
        const terms = r.concepts.flatMap((c) => c.terms.map((t) => t.text));
        expect(terms).toContain('poisoning by 1-propanol');
        expect(r.concepts.every((c) => c.type === 'problem')).toBe(true);
      }
      if (parts[1].includes('eindex')) {
        expect(r.concepts.some((c) => c.type === 'other' && c.subtype === 'external-cause')).toBe(true);
      }
    });
  }
});

const DOID = shared('ontologies', 'doid.obo.gz');
describe.skipIf(!DOID)('obo: Human Disease Ontology (gz)', () => {
  it('imports the non-obsolete terms with their synonyms and xrefs', async () => {
    const r = await run('obo', DOID!);
    expect(r.stats.read).toBe(13_982);
    expect(r.stats.skippedReasons.obsolete).toBe(2_481);
    expect(r.stats.imported).toBe(13_982 - 2_481);
    expect(r.stats.licence).toMatch(/CC0/);
    const synonyms = r.concepts.reduce((n, c) => n + c.terms.filter((t) => t.kind !== 'preferred').length, 0);
    expect(synonyms).toBeGreaterThan(15_000);
    const withIcd = r.concepts.filter((c) => c.codes.some((x) => x.system === 'icd10cm')).length;
    expect(withIcd).toBeGreaterThan(2_000);
    expect(r.concepts.every((c) => c.type === 'problem' && c.id.startsWith('doid:'))).toBe(true);
  });
});

const HPO = shared('ontologies', 'hp_2016-04-01.obo.gz');
describe.skipIf(!HPO)('obo: Human Phenotype Ontology (gz)', () => {
  it('keeps the phenotypic abnormality branch only', async () => {
    const r = await run('obo', HPO!);
    expect(r.stats.skippedReasons['outside-roots']).toBeGreaterThan(10);
    expect(r.stats.skippedReasons.root).toBe(1);
    expect(r.stats.imported).toBeGreaterThan(10_000);
    expect(byId(r, 'hpo:0000005')).toBeUndefined(); // Mode of inheritance
    const c = byId(r, 'hpo:0000003')!;
    expect(c.subtype).toBe('finding');
    expect(c.codes.some((x) => x.system === 'umls')).toBe(true);
  });
});

const RXT = shared('drugs', 'RxTermsIngredients202304.txt');
describe.skipIf(!RXT)('rxterms: ingredients file (April 2023)', () => {
  it('folds 28,696 rows into 2,407 ingredient concepts', async () => {
    const r = await run('rxterms', RXT!);
    expect(r.stats.read).toBe(28_696);
    expect(r.stats.imported).toBe(2_407);
    expect(r.stats.version).toBe('202304');
    const hctz = byId(r, 'rxterms:5487')!;
    expect(hctz.preferred).toBe('hydrochlorothiazide');
    expect(hctz.codes).toEqual([{ system: 'rxnorm', code: '5487', display: 'hydrochlorothiazide' }]);
  });
});

const LOINC_FILES = [
  ['loinc', 'LOINC_1.6_Top2000CommonLabResultsUS.csv'],
  ['loinc', 'LOINC_1.6_Top2000CommonLabResultsSI.csv'],
] as const;
describe('loinc: Top 2000 common lab results', () => {
  for (const parts of LOINC_FILES) {
    const p = shared(...parts);
    it.skipIf(!p)(parts[1], async () => {
      const r = await run('loinc', p!);
      expect(r.stats.read).toBeGreaterThan(2_000);
      expect(r.stats.imported + (r.stats.skippedReasons.duplicate ?? 0)).toBe(r.stats.read);
      expect(r.stats.licence).toMatch(/Regenstrief/);
      const hgb = byId(r, 'loinc:718-7')!;
      expect(hgb.type).toBe('lab');
      expect(hgb.terms.map((t) => t.text)).toEqual(expect.arrayContaining(['Hemoglobin', 'Hgb']));
    });
  }
});

const HCPCS = shared('hcpcs', 'HCPC2020_ANWEB_w_disclaimer.txt');
describe.skipIf(!HCPCS)('hcpcs: 2020 alpha-numeric file', () => {
  it('imports the active codes, skipping modifiers and terminated codes', async () => {
    const r = await run('hcpcs', HCPCS!);
    expect(r.stats.skippedReasons.modifier).toBe(369);
    expect(r.stats.read).toBe(r.stats.imported + r.stats.skipped);
    expect(r.stats.imported).toBeGreaterThan(5_500);
    const cane = byId(r, 'hcpcs:E0100')!;
    expect(cane.type).toBe('device');
    expect(cane.preferred).toMatch(/^Cane/);
    const j = r.concepts.find((c) => c.id.startsWith('hcpcs:J'))!;
    expect(j.type).toBe('medication');
    // continuation lines are joined into the long description
    expect(r.concepts.some((c) => c.preferred.length > 80)).toBe(true);
  });
});

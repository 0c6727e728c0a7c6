import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { Doc } from '../../doc/doc.js';
import { readCsvObjects } from '../../text/csv.js';
import { parseSynonym } from '../importers/obo.js';
import type { SourceConcept } from '../types.js';
import {
  codeKey,
  conceptFilter,
  dottedCode,
  Icd10cmCodeSet,
  isGeneSymbolSynonym,
  readIcd10cmCodeSet,
} from './filters.js';

// A small code set written for these tests (codes and titles in the shape of ICD-10-CM).
const set = new Icd10cmCodeSet();
for (const [code, title] of [
  ['E08', 'Diabetes mellitus due to underlying condition'],
  ['E10', 'Type 1 diabetes mellitus'],
  ['E10.9', 'Type 1 diabetes mellitus without complications'],
  ['E11', 'Type 2 diabetes mellitus'],
  ['E13', 'Other specified diabetes mellitus'],
  ['E74.0', 'Glycogen storage disease'],
  ['J45', 'Asthma'],
] as const) {
  set.add(code, [title]);
}

const concept = (over: Partial<SourceConcept>): SourceConcept => ({
  id: 'doid:1',
  source: 'doid',
  type: 'problem',
  preferred: 'type 1 diabetes mellitus',
  terms: [],
  codes: [],
  ...over,
});

function run(c: SourceConcept): { concept: SourceConcept; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const out = conceptFilter({ icd10cm: set })(c, (r) => {
    counts[r] = (counts[r] ?? 0) + 1;
  });
  return { concept: out, counts };
}

describe('ICD-10-CM code checks', () => {
  it.each([
    // name, codes in, codes out, counts
    ['a valid code', 'asthma', ['J45'], ['J45'], {}],
    ['a dotted valid code', 'asthma', ['E10.9'], ['E10.9'], {}],
    ['a code not in the set', 'asthma', ['J45.99'], [], { 'icd10cm-not-in-code-set': 1 }],
    [
      'a range narrowed to the title',
      'type 1 diabetes mellitus',
      ['E08-E13'],
      ['E10'],
      { 'icd10cm-range-narrowed': 1 },
    ],
    ['a range no title fits', 'diabetes mellitus', ['E08-E13'], [], { 'icd10cm-range-dropped': 1 }],
    ['a dagger mark', 'glycogen storage disease', ['E74.0+'], ['E74.0'], { 'icd10cm-mark-stripped': 1 }],
    [
      'an asterisk mark on a missing code',
      'glycogen storage disease',
      ['G73.6*'],
      [],
      { 'icd10cm-mark-stripped': 1, 'icd10cm-not-in-code-set': 1 },
    ],
  ])('%s', (_name, preferred, codes, expected, counts) => {
    const r = run(concept({ preferred, codes: codes.map((code) => ({ system: 'icd10cm', code })) }));
    expect(r.concept.codes.map((c) => c.code)).toEqual(expected);
    expect(r.counts).toEqual(counts);
  });

  it('leaves other systems, and the code set source itself, alone', () => {
    const other = concept({ codes: [{ system: 'mesh', code: 'D003922' }] });
    expect(run(other).concept).toBe(other);
    const own = concept({ source: 'icd10cm', codes: [{ system: 'icd10cm', code: 'Z99.999' }] });
    expect(run(own).concept).toBe(own);
  });

  it('narrows a range to every code of the range whose title is a name of the concept', () => {
    const r = run(
      concept({
        preferred: 'diabetes',
        terms: [
          { text: 'Type 2 diabetes mellitus', kind: 'exact' },
          { text: 'type 1 diabetes mellitus', kind: 'exact' },
        ],
        codes: [{ system: 'icd10cm', code: 'E08-E13' }],
      }),
    );
    expect(r.concept.codes.map((c) => c.code)).toEqual(['E10', 'E11']);
  });

  it('keys and dotted forms', () => {
    expect(codeKey(' e11.9 ')).toBe('E119');
    expect(dottedCode('E119')).toBe('E11.9');
    expect(dottedCode('E11')).toBe('E11');
    expect(set.inRange('E08', 'E13')).toEqual(['E08', 'E10', 'E109', 'E11', 'E13']);
  });
});

describe('gene-symbol synonyms', () => {
  it.each([
    // synonym, the concept's names, is a symbol
    ['WT1', ['hereditary Wilms tumor'], true],
    ['COL17A1', ['epithelial recurrent erosion dystrophy'], true],
    ['TMEM165-CDG', ['congenital disorder of glycosylation type IIk'], true],
    ['ALS8', ['amyotrophic lateral sclerosis 8'], false],
    ['DFNB14', ['autosomal recessive nonsyndromic deafness 14'], false],
    ['MEN2A', ['multiple endocrine neoplasia type 2A'], false],
    ['CDG2D', ['congenital disorder of glycosylation type IId'], false],
    ['OCA2', ['oculocutaneous albinism type II'], false],
    ['MS', ['multiple sclerosis'], false], // no digit: not a symbol shape
    ['Wilms tumor 1', ['Wilms tumor'], false], // several words
  ])('%s among %j: %s', (text, names, symbol) => {
    expect(isGeneSymbolSynonym(text, [...names, text])).toBe(symbol);
  });

  it('drops them from ontology sources only, with a count', () => {
    const c = concept({
      preferred: 'hereditary Wilms tumor',
      terms: [
        { text: 'WT1', kind: 'exact' },
        { text: 'Wilms tumour', kind: 'exact' },
      ],
    });
    const r = run(c);
    expect(r.concept.terms.map((t) => t.text)).toEqual(['Wilms tumour']);
    expect(r.counts).toEqual({ 'synonym-gene-symbol': 1 });
    const curated = { ...c, source: 'starter' };
    expect(run(curated).concept).toBe(curated);
  });

  it('an OBO synonym whose type names a gene symbol is flagged by the reader', () => {
    expect(parseSynonym('"ABC1" EXACT gene_symbol []')).toEqual({
      text: 'ABC1',
      kind: 'exact',
      symbol: true,
    });
    expect(parseSynonym('"ABC" EXACT layperson []')).toEqual({ text: 'ABC', kind: 'lay' });
  });
});

describe('ICD-10-CM codes in the default pipeline over MTSamples, with a pack checked against FY2022', () => {
  const order = sharedDataPath('icd10cm', 'icd10cm_order_FY2022_from_icd10us.csv');
  const doid = sharedDataPath('ontologies', 'doid.obo.gz');
  const hpo = sharedDataPath('ontologies', 'hp_2016-04-01.obo.gz');
  const notes = sharedDataPath('mtsamples', 'mtsamples.csv');
  const ready = order !== null && doid !== null && hpo !== null && notes !== null;
  const NOTES = 2000;

  // The pack of `clinote vocab build --shared` without the code set's own concepts (whose codes are
  // the code set) and the drug, lab and HCPCS sources (no ICD-10-CM codes): the sources whose codes
  // the checks change, built in seconds. The first 2,000 notes of MTSamples run through the pipeline
  // (all 4,999 pass too; without the checks, ranges such as E08-E13 and I20-I25 come out within the
  // first 1,500).
  it.skipIf(!ready)(
    'emits no ICD-10-CM code that the code set does not list',
    async () => {
      const { vocabCompile, starterSourceFiles } = await import('../cli.js');
      const { loadPack } = await import('./load.js');
      const { createPipelineSync } = await import('../../pipeline/pipeline.js');
      const { defaultRegistry } = await import('../../components/index.js');
      const { fileResourceContext, resourcePath } = await import('../../resources.js');
      const { readConfigFile } = await import('../../engine.js');
      const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const codes = await readIcd10cmCodeSet(order!);
      expect(codes.size).toBeGreaterThan(90_000);
      const built = await vocabCompile({
        csv: starterSourceFiles(),
        csvSource: 'starter',
        obo: [doid!, hpo!],
        icd10cmCodeSet: order!,
        out: 'checked.pack',
        builtAt: '2026-01-01T00:00:00.000Z',
      });
      // the code set checks the codes; its own concepts are not in this pack
      expect(built.manifest.sources.map((s) => s.name)).not.toContain('icd10cm');
      expect(built.manifest.counts.dropped['icd10cm-range-dropped'] ?? 0).toBeGreaterThan(0);
      loadPack(built.bytes);
      const dir = mkdtempSync(join(tmpdir(), 'clinote-icd-'));
      try {
        const pack = join(dir, 'checked.pack');
        writeFileSync(pack, built.bytes);
        const config = readConfigFile(resourcePath('pipelines/default.json')) as {
          components: { name: string; options?: Record<string, unknown> }[];
        };
        const components = config.components
          .filter((c) => ['normalize', 'sections', 'sentences', 'tokens', 'concepts'].includes(c.name))
          .map((c) => (c.name === 'concepts' ? { ...c, options: { ...c.options, pack } } : c));
        const pipeline = createPipelineSync(
          { name: 'icd-check', components },
          { registry: defaultRegistry(), context: fileResourceContext() },
        );
        let seen = 0;
        let noteCount = 0;
        const outside = new Set<string>();
        for await (const { row } of readCsvObjects(notes!)) {
          const text = row.transcription ?? '';
          if (text.trim() === '') continue;
          if (++noteCount > NOTES) break;
          const doc = pipeline.runSync(new Doc(text, { id: String(noteCount) }));
          for (const c of doc.get('concepts')) {
            for (const k of [...c.codes, ...(c.candidates ?? []).flatMap((x) => x.codes)]) {
              if (k.system !== 'icd10cm') continue;
              seen++;
              if (!codes.has(k.code)) outside.add(k.code);
            }
          }
        }
        // codes only, never note text
        console.log(
          `MTSamples: ${NOTES} notes, ${seen} ICD-10-CM codes emitted, ${outside.size} outside FY2022`,
        );
        expect(noteCount).toBeGreaterThan(NOTES);
        expect(seen).toBeGreaterThan(10_000);
        expect([...outside]).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000,
  );
  if (!ready) it.skip(missingDataMessage('mtsamples', 'mtsamples.csv'), () => {});
});

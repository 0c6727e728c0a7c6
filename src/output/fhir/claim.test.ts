/**
 * The Claim of the FHIR Bundle: the suggested ICD-10-CM codes of the `codes` layer as a sequenced
 * `diagnosis` list (docs/fhir.md, "Claim"). Hand-made `codes` layers first (no shared data needed),
 * then the whole coding pipeline (skipped when the ICD-10-CM files of the shared data are absent),
 * then `checkBundle` on broken Claims.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeItem } from '../../coding/schema.js';
import { segmentedDoc } from '../../components/measurements/testing.js';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import type { Doc } from '../../doc/doc.js';
import { loadPipeline, readConfigFile } from '../../engine.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { resourcePath } from '../../resources.js';
import { checkBundle, type FhirOptions, SYSTEM, toFhirBundle } from './index.js';
import type { Bundle, Claim } from './types.js';

const stamp = { stamp: { name: 'test', version: '0123456789abcdef', components: [] } };
const DAR = [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }];

function code(
  text: string,
  at: number,
  c: string,
  sequence: number,
  extra: Partial<Pick<CodeItem, 'status' | 'principal' | 'reason'>> = {},
): CodeItem {
  return {
    system: 'icd10cm',
    code: c,
    title: `title of ${c}`,
    status: 'suggested',
    billable: true,
    score: 0.8,
    principal: false,
    sequence,
    fiscalYear: 2023,
    evidence: {
      spans: [{ start: at, end: at + text.length, text }],
      concepts: [],
      conceptIds: [],
      rules: ['source.index'],
      component: 'coding@test',
      pack: 'icd10cm-FY2023@test',
    },
    ...extra,
  };
}

const TEXT = 'Hypertension. Type 2 diabetes. Possible pneumonia. Obesity.';
const at = (s: string) => TEXT.indexOf(s);

/** A Doc with a `codes` layer made by hand: written out of sequence order, with a review item. */
function codedDoc(meta: Record<string, unknown> = {}): Doc {
  const doc = segmentedDoc(TEXT, [], meta, 'note-c');
  doc.set('codes', [
    code('Obesity', at('Obesity'), 'E66.9', 3),
    code('Hypertension', at('Hypertension'), 'I10', 2, { principal: true }),
    code('Type 2 diabetes', at('Type 2 diabetes'), 'E11.9', 1, { principal: true }),
    code('pneumonia', at('pneumonia'), 'J18.9', 0, { status: 'review', reason: 'uncertain' }),
  ]);
  return doc;
}

function claims(b: Bundle): Claim[] {
  return b.entry.map((e) => e.resource).filter((r): r is Claim => r.resourceType === 'Claim');
}

function claimOf(doc: Doc, options?: FhirOptions): Claim {
  const all = claims(toFhirBundle(doc, stamp, options));
  expect(all).toHaveLength(1);
  return all[0]!;
}

const diagnosisCodes = (c: Claim) => c.diagnosis?.map((d) => d.diagnosisCodeableConcept?.coding?.[0]?.code);
const principalOf = (c: Claim) =>
  c.diagnosis?.filter((d) => d.type?.some((t) => t.coding?.some((x) => x.code === 'principal')));

describe('FHIR Claim from a codes layer', () => {
  it('lists the suggested codes in sequence order, 1..n, with the principal first; no review item', () => {
    const doc = codedDoc();
    const b = toFhirBundle(doc, stamp);
    expect(checkBundle(b, { text: TEXT })).toEqual([]);
    expect(b.entry.at(-1)?.resource.resourceType).toBe('Claim');
    const c = claims(b)[0]!;
    expect(diagnosisCodes(c)).toEqual(['E11.9', 'I10', 'E66.9']);
    expect(c.diagnosis?.map((d) => d.sequence)).toEqual([1, 2, 3]);
    expect(c.diagnosis?.[0]?.diagnosisCodeableConcept).toEqual({
      coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9', display: 'title of E11.9' }],
    });
    // one principal (the first candidate in sequence order), the others have no type
    expect(principalOf(c)).toEqual([c.diagnosis?.[0]]);
    expect(c.diagnosis?.[0]?.type).toEqual([
      { coding: [{ system: SYSTEM.diagnosisType, code: 'principal', display: 'Principal Diagnosis' }] },
    ]);
    expect(c.diagnosis?.slice(1).map((d) => d.type)).toEqual([undefined, undefined]);
    expect(diagnosisCodes(c)).not.toContain('J18.9');
    // every diagnosis traces to its evidence
    const span = c.diagnosis?.[1]?.extension?.[0]?.extension;
    expect(span?.slice(0, 2)).toEqual([
      { url: 'start', valueInteger: 0 },
      { url: 'end', valueInteger: 12 },
    ]);
  });

  it('fills the required elements; what the note cannot give is data-absent, nothing invented', () => {
    const c = claimOf(codedDoc());
    expect(c.status).toBe('draft');
    expect(c.use).toBe('predetermination');
    expect(c.type.coding?.[0]).toMatchObject({ system: SYSTEM.claimType, code: 'professional' });
    expect(c.priority.coding?.[0]).toMatchObject({ system: SYSTEM.processPriority, code: 'normal' });
    expect(c.patient.reference).toMatch(/^urn:uuid:/);
    expect(c.provider).toEqual({ extension: DAR });
    expect(c.created).toBeUndefined();
    expect(c._created).toEqual({ extension: DAR });
    expect(c.insurance).toEqual([{ sequence: 1, focal: true, coverage: { extension: DAR } }]);
  });

  it('takes the type, provider, coverage and date from the options, and the inpatient setting', () => {
    expect(claimOf(codedDoc({ setting: 'inpatient' })).type.coding?.[0]?.code).toBe('institutional');
    const options: FhirOptions = {
      patient: { reference: 'Patient/p1' },
      claim: {
        type: 'institutional',
        provider: { reference: 'Organization/o1' },
        coverage: { reference: 'Coverage/c1' },
        created: '2025-03-14T10:30:00Z',
      },
    };
    const c = claimOf(codedDoc(), options);
    expect(c.type.coding?.[0]?.code).toBe('institutional');
    expect(c.patient).toEqual({ reference: 'Patient/p1' });
    expect(c.provider).toEqual({ reference: 'Organization/o1' });
    expect(c.insurance[0]?.coverage).toEqual({ reference: 'Coverage/c1' });
    expect(c.created).toBe('2025-03-14T10:30:00Z');
    expect(c._created).toBeUndefined();
    expect(claimOf(codedDoc(), { claim: { created: '2025-03-14T10:30' } }).created).toBe('2025-03-14');
  });

  it('makes no Claim without a codes layer, with only review items, or when asked not to', () => {
    const plain = segmentedDoc(TEXT, [{ text: 'Hypertension', type: 'problem' }], {}, 'note-c');
    expect(claims(toFhirBundle(plain, stamp))).toEqual([]);
    const reviewOnly = segmentedDoc(TEXT, [], {}, 'note-c');
    reviewOnly.set('codes', [code('pneumonia', at('pneumonia'), 'J18.9', 0, { status: 'review' })]);
    expect(claims(toFhirBundle(reviewOnly, stamp))).toEqual([]);
    expect(claims(toFhirBundle(codedDoc(), stamp, { claim: false }))).toEqual([]);
  });

  it('leaves the ids of the other entries as they were, and is deterministic', () => {
    const doc = codedDoc();
    const withClaim = toFhirBundle(doc, stamp);
    const without = toFhirBundle(doc, stamp, { claim: false });
    expect(withClaim.entry.slice(0, -1)).toEqual(without.entry);
    expect(toFhirBundle(doc, stamp)).toEqual(withClaim);
  });

  it('gives no principal type when no code is a principal candidate', () => {
    const doc = segmentedDoc(TEXT, [], {}, 'note-c');
    doc.set('codes', [code('Obesity', at('Obesity'), 'Z68.41', 1)]);
    const c = claimOf(doc);
    expect(principalOf(c)).toEqual([]);
    expect(checkBundle(toFhirBundle(doc, stamp))).toEqual([]);
  });
});

describe('checkBundle on a Claim', () => {
  const good = toFhirBundle(codedDoc(), stamp);
  const broken = (edit: (c: Claim) => void): string => {
    const b = JSON.parse(JSON.stringify(good)) as Bundle;
    edit(claims(b)[0]!);
    return checkBundle(b).join('\n');
  };

  it.each<[string, (c: Claim) => void, RegExp]>([
    ['a duplicate sequence', (c) => (c.diagnosis![1]!.sequence = 1), /duplicate sequence 1/],
    ['a gap in the sequences', (c) => (c.diagnosis![2]!.sequence = 5), /sequences must run 1\.\.3/],
    ['a sequence that is no positiveInt', (c) => (c.diagnosis![0]!.sequence = 0), /positiveInt/],
    [
      'a code outside ICD-10-CM',
      (c) =>
        (c.diagnosis![0]!.diagnosisCodeableConcept = {
          coding: [{ system: SYSTEM.snomed, code: '44054006' }],
        }),
      /needs an ICD-10-CM coding/,
    ],
    [
      'a malformed ICD-10-CM code',
      (c) => (c.diagnosis![0]!.diagnosisCodeableConcept!.coding![0]!.code = 'E119'),
      /not an ICD-10-CM code/,
    ],
    [
      'two principal diagnoses',
      (c) => (c.diagnosis![1]!.type = c.diagnosis![0]!.type!),
      /more than one principal/,
    ],
    [
      'both diagnosis[x]',
      (c) => (c.diagnosis![0]!.diagnosisReference = { display: 'x' }),
      /exactly one of diagnosisCodeableConcept/,
    ],
    ['no provider', (c) => delete (c as Partial<Claim>).provider, /provider: required reference/],
    ['no created and no data-absent reason', (c) => delete c._created, /created: required/],
    ['a created that is no dateTime', (c) => (c.created = '14/03/2025'), /created: not a FHIR dateTime/],
    ['no insurance', (c) => delete (c as Partial<Claim>).insurance, /insurance: required/],
    ['a bad use', (c) => (c.use = 'bill' as never), /use: missing or not a claim use/],
    ['a bad status', (c) => (c.status = 'final' as never), /status/],
    ['a bad type', (c) => (c.type = { text: 'x' }), /claim-type/],
    [
      'an unknown element',
      (c) => ((c as unknown as { item: unknown }).item = [{ sequence: 1 }]),
      /not an element/,
    ],
  ])('rejects %s', (_name, edit, message) => {
    expect(checkBundle(good)).toEqual([]);
    expect(broken(edit)).toMatch(message);
  });
});

const DATA = [
  ['icd10cm', 'icd10cm_tabular_2023.xml.gz'],
  ['icd10cm', 'icd10cm_index_2023.xml.gz'],
] as const;
const missing = DATA.find((p) => sharedDataPath(...p) === null);

describe.skipIf(missing !== undefined)(
  missing ? missingDataMessage(...missing) : 'FHIR Claim through the coding pipeline',
  () => {
    let pipeline: Pipeline;
    beforeAll(async () => {
      pipeline = await loadPipeline({ config: readConfigFile(resourcePath('pipelines/coding.json')) });
    }, 120_000);

    it('carries the layer’s suggested codes in sequence order, principal first; no review or negated code', async () => {
      const text =
        'Sepsis due to E. coli urinary tract infection. Possible pneumonia. No asthma. Hypertension.';
      const out = await pipeline.process({ id: 'claim-1', text });
      if (!out.ok) throw out.error;
      const layer = out.doc.get('codes');
      const emitted = layer
        .filter((k) => k.status === 'suggested')
        .sort((a, b) => a.sequence - b.sequence)
        .map((k) => k.code);
      const review = layer.filter((k) => k.status === 'review').map((k) => k.code);
      expect(emitted.length).toBeGreaterThanOrEqual(2);
      expect(review).toContain('J18.9');
      const b = toFhirBundle(out.doc, pipeline);
      expect(checkBundle(b, { text })).toEqual([]);
      const c = claims(b)[0]!;
      expect(diagnosisCodes(c)).toEqual(emitted);
      expect(c.diagnosis?.map((d) => d.sequence)).toEqual(emitted.map((_, n) => n + 1));
      const first = layer.find((k) => k.status === 'suggested' && k.sequence === 1)!;
      expect(first.principal).toBe(true);
      expect(principalOf(c)).toEqual([c.diagnosis?.[0]]);
      for (const k of [...review, 'J18.9']) expect(diagnosisCodes(c)).not.toContain(k);
      expect(diagnosisCodes(c)!.filter((k) => k?.startsWith('J45'))).toEqual([]);
      for (const d of c.diagnosis ?? [])
        expect(d.diagnosisCodeableConcept?.coding?.[0]?.system).toBe('http://hl7.org/fhir/sid/icd-10-cm');
    }, 60_000);

    it('makes no Claim when the coding pipeline suggests nothing', async () => {
      const out = await pipeline.process({ id: 'claim-2', text: 'No pneumonia. Possible asthma.' });
      if (!out.ok) throw out.error;
      expect(out.doc.get('codes').filter((k) => k.status === 'suggested')).toEqual([]);
      expect(claims(toFhirBundle(out.doc, pipeline))).toEqual([]);
    }, 60_000);
  },
);

import { describe, expect, it } from 'vitest';
import { datesOf, loadDateExtractor } from '../../components/dates/index.js';
import { loadMeasurementExtractor, measurementsOf } from '../../components/measurements/index.js';
import { segmentedDoc, type TestConcept } from '../../components/measurements/testing.js';
import { loadModifierExtractor, withModifiers } from '../../components/modifiers/index.js';
import type { Doc } from '../../doc/doc.js';
import { fileResourceContext } from '../../resources.js';
import { checkBundle, toFhirBundle } from './index.js';
import type {
  Bundle,
  Condition,
  FhirResource,
  MedicationStatement,
  Observation,
  Procedure,
} from './types.js';

const ctx = fileResourceContext();
const measurements = loadMeasurementExtractor(ctx);
const dates = loadDateExtractor(ctx);
const modifiers = loadModifierExtractor(ctx);
const pipeline = { stamp: { name: 'test', version: '0123456789abcdef', components: [] } };

const ICD = (code: string) => [{ system: 'icd10cm', code }];
const assertion = (status: string, categories: string[]) => ({ status, categories });

/** A Doc with hand-made concepts and the real measurements, dates and modifiers layers. */
function note(text: string, concepts: readonly TestConcept[] = [], noteDate = '2025-03-14'): Doc {
  const doc = segmentedDoc(text, concepts, { noteDate }, 'note-1');
  doc.set('measurements', measurementsOf(doc, measurements));
  doc.set('dates', datesOf(doc, dates));
  doc.set('concepts', withModifiers(doc, modifiers));
  return doc;
}

function resources<T extends FhirResource['resourceType']>(
  b: Bundle,
  type: T,
): Extract<FhirResource, { resourceType: T }>[] {
  return b.entry
    .map((e) => e.resource)
    .filter((r): r is Extract<FhirResource, { resourceType: T }> => r.resourceType === type);
}

function spanOf(r: FhirResource): [number, number] {
  const ext =
    (r as { extension?: { url: string; extension?: { url: string; valueInteger?: number }[] }[] })
      .extension ?? [];
  const s = ext.find((x) => x.url === 'https://clinote.dev/fhir/StructureDefinition/source-span')!;
  const get = (u: string) => s.extension!.find((x) => x.url === u)!.valueInteger!;
  return [get('start'), get('end')];
}

describe('FHIR bundle: the note and the patient', () => {
  const text = 'Hypertension.';
  const doc = note(text, [{ text: 'Hypertension', type: 'problem', codes: ICD('I10') }]);

  it('is a collection with the DocumentReference and the Patient first, and passes the structural checks', () => {
    const b = toFhirBundle(doc, pipeline);
    expect(b.resourceType).toBe('Bundle');
    expect(b.type).toBe('collection');
    expect(b.entry.map((e) => e.resource.resourceType)).toEqual([
      'DocumentReference',
      'Patient',
      'Condition',
    ]);
    expect(b.identifier).toEqual({
      system: 'https://clinote.dev/fhir/NamingSystem/note-id',
      value: 'note-1',
    });
    expect(checkBundle(b, { text })).toEqual([]);
  });

  it('holds the note text only when asked, with its size and SHA-1 hash', () => {
    const plain = resources(toFhirBundle(doc, pipeline), 'DocumentReference')[0]!;
    expect(plain.content[0]!.attachment).toEqual({
      contentType: 'text/plain; charset=utf-8',
      size: 13,
      hash: '10B317BZqz2nGXjH9NrINrxjHeQ=',
      title: 'note-1',
    });
    expect(plain.context).toEqual({ period: { start: '2025-03-14' } });
    const withText = resources(
      toFhirBundle(doc, pipeline, { sourceDocument: { text: true, url: 'file:///notes/1.txt' } }),
      'DocumentReference',
    )[0]!;
    expect(Buffer.from(withText.content[0]!.attachment.data!, 'base64').toString('utf8')).toBe(text);
    expect(withText.content[0]!.attachment.url).toBe('file:///notes/1.txt');
  });

  it('is the same Bundle for the same note, and ids differ for another note', () => {
    const a = toFhirBundle(doc, pipeline);
    expect(toFhirBundle(doc, pipeline)).toEqual(a);
    const other = toFhirBundle(note('Hypertension!', [{ text: 'Hypertension', type: 'problem' }]), pipeline);
    expect(other.id).not.toBe(a.id);
  });

  it('points at a given Patient instead of making one', () => {
    const b = toFhirBundle(doc, pipeline, { patient: { display: 'the patient' } });
    expect(b.entry.map((e) => e.resource.resourceType)).toEqual(['DocumentReference', 'Condition']);
    expect(resources(b, 'Condition')[0]!.subject).toEqual({ display: 'the patient' });
  });

  it('traces every resource to its span and to the DocumentReference', () => {
    const b = toFhirBundle(doc, pipeline);
    const c = resources(b, 'Condition')[0]!;
    expect(spanOf(c)).toEqual([0, 12]);
    const span = c.extension!.find((x) => x.url.endsWith('source-span'))!;
    expect(span.extension!.find((x) => x.url === 'document')!.valueReference).toEqual({
      reference: b.entry[0]!.fullUrl,
    });
  });
});

describe('FHIR bundle: Condition and FamilyMemberHistory', () => {
  const text =
    'No chest pain. Possible pneumonia. History of MI. History of chronic gout. Rash has resolved. ' +
    'Return if fever. Severe left knee pain. Mother with breast cancer. Penicillin allergy: hives.';
  const doc = note(text, [
    { text: 'chest pain', type: 'problem', codes: ICD('R07.9'), assertion: assertion('absent', ['NEGATED']) },
    {
      text: 'pneumonia',
      type: 'problem',
      codes: ICD('J18.9'),
      assertion: assertion('possible', ['POSSIBLE']),
    },
    { text: 'MI', type: 'problem', codes: ICD('I21.9'), assertion: assertion('historical', ['HISTORICAL']) },
    {
      text: 'gout',
      type: 'problem',
      codes: ICD('M10.9'),
      assertion: assertion('historical', ['HISTORICAL']),
    },
    { text: 'Rash', type: 'problem', assertion: assertion('present', []) },
    { text: 'fever', type: 'problem', assertion: assertion('hypothetical', ['HYPOTHETICAL']) },
    { text: 'knee pain', type: 'problem', codes: ICD('M25.562'), assertion: assertion('present', []) },
    {
      text: 'breast cancer',
      type: 'problem',
      codes: ICD('C50.919'),
      assertion: assertion('family', ['FAMILY']),
    },
    { text: 'hives', type: 'problem', assertion: assertion('allergy', ['ALLERGY']) },
  ]);
  const b = toFhirBundle(doc, pipeline);
  const byText = new Map(resources(b, 'Condition').map((c) => [c.code!.text, c]));
  const status = (c: Condition | undefined) => [
    c?.clinicalStatus?.coding?.[0]?.code,
    c?.verificationStatus?.coding?.[0]?.code,
  ];

  it('maps the assertion to verification and clinical status (negated: refuted, no clinical status)', () => {
    expect(status(byText.get('chest pain'))).toEqual([undefined, 'refuted']);
    expect(status(byText.get('pneumonia'))).toEqual(['active', 'provisional']);
    expect(status(byText.get('knee pain'))).toEqual(['active', 'confirmed']);
  });

  it('applies the historical rule: inactive, unless said to go on (chronic) or resolved', () => {
    expect(status(byText.get('MI'))).toEqual(['inactive', 'confirmed']);
    expect(status(byText.get('gout'))).toEqual(['active', 'confirmed']);
    expect(status(byText.get('Rash'))).toEqual(['resolved', 'confirmed']);
    const option = new Map(
      resources(toFhirBundle(doc, pipeline, { historicalStatus: 'resolved' }), 'Condition').map((c) => [
        c.code!.text,
        c,
      ]),
    );
    expect(status(option.get('MI'))).toEqual(['resolved', 'confirmed']);
  });

  it('leaves out hypothetical problems and allergies unless asked, and negated ones when asked', () => {
    expect(byText.has('fever')).toBe(false);
    expect(byText.has('hives')).toBe(false);
    const withHypothetical = resources(toFhirBundle(doc, pipeline, { hypothetical: true }), 'Condition');
    expect(status(withHypothetical.find((c) => c.code!.text === 'fever'))).toEqual(['active', 'unconfirmed']);
    const omit = resources(toFhirBundle(doc, pipeline, { omitNegated: true }), 'Condition');
    expect(omit.some((c) => c.code!.text === 'chest pain')).toBe(false);
  });

  it('codes with ICD-10-CM, severity in SNOMED CT, body site with laterality, and the assertion', () => {
    const knee = byText.get('knee pain')!;
    expect(knee.code).toEqual({
      coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'M25.562' }],
      text: 'knee pain',
    });
    expect(knee.severity).toEqual({
      coding: [{ system: 'http://snomed.info/sct', code: '24484000', display: 'Severe' }],
      text: 'Severe',
    });
    expect(knee.bodySite).toEqual([{ text: 'left knee' }]);
    expect(knee.extension).toContainEqual({
      url: 'https://clinote.dev/fhir/StructureDefinition/assertion',
      valueCode: 'present',
    });
    expect(knee.category?.[0]?.coding?.[0]?.code).toBe('problem-list-item');
  });

  it('makes a FamilyMemberHistory with the relationship written', () => {
    const [fmh] = resources(b, 'FamilyMemberHistory');
    expect(fmh?.relationship).toEqual({
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH', display: 'mother' },
      ],
      text: 'Mother',
    });
    expect(fmh?.condition?.[0]?.code.text).toBe('breast cancer');
    expect(fmh?.status).toBe('partial');
    const unknown = toFhirBundle(
      note('Family history of diabetes.', [
        { text: 'diabetes', type: 'problem', assertion: assertion('family', ['FAMILY']) },
      ]),
      pipeline,
    );
    expect(resources(unknown, 'FamilyMemberHistory')[0]?.relationship.coding?.[0]?.code).toBe('FAMMEMB');
    expect(checkBundle(b, { text })).toEqual([]);
  });

  it('falls back to the section when there is no assertions layer', () => {
    const d = note('FAMILY HISTORY:\nFather with hypertension.', [
      { text: 'hypertension', type: 'problem', section: 0 },
    ]);
    const fmh = resources(toFhirBundle(d, pipeline), 'FamilyMemberHistory');
    expect(fmh.map((r) => r.relationship.coding?.[0]?.code)).toEqual(['FTH']);
  });
});

describe('FHIR bundle: Procedure', () => {
  const text = 'MRI lumbar spine 03/02/2025. No colonoscopy. Will schedule EGD. Right knee arthroscopy.';
  const doc = note(text, [
    { text: 'MRI', type: 'procedure', assertion: assertion('present', []) },
    {
      text: 'colonoscopy',
      type: 'procedure',
      codes: [{ system: 'hcpcs', code: 'G0121' }],
      assertion: assertion('absent', ['NEGATED']),
    },
    { text: 'EGD', type: 'procedure', assertion: assertion('hypothetical', ['HYPOTHETICAL']) },
    { text: 'knee arthroscopy', type: 'procedure', assertion: assertion('present', []) },
  ]);
  const procs = new Map(resources(toFhirBundle(doc, pipeline), 'Procedure').map((p) => [p.code!.text, p]));

  it('maps status from the assertion and the date it is governed by', () => {
    expect(procs.get('MRI')).toMatchObject({ status: 'completed', performedDateTime: '2025-03-02' });
    expect(procs.get('colonoscopy')).toMatchObject({
      status: 'not-done',
      code: {
        coding: [{ system: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: 'G0121' }],
      },
    });
    expect(procs.get('EGD')?.status).toBe('preparation');
    expect((procs.get('knee arthroscopy') as Procedure).bodySite).toEqual([{ text: 'right knee' }]);
  });
});

describe('FHIR bundle: MedicationStatement', () => {
  const text =
    'Metformin 500 mg PO BID. Albuterol 2 puffs q4h prn wheezing x 7 days. Lisinopril stopped. Warfarin held. Not taking aspirin.';
  const concepts: TestConcept[] = [
    { text: 'Metformin', type: 'medication', codes: [{ system: 'rxnorm', code: '6809' }] },
    { text: 'Albuterol', type: 'medication', codes: [{ system: 'rxnorm', code: '435' }] },
    { text: 'wheezing', type: 'problem' },
    { text: 'Lisinopril', type: 'medication', codes: [{ system: 'rxnorm', code: '29046' }] },
    { text: 'Warfarin', type: 'medication' },
    { text: 'aspirin', type: 'medication', assertion: assertion('absent', ['NEGATED']) },
  ];
  const doc = note(text, concepts);
  const at = (s: string) => text.indexOf(s);
  const span = (s: string) => ({ start: at(s), end: at(s) + s.length, text: s });
  doc.set(
    'medications' as never,
    [
      {
        ...span('Metformin 500 mg PO BID'),
        drug: { ...span('Metformin'), concept: 0, rxnorm: '6809' },
        strength: { ...span('500 mg'), value: 500, unit: 'mg' },
        route: { ...span('PO'), code: 'PO', display: 'oral' },
        frequency: { ...span('BID'), timing: { frequency: 2, period: 1, periodUnit: 'd' } },
        evidence: { component: 'medications', rule: 'test' },
      },
      {
        ...span('Albuterol 2 puffs q4h prn wheezing x 7 days'),
        drug: { ...span('Albuterol'), concept: 1, rxnorm: '435' },
        dose: { ...span('2 puffs'), value: 2, unit: '{puff}' },
        frequency: { ...span('q4h'), timing: { frequency: 1, period: 4, periodUnit: 'h' } },
        asNeeded: { ...span('prn wheezing'), reason: span('wheezing') },
        duration: { ...span('x 7 days'), value: 7, unit: 'd' },
        evidence: { component: 'medications', rule: 'test' },
      },
      {
        ...span('Lisinopril stopped'),
        drug: { ...span('Lisinopril'), concept: 3 },
        status: { ...span('stopped'), value: 'stopped' },
        evidence: { component: 'medications' },
      },
      {
        ...span('Warfarin held'),
        drug: { ...span('Warfarin'), concept: 4 },
        status: { ...span('held'), value: 'held' },
        evidence: { component: 'medications' },
      },
      {
        ...span('aspirin'),
        drug: { ...span('aspirin'), concept: 5 },
        evidence: { component: 'medications' },
      },
    ] as never,
  );
  const b = toFhirBundle(doc, pipeline);
  const meds = new Map(resources(b, 'MedicationStatement').map((m) => [m.medicationCodeableConcept.text, m]));

  it('gives the dose in UCUM, the SNOMED CT route, the timing and RxNorm', () => {
    const m = meds.get('Metformin') as MedicationStatement;
    expect(m.status).toBe('active');
    expect(m.medicationCodeableConcept.coding).toEqual([
      { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '6809' },
    ]);
    expect(m.dosage?.[0]).toEqual({
      text: 'Metformin 500 mg PO BID',
      doseAndRate: [
        { doseQuantity: { value: 500, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
      ],
      timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
      route: {
        coding: [
          { system: 'http://snomed.info/sct', code: '26643006', display: 'Oral route' },
          { system: 'https://clinote.dev/fhir/CodeSystem/route', code: 'PO', display: 'oral' },
        ],
        text: 'PO',
      },
    });
  });

  it('gives as-needed with its reason and the duration as timing bounds', () => {
    const d = (meds.get('Albuterol') as MedicationStatement).dosage![0]!;
    expect(d.asNeededCodeableConcept).toEqual({ text: 'wheezing' });
    expect(d.asNeededBoolean).toBeUndefined();
    expect(d.timing?.repeat?.boundsDuration).toEqual({
      value: 7,
      unit: 'd',
      system: 'http://unitsofmeasure.org',
      code: 'd',
    });
    expect(d.doseAndRate?.[0]?.doseQuantity?.code).toBe('{puff}');
  });

  it('maps the status: stopped, on-hold, not-taken', () => {
    expect(meds.get('Lisinopril')?.status).toBe('stopped');
    expect(meds.get('Warfarin')?.status).toBe('on-hold');
    expect(meds.get('aspirin')?.status).toBe('not-taken');
    expect(checkBundle(b, { text })).toEqual([]);
  });

  it('makes code-only statements from medication concepts when there is no medications layer', () => {
    const plain = note('Metformin daily.', [
      { text: 'Metformin', type: 'medication', codes: [{ system: 'rxnorm', code: '6809' }] },
    ]);
    const [m] = resources(toFhirBundle(plain, pipeline), 'MedicationStatement');
    expect(m).toMatchObject({ status: 'active', medicationCodeableConcept: { text: 'Metformin' } });
    expect(m?.dosage).toBeUndefined();
  });
});

describe('FHIR bundle: Observation', () => {
  const text =
    'VS: BP 142/88, HR 96, T 38.2 C, SpO2 92% on 2L NC, Wt 80 kg.\n' +
    'Labs: Na 128 (L) [135-145], K 4.1 mmol/L, Trop <0.01, LVEF 25-30%, ANA 1:160, urine hCG negative, A1c pending.\n' +
    'Hemoglobin A1c 9.1% (03/11/2025)';
  const doc = note(text, [
    { text: 'ANA', type: 'lab' },
    {
      text: 'Hemoglobin A1c',
      type: 'lab',
      codes: [{ system: 'loinc', code: '4548-4', display: 'Hemoglobin A1c' }],
    },
  ]);
  const b = toFhirBundle(doc, pipeline);
  const obs = resources(b, 'Observation');
  const byText = (t: string) => obs.filter((o) => o.code.text === t);

  it('passes the structural checks, one Observation per result with a value', () => {
    expect(checkBundle(b, { text })).toEqual([]);
    expect(obs).toHaveLength(12);
    expect(byText('A1c')).toEqual([]);
  });

  it('makes a blood-pressure panel with systolic and diastolic components in mm[Hg]', () => {
    const bp = byText('BP')[0] as Observation;
    expect(bp.code.coding?.[0]?.code).toBe('85354-9');
    expect(bp.category?.[0]?.coding?.[0]?.code).toBe('vital-signs');
    expect(bp.valueQuantity).toBeUndefined();
    expect(
      bp.component?.map((c) => [c.code.coding?.[0]?.code, c.valueQuantity?.value, c.valueQuantity?.code]),
    ).toEqual([
      ['8480-6', 142, 'mm[Hg]'],
      ['8462-4', 88, 'mm[Hg]'],
    ]);
  });

  it('gives vital values in their UCUM units, and oxygen flow and device as components', () => {
    expect(byText('HR')[0]?.valueQuantity).toEqual({
      value: 96,
      unit: '/min',
      system: 'http://unitsofmeasure.org',
      code: '/min',
    });
    expect(byText('T')[0]?.valueQuantity?.code).toBe('Cel');
    const sat = byText('SpO2')[0]!;
    expect(sat.code.coding?.map((c) => c.code)).toEqual(['59408-5', '2708-6']);
    expect(sat.component?.map((c) => c.code.coding?.[0]?.code ?? c.code.text)).toEqual([
      '3151-8',
      'Oxygen delivery device',
    ]);
    expect(sat.component?.[0]?.valueQuantity).toEqual({
      value: 2,
      unit: 'L/min',
      system: 'http://unitsofmeasure.org',
      code: 'L/min',
    });
  });

  it('gives lab values with LOINC, flags as interpretation and the reference range', () => {
    const na = byText('Na')[0]!;
    expect(na.code.coding).toEqual([{ system: 'http://loinc.org', code: '2951-2', display: 'Sodium' }]);
    expect(na.category?.[0]?.coding?.[0]?.code).toBe('laboratory');
    expect(na.valueQuantity).toEqual({ value: 128 });
    expect(na.interpretation?.[0]?.coding?.[0]).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
      code: 'L',
      display: 'Low',
    });
    expect(na.referenceRange).toEqual([{ low: { value: 135 }, high: { value: 145 }, text: '[135-145]' }]);
    expect(byText('Trop')[0]?.valueQuantity).toEqual({ value: 0.01, comparator: '<' });
    expect(byText('LVEF')[0]).toMatchObject({
      category: [{ coding: [{ code: 'imaging' }] }],
      valueRange: { low: { value: 25, code: '%' }, high: { value: 30, code: '%' } },
    });
    expect(byText('ANA')[0]?.valueRatio).toEqual({ numerator: { value: 1 }, denominator: { value: 160 } });
    expect(byText('urine hCG')[0]?.valueCodeableConcept).toEqual({
      coding: [{ system: 'http://snomed.info/sct', code: '260385009', display: 'Negative' }],
      text: 'negative',
    });
  });

  it('dates a result by the date that governs its test concept', () => {
    expect(byText('Hemoglobin A1c')[0]?.effectiveDateTime).toBe('2025-03-11');
  });
});

describe('checkBundle', () => {
  const good = toFhirBundle(
    note('Na 128. Hypertension.', [{ text: 'Hypertension', type: 'problem', codes: ICD('I10') }]),
    pipeline,
  );
  const broken = (edit: (b: Bundle) => void): string[] => {
    const b = JSON.parse(JSON.stringify(good)) as Bundle;
    edit(b);
    return checkBundle(b);
  };

  it('finds unresolved references, duplicate ids, bad codes and values, and ext-1 violations', () => {
    expect(checkBundle(good)).toEqual([]);
    expect(
      broken(
        (b) =>
          ((b.entry[2]!.resource as Condition).subject = {
            reference: 'urn:uuid:00000000-0000-0000-0000-000000000000',
          }),
      ),
    ).toEqual([expect.stringContaining('does not resolve')]);
    expect(broken((b) => (b.entry[3]!.resource.id = b.entry[2]!.resource.id as string)).join('\n')).toMatch(
      /does not match|duplicate/,
    );
    expect(broken((b) => ((b.entry[2]!.resource as { status?: string }).status = 'done')).join('\n')).toMatch(
      /not an element/,
    );
    expect(
      broken((b) => ((b.entry[3]!.resource as Observation).status = 'done' as never)).join('\n'),
    ).toMatch(/status/);
    expect(
      broken((b) => ((b.entry[2]!.resource as Condition).verificationStatus = { text: 'ok' })).join('\n'),
    ).toMatch(/verificationStatus/);
    expect(
      broken((b) => ((b.entry[3]!.resource as Observation).effectiveDateTime = '2025-03-14T10:30')).join(
        '\n',
      ),
    ).toMatch(/dateTime/);
    expect(
      broken((b) => ((b.entry[3]!.resource as Observation).valueQuantity = { value: 1, code: 'mg' })).join(
        '\n',
      ),
    ).toMatch(/qty-3/);
    expect(
      broken((b) =>
        (b.entry[3]!.resource as Observation).extension!.push({
          url: 'https://x.org/e',
          valueString: 'a',
          extension: [{ url: 'b', valueString: 'c' }],
        }),
      ).join('\n'),
    ).toMatch(/ext-1/);
    expect(
      broken(
        (b) => ((b.entry[2]!.resource as Condition).code = { coding: [{ system: 'icd10cm', code: 'I10' }] }),
      ).join('\n'),
    ).toMatch(/absolute URI/);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importIcd10cmIndex, indexCode, tableTerms } from './icd10cm-index.js';
import { collectConcepts } from './util/collect.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const texts = (c: { terms: readonly { text: string }[] } | undefined) =>
  c ? c.terms.map((t) => t.text) : [];

describe('icd10cm-index importer: alphabetic index', () => {
  it('makes path terms per code, leaves nemod out, resolves see, counts headings and unresolved references', async () => {
    const { stats, byId } = await collectConcepts(importIcd10cmIndex, fixture('index_alpha.xml'));
    expect(stats).toMatchObject({
      version: '2099',
      read: 14,
      skippedReasons: { 'no-code': 2, 'see-unresolved': 1, 'too-generic': 1 },
    });
    expect(byId.get('icd10cm-index:T14.8')).toMatchObject({
      source: 'icd10cm-index',
      type: 'problem',
      subtype: 'injury',
      preferred: 'Fracture NEC',
      codes: [{ system: 'icd10cm', code: 'T14.8' }],
    });
    expect(texts(byId.get('icd10cm-index:S72.9'))).toEqual(['Fracture NEC, femur']);
    // `Fracture, femur, neck` see `Fracture, hip`: the neck path joins the hip code
    expect(texts(byId.get('icd10cm-index:S72.00'))).toEqual([
      'Fracture NEC, hip',
      'Fracture NEC, femur, neck',
    ]);
    // seeAlso does not replace the entry's own code
    expect(texts(byId.get('icd10cm-index:M84.40'))).toEqual(['Fracture NEC, pathological']);
    expect(byId.get('icd10cm-index:W06')).toMatchObject({ type: 'other', subtype: 'external-cause' });
    expect(texts(byId.get('icd10cm-index:R50.9'))).toEqual(['Fever', 'Fever, with chills']);
    expect(texts(byId.get('icd10cm-index:T67'))).toEqual(['Heatstroke \u2013 sun']);
    expect(byId.has('icd10cm-index:X58')).toBe(false); // `Blow` alone is too generic
    expect(byId.get('icd10cm-index:T14.8')!.terms[0]!.kind).toBe('preferred');
    expect(byId.get('icd10cm-index:S72.00')!.terms[1]!.kind).toBe('index');
  });
});

describe('icd10cm-index importer: tables', () => {
  it('Table of Drugs: one term per column heading, see resolved, empty cells ignored', async () => {
    const { stats, byId } = await collectConcepts(importIcd10cmIndex, fixture('index_drug.xml'));
    expect(stats).toMatchObject({ read: 5, skippedReasons: { 'see-unresolved': 1 } });
    expect(texts(byId.get('icd10cm-index:T39.1X1'))).toEqual([
      'poisoning by Acetaminophen',
      'Acetaminophen poisoning',
      'poisoning by Paracetamol',
      'Paracetamol poisoning',
    ]);
    expect(texts(byId.get('icd10cm-index:T39.1X2'))).toContain(
      'poisoning by Acetaminophen, intentional self-harm',
    );
    expect(texts(byId.get('icd10cm-index:T39.1X5'))).toContain('adverse effect of Acetaminophen');
    expect(texts(byId.get('icd10cm-index:T39.1X6'))).toContain('underdosing of Paracetamol');
    expect(texts(byId.get('icd10cm-index:T51.0X1'))).toEqual([
      'poisoning by Alcohol, ethyl',
      'Alcohol, ethyl poisoning',
    ]);
    expect(byId.get('icd10cm-index:T51.91')).toMatchObject({ type: 'problem', subtype: 'poisoning' });
    expect([...byId.keys()].some((k) => k.endsWith('-') || k.endsWith(':'))).toBe(false);
  });

  it('Neoplasm Table: site terms per behaviour column, cancer/metastasis for one-level sites', async () => {
    const { stats, byId } = await collectConcepts(importIcd10cmIndex, fixture('index_neoplasm.xml'));
    expect(stats).toMatchObject({ read: 4, skipped: 0 });
    expect(texts(byId.get('icd10cm-index:C80.1'))).toEqual(['malignant neoplasm']);
    expect(texts(byId.get('icd10cm-index:C34.9'))).toEqual(['malignant neoplasm of lung', 'lung cancer']);
    expect(texts(byId.get('icd10cm-index:C78.0'))).toEqual([
      'secondary malignant neoplasm of lung',
      'lung metastasis',
    ]);
    expect(texts(byId.get('icd10cm-index:C34.1'))).toEqual(['malignant neoplasm of lung upper lobe']);
    expect(texts(byId.get('icd10cm-index:D02.2'))).toEqual(['carcinoma in situ of lung']);
    expect(texts(byId.get('icd10cm-index:D38.1'))).toEqual(['neoplasm of uncertain behavior of lung']);
    expect(texts(byId.get('icd10cm-index:D49.1'))).toEqual(['neoplasm of unspecified behavior of lung']);
    expect(texts(byId.get('icd10cm-index:D36.7'))).toEqual(['benign neoplasm of abdomen']);
  });

  it('throws a coded error on malformed XML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinote-idx-'));
    const p = join(dir, 'bad.xml');
    writeFileSync(p, '<ICD10CM.index><letter><mainTerm><title>X</title></letter></ICD10CM.index>');
    await expect(collectConcepts(importIcd10cmIndex, p)).rejects.toMatchObject({
      code: 'CLINOTE_E_TERMINOLOGY_MALFORMED_XML',
    });
  });
});

describe('index helpers', () => {
  it.each([
    ['S72.9-', 'S72.9'],
    ['T51.3X1', 'T51.3X1'],
    ['X58', 'X58'],
    ['C79.8-', 'C79.8'],
    ['-', null],
    ['--', null],
    ['see above', null],
  ])('indexCode(%s) = %s', (raw, code) => {
    expect(indexCode(raw)).toBe(code);
  });

  it.each([
    [
      'drug',
      'Poisoning Accidental (unintentional)',
      'Aspirin',
      1,
      ['poisoning by Aspirin', 'Aspirin poisoning'],
    ],
    ['drug', 'Poisoning Assault', 'Aspirin', 1, ['poisoning by Aspirin, assault']],
    ['drug', 'Poisoning Undetermined', 'Aspirin', 1, ['poisoning by Aspirin, undetermined intent']],
    ['neoplasm', 'Malignant Primary', 'breast', 1, ['malignant neoplasm of breast', 'breast cancer']],
    ['neoplasm', 'Ca in situ', 'breast', 1, ['carcinoma in situ of breast']],
    ['neoplasm', 'Benign', 'skin', 2, ['benign neoplasm of skin']],
    ['other', 'Whatever', 'thing', 1, ['Whatever, thing']],
  ] as const)('tableTerms(%s, %s, %s)', (kind, heading, subject, depth, expected) => {
    expect(tableTerms(kind, heading, subject, depth)).toEqual(expected);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { isClinoteError } from '../../errors/error.js';
import { toResult } from '../../output/result.js';
import { createPipelineSync, type Pipeline } from '../../pipeline/pipeline.js';
import { fileResourceContext } from '../../resources.js';
import { medicationsComponent } from './index.js';
import { standInRegistry } from './testing.js';

const DRUGS = ['lisinopril', 'metformin', 'aspirin', 'penicillin', 'apixaban', 'acetaminophen']
  .map((name) => ({
    name,
    rxnorm: name === 'lisinopril' ? '29046' : undefined,
  }))
  .map(({ name, rxnorm }) => (rxnorm ? { name, rxnorm } : { name }));

function pipeline(options: Record<string, unknown> = {}): Pipeline {
  return createPipelineSync(
    {
      name: 'meds',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        { name: 'concepts' },
        { name: 'medications', options },
      ],
    },
    { registry: standInRegistry(DRUGS), context: fileResourceContext() },
  );
}

const p = pipeline();
const meds = (text: string) => p.runSync(new Doc(text)).get('medications');

describe('medications component', () => {
  it('declares its contract', () => {
    expect(medicationsComponent.name).toBe('medications');
    expect(medicationsComponent.version).toBe('1.1.0');
    expect(medicationsComponent.requires).toEqual([
      'normalized',
      'sections',
      'sentences',
      'tokens',
      'concepts',
    ]);
    expect(medicationsComponent.outputs).toEqual(['medications']);
  });

  it('rejects unknown options', () => {
    try {
      pipeline({ nope: true });
      expect.unreachable();
    } catch (e) {
      expect(isClinoteError(e) && e.code).toBe('CLINOTE_E_CONFIG_INVALID');
    }
  });

  it('puts the layer in the JSON result, with the concept index and RxNorm code of the drug', () => {
    const doc = p.runSync(new Doc('Lisinopril 10 mg PO daily.'));
    const result = toResult(doc, p) as unknown as Record<string, unknown>;
    const layer = result.medications as { drug: { concept?: number; rxnorm?: string; text: string } }[];
    expect(layer).toHaveLength(1);
    expect(layer[0]?.drug).toMatchObject({ text: 'Lisinopril', concept: 0, rxnorm: '29046' });
    expect(doc.get('concepts')[layer[0]?.drug.concept ?? -1]?.text).toBe('Lisinopril');
  });

  it('keeps original offsets when normalization changes lengths (CRLF, no-break spaces, soft hyphens)', () => {
    const text = 'Plan:\r\n- metformin\u00a0500\u00a0mg PO\u00adBID\r\n- aspirin 81 mg daily\r\n';
    const out = meds(text);
    expect(out.map((m) => m.drug.text)).toEqual(['metformin', 'aspirin']);
    for (const m of out) {
      for (const s of [m.drug, m.strength, m.frequency])
        if (s) expect(text.slice(s.start, s.end)).toBe(s.text);
    }
    expect(out[0]?.strength).toMatchObject({ value: 500, unit: 'mg' });
    expect(out[1]?.frequency?.timing).toEqual({ frequency: 1, period: 1, periodUnit: 'd' });
  });

  it('links each sig to its own drug in a sentence with several', () => {
    const out = meds('Continue apixaban 5 mg bid and metformin 500 mg daily; stop aspirin.');
    expect(out.map((m) => [m.drug.text, m.strength?.text, m.frequency?.text, m.status?.value])).toEqual([
      ['apixaban', '5 mg', 'bid', 'continued'],
      ['metformin', '500 mg', 'daily', 'continued'],
      ['aspirin', undefined, undefined, 'stopped'],
    ]);
  });

  it('reports no medication in an allergy section', () => {
    expect(
      meds('Allergies: penicillin (rash)\n\nMedications: aspirin 81 mg daily\n').map((m) => m.drug.text),
    ).toEqual(['aspirin']);
  });

  it('can leave out drug heads that are not concepts, and drugs without a sig', () => {
    const text = 'Medications:\n1. Zyrtexa 10 mg daily\n2. aspirin\n';
    expect(meds(text).map((m) => [m.drug.text, m.drug.concept, m.evidence.rule])).toEqual([
      ['Zyrtexa', undefined, 'head.list unit.mg freq.daily'],
      ['aspirin', 0, 'drug.concept'],
    ]);
    const strict = pipeline({ heads: false, bareDrugs: false });
    expect(strict.runSync(new Doc(text)).get('medications')).toEqual([]);
  });

  it('finds nothing, cheaply, in a note without drugs or amounts', () => {
    expect(meds('Chest pain for 3 days. No fever. Follow up in 2 weeks.')).toEqual([]);
    expect(meds('')).toEqual([]);
  });
});

describe('any text', () => {
  const PIECES = [
    'metformin',
    'aspirin',
    'lisinopril',
    'Zyrtexa',
    '500',
    '1,000',
    '2.5',
    '1/2',
    'one',
    'mg',
    'mcg',
    'g',
    'mL',
    'units',
    'tabs',
    '%',
    '/',
    '-',
    'mg/kg',
    'po',
    'p.o.',
    'IV',
    'OD',
    'q6h',
    'q4-6h',
    'bid',
    'daily',
    'qhs',
    'once',
    'prn',
    'pain',
    'for',
    'x',
    '7',
    'days',
    'then',
    'both',
    'continue',
    'hold',
    'd/c',
    'high-dose',
    'antibiotics',
    '(',
    ')',
    ',',
    ';',
    ':',
    '.',
    '|',
    '\t',
    '\n',
    '\r\n',
    '  ',
    ' ',
    '\u00a0',
    '1.',
    '-',
    'Medications:',
    'Allergies:',
    'Medication',
    'Dose',
    'Indication',
    'Action',
    '18G',
    '#30',
    'max',
    'of',
    'to',
    'and',
  ];
  it('never throws, and every span reproduces the original text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }),
        fc.array(fc.constantFrom(' ', '', '\n'), { maxLength: 60 }),
        (pieces, seps) => {
          const text = pieces.map((x, i) => x + (seps[i] ?? ' ')).join('');
          for (const m of meds(text)) {
            expect(m.start).toBeLessThanOrEqual(m.drug.start);
            expect(m.end).toBeGreaterThanOrEqual(m.drug.end);
            for (const x of [
              m.drug,
              m.strength,
              m.dose,
              m.form,
              m.route,
              m.frequency,
              m.asNeeded,
              m.asNeeded?.reason,
              m.duration,
              m.status,
              m.indication,
              m.intensity,
            ]) {
              if (!x) continue;
              expect(x.end).toBeGreaterThan(x.start);
              expect(text.slice(x.start, x.end)).toBe(x.text);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

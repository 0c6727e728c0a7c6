/**
 * Whole notes: the synthetic example notes (examples/notes, written for Clinote) through the default
 * components and `medications`, with the built-in starter terminology pack.
 *
 * - every span of every medication reproduces the original text, and lies inside its mention;
 * - every line of a medication section or medication table that names something and gives an
 *   amount (`apixaban 5 mg PO BID`) has a medication whose drug starts on that line, with the
 *   strength or dose written there, and its frequency when one is written;
 * - the medication reconciliation note, checked attribute by attribute.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { fileResourceContext, packageRoot } from '../../resources.js';
import { defaultRegistry } from '../index.js';
import { medicationsComponent } from './index.js';
import type { Medication, TextSpan } from './types.js';

const registry = defaultRegistry();
if (!registry.get('medications')) registry.register(medicationsComponent);
const pipeline = createPipelineSync(
  {
    name: 'notes',
    components: [
      { name: 'normalize' },
      { name: 'sections' },
      { name: 'sentences' },
      { name: 'tokens' },
      { name: 'concepts' },
      { name: 'medications' },
    ],
  },
  { registry, context: fileResourceContext() },
);

const dir = join(packageRoot(), 'examples', 'notes');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();

function run(file: string): { text: string; doc: Doc; meds: Medication[] } {
  const text = readFileSync(join(dir, file), 'utf8');
  const doc = pipeline.runSync(new Doc(text, { id: file }));
  return { text, doc, meds: doc.get('medications') };
}

function spans(m: Medication): TextSpan[] {
  return [
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
  ].filter((s): s is TextSpan => s !== undefined);
}

const MED_SECTIONS = new Set(['medications', 'admission_medications', 'discharge_medications']);
/** A list line or table row with a name and an amount (written for this test, independent of the lexicon). */
const AMOUNT = /\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|g|gm|mEq|units?|mL)(?![\w/])/i;
const FREQUENCY = /\b(?:daily|bid|tid|qid|qhs|qam|qpm|q\d+h|nightly|weekly|once|twice)\b/i;
/** A line that starts with a name and gives an amount within its first words. */
const LIST_LINE = /^\s*(?:[-*•]|\d{1,2}[.)]|\|)?\s*[A-Za-z][\w/-]*(?:\s+[\w/()-]+){0,3}?\s+\|?\s*\d/;

describe('example notes', () => {
  it('has notes to read', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  for (const file of files) {
    it(`${file}: spans reproduce the text and lie inside their mention`, () => {
      const { text, meds } = run(file);
      for (const m of meds) {
        expect(m.evidence.component).toBe('medications');
        expect(m.evidence.rule).toMatch(/\S/);
        expect(m.start).toBeLessThanOrEqual(m.drug.start);
        expect(m.end).toBeGreaterThanOrEqual(m.drug.end);
        for (const s of spans(m)) {
          expect(s.end).toBeGreaterThan(s.start);
          expect(text.slice(s.start, s.end)).toBe(s.text);
        }
      }
    });
  }

  it('links a drug and an amount on every medication list line that gives one', () => {
    let checked = 0;
    const misses: string[] = [];
    for (const file of files) {
      const { text, doc, meds } = run(file);
      const sections = doc.get('sections');
      let offset = 0;
      let inTable = false;
      for (const line of text.split('\n')) {
        const start = offset;
        offset += line.length + 1;
        if (/^\s*\|?\s*Medication\b/i.test(line)) inTable = true;
        else if (line.trim() === '') inTable = false;
        const section = sections.find((s) => s.start <= start && start < s.end);
        const medSection = section !== undefined && MED_SECTIONS.has(section.category);
        if (!(medSection || inTable) || !LIST_LINE.test(line) || !AMOUNT.test(line)) continue;
        checked++;
        const end = start + line.length;
        const m = meds.find((x) => x.drug.start >= start && x.drug.start < end);
        const ok =
          m !== undefined &&
          (m.strength !== undefined || m.dose !== undefined) &&
          (!FREQUENCY.test(line) || m.frequency !== undefined);
        if (!ok) misses.push(`${file}: ${line.trim()}`);
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(misses).toEqual([]);
  });
});

describe('medication reconciliation note', () => {
  const { meds } = run('medication-reconciliation-01.txt');
  const find = (drug: string, strength?: string): Medication => {
    const m = meds.find(
      (x) => x.drug.text.toLowerCase() === drug && (strength === undefined || x.strength?.text === strength),
    );
    if (!m) throw new Error(`no medication ${drug} ${strength ?? ''}`);
    return m;
  };

  it('reads the table: dose, route, frequency, indication and action of each row', () => {
    const apixaban = find('apixaban', '5 mg');
    expect(apixaban.strength).toMatchObject({ value: 5, unit: 'mg' });
    expect(apixaban.route?.code).toBe('PO');
    expect(apixaban.frequency?.timing).toEqual({ frequency: 2, period: 1, periodUnit: 'd' });
    expect(apixaban.indication?.text).toBe('AFib');
    expect(apixaban.status?.value).toBe('continued');
    expect(find('lisinopril', '10 mg').status?.value).toBe('held');
    expect(find('hydrochlorothiazide', '12.5 mg').status?.value).toBe('stopped');
    const zolpidem = find('zolpidem', '5 mg');
    expect(zolpidem.frequency?.timing.when).toEqual(['HS']);
    expect(zolpidem.asNeeded).toBeDefined();
    expect(zolpidem.indication?.text).toBe('insomnia');
    expect(find('levothyroxine', '50 mcg').strength).toMatchObject({ value: 50, unit: 'ug' });
  });

  it('reads the numbered list of new medications', () => {
    const oxy = find('oxycodone', '2.5 mg');
    expect(oxy.frequency?.timing).toEqual({ frequency: 1, period: 6, periodUnit: 'h' });
    expect(oxy.asNeeded?.reason?.text).toBe('moderate-severe pain');
    expect(oxy.duration).toMatchObject({ value: 5, unit: 'd' });
    const senna = find('senna', '8.6 mg');
    expect(senna.dose).toMatchObject({ value: 2, unit: '{tablet}' });
    expect(find('polyethylene glycol', '17 g').frequency?.timing).toEqual({
      frequency: 1,
      period: 1,
      periodUnit: 'd',
    });
    expect(find('zoledronic acid', '5 mg').frequency?.timing).toEqual({ count: 1 });
    expect(find('enoxaparin', '40 mg').route?.code).toBe('SC');
  });

  it('reads the reasons for changes: a status after a pair of drugs applies to both', () => {
    const stopped = meds.filter((m) => m.status?.value === 'stopped').map((m) => m.drug.text.toLowerCase());
    expect(stopped).toEqual(
      expect.arrayContaining(['zolpidem', 'diphenhydramine', 'ibuprofen', 'hydrochlorothiazide']),
    );
  });

  it('finds no medication in the allergy section', () => {
    expect(meds.some((m) => m.drug.text === 'Morphine')).toBe(false);
  });
});

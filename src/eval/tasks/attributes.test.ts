import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Medication } from '../../components/medications/types.js';
import { parseBratAnn } from '../../corpora/brat.js';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { Doc } from '../../doc/doc.js';
import { isClinoteError } from '../../errors/error.js';
import {
  type AttributeLink,
  doseRegimens,
  LinkScorer,
  maccrobatGold,
  matchLinks,
  medicationPredictions,
  otherPredictions,
  parseAdeDoseFile,
  runAttributes,
  withoutRepeats,
} from './attributes.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-attributes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Synthetic text written for these tests (not corpus text).
const TEXT = 'She took metformin 500 mg PO twice daily for 7 days; pain was severe in the left knee.';
const at = (s: string, from = 0): { start: number; end: number } => {
  const start = TEXT.indexOf(s, from);
  return { start, end: start + s.length };
};

function med(
  parts: Partial<Record<'strength' | 'frequency' | 'route' | 'duration' | 'intensity', string>>,
): Medication {
  const span = (s: string) => ({ ...at(s), text: s });
  return {
    ...at('metformin'),
    drug: span('metformin'),
    ...(parts.strength ? { strength: { ...span(parts.strength), value: 500, unit: 'mg' } } : {}),
    ...(parts.route ? { route: { ...span(parts.route), code: 'PO', display: 'oral' } } : {}),
    ...(parts.frequency
      ? {
          frequency: {
            ...span(parts.frequency),
            timing: { frequency: 2, period: 1, periodUnit: 'd' as const },
          },
        }
      : {}),
    ...(parts.duration ? { duration: { ...span(parts.duration), value: 7, unit: 'd' } } : {}),
    evidence: { component: 'medications' },
  };
}

describe('dose regimens', () => {
  const m = med({ strength: '500 mg', route: 'PO', frequency: 'twice daily', duration: 'for 7 days' });
  const texts = (mapping: 'regimen' | 'merged' | 'separate') =>
    doseRegimens(TEXT, m, mapping).map((g) => [g.type, TEXT.slice(g.start, g.end)]);

  it('joins the amount and the frequency across the route (regimen, merged)', () => {
    expect(texts('regimen')).toEqual([['Dosage', '500 mg PO twice daily']]);
    expect(texts('merged')).toEqual([['Dosage', '500 mg PO twice daily']]);
    expect(texts('separate')).toEqual([
      ['Dosage', '500 mg'],
      ['Frequency', 'twice daily'],
    ]);
  });

  it('maps a frequency alone to Dosage (regimen) or Frequency (merged)', () => {
    const f = med({ frequency: 'twice daily' });
    expect(doseRegimens(TEXT, f, 'regimen').map((g) => g.type)).toEqual(['Dosage']);
    expect(doseRegimens(TEXT, f, 'merged').map((g) => g.type)).toEqual(['Frequency']);
  });

  it('predicts Administration and Duration, each linked to the drug', () => {
    const preds = medicationPredictions(TEXT, [m]);
    expect(
      preds.map((p) => [p.type, TEXT.slice(p.start, p.end), p.head && TEXT.slice(p.head.start, p.head.end)]),
    ).toEqual([
      ['Dosage', '500 mg PO twice daily', 'metformin'],
      ['Administration', 'PO', 'metformin'],
      ['Duration', 'for 7 days', 'metformin'],
    ]);
  });
});

describe('a regimen written with a slash, and attributes found by two layers', () => {
  it('joins an amount and a frequency written with a slash into one Dosage (`12 mg/m2/weekly`)', () => {
    const text = 'Then zorbitrexate (12 mg/m2/weekly) was given.';
    const s = (x: string) => ({ start: text.indexOf(x), end: text.indexOf(x) + x.length, text: x });
    const m: Medication = {
      ...s('zorbitrexate (12 mg/m2/weekly'),
      drug: s('zorbitrexate'),
      strength: { ...s('12 mg/m2'), value: 12, unit: 'mg' },
      frequency: { ...s('weekly'), timing: { frequency: 1, period: 1, periodUnit: 'wk' } },
      evidence: { component: 'medications' },
    };
    expect(doseRegimens(text, m).map((g) => [g.type, text.slice(g.start, g.end)])).toEqual([
      ['Dosage', '12 mg/m2/weekly'],
    ]);
    expect(doseRegimens(text, m, 'separate').map((g) => text.slice(g.start, g.end))).toEqual([
      '12 mg/m2',
      'weekly',
    ]);
  });

  it('keeps the medication Duration when the dates layer finds the same one, and other types as they are', () => {
    const meds = [
      { start: 10, end: 20, type: 'Duration', source: 'medications.duration' },
      { start: 30, end: 36, type: 'Dosage', source: 'medications.Dosage' },
    ];
    const dates = [
      { start: 14, end: 20, type: 'Duration', source: 'dates.duration' }, // overlaps: dropped
      { start: 20, end: 28, type: 'Duration', source: 'dates.duration' }, // touches only: kept
      { start: 30, end: 36, type: 'Date', source: 'dates.date' }, // another type: kept
      { start: 40, end: 48, type: 'Duration', source: 'dates.duration' },
    ];
    expect(withoutRepeats(dates, meds).map((d) => [d.start, d.type])).toEqual([
      [20, 'Duration'],
      [30, 'Date'],
      [40, 'Duration'],
    ]);
    expect(withoutRepeats(dates, [])).toEqual(dates);
  });
});

describe('the layers of other components, read by shape', () => {
  it('maps dates, measurements and concept modifiers, with their heads', () => {
    const doc = new Doc(TEXT);
    const loose = doc as unknown as { set(name: string, value: unknown): void };
    const pain = at('pain');
    loose.set('concepts', [
      {
        ...pain,
        type: 'problem',
        modifiers: { severity: { ...at('severe') }, bodySite: { ...at('left knee') } },
      },
    ]);
    loose.set('dates', [
      { ...at('for 7 days'), kind: 'duration', governs: [0] },
      { ...at('She'), kind: 'age' },
    ]);
    loose.set('measurements', [
      { kind: 'lab', test: { ...at('metformin') }, value: { ...at('500') } },
      { bad: true },
    ]);
    const preds = otherPredictions(doc).map((p) => [
      p.type,
      TEXT.slice(p.start, p.end),
      p.head ? TEXT.slice(p.head.start, p.head.end) : null,
    ]);
    expect(preds).toEqual([
      ['Duration', 'for 7 days', 'pain'],
      ['Lab_value', '500', 'metformin'],
      ['Severity', 'severe', 'pain'],
      ['Biological_structure', 'left knee', 'pain'],
    ]);
  });
});

describe('links', () => {
  const link = (type: string, attr: string, head: string): AttributeLink => ({
    type,
    attr: at(attr),
    head: at(head),
  });

  it('match when both ends overlap (lenient) or are exact (strict), same type, one to one', () => {
    const gold = [link('Dosage', '500 mg', 'metformin'), link('Severity', 'severe', 'pain')];
    const pred = [
      link('Dosage', '500 mg PO', 'metformin'),
      link('Dosage', '500 mg', 'metformin'),
      link('Severity', 'severe', 'left knee'),
    ];
    expect(matchLinks(gold, pred, 'lenient')).toEqual({ pairs: [[0, 1]], missed: [1], spurious: [0, 2] });
    expect(matchLinks(gold, pred, 'strict').pairs).toEqual([[0, 1]]);
    const scorer = new LinkScorer(['Dosage', 'Severity']);
    scorer.add(gold, pred);
    const r = scorer.result();
    expect(r.byType.Dosage?.lenient).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    expect(r.byType.Severity?.lenient).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(r.lenient.f1).toBeCloseTo(0.4, 5);
  });

  it('reads MODIFY relations of brat, through event triggers', () => {
    const ann = [
      `T1\tMedication ${at('metformin').start} ${at('metformin').end}\tmetformin`,
      `T2\tDosage ${at('500 mg').start} ${at('500 mg').end}\t500 mg`,
      `T3\tSign_symptom ${at('pain').start} ${at('pain').end}\tpain`,
      `T4\tSeverity ${at('severe').start} ${at('severe').end}\tsevere`,
      'E1\tSign_symptom:T3',
      'R1\tMODIFY Arg1:T2 Arg2:T1',
      'R2\tMODIFY Arg1:T4 Arg2:E1',
      'R3\tBEFORE Arg1:T1 Arg2:T3',
    ].join('\n');
    const gold = maccrobatGold({ id: 'x', text: TEXT, txtPath: '', annPath: '', ...parseBratAnn(ann, TEXT) });
    expect(gold.spans.map((s) => s.type)).toEqual(['Dosage', 'Severity']);
    expect(gold.links).toEqual([
      { type: 'Dosage', attr: at('500 mg'), head: at('metformin') },
      { type: 'Severity', attr: at('severe'), head: at('pain') },
    ]);
  });
});

describe('ADE drug-dose file', () => {
  it('moves document offsets into the sentence, one item per sentence, dropping rows it cannot place', () => {
    const s = 'A man given lisinopril 20 mg daily and high-dose metformin had a rash.';
    const base = 100;
    const row = (dose: string, drug: string, from = 0) => {
      const d = s.indexOf(dose, from);
      const g = s.indexOf(drug);
      return `42|${s}|${dose}|${base + d}|${base + d + dose.length}|${drug}|${base + g}|${base + g + drug.length}`;
    };
    const parsed = parseAdeDoseFile(
      [row('20 mg', 'lisinopril'), row('high-dose', 'metformin'), '42|broken|x|1|2|y|3|4', ''].join('\n'),
    );
    expect(parsed.dropped).toBe(1);
    expect(parsed.sentences).toHaveLength(1);
    const item = parsed.sentences[0];
    expect(
      item?.pairs.map((p) => [s.slice(p.dose.start, p.dose.end), s.slice(p.drug.start, p.drug.end)]),
    ).toEqual([
      ['20 mg', 'lisinopril'],
      ['high-dose', 'metformin'],
    ]);
  });
});

describe('runAttributes', () => {
  it('names its presets, and the data it cannot find', async () => {
    await expect(runAttributes({ data: '', preset: 'nope' })).rejects.toSatisfy(
      (e: unknown) => isClinoteError(e) && e.code === 'CLINOTE_E_EVAL_UNKNOWN_PRESET',
    );
    await expect(runAttributes({ data: join(dir, 'missing'), preset: 'maccrobat' })).rejects.toSatisfy(
      (e: unknown) => isClinoteError(e) && e.code === 'CLINOTE_E_EVAL_DATA_MISSING',
    );
  });

  it('scores a brat folder: spans per type and links', async () => {
    const brat = join(dir, 'brat');
    mkdirSync(brat);
    const text = 'He was given metformin 500 mg twice daily by mouth.';
    const span = (s: string) => `${text.indexOf(s)} ${text.indexOf(s) + s.length}\t${s}`;
    writeFileSync(join(brat, 'd1.txt'), text);
    writeFileSync(
      join(brat, 'd1.ann'),
      [
        `T1\tMedication ${span('metformin')}`,
        `T2\tDosage ${span('500 mg twice daily')}`,
        `T3\tAdministration ${span('by mouth')}`,
        'R1\tMODIFY Arg1:T2 Arg2:T1',
        'R2\tMODIFY Arg1:T3 Arg2:T1',
        '',
      ].join('\n'),
    );
    const r = await runAttributes({ data: brat, preset: 'maccrobat' });
    expect(r.byType?.Dosage?.strict).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(r.byType?.Administration?.strict).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    const links = r.scores?.links as { strict: { tp: number } } | undefined;
    expect(links?.strict.tp).toBe(2);
  });

  it('scores ADE drug-dose pairs', async () => {
    const s = 'Hypoglycemia followed glipizide 10 mg daily.';
    const d = s.indexOf('10 mg');
    const g = s.indexOf('glipizide');
    const file = join(dir, 'DRUG-DOSE.rel');
    writeFileSync(file, `7|${s}|10 mg|${d}|${d + 5}|glipizide|${g}|${g + 9}\n`);
    const r = await runAttributes({ data: file, preset: 'ade' });
    expect(r.lenient).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(r.strict).toMatchObject({ tp: 0, fp: 1, fn: 1 }); // `10 mg daily` against `10 mg`
  });
});

// The shared corpora: figures printed, floors asserted (regressions), skipped when absent.
const MAC = sharedDataPath('maccrobat');
describe.skipIf(!MAC)('MACCROBAT (shared data)', () => {
  if (!MAC) console.warn(missingDataMessage('maccrobat'));
  it('scores Dosage and Administration above their floors', async () => {
    const r = await runAttributes({ data: '', preset: 'maccrobat' });
    const f = (t: string) => r.byType?.[t]?.lenient;
    for (const t of [
      'Dosage',
      'Administration',
      'Duration',
      'Frequency',
      'Date',
      'Lab_value',
      'Severity',
      'Biological_structure',
    ]) {
      const x = f(t);
      console.log(
        `[maccrobat] ${t}: P ${x?.precision.toFixed(3)} R ${x?.recall.toFixed(3)} F1 ${x?.f1.toFixed(3)}`,
      );
    }
    const links = r.scores?.links as { lenient: unknown } | undefined;
    console.log(`[maccrobat] links: ${JSON.stringify(links?.lenient)}`);
    expect(f('Dosage')?.f1).toBeGreaterThanOrEqual(0.75);
    expect(f('Administration')?.f1).toBeGreaterThanOrEqual(0.7);
  });
});

const ADE = sharedDataPath('ade_corpus_v2', 'DRUG-DOSE.rel');
describe.skipIf(!ADE)('ADE corpus v2 drug-dose (shared data)', () => {
  if (!ADE) console.warn(missingDataMessage('ade_corpus_v2', 'DRUG-DOSE.rel'));
  it('scores drug-dose pairs above their floor', async () => {
    const r = await runAttributes({ data: '', preset: 'ade' });
    console.log(`[ade] pairs lenient: ${JSON.stringify(r.lenient)}`);
    expect(r.lenient?.precision).toBeGreaterThanOrEqual(0.85);
    expect(r.lenient?.f1).toBeGreaterThanOrEqual(0.5);
  });
});

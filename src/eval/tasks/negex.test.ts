import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNegexFile } from '../../corpora/negex.js';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { binaryScore, NEGEX_DEFAULT_DATA, negexTask, runNegex } from './negex.js';

// Rows written for this test in the kit's layout (not kit text).
const HEADER =
  'line number\tCondition\tsentence\tnegation_status (negated, affirmed, possible)\ttemporality (historical, recent, hypothetical)\texperiencer (patient, other)';
const ROWS = [
  '1\tleg swelling\tNo LEG SWELLING today.\tNegated\tRecent\tPatient',
  '2\tasthma\tMother has ASTHMA.\tAffirmed\tHistorical\tFamily member',
  '3\tdry cough\tReports DRY COUGH at night.\tAffirmed\tRecent\tPatient',
  '4\tfever\tReturn if FEVER develops.\tAffirmed\tNot particular\tPatient',
  '5\tstroke\tHistory of STROKE.\tAffirmed\tHistorical\tPatient',
  '6\trash\tThe RASH is not seen.\tNegated\tRecent\tPatient',
  '7\tpain\tPAIN free.\tNegated\tRecent\tPatient',
  '8\tnodule\tNo change in the NODULE.\tAffirmed\tRecent\tPatient',
  '9\tpneumonia\tPossible PNEUMONIA.\tNegated\tRecent\tPatient',
  '10\tfever\tTEMP: 37.0\tAffirmed\tRecent\tPatient',
];

function kitFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clinote-negex-'));
  const path = join(dir, 'kit.txt');
  writeFileSync(path, `${[HEADER, ...ROWS].join('\n')}\n`);
  return path;
}

describe('binaryScore', () => {
  it('computes precision, recall, F1 and accuracy, 0 where a denominator is 0', () => {
    const s = binaryScore(3, 1, 2, 4);
    expect(s).toMatchObject({ precision: 0.75, recall: 0.6, accuracy: 0.7, tp: 3, fp: 1, fn: 2, tn: 4 });
    expect(s.f1).toBeCloseTo(2 / 3, 12);
    expect(binaryScore(0, 0, 0, 0)).toEqual({
      precision: 0,
      recall: 0,
      f1: 0,
      accuracy: 0,
      tp: 0,
      fp: 0,
      fn: 0,
      tn: 0,
    });
  });
});

describe('negex task', () => {
  it('scores negation, temporality and experiencer on the kit layout', async () => {
    const path = kitFile();
    const report = await negexTask.run({ data: path });
    expect(report.task).toBe('negex');
    expect(report.data).toBe(path);
    const s = report.scores as Record<string, Record<string, number>>;
    expect(s.negation).toMatchObject({
      tp: 3,
      fp: 0,
      fn: 1,
      tn: 6,
      precision: 1,
      recall: 0.75,
      accuracy: 0.9,
    });
    expect(s.historical).toMatchObject({ tp: 2, fp: 0, fn: 0, tn: 8 });
    expect(s.hypothetical).toMatchObject({ tp: 1, fp: 0, fn: 0, tn: 9 });
    expect(s.experiencer).toMatchObject({ tp: 1, fp: 0, fn: 0, tn: 9 });
    expect(report.counts).toMatchObject({
      pairs: 10,
      conditionNotFound: 1,
      goldNegated: 4,
      goldHistorical: 2,
    });
    expect(report.timing?.unit).toBe('pairs');
    expect(report.timing?.itemsPerSecond).toBeGreaterThan(0);
    expect(report.errors).toBeUndefined();
  });

  it('lists the misses with the sentence and the cue involved', async () => {
    const report = await negexTask.run({ data: kitFile(), errors: true });
    const misses = (report.errors ?? []).map((e) => [e.doc, e.type, e.kind]);
    expect(misses).toEqual([['9', 'negation', 'fn']]);
    const negation = report.errors?.find((e) => e.type === 'negation');
    expect(negation?.context).toBe('Possible PNEUMONIA.');
    expect(negation?.detail).toMatch(/^no cue; .*POSSIBLE pos\.possible/);
  });

  it('names the cue of a false positive', () => {
    const file = readNegexFile(kitFile());
    const rows = file.rows.map((r) => (r.id === '3' ? { ...r, negation: 'Negated' } : r));
    const swapped = rows.map((r) => (r.id === '1' ? { ...r, negation: 'Affirmed' } : r));
    const run = runNegex(swapped, undefined, { errors: true, timed: false });
    const fp = run.errors?.find((e) => e.kind === 'fp' && e.type === 'negation');
    expect(fp?.detail).toBe('cue "No" (neg.no)');
    expect(run.passes).toBe(0);
  });

  it('scores historical and hypothetical on the temporality axis and names its evidence', () => {
    const file = readNegexFile(kitFile());
    // `Mother has ASTHMA.`: a chronic condition of the lexicon, historical with no HISTORICAL category
    const run = runNegex(file.rows, undefined, { errors: true, timed: false });
    const asthma = run.assertions[1];
    expect(asthma?.categories).not.toContain('HISTORICAL');
    expect(asthma?.temporality).toBe('historical');
    const rows = file.rows.map((r) => (r.id === '3' ? { ...r, temporality: 'Historical' } : r));
    const miss = runNegex(rows, undefined, { errors: true, timed: false }).errors?.find(
      (e) => e.type === 'historical',
    );
    expect(miss?.detail).toBe('temporality recent: default (temporality.default)');
  });

  it('honours --limit and refuses a missing file', async () => {
    expect((await negexTask.run({ data: kitFile(), limit: 3 })).counts.pairs).toBe(3);
    await expect(negexTask.run({ data: '/no/such/kit.txt' })).rejects.toMatchObject({
      code: 'CLINOTE_E_EVAL_DATA_MISSING',
    });
  });
});

const kit = sharedDataPath(...NEGEX_DEFAULT_DATA);

describe.skipIf(!kit)(`the NegEx test kit (${kit ?? missingDataMessage(...NEGEX_DEFAULT_DATA)})`, () => {
  it('reaches the negation, hypothetical and experiencer targets', async () => {
    const report = await negexTask.run({ data: '' });
    const s = report.scores as Record<string, Record<string, number>>;
    // printed, not asserted on time: speed depends on the machine
    process.stdout.write(
      `negex: negation F1 ${s.negation?.f1?.toFixed(4)}, historical F1 ${s.historical?.f1?.toFixed(4)}, hypothetical F1 ${s.hypothetical?.f1?.toFixed(4)}, experiencer tp/fp/fn ${s.experiencer?.tp}/${s.experiencer?.fp}/${s.experiencer?.fn}, ${report.timing?.itemsPerSecond?.toFixed(0)} pairs/s\n`,
    );
    expect(report.counts.pairs).toBe(2376);
    expect(s.negation?.f1).toBeGreaterThanOrEqual(0.985);
    expect(s.hypothetical?.f1).toBeGreaterThanOrEqual(0.85);
    expect(s.experiencer?.fp).toBeLessThanOrEqual(3);
    // scored on the temporality axis; below the issue's 0.90 (see docs/assertions.md, "NegEx test
    // kit"): a floor against regressions
    expect(s.historical?.f1).toBeGreaterThanOrEqual(0.75);
  });
});

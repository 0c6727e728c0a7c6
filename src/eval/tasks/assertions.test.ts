import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBratAnn, readBratDocument } from '../../corpora/brat.js';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import {
  ASSERTION_PRESETS,
  assertionPreset,
  assertionsTask,
  chiaNegated,
  goldConcepts,
  maccrobatNegated,
} from './assertions.js';

/** A brat folder of our own: one case-report style document and its annotation. */
function bratDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'clinote-assert-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

// Offsets: "The patient denied fever but reported cough. A chest radiograph showed no infiltrate."
const CASE_TXT = 'The patient denied fever but reported cough. A chest radiograph showed no infiltrate.';
const CASE_ANN = [
  'T1\tSign_symptom 19 24\tfever',
  'E1\tSign_symptom:T1',
  'A1\tPOLARITY E1 NEG',
  'T2\tSign_symptom 38 43\tcough',
  'E2\tSign_symptom:T2',
  'T3\tDiagnostic_procedure 47 63\tchest radiograph',
  'E3\tDiagnostic_procedure:T3',
  'T4\tSign_symptom 74 84\tinfiltrate',
  'E4\tSign_symptom:T4',
  'A2\tPOLARITY E4 NEG',
  'T5\tDate 0 3\tThe',
  '',
].join('\n');

// Offsets: "No history of diabetes or heart failure. Prior surgery other than appendectomy."
const CRIT_TXT = 'No history of diabetes or heart failure. Prior surgery other than appendectomy.';
const CRIT_ANN = [
  'T1\tNegation 0 2\tNo',
  'T2\tCondition 14 22\tdiabetes',
  'T3\tCondition 26 39\theart failure',
  'T4\tScope 14 39\tdiabetes or heart failure',
  'R1\tHas_negation Arg1:T4 Arg2:T1',
  'T5\tProcedure 47 54\tsurgery',
  'T6\tNegation 55 65\tother than',
  'T7\tProcedure 66 78\tappendectomy',
  'R2\tHas_negation Arg1:T7 Arg2:T6',
  '',
].join('\n');

describe('gold negation of the presets', () => {
  it('reads MACCROBAT POLARITY NEG on events', () => {
    const dir = bratDir({ 'c.txt': CASE_TXT, 'c.ann': CASE_ANN });
    expect([...maccrobatNegated(readBratDocument(join(dir, 'c.txt')))].sort()).toEqual(['T1', 'T4']);
  });

  it('reads Chia Has_negation on entities and on scopes', () => {
    expect(
      [
        ...chiaNegated({
          ...parseBratAnn(CRIT_ANN, CRIT_TXT),
          id: 'x',
          text: CRIT_TXT,
          txtPath: '',
          annPath: '',
        }),
      ].sort(),
    ).toEqual(['T2', 'T3', 'T7']);
  });

  it('keeps the targets of the preset types only, in text order', () => {
    const dir = bratDir({ 'c.txt': CASE_TXT, 'c.ann': CASE_ANN });
    const gold = goldConcepts(readBratDocument(join(dir, 'c.txt')), ASSERTION_PRESETS.maccrobat!);
    expect(gold.map((g) => [g.concept.text, g.concept.type])).toEqual([
      ['fever', 'problem'],
      ['cough', 'problem'],
      ['chest radiograph', 'procedure'],
      ['infiltrate', 'problem'],
    ]);
  });
});

describe('assertions task', () => {
  it('scores MACCROBAT-style negation with gold entities as targets', async () => {
    const data = bratDir({ 'c.txt': CASE_TXT, 'c.ann': CASE_ANN });
    const report = await assertionsTask.run({ data, preset: 'maccrobat', errors: true });
    const s = report.scores as {
      negation: Record<string, number>;
      byType: Record<string, Record<string, number>>;
    };
    expect(s.negation).toMatchObject({ tp: 2, fp: 0, fn: 0, tn: 2, f1: 1 });
    expect(s.byType.Diagnostic_procedure).toMatchObject({ tn: 1 });
    expect(report.counts).toMatchObject({
      documents: 1,
      targets: 4,
      goldNegated: 2,
      predictedNegated: 2,
      textMismatches: 0,
    });
    expect(report.errors).toEqual([]);
  });

  it('scores Chia-style negation, exceptions being negations there', async () => {
    const data = bratDir({ 'k.txt': CRIT_TXT, 'k.ann': CRIT_ANN });
    const report = await assertionsTask.run({ data, preset: 'chia', errors: true });
    const s = report.scores as { negation: Record<string, number> };
    // `other than appendectomy` is a Chia negation and a ConText terminator
    expect(s.negation).toMatchObject({ tp: 2, fp: 0, fn: 1, tn: 1 });
    expect(report.errors?.map((e) => [e.kind, e.text])).toEqual([['fn', 'appendectomy']]);
  });

  it('needs a known preset', async () => {
    expect(() => assertionPreset(undefined)).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_EVAL_UNKNOWN_PRESET' }),
    );
    await expect(assertionsTask.run({ data: '', preset: 'nope' })).rejects.toMatchObject({
      code: 'CLINOTE_E_EVAL_UNKNOWN_PRESET',
    });
  });
});

const maccrobat = sharedDataPath('maccrobat');

describe.skipIf(!maccrobat)(`MACCROBAT (${maccrobat ?? missingDataMessage('maccrobat')})`, () => {
  it('runs on the shared corpus', async () => {
    const report = await assertionsTask.run({ data: '', preset: 'maccrobat', limit: 20 });
    const s = report.scores as { negation: Record<string, number> };
    process.stdout.write(`assertions maccrobat (20 docs): negation F1 ${s.negation.f1?.toFixed(4)}\n`);
    expect(report.counts.targets).toBeGreaterThan(500);
    expect(s.negation.f1).toBeGreaterThan(0.6);
  });
});

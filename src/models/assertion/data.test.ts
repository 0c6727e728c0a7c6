import { describe, expect, it } from 'vitest';
import { defaultContextEngine } from '../../components/assertions/index.js';
import { type BratDocument, parseBratAnn } from '../../corpora/brat.js';
import {
  CORPORA,
  chiaNegated,
  documentExamples,
  goldTargets,
  maccrobatNegated,
  segmentation,
} from './data.js';
import { corpusOf } from './train.js';

/** A brat document written for this test (our own text and annotations). */
function brat(id: string, text: string, ann: string): BratDocument {
  return { id, text, txtPath: `${id}.txt`, annPath: `${id}.ann`, ...parseBratAnn(ann, text) };
}

// 0         1         2         3         4         5         6
// 0123456789012345678901234567890123456789012345678901234567890123
const CASE = 'She had no fever. A chest X-ray showed pneumonia. Cough resolved.';
const CASE_ANN = [
  'T1\tSign_symptom 11 16\tfever',
  'E1\tSign_symptom:T1',
  'A1\tPOLARITY E1 NEG',
  'T2\tDiagnostic_procedure 26 31\tX-ray',
  'E2\tDiagnostic_procedure:T2',
  'T3\tDisease_disorder 39 48\tpneumonia',
  'E3\tDisease_disorder:T3',
  'A2\tPOLARITY E3 UNCERTAIN',
  'T4\tSign_symptom 50 55\tCough',
  'E4\tSign_symptom:T4',
  'A3\tPOLARITY E4 NEG',
  'T5\tBiological_structure 20 25\tchest',
].join('\n');

const CRITERIA = 'No history of stroke or seizure. Diabetes other than type 1.';
const CRITERIA_ANN = [
  'T1\tNegation 0 2\tNo',
  'T2\tCondition 14 20\tstroke',
  'T3\tCondition 24 31\tseizure',
  'T4\tScope 14 31\tstroke or seizure',
  'R1\tHas_negation Arg1:T4 Arg2:T1',
  'T5\tCondition 33 41\tDiabetes',
  'T6\tNegation 42 52\tother than',
  'T7\tCondition 53 59\ttype 1',
  'R2\tHas_negation Arg1:T7 Arg2:T6',
].join('\n');

describe('gold negation from brat', () => {
  it('MACCROBAT: triggers of events with POLARITY NEG (UNCERTAIN is not negated)', () => {
    const d = brat('case', CASE, CASE_ANN);
    expect(d.problems).toEqual([]);
    expect([...maccrobatNegated(d)].sort()).toEqual(['T1', 'T4']);
    // only clinical types are targets: the body part is not
    expect(goldTargets(d, CORPORA.maccrobat).map((g) => g.entity.id)).toEqual(['T1', 'T2', 'T3', 'T4']);
    expect(goldTargets(d, CORPORA.maccrobat).map((g) => g.concept.type)).toEqual([
      'problem',
      'procedure',
      'problem',
      'problem',
    ]);
  });

  it('Chia: the Negation target, through a Scope to the entities inside it', () => {
    const d = brat('NCT0001_exc', CRITERIA, CRITERIA_ANN);
    expect(d.problems).toEqual([]);
    expect([...chiaNegated(d)].sort()).toEqual(['T2', 'T3', 'T7']);
    expect(CORPORA.chia.unit('NCT0001_exc')).toBe(CORPORA.chia.unit('NCT0001_inc'));
  });

  it('tells the corpora apart by their entity types', () => {
    expect(corpusOf([brat('case', CASE, CASE_ANN)]).name).toBe('maccrobat');
    expect(corpusOf([brat('NCT0001_exc', CRITERIA, CRITERIA_ANN)]).name).toBe('chia');
  });

  it('gives one example per target with the gold label, the rule verdict and the features', () => {
    const d = brat('case', CASE, CASE_ANN);
    const ex = documentExamples(d, CORPORA.maccrobat, segmentation(), defaultContextEngine());
    expect(ex.map((e) => [e.entity, e.negated])).toEqual([
      ['T1', true],
      ['T2', false],
      ['T3', false],
      ['T4', true],
    ]);
    // the rules negate `fever` (`no`) and `Cough` (`resolved`, a backward cue)
    expect(ex.map((e) => e.ruleNegated)).toEqual([true, false, false, true]);
    for (const e of ex) {
      expect(CASE.slice(e.start, e.end)).toBe(d.entities.find((x) => x.id === e.entity)?.text);
      expect(e.features).toContain('bias');
      expect(e.split).toBe(ex[0]?.split);
    }
    expect(ex[3]?.features).toContain('R1=resolved');
  });
});

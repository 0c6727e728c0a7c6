import { describe, expect, it } from 'vitest';
import {
  findCondition,
  normalizeExperiencer,
  normalizeNegation,
  normalizeTemporality,
  parseNegexTsv,
} from './negex.js';

// Synthetic rows written for these tests (not corpus text), in the kit's main layout.
const MAIN = [
  'line number\tCondition\tsentence\tnegation_status (negated, affirmed, possible)\ttemporality (historical, recent, hypothetical)\texperiencer (patient, other)',
  '1\tleg swelling\tNo LEG SWELLING today.\tNegated\tRecent\tPatient',
  '2\tasthma\tMother has ASTHMA; asthma not in patient.\tAffirmed\tHistorical\tFamily member',
  '3\tdry   cough\tReports DRY COUGH at night.\tAffirmed\tNot particular\tPatient',
  '4\tfever\tTEMP: 37.0\tAffirmed\tRecent\tPatient',
  '5\tshort row',
  '',
].join('\n');

describe('parseNegexTsv', () => {
  const out = parseNegexTsv(MAIN);

  it('reads the main layout by header names', () => {
    expect(out.rows.map((r) => [r.id, r.condition, r.negation, r.temporality, r.experiencer])).toEqual([
      ['1', 'leg swelling', 'Negated', 'Recent', 'Patient'],
      ['2', 'asthma', 'Affirmed', 'Historical', 'Family member'],
      ['3', 'dry   cough', 'Affirmed', 'Not particular', 'Patient'],
      ['4', 'fever', 'Affirmed', 'Recent', 'Patient'],
    ]);
    expect(out.problems).toEqual([{ line: 6, reason: 'expected 6 columns, found 2' }]);
  });

  it('finds the upper-cased condition in the sentence', () => {
    const spans = out.rows.map((r) =>
      r.conditionSpan ? r.sentence.slice(r.conditionSpan.start, r.conditionSpan.end) : null,
    );
    expect(spans).toEqual(['LEG SWELLING', 'ASTHMA', 'DRY COUGH', null]);
    expect(out.rows[1]?.conditionSpan).toEqual({ start: 11, end: 17 });
    expect(out.conditionNotFound).toBe(1);
  });

  it('reads the 4-column variant (Report No., Concept, Sentence, Negation) with quoted sentences and CRLF', () => {
    const v = parseNegexTsv(
      'Report No.\tConcept\tSentence\tNegation\r\n7\tnausea\t"Denies ""NAUSEA"" today."\tNegated\r\n',
    );
    expect(v.rows).toEqual([
      {
        id: '1',
        report: '7',
        condition: 'nausea',
        sentence: 'Denies "NAUSEA" today.',
        negation: 'Negated',
        conditionSpan: { start: 8, end: 14 },
      },
    ]);
  });

  it('reads a headerless 7-column file by position (report column second)', () => {
    const v = parseNegexTsv('1\t \tchills\tNo CHILLS.\tNegated\tRecent\tPatient\n');
    expect(v.rows[0]).toMatchObject({
      id: '1',
      condition: 'chills',
      negation: 'Negated',
      experiencer: 'Patient',
    });
    expect(v.rows[0]?.report).toBeUndefined();
  });

  it('refuses a layout it cannot recognise, with a coded error', () => {
    expect(() => parseNegexTsv('a\tb\tc\n1\t2\t3\n')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_EVAL_DATA_MALFORMED' }),
    );
  });

  it('returns no rows for an empty file', () => {
    expect(parseNegexTsv('\n\n').rows).toEqual([]);
  });
});

describe('findCondition', () => {
  it.each([
    ['upper-cased occurrence wins over an earlier lower-case one', 'rash then RASH', 'rash', [10, 14]],
    ['case-insensitive fallback', 'Mild Rash noted', 'rash', [5, 9]],
    ['any whitespace run', 'chest\t pain', 'chest pain', [0, 11]],
    ['regex characters are literal', 'pain (left) noted', 'pain (left)', [0, 11]],
    ['not found', 'nothing here', 'fever', null],
    ['empty condition', 'x', '  ', null],
  ])('%s', (_name, sentence, condition, expected) => {
    const span = findCondition(sentence, condition);
    expect(span ? [span.start, span.end] : null).toEqual(expected);
  });
});

describe('normalized values', () => {
  it.each([
    [normalizeNegation, 'Negated', 'negated'],
    [normalizeNegation, 'Affirmed', 'affirmed'],
    [normalizeNegation, 'Possible', 'possible'],
    [normalizeTemporality, 'Recent', 'recent'],
    [normalizeTemporality, 'Historical', 'historical'],
    [normalizeTemporality, 'Not particular', 'hypothetical'],
    [normalizeTemporality, 'Hypothetical', 'hypothetical'],
    [normalizeExperiencer, 'Patient', 'patient'],
    [normalizeExperiencer, 'Family member', 'other'],
    [normalizeExperiencer, 'Other', 'other'],
  ])('%#: %s', (fn, value, expected) => {
    expect(fn(value)).toBe(expected);
  });
});

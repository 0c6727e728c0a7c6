import { describe, expect, it } from 'vitest';
import { normalize } from '../../doc/normalize.js';
import { tokenize } from '../../text/tokenize.js';
import { termKeys, tokenKeys } from './term-keys.js';

describe('termKeys', () => {
  it.each([
    ['Fracture, femur', ['fracture', 'femur']],
    ['Diabetes Mellitus', ['diabetes', 'mellitus']],
    ['Kidney stones', ['kidney', 'stone']],
    ["Crohn's disease", ['crohn', 'disease']],
    ['Essential (primary) hypertension', ['essential', 'primary', 'hypertension']],
    ['Ménière’s disease', ['meniere', 'disease']],
    ['Type 2 diabetes mellitus', ['type', '2', 'diabetes', 'mellitus']],
    ['  ', []],
  ])('termKeys(%j)', (text, keys) => {
    expect(termKeys(text)).toEqual(keys);
  });

  it('gives a term the keys the matcher computes for the same words in a note', () => {
    const note = 'Pt with h/o Fractures of both femurs and Crohn’s disease; diarrhoea x3 days.';
    const tokens = tokenize(normalize(note).text);
    const noteKeys = tokenKeys(tokens).map((k) => k.key);
    for (const phrase of ['fracture of both femur', "Crohn's disease", 'diarrhea']) {
      const keys = termKeys(phrase).join(' ');
      expect(noteKeys.join(' ')).toContain(keys);
    }
  });

  it('tokenKeys points each key at its token and drops punctuation tokens', () => {
    const tokens = tokenize('Pain, chest.');
    const keys = tokenKeys(tokens);
    expect(keys.map((k) => k.key)).toEqual(['pain', 'chest']);
    for (const k of keys) expect(tokens[k.token]!.norm).toMatch(new RegExp(`^${k.key}`));
  });
});

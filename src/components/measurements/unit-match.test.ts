/**
 * The unit matcher gives what the regex it replaced gave: `(?:${unitSource})${B}` with flag `i`,
 * sticky at each position (B: `(?<=[^A-Za-z0-9])|(?![A-Za-z0-9])`), over the packaged unit forms.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { fileResourceContext } from '../../resources.js';
import { CompiledLexicon, DEFAULT_MEASUREMENT_RULES, MeasurementRulesSchema } from './lexicon.js';
import { UnitMatcher } from './unit-match.js';

const lexicon = new CompiledLexicon(
  loadJsonResource(
    fileResourceContext({ cacheDir: null }),
    DEFAULT_MEASUREMENT_RULES,
    MeasurementRulesSchema,
  ),
);
const regex = new RegExp(String.raw`(?:${lexicon.unitSource})(?:(?<=[^A-Za-z0-9])|(?![A-Za-z0-9]))`, 'iy');
const units = lexicon.unitMatcher;

/** End of the regex's match at p, or -1. */
function byRegex(text: string, p: number): number {
  regex.lastIndex = p;
  const m = regex.exec(text);
  return m ? p + m[0].length : -1;
}

describe('UnitMatcher', () => {
  it.each([
    ['mg/dL', 0, 5],
    ['MG/DL ', 0, 5],
    ['mmHg.', 0, 4],
    ['mgx', 0, -1],
    ['5 mmol/L', 2, 8],
    ['%', 0, 1],
  ])('%j at %i ends at %i, as the regex does', (text, p, end) => {
    expect(units.match(text, p)).toBe(byRegex(text, p));
    expect(units.match(text, p)).toBe(end);
  });

  it('treats µ and μ, and a run of blanks for an inner space, as the regex does', () => {
    const forms = new UnitMatcher(['µg', 'beats per min']);
    expect(forms.match('μg', 0)).toBe(2);
    expect(forms.match('beats \t per min', 0)).toBe(15);
    expect(forms.match('beatsper min', 0)).toBe(-1);
  });

  it('agrees with the regex at every position of random unit-like text', () => {
    const pieces = [
      'mg',
      'g',
      'dL',
      '/',
      'L',
      'mmol',
      'µ',
      'μ',
      'IU',
      'U',
      '%',
      ' ',
      '\t',
      '10^9',
      'x',
      'k',
      '.',
      'mL',
      'hr',
      'min',
      'bpm',
      'mm',
      'Hg',
      'cm',
      'kg',
      'a',
      '1',
      'per',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), fc.boolean(), (parts, upper) => {
        const raw = parts.join('');
        const text = upper ? raw.toUpperCase() : raw;
        for (let p = 0; p <= text.length; p++)
          expect(units.match(text, p), `${JSON.stringify(text)}@${p}`).toBe(byRegex(text, p));
      }),
      { numRuns: 3000, seed: 20261207 },
    );
  });
});

import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultContextEngine } from './index.js';
import { AssertionSchema } from './schema.js';

const engine = defaultContextEngine();

/** Words that make the rules fire, mixed with findings, punctuation and odd characters. */
const VOCABULARY = [
  'no',
  'not',
  'denies',
  'without',
  'negative',
  'for',
  'of',
  'evidence',
  'possible',
  'r/o',
  'rule',
  'out',
  'ruled',
  'history',
  'h/o',
  's/p',
  'mother',
  'father',
  'family',
  'if',
  'return',
  'call',
  'with',
  'exertion',
  'allergic',
  'to',
  'but',
  'however',
  'which',
  'patient',
  'change',
  'gram',
  'free',
  'resolved',
  'none',
  'never',
  'fever',
  'cough',
  'pain',
  'chest',
  'rash',
  'pneumonia',
  'MI',
  ':',
  ';',
  ',',
  '.',
  '(-)',
  '(+)',
  '[ ]',
  '[x]',
  '(',
  ')',
  '-',
  '?',
  '\n',
  '\n- ',
  '\u2610',
  'N',
  'Y',
  'HEENT:',
  'é',
  '😀',
  '\u2019',
  '',
];

const sentence = fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 40 }).map((words) => words.join(' '));
const anyText = fc.oneof(
  sentence,
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
);

function targetIn(text: string, a: number, b: number): { start: number; end: number } {
  const x = text.length === 0 ? 0 : a % (text.length + 1);
  const y = text.length === 0 ? 0 : b % (text.length + 1);
  return { start: Math.min(x, y), end: Math.max(x, y) };
}

describe('assertions on random text', () => {
  it('never throws, and every evidence span is in bounds and reproduces its text', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.nat(),
        fc.nat(),
        fc.constantFrom(undefined, 'family_history', 'review_of_systems'),
        (text, a, b, section) => {
          const target = targetIn(text, a, b);
          const assertion = engine.assert(text, target, section ? { section } : {});
          expect(Value.Check(AssertionSchema, assertion)).toBe(true);
          expect(assertion.evidence.length).toBeGreaterThan(0);
          for (const e of assertion.evidence) {
            if (e.cue) {
              expect(e.cue.start).toBeGreaterThanOrEqual(0);
              expect(e.cue.end).toBeLessThanOrEqual(text.length);
              expect(text.slice(e.cue.start, e.cue.end)).toBe(e.cue.text);
              expect(e.cue.text.length).toBeGreaterThan(0);
            }
            expect(0 <= e.scope.start && e.scope.start <= e.scope.end && e.scope.end <= text.length).toBe(
              true,
            );
          }
          // categories are unique, and the status follows from them
          expect(new Set(assertion.categories).size).toBe(assertion.categories.length);
          expect(assertion.status === 'present').toBe(assertion.categories.length === 0);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('lists cues whose spans reproduce their text and whose scopes touch the cue', () => {
    fc.assert(
      fc.property(sentence, (text) => {
        for (const c of engine.prepare(text).cues()) {
          expect(text.slice(c.cue.start, c.cue.end)).toBe(c.cue.text);
          if (c.forward) expect(c.forward.start).toBeGreaterThanOrEqual(c.cue.end);
          if (c.backward) expect(c.backward.end).toBeLessThanOrEqual(c.cue.start);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same assertion for the same input (no state between calls)', () => {
    fc.assert(
      fc.property(sentence, fc.nat(), fc.nat(), (text, a, b) => {
        const target = targetIn(text, a, b);
        expect(engine.assert(text, target)).toEqual(engine.assert(text, target));
      }),
      { numRuns: 300 },
    );
  });
});

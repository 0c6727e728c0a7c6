/**
 * Property tests of the splitter and the tokenizer over random strings (any Unicode, graphemes,
 * and pieces of clinical text with CRLF, NUL, combining marks, zero-width and odd spaces), on their
 * own and through the whole default pipeline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { loadPipelineSync } from '../../engine-sync.js';
import { fileResourceContext } from '../../resources.js';
import { tokenize } from '../../text/tokenize.js';
import { loadAbbreviations } from './abbreviations.js';
import { SentenceSplitter } from './split.js';

const PIECES = [
  ' ',
  '  ',
  '\n',
  '\n\n',
  '\r\n',
  '\r',
  '\t',
  '\0',
  '\u0301',
  '\u0308',
  '\u00a0',
  '\u200b',
  '\u2028',
  '\ufeff',
  '\u0085',
  '\u1680',
  '\ud800',
  '\udc00',
  '😀',
  'e\u0301',
  'é',
  'Dr.',
  'Mr.',
  'b.i.d.',
  'p.o.',
  'e.g.',
  'etc.',
  'J.',
  'A',
  'a',
  'The',
  'patient',
  'HPI:',
  'PLAN:',
  'CHIEF COMPLAINT:',
  'BP:',
  'Neck:',
  '1.',
  '2)',
  '(3)',
  '#4',
  '- ',
  '* ',
  '•',
  '5mg',
  '2.5',
  '98.6°F',
  '120/80',
  '10:30',
  '03/15/2024',
  '1,000',
  '-2',
  '.5',
  '2-3',
  '.',
  '. .',
  '...',
  '…',
  '?',
  '!',
  ',',
  ' ,',
  '.,',
  ':,',
  ';',
  ':',
  '(',
  ')',
  '[',
  ']',
  '"',
  "'",
  "Crohn's",
  'x-ray',
  's/p',
  'w/',
  '%',
  '/',
];

const pieces = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((a) => a.join(''));
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'binary-ascii', maxLength: 200 }),
  pieces,
  pieces,
);

const EDGE_SPACE = /^\s|\s$/u;

interface SpanLike {
  readonly start: number;
  readonly end: number;
}

function checkSpans(text: string, spans: readonly SpanLike[]): void {
  let prev = 0;
  for (const s of spans) {
    expect(Number.isInteger(s.start) && Number.isInteger(s.end)).toBe(true);
    expect(s.start).toBeGreaterThanOrEqual(prev);
    expect(s.end).toBeGreaterThan(s.start);
    expect(s.end).toBeLessThanOrEqual(text.length);
    prev = s.end;
  }
}

const splitter = new SentenceSplitter(loadAbbreviations(fileResourceContext()));
const lowerSplitter = new SentenceSplitter(loadAbbreviations(fileResourceContext()), {
  lowercaseStarts: true,
});

describe('properties: tokenize', () => {
  it('never throws; tokens are in bounds, ordered, disjoint, without spaces, norm lower-cased', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const tokens = tokenize(text);
        checkSpans(text, tokens);
        for (const t of tokens) {
          const s = text.slice(t.start, t.end);
          expect(/\s/u.test(s)).toBe(false);
          expect(t.norm).toBe(s.toLowerCase());
          if (t.kind === 'measure') expect(typeof t.unit).toBe('string');
          if (t.value !== undefined) expect(Number.isFinite(t.value)).toBe(true);
        }
        // every non-space character is in a token
        const covered = tokens.reduce((n, t) => n + (t.end - t.start), 0);
        expect(covered).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 30000 },
    );
  });
});

describe('properties: sentence splitter', () => {
  it('never throws; units are in bounds, ordered, disjoint, non-empty and trimmed', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (text, lower) => {
        const units = (lower ? lowerSplitter : splitter).split(text);
        checkSpans(text, units);
        for (const u of units) expect(EDGE_SPACE.test(text.slice(u.start, u.end))).toBe(false);
      }),
      { numRuns: 30000 },
    );
  });
});

describe('properties: default pipeline', () => {
  const pipeline = loadPipelineSync();

  it('sentences and tokens are well formed, tokens lie in their sentence, sentences in their section', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const doc = pipeline.runSync(new Doc(text));
        const sections = doc.get('sections');
        const sentences = doc.get('sentences');
        const tokens = doc.get('tokens');
        checkSpans(text, sentences);
        checkSpans(text, tokens);
        for (const s of sentences) {
          expect(EDGE_SPACE.test(text.slice(s.start, s.end))).toBe(false);
          expect(s.section).toBeGreaterThanOrEqual(-1);
          expect(s.section).toBeLessThan(sections.length);
          if (s.section >= 0) {
            const sec = sections[s.section]!;
            expect(sec.start <= s.start && s.end <= sec.end).toBe(true);
          }
        }
        for (const t of tokens) {
          const holder = sentences.findIndex((s) => s.start <= t.start && t.end <= s.end);
          expect(t.sentence).toBe(holder);
        }
      }),
      { numRuns: 300 },
    );
  });
});

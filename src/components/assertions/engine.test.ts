import { describe, expect, it } from 'vitest';
import { tokenize } from '../../text/tokenize.js';
import { ContextEngine } from './engine.js';
import { locate } from './expect.js';
import { defaultContextEngine } from './index.js';
import { type AssertionRules, CompiledRules } from './rules.js';

const engine = defaultContextEngine();

function at(text: string, target: string, nth = 0) {
  const span = locate(text, target, nth);
  if (!span) throw new Error(`no ${target}`);
  return span;
}

/** A small engine with rules of the test's own, to see the mechanics alone. */
function small(rules: AssertionRules['rules'], sections: AssertionRules['sections'] = []): ContextEngine {
  return new ContextEngine(
    new CompiledRules({
      version: '0.0.1',
      maxScope: {
        NEGATED: 3,
        POSSIBLE: 3,
        HYPOTHETICAL: 3,
        HISTORICAL: 3,
        FAMILY: 3,
        CONDITIONAL: 3,
        ALLERGY: 3,
      },
      rules,
      sections,
    }),
  );
}

describe('scopes', () => {
  const e = small([
    { id: 'neg.no', pattern: 'no', direction: 'forward', category: 'NEGATED' },
    { id: 'neg.neg', pattern: 'negative', direction: 'backward', category: 'NEGATED' },
    { id: 'pos.maybe', pattern: 'maybe', direction: 'bidirectional', category: 'POSSIBLE', maxScope: 2 },
    { id: 'term.but', pattern: 'but', direction: 'terminate' },
    { id: 'term.fam', pattern: 'patient', direction: 'terminate', category: 'FAMILY' },
    { id: 'fam.mother', pattern: 'mother', direction: 'forward', category: 'FAMILY' },
    { id: 'hist.ho', pattern: 'h/o', direction: 'forward', category: 'HISTORICAL', types: ['problem'] },
  ]);

  it('counts the maximum in words, not punctuation', () => {
    const t = 'no a , b , c , d';
    expect(e.assert(t, at(t, 'c')).status).toBe('absent');
    expect(e.assert(t, at(t, 'd')).status).toBe('present');
  });

  it('ends at a terminator of the category only', () => {
    const t = 'no a but b';
    expect(e.assert(t, at(t, 'b')).status).toBe('present');
    const u = 'no a patient b';
    expect(e.assert(u, at(u, 'b')).status).toBe('absent');
    const v = 'mother a patient b';
    expect(e.assert(v, at(v, 'b')).status).toBe('present');
  });

  it('ends where a cue of the same category starts', () => {
    const t = 'x y negative no z';
    // `negative` looks back; `no` starts a new negation forward
    expect(e.assert(t, at(t, 'x')).status).toBe('absent');
    expect(e.assert(t, at(t, 'z')).status).toBe('absent');
  });

  it('looks both ways for a bidirectional cue, each with the maximum', () => {
    const t = 'w1 w2 w3 maybe w4 w5 w6';
    expect(e.assert(t, at(t, 'w2')).status).toBe('possible');
    expect(e.assert(t, at(t, 'w1')).status).toBe('present');
    expect(e.assert(t, at(t, 'w5')).status).toBe('possible');
    expect(e.assert(t, at(t, 'w6')).status).toBe('present');
  });

  it('does not leave a bracket opened before the cue, and skips a bracketed aside', () => {
    const t = 'a (no b) c';
    expect(e.assert(t, at(t, 'b')).status).toBe('absent');
    expect(e.assert(t, at(t, 'c')).status).toBe('present');
    const u = 'no a (but) b';
    expect(e.assert(u, at(u, 'b')).status).toBe('absent');
  });

  it('stops at clause boundaries: list items, blank lines, sentence ends, capital headers', () => {
    for (const t of ['no a\n- b', 'no a\n\nb', 'no a\nB', 'no aaa. B', 'no a NECK: b']) {
      const target = t.includes('B') ? 'B' : 'b';
      expect(e.assert(t, at(t, target)).status, JSON.stringify(t)).toBe('present');
    }
    // a soft wrap goes on in lower case; `Dr.` is no sentence end
    expect(e.assert('no a\nb', at('no a\nb', 'b')).status).toBe('absent');
    expect(e.assert('no Dr. B', at('no Dr. B', 'B')).status).toBe('absent');
  });

  it('applies a cue with types only to those types, and such a cue ends no other scope', () => {
    const t = 'h/o a';
    expect(e.assert(t, at(t, 'a')).status).toBe('historical');
    expect(e.assert(t, at(t, 'a'), { type: 'medication' }).status).toBe('present');
  });
});

describe('local cues and result lists', () => {
  const e = small([
    { id: 'neg.no', pattern: 'no', direction: 'forward', category: 'NEGATED' },
    { id: 'neg.neg', pattern: 'negative $', direction: 'backward', category: 'NEGATED' },
    { id: 'neg.kv', pattern: ': no $', direction: 'backward', category: 'NEGATED' },
    {
      id: 'pos.or',
      pattern: 'or',
      direction: 'bidirectional',
      category: 'POSSIBLE',
      maxScope: 3,
      local: true,
    },
  ]);

  it('reaches only the item next to a local cue, on each side', () => {
    const t = 'a , b c or d and e';
    expect(e.assert(t, at(t, 'b')).status).toBe('possible');
    expect(e.assert(t, at(t, 'd')).status).toBe('possible');
    expect(e.assert(t, at(t, 'a')).status).toBe('present');
    expect(e.assert(t, at(t, 'e')).status).toBe('present');
  });

  it('drops a local cue inside a denial, which then reaches past it', () => {
    const t = 'no a or b';
    expect(e.assert(t, at(t, 'b')).status).toBe('absent');
    expect(e.assert(t, at(t, 'a')).status).toBe('absent');
    const u = 'a or b : no';
    expect(e.assert(u, at(u, 'a')).status).toBe('absent');
    expect(
      e
        .prepare(u)
        .cues()
        .map((c) => c.rule),
    ).toEqual(['neg.kv']);
  });

  it('does not let a backward scope cross an earlier item with a number as its value', () => {
    for (const t of ['x 4.1 , y negative', 'x 12 mg/dl , y negative', 'x 40 % , y negative']) {
      expect(e.assert(t, at(t, 'x')).status, t).toBe('present');
      expect(e.assert(t, at(t, 'y')).status, t).toBe('absent');
    }
    const t = 'x , y negative';
    expect(e.assert(t, at(t, 'x')).status).toBe('absent');
  });

  it('ends a `$` pattern at a line break, even one going on in lower case', () => {
    const t = 'cough : no\nfever : yes';
    expect(e.assert(t, at(t, 'cough')).status).toBe('absent');
    expect(e.assert(t, at(t, 'fever')).status).toBe('present');
  });
});

describe('matching', () => {
  const e = small([
    { id: 'neg.no', pattern: 'no', direction: 'forward', category: 'NEGATED' },
    { id: 'neg.kv', pattern: ': (no|none) $', direction: 'backward', category: 'NEGATED' },
    { id: 'neg.dash', pattern: '(-)', direction: 'forward', category: 'NEGATED' },
    { id: 'neg.dash-after', pattern: '(-) $', direction: 'backward', category: 'NEGATED' },
    { id: 'neg.start', pattern: '^ neg', direction: 'forward', category: 'NEGATED' },
    { id: 'neg.wild', pattern: 'not * in', direction: 'forward', category: 'NEGATED' },
    { id: 'pseudo.no-change', pattern: 'no change', direction: 'pseudo' },
    {
      id: 'neg.ros',
      pattern: 'n $',
      direction: 'backward',
      category: 'NEGATED',
      sections: ['review_of_systems'],
    },
  ]);

  it('takes the longest match, and a pseudo-cue blocks the cue it contains', () => {
    const t = 'no change in the mass';
    expect(e.assert(t, at(t, 'mass')).status).toBe('present');
    expect(
      e
        .prepare(t)
        .cues()
        .map((c) => c.rule),
    ).toEqual(['pseudo.no-change']);
  });

  it('still negates a target that begins inside the pseudo-cue', () => {
    const t = 'no change in hearing';
    const a = e.assert(t, at(t, 'change in hearing'));
    expect(a.status).toBe('absent');
    expect(a.evidence[0]).toMatchObject({ rule: 'neg.no', cue: { text: 'no' } });
  });

  it('checks `$` and prefers the anchored pattern when it holds', () => {
    expect(e.assert('fever: none', at('fever: none', 'fever')).status).toBe('absent');
    expect(e.assert('fever: none today', at('fever: none today', 'fever')).status).toBe('present');
    expect(e.assert('a (-), b', at('a (-), b', 'a')).status).toBe('absent');
    expect(e.assert('a (-), b', at('a (-), b', 'b')).status).toBe('present');
    expect(e.assert('(-) a', at('(-) a', 'a')).status).toBe('absent');
  });

  it('checks `^`', () => {
    expect(e.assert('neg a', at('neg a', 'a')).status).toBe('absent');
    expect(e.assert('x neg a', at('x neg a', 'a')).status).toBe('present');
  });

  it('matches a wildcard over one word', () => {
    expect(e.assert('not seen in a', at('not seen in a', 'a')).evidence[0]?.cue?.text).toBe('not seen in');
  });

  it('uses rules with sections only in those sections', () => {
    const t = 'fever n';
    expect(e.assert(t, at(t, 'fever')).status).toBe('present');
    expect(e.assert(t, at(t, 'fever'), { section: 'review_of_systems' }).status).toBe('absent');
  });
});

describe('assertions', () => {
  it('gives the cue, the rule and the scope as evidence, in original offsets', () => {
    const t = 'Exam: no edema or cyanosis.';
    const a = engine.assert(t, at(t, 'cyanosis'));
    expect(a).toEqual({
      status: 'absent',
      categories: ['NEGATED'],
      evidence: [
        {
          category: 'NEGATED',
          source: 'cue',
          rule: 'neg.no',
          cue: { start: 6, end: 8, text: 'no' },
          scope: { start: 9, end: 26 },
        },
      ],
      temporality: 'recent',
      temporalityEvidence: [
        {
          temporality: 'recent',
          source: 'default',
          rule: 'temporality.default',
          cue: null,
          scope: { start: 0, end: 27 },
        },
      ],
    });
    expect(t.slice(9, 26)).toBe('edema or cyanosis');
  });

  it('gives the default evidence when nothing fires', () => {
    const t = 'Cough for two days. Fever.';
    expect(engine.assert(t, at(t, 'Fever'))).toEqual({
      status: 'present',
      categories: [],
      evidence: [
        {
          category: 'AFFIRMED',
          source: 'default',
          rule: 'assertions.default',
          cue: null,
          scope: { start: 20, end: 26 },
        },
      ],
      temporality: 'recent',
      temporalityEvidence: [
        {
          temporality: 'recent',
          source: 'default',
          rule: 'temporality.default',
          cue: null,
          scope: { start: 20, end: 26 },
        },
      ],
    });
  });

  it('keeps several categories with their evidence and sums them up by priority', () => {
    const t = 'No family history of colon cancer.';
    const a = engine.assert(t, at(t, 'colon cancer'));
    expect(a.categories).toEqual(['NEGATED', 'HISTORICAL', 'FAMILY']);
    expect(a.status).toBe('absent');
    expect(a.evidence.map((x) => x.rule)).toEqual(['neg.no', 'fam.family-history', 'fam.family-history']);
  });

  it('lets the nearest cue decide between NEGATED and POSSIBLE', () => {
    const t1 = 'No evidence of possible abscess.';
    expect(engine.assert(t1, at(t1, 'abscess')).status).toBe('possible');
    const t2 = 'Possibly no abscess.';
    expect(engine.assert(t2, at(t2, 'abscess')).status).toBe('absent');
  });

  it('lets a cue win over a section default on the same axis', () => {
    const t = 'Return if chest pain.';
    expect(engine.assert(t, at(t, 'chest pain'), { section: 'past_medical_history' }).categories).toEqual([
      'HYPOTHETICAL',
    ]);
  });

  it('takes a full section context with the header as the cue of a section default', () => {
    // the sentence is the section body alone, as the component gives it
    const note = 'FAMILY HISTORY:\nDiabetes.';
    const all = tokenize(note).map((t) => ({ ...t, sentence: t.start < 15 ? 0 : 1 }));
    const from = all.findIndex((t) => t.sentence === 1);
    const sentence = engine.prepareTokens(note, all, from, all.length, { sections: ['family_history'] });
    const a = sentence.assert(at(note, 'Diabetes'), {
      section: {
        levels: [
          {
            category: 'family_history',
            header: { start: 0, end: 14, text: 'FAMILY HISTORY' },
            span: { start: 0, end: 25 },
          },
        ],
      },
    });
    expect(a.evidence).toEqual([
      {
        category: 'FAMILY',
        source: 'section',
        rule: 'section.family-history',
        cue: { start: 0, end: 14, text: 'FAMILY HISTORY' },
        scope: { start: 0, end: 25 },
      },
    ]);
  });

  it('ignores a cue inside the target unless it leads it', () => {
    const t = 'Seasonal allergies.';
    expect(engine.assert(t, at(t, 'Seasonal allergies')).status).toBe('present');
    const u = 'Status post appendectomy.';
    expect(engine.assert(u, at(u, 'Status post appendectomy')).status).toBe('historical');
  });

  it('asserts an empty target at its position', () => {
    const t = 'no fever';
    expect(engine.assert(t, { start: 5, end: 5 }).status).toBe('absent');
    expect(engine.assert('', { start: 0, end: 0 }).status).toBe('present');
  });

  it('refuses a target outside the text', () => {
    for (const span of [
      { start: -1, end: 2 },
      { start: 3, end: 2 },
      { start: 0, end: 99 },
      { start: 0.5, end: 2 },
    ]) {
      expect(() => engine.assert('no fever', span)).toThrow(
        expect.objectContaining({ code: 'CLINOTE_E_ASSERTION_TARGET_INVALID' }),
      );
    }
  });

  it('lists the cues of a sentence with their scopes', () => {
    const t = 'Denies fever but reports cough; h/o asthma.';
    const cues = engine.prepare(t).cues();
    expect(cues.map((c) => [c.rule, c.cue.text])).toEqual([
      ['neg.denies', 'Denies'],
      ['term.but', 'but'],
      ['term.affirm', 'reports'],
      ['term.semicolon', ';'],
      ['hist.h-o', 'h/o'],
    ]);
    expect(cues[0]?.forward).toEqual({ start: 7, end: 12 });
    expect(cues[0]?.backward).toBeNull();
    expect(cues[4]?.categories).toEqual(['HISTORICAL']);
  });

  it('prepares from a tokens layer like from text', () => {
    const t = 'No fever, chills or cough.';
    const viaText = engine.prepare(t);
    const tokens = viaText.norm.map((norm, i) => ({
      start: viaText.starts[i] as number,
      end: viaText.ends[i] as number,
      kind: /^[a-z]/.test(norm) ? ('word' as const) : ('punct' as const),
      norm,
      sentence: 0,
    }));
    const viaTokens = engine.prepareTokens(t, tokens, 0, tokens.length);
    expect(viaTokens.cues()).toEqual(viaText.cues());
    expect(viaTokens.assert(at(t, 'cough'))).toEqual(viaText.assert(at(t, 'cough')));
  });
});

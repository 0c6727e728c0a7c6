import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FactoryContext } from '../../pipeline/component.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import {
  ANY,
  type AssertionRules,
  assertionRulesJsonSchema,
  CompiledRules,
  DIRECTIONS,
  loadAssertionRules,
  MAX_EXPANSIONS,
  parsePattern,
} from './rules.js';
import { ASSERTION_CATEGORIES } from './types.js';

const seqs = (p: string) => parsePattern(p).sequences.map((s) => s.join(' '));

describe('parsePattern', () => {
  it('reads literals with the note tokenizer, lower-cased', () => {
    expect(seqs('No Evidence of')).toEqual(['no evidence of']);
    expect(seqs('h/o')).toEqual(['h/o']);
    expect(seqs('(-)')).toEqual(['( - )']);
    expect(seqs('[ ]')).toEqual(['[ ]']);
    expect(seqs("doesn't")).toEqual(["doesn't"]);
  });

  it('expands alternatives, multi-word alternatives and optional elements', () => {
    expect(seqs('no (evidence|sign|signs) of')).toEqual(['no evidence of', 'no sign of', 'no signs of']);
    expect(seqs('(r/o|rule out) x')).toEqual(['r/o x', 'rule out x']);
    expect(seqs('denies :?')).toEqual(['denies :', 'denies']);
    expect(seqs('ruled out (for)?')).toEqual(['ruled out for', 'ruled out']);
    expect(seqs('(a|b)? c')).toEqual(['a c', 'b c', 'c']);
  });

  it('keeps wildcards and anchors', () => {
    const p = parsePattern('^ no * of $');
    expect(p.sequences).toEqual([['no', ANY, 'of']]);
    expect(p.anchorStart).toBe(true);
    expect(p.anchorEnd).toBe(true);
    expect(parsePattern('no *? of').sequences.map((s) => s.length)).toEqual([3, 2]);
  });

  it('reads escapes as literals', () => {
    expect(seqs('\\(\\+\\)')).toEqual(['( + )']);
    expect(seqs('\\?')).toEqual(['?']);
    expect(seqs('(\\[x\\]|\\( - \\))')).toEqual(['[ x ]', '( - )']);
  });

  it('merges identical expansions', () => {
    expect(seqs('(\\(-\\)|\\( - \\))')).toEqual(['( - )']);
  });

  it.each([
    ['', 'matches no tokens'],
    ['* of', 'starts with a wildcard'],
    ['(a||b)', 'empty alternative'],
    ['no $ of', 'after `$`'],
    ['no ^', 'after its start'],
  ])('refuses %j with a coded error', (pattern, why) => {
    expect(() => parsePattern(pattern, 'x.y')).toThrow(
      expect.objectContaining({
        code: 'CLINOTE_E_ASSERTION_PATTERN_INVALID',
        message: expect.stringContaining(why),
      }),
    );
  });

  it(`refuses a pattern expanding past ${MAX_EXPANSIONS} sequences`, () => {
    const alt = `(${Array.from({ length: 20 }, (_, i) => `w${i}`).join('|')})`;
    expect(() => parsePattern(`${alt} ${alt} ${alt}`, 'x.y')).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_ASSERTION_PATTERN_INVALID' }),
    );
  });
});

const base = (rules: AssertionRules['rules']): AssertionRules => ({
  version: '1.0.0',
  maxScope: {
    NEGATED: 5,
    POSSIBLE: 5,
    HYPOTHETICAL: 5,
    HISTORICAL: 5,
    FAMILY: 5,
    CONDITIONAL: 5,
    ALLERGY: 5,
  },
  rules,
  sections: [],
});

describe('CompiledRules', () => {
  it('compiles cues, terminators and pseudo-cues into one trie', () => {
    const c = new CompiledRules(
      base([
        { id: 'neg.no', pattern: 'no', direction: 'forward', category: 'NEGATED' },
        {
          id: 'neg.no-x',
          pattern: 'no (evidence|sign) of',
          direction: 'forward',
          category: 'NEGATED',
          maxScope: 9,
        },
        { id: 'term.but', pattern: 'but', direction: 'terminate' },
        { id: 'pseudo.no-change', pattern: 'no change', direction: 'pseudo' },
      ]),
    );
    expect(c.sequences).toBe(5);
    expect(c.root.next?.get('no')?.entries?.map((e) => e.rule.id)).toEqual(['neg.no']);
    expect(c.rules.map((r) => [r.id, r.maxScope, r.categories])).toEqual([
      ['neg.no', 5, ['NEGATED']],
      ['neg.no-x', 9, ['NEGATED']],
      ['term.but', 0, []],
      ['pseudo.no-change', 0, []],
    ]);
  });

  it.each([
    [
      'a duplicate id',
      [
        { id: 'a.b', pattern: 'no', direction: 'forward', category: 'NEGATED' },
        { id: 'a.b', pattern: 'not', direction: 'forward', category: 'NEGATED' },
      ],
    ],
    ['a cue without a category', [{ id: 'a.b', pattern: 'no', direction: 'forward' }]],
    ['a terminator with a scope', [{ id: 'a.b', pattern: 'but', direction: 'terminate', maxScope: 3 }]],
    ['a terminator with types', [{ id: 'a.b', pattern: 'but', direction: 'terminate', types: ['problem'] }]],
    ['a local pseudo-cue', [{ id: 'a.b', pattern: 'no change', direction: 'pseudo', local: true }]],
    [
      'a pseudo-cue with terminates',
      [{ id: 'a.b', pattern: 'no change', direction: 'pseudo', terminates: ['NEGATED'] }],
    ],
    [
      'two rules matching the same tokens',
      [
        { id: 'a.b', pattern: 'no (sign|evidence)', direction: 'forward', category: 'NEGATED' },
        { id: 'a.c', pattern: 'no evidence', direction: 'pseudo' },
      ],
    ],
  ] as const)('refuses %s', (_name, rules) => {
    expect(() => new CompiledRules(base(rules as unknown as AssertionRules['rules']))).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_ASSERTION_RULE_INVALID' }),
    );
  });

  it('allows the same tokens with and without an anchor', () => {
    const c = new CompiledRules(
      base([
        { id: 'a.fwd', pattern: '(-)', direction: 'forward', category: 'NEGATED' },
        { id: 'a.bwd', pattern: '(-) $', direction: 'backward', category: 'NEGATED' },
      ]),
    );
    expect(c.sequences).toBe(2);
  });
});

describe('the packaged rule file', () => {
  const ctx = fileResourceContext();
  const file = loadAssertionRules(ctx);
  const compiled = new CompiledRules(file);

  it('loads, validates and compiles', () => {
    expect(file.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compiled.rules.length).toBe(file.rules.length);
    expect(compiled.sequences).toBeGreaterThan(file.rules.length);
  });

  it('uses every direction and every category', () => {
    expect(new Set(file.rules.map((r) => r.direction))).toEqual(new Set(DIRECTIONS));
    const cats = new Set(compiled.rules.flatMap((r) => r.categories));
    for (const c of ASSERTION_CATEGORIES)
      expect(cats.has(c) || file.sections.some((s) => s.category === c)).toBe(true);
    expect(cats).toEqual(new Set(ASSERTION_CATEGORIES));
  });

  it('names rules by their kind', () => {
    for (const r of file.rules) {
      const prefix = r.id.split('.')[0];
      if (r.direction === 'pseudo') expect(prefix, r.id).toBe('pseudo');
      else if (r.direction === 'terminate') expect(prefix, r.id).toBe('term');
      else expect(['neg', 'pos', 'hyp', 'hist', 'fam', 'cond', 'allergy'], r.id).toContain(prefix);
    }
    for (const s of file.sections) expect(s.id.startsWith('section.')).toBe(true);
  });

  it('has the section defaults of the issue', () => {
    const by = new Map(file.sections.flatMap((s) => s.sections.map((x) => [x, s.category] as const)));
    expect(by.get('family_history')).toBe('FAMILY');
    expect(by.get('past_medical_history')).toBe('HISTORICAL');
    expect(by.get('past_surgical_history')).toBe('HISTORICAL');
    expect(by.get('allergies')).toBe('ALLERGY');
  });

  it('has a JSON Schema file in step with the TypeBox schema', () => {
    const schema = JSON.parse(readFileSync(resourcePath('assertions/rules.schema.json'), 'utf8'));
    expect(schema).toEqual(JSON.parse(JSON.stringify(assertionRulesJsonSchema())));
  });

  it('refuses unknown keys with CLINOTE_E_RESOURCE_INVALID', () => {
    const bad = JSON.stringify({ ...file, rules: [{ ...file.rules[0], scope: 3 }] });
    const fake: FactoryContext = { readResource: () => bad, readResourceBytes: () => new Uint8Array() };
    expect(() => loadAssertionRules(fake, 'x.json')).toThrow(
      expect.objectContaining({
        code: 'CLINOTE_E_RESOURCE_INVALID',
        message: expect.stringContaining('unknown key'),
      }),
    );
  });
});

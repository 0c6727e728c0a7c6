import { describe, expect, it } from 'vitest';
import {
  abbreviationKey,
  abbreviationSenses,
  defaultAbbreviations,
  groupAbbreviations,
  loadAbbreviations,
  rankAbbreviationSenses,
} from './abbreviations.js';

const HEADER = 'abbr\texpansion\ttype\tambiguous\tcontext';

describe('the built-in abbreviation list', () => {
  const entries = defaultAbbreviations();

  it('loads 250-500 well-formed rows', () => {
    expect(entries.length).toBeGreaterThanOrEqual(250);
    expect(entries.length).toBeLessThanOrEqual(500);
    for (const e of entries) {
      expect(e.key, e.abbr).toMatch(/^[a-z0-9]+$/);
      expect(e.expansionKeys.length, e.abbr).toBeGreaterThan(0);
    }
  });

  it('flags ambiguity consistently: several senses <=> every row says y', () => {
    const byAbbr = new Map<string, typeof entries>();
    for (const e of entries) byAbbr.set(e.abbr, [...(byAbbr.get(e.abbr) ?? []), e]);
    for (const [abbr, senses] of byAbbr) {
      const expected = senses.length > 1;
      for (const s of senses) expect(s.ambiguous, `${abbr}: ${s.expansion}`).toBe(expected);
      expect(new Set(senses.map((s) => s.expansion.toLowerCase())).size, abbr).toBe(senses.length);
    }
  });

  it('gives every ambiguous sense context cues', () => {
    for (const e of entries.filter((x) => x.ambiguous))
      expect(e.contextKeys.length, e.abbr).toBeGreaterThan(0);
  });

  it.each([
    ['T2DM', 'type 2 diabetes mellitus'],
    ['DM2', 'type 2 diabetes mellitus'],
    ['HTN', 'hypertension'],
    ['HLD', 'hyperlipidemia'],
    ['CHF', 'congestive heart failure'],
    ['COPD', 'chronic obstructive pulmonary disease'],
    ['CKD', 'chronic kidney disease'],
    ['CAD', 'coronary artery disease'],
    ['AFib', 'atrial fibrillation'],
    ['GERD', 'gastroesophageal reflux disease'],
    ['OSA', 'obstructive sleep apnea'],
    ['UTI', 'urinary tract infection'],
    ['URI', 'upper respiratory infection'],
    ['DVT', 'deep vein thrombosis'],
    ['TIA', 'transient ischemic attack'],
    ['SOB', 'shortness of breath'],
    ['N/V', 'nausea and vomiting'],
  ])('%s is %s, unambiguous', (abbr, expansion) => {
    const senses = abbreviationSenses(abbr);
    expect(senses.map((s) => s.expansion)).toEqual([expansion]);
    expect(senses[0]!.ambiguous).toBe(false);
  });

  it.each([
    ['MS', ['multiple sclerosis', 'mitral stenosis', 'morphine sulfate', 'mental status']],
    ['PE', ['pulmonary embolism', 'physical exam']],
    ['RA', ['rheumatoid arthritis', 'right atrium', 'room air']],
    ['CP', ['chest pain', 'cerebral palsy']],
    ['MI', ['myocardial infarction', 'mitral insufficiency']],
    ['CVA', ['cerebrovascular accident', 'costovertebral angle']],
  ])('%s has the senses %j', (abbr, expansions) => {
    const senses = abbreviationSenses(abbr);
    expect(senses.map((s) => s.expansion)).toEqual(expansions);
    expect(senses.every((s) => s.ambiguous)).toBe(true);
  });

  it('finds senses whatever the case or punctuation of the token', () => {
    for (const t of ['N/V', 'n/v', 'nv', 'NV'])
      expect(abbreviationSenses(t)[0]?.expansion, t).toBe('nausea and vomiting');
    expect(abbreviationSenses('afib')[0]?.expansion).toBe('atrial fibrillation');
    expect(abbreviationSenses('A-fib')[0]?.expansion).toBe('atrial fibrillation');
    expect(abbreviationSenses('zzzq')).toEqual([]);
    expect(abbreviationSenses('constructor')).toEqual([]);
  });

  it('ranks senses by the cue words around the abbreviation', () => {
    const ms = abbreviationSenses('MS');
    expect(rankAbbreviationSenses(ms, ['murmur', 'mitral', 'valve'])[0]!.entry.expansion).toBe(
      'mitral stenosis',
    );
    expect(rankAbbreviationSenses(ms, ['relapsing', 'lesions', 'mri'])[0]!.entry.expansion).toBe(
      'multiple sclerosis',
    );
    expect(rankAbbreviationSenses(ms, ['morphine', 'iv', 'prn'])[0]!.entry.expansion).toBe(
      'morphine sulfate',
    );
    // no cue: file order (most common first), zero hits
    expect(rankAbbreviationSenses(ms, ['banana'])).toMatchObject([
      { entry: { expansion: 'multiple sclerosis' }, hits: 0 },
      { entry: { expansion: 'mitral stenosis' }, hits: 0 },
      { entry: { expansion: 'morphine sulfate' }, hits: 0 },
      { entry: { expansion: 'mental status' }, hits: 0 },
    ]);
    const ra = abbreviationSenses('RA');
    expect(rankAbbreviationSenses(ra, ['saturation', '98', 'on'])[0]!.entry.expansion).toBe('room air');
  });

  it('groups senses by abbreviation for the pack compiler', () => {
    const groups = groupAbbreviations(entries);
    const ms = groups.find((g) => g.abbreviation === 'MS')!;
    expect(ms.senses.map((s) => s.expansion)).toEqual([
      'multiple sclerosis',
      'mitral stenosis',
      'morphine sulfate',
      'mental status',
    ]);
    expect(ms.senses[0]!.cues).toContain('demyelinating');
    expect(groups.reduce((n, g) => n + g.senses.length, 0)).toBe(entries.length);
  });
});

describe('loadAbbreviations', () => {
  it('parses rows, skips comments and blank lines, computes keys', () => {
    const e = loadAbbreviations(
      `# comment\n${HEADER}\n\nN/V\tnausea and vomiting\tproblem\tn\temesis zofran\n`,
    );
    expect(e).toEqual([
      {
        abbr: 'N/V',
        key: 'nv',
        expansion: 'nausea and vomiting',
        expansionKeys: ['nausea', 'and', 'vomiting'],
        type: 'problem',
        ambiguous: false,
        context: ['emesis', 'zofran'],
        contextKeys: ['emesis', 'zofran'],
        line: 4,
      },
    ]);
  });

  it.each([
    ['no header', 'MS\tmultiple sclerosis\tproblem\ty\t', 1],
    ['a bad header', 'abbr\texpansion\n', 1],
    ['an unknown type', `${HEADER}\nMS\tmultiple sclerosis\tdisease\ty\tneuro`, 2],
    ['a bad ambiguous flag', `${HEADER}\nMS\tmultiple sclerosis\tproblem\tmaybe\tneuro`, 2],
    ['too few columns', `${HEADER}\nMS\tmultiple sclerosis`, 2],
    ['an empty expansion', `${HEADER}\nMS\t\tproblem\tn\t`, 2],
  ])('throws CLINOTE_E_TERMINOLOGY_ABBREVIATIONS on %s, with the line', (_what, text, line) => {
    expect(() => loadAbbreviations(text)).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_TERMINOLOGY_ABBREVIATIONS', details: { line } }),
    );
  });
});

describe('abbreviationKey', () => {
  it.each([
    ['MS', 'ms'],
    ['N/V', 'nv'],
    ['A-fib', 'afib'],
    ['s/p', 'sp'],
    ['I&D', 'id'],
    ['HbA1c', 'hba1c'],
    ['Sjögren', 'sjogren'],
  ])('abbreviationKey(%j) = %j', (s, key) => {
    expect(abbreviationKey(s)).toBe(key);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { Concept, Section, Sentence, Token } from '../../doc/types.js';
import { compilePack } from '../pack/compile.js';
import type { Abbreviation, KeyFunctions } from '../pack/keys.js';
import { loadPack } from '../pack/load.js';
import type { Pack } from '../pack/pack.js';
import { newStats, type SemanticType, type SourceConcept } from '../types.js';
import { editSimilarity } from './fuzzy.js';
import { isShortFormOf, Matcher, type MatcherOptions } from './index.js';

// Stand-ins for the tokenizer and the key functions, so that these tests pin the matcher alone.
const keys: KeyFunctions = {
  tokenKey: (norm) => (/[\p{L}\p{N}]/u.test(norm) ? norm.toLowerCase().replace(/(?<=[a-z]{3})s$/, '') : ''),
  termKeys: (text) =>
    (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).map(keys.tokenKey).filter((k) => k),
  termVariants: (c, t) => {
    const out = [{ keys: keys.termKeys(t.text), penalty: 0, rule: 'term' }];
    // ICD-style simplification: "X, unspecified" -> "X"
    const m = /^(.*), unspecified$/i.exec(t.text);
    if (m && c.source === 'icd10cm')
      out.push({ keys: keys.termKeys(m[1]!), penalty: 0.2, rule: 'icd-simplify' });
    return out;
  },
};

interface Note {
  text: string;
  tokens: Token[];
  sentences: Sentence[];
  sections: Section[];
}

/** Sentences end at '.' or a newline; a line "Header:" opens a section of that category. */
function note(text: string): Note {
  const sections: Section[] = [];
  const headerRe = /^([A-Za-z ]+):/gm;
  for (let m = headerRe.exec(text); m; m = headerRe.exec(text)) {
    const prev = sections[sections.length - 1];
    if (prev) sections[sections.length - 1] = { ...prev, end: m.index };
    sections.push({
      start: m.index,
      end: text.length,
      category: m[1]!.toLowerCase().replace(/ /g, '_'),
      header: { start: m.index, end: m.index + m[1]!.length, text: m[1]! },
      bodyStart: m.index + m[0].length,
      evidence: { component: 'test' },
    });
  }
  const sentences: Sentence[] = [];
  const sentRe = /[^.\n]+[.\n]?/g;
  for (let m = sentRe.exec(text); m; m = sentRe.exec(text)) {
    const start = m.index;
    const section = sections.findIndex((s) => s.start <= start && start < s.end);
    sentences.push({ start, end: start + m[0].length, section, kind: 'text' });
  }
  const tokens: Token[] = [];
  const tokRe = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;
  for (let m = tokRe.exec(text); m; m = tokRe.exec(text)) {
    const start = m.index;
    const kind = /^\d+$/.test(m[0]) ? 'number' : /[\p{L}]/u.test(m[0]) ? 'word' : 'punct';
    tokens.push({
      start,
      end: start + m[0].length,
      kind,
      norm: m[0].toLowerCase(),
      sentence: sentences.findIndex((s) => s.start <= start && start < s.end),
      ...(kind === 'number' ? { value: Number(m[0]) } : {}),
    });
  }
  return { text, tokens, sentences, sections };
}

let id = 0;
function c(
  type: SemanticType,
  preferred: string,
  codes: SourceConcept['codes'] = [],
  terms: string[] = [],
  source = 'doid',
): SourceConcept {
  return {
    id: `${source}:${++id}`,
    source,
    type,
    ...(type === 'problem' ? { subtype: 'disorder' } : {}),
    preferred,
    terms: terms.map((text) => ({ text, kind: 'synonym' as const })),
    codes,
  };
}

const ABBREVIATIONS: Abbreviation[] = [
  {
    abbreviation: 'MS',
    senses: [
      { expansion: 'multiple sclerosis', cues: ['relapsing', 'demyelinating', 'MRI'], prior: 0.5 },
      { expansion: 'mitral stenosis', cues: ['murmur', 'valve', 'echocardiogram'], prior: 0.4 },
    ],
  },
  { abbreviation: 'HTN', senses: [{ expansion: 'hypertension', cues: [] }] },
  {
    // the commoner sense has no concept in the pack: the rarer one needs a cue word
    abbreviation: 'HT',
    senses: [
      { expansion: 'heart transplant clinic', cues: ['clinic', 'visit'] },
      { expansion: 'hypertension', cues: ['pressure', 'amlodipine'] },
    ],
  },
];

let pack: Pack;
beforeAll(async () => {
  const doid = [
    c('problem', 'diabetes mellitus', [{ system: 'doid', code: 'DOID:9351' }]),
    c('problem', 'type 2 diabetes mellitus', [
      { system: 'doid', code: 'DOID:9352' },
      { system: 'icd10cm', code: 'E11' },
    ]),
    c('problem', 'multiple sclerosis', [{ system: 'doid', code: 'DOID:2377' }]),
    c('problem', 'mitral valve stenosis', [{ system: 'doid', code: 'DOID:1' }], ['mitral stenosis']),
    c('problem', 'hypertension', [{ system: 'doid', code: 'DOID:10763' }]),
    c('problem', 'acute lymphoblastic leukemia', [], ['ALL']),
    c('problem', 'chronic kidney disease', [{ system: 'doid', code: 'DOID:784' }]),
    c('problem', 'kidney disease', [{ system: 'doid', code: 'DOID:557' }]),
    c('problem', 'pneumonia', [{ system: 'doid', code: 'DOID:552' }]),
    c('problem', 'breast cancer', [{ system: 'doid', code: 'DOID:1612' }]),
    c('problem', 'ovarian cancer', [{ system: 'doid', code: 'DOID:2394' }]),
    c('problem', 'nausea and vomiting', []),
    c('problem', 'nausea', []),
    c('problem', 'vomiting', []),
    c('problem', 'ataxia telangiectasia', [{ system: 'doid', code: 'DOID:12704' }]),
    c('problem', 'glucose-6-phosphate dehydrogenase deficiency', [{ system: 'doid', code: 'DOID:2862' }]),
    c('problem', 'leukemia', []),
  ];
  const icd = [
    c(
      'problem',
      'Type 2 diabetes mellitus',
      [{ system: 'icd10cm', code: 'E11', display: 'Type 2 diabetes mellitus' }],
      [],
      'icd10cm',
    ),
    c(
      'problem',
      'Pneumonia, unspecified',
      [{ system: 'icd10cm', code: 'J18.9', display: 'Pneumonia, unspecified organism' }],
      [],
      'icd10cm',
    ),
  ];
  const drugs = [
    c('medication', 'potassium chloride', [{ system: 'rxnorm', code: '8591' }], [], 'rxterms'),
    c('medication', 'potassium', [{ system: 'rxnorm', code: '8588' }], [], 'rxterms'),
    c('medication', 'metformin', [{ system: 'rxnorm', code: '6809' }], [], 'rxterms'),
  ];
  const labs = [c('lab', 'potassium', [{ system: 'loinc', code: '2823-3' }], [], 'loinc')];
  const anatomy = [c('anatomy', 'kidney', [], [], 'starter'), c('anatomy', 'breast', [], [], 'starter')];
  const sources = [doid, icd, drugs, labs, anatomy].map((list) => {
    const stats = newStats(list[0]!.source);
    return { stats, concepts: list };
  });
  const built = await compilePack(sources, { name: 'unit', keys, abbreviations: ABBREVIATIONS });
  pack = loadPack(built.bytes);
});

function run(text: string, options: MatcherOptions = {}): Concept[] {
  return new Matcher(pack, keys, options).match(note(text));
}
const spans = (cs: Concept[]): string[] => cs.map((x) => `${x.text}|${x.type}`);

describe('matcher', () => {
  it.each([
    ['Type 2 diabetes mellitus, on metformin.', ['Type 2 diabetes mellitus|problem', 'metformin|medication']],
    ['Chronic kidney disease stage 3.', ['Chronic kidney disease|problem']],
    ['The kidney is normal.', ['kidney|anatomy']],
    ['Diabetes mellitus.', ['Diabetes mellitus|problem']],
    ['All labs were normal.', []],
    ['History of ALL in remission.', ['ALL|problem']],
    // MS is ambiguous and nothing around it tells which sense: unresolved
    ['HTN and MS.', ['HTN|problem']],
    ['HTN and MS with relapsing course.', ['HTN|problem', 'MS|problem']],
    ['htn, ms.', ['htn|problem']],
    ['Potassium chloride 20 mEq.', ['Potassium chloride|medication']],
    ['No diabetes\nmellitus.', []],
  ])('%s', (text, expected) => {
    expect(spans(run(text))).toEqual(expected);
  });

  it('gives offsets into the original text and evidence with the pack version and rule', () => {
    const text = 'Assessment: pneumonia.';
    const [m] = run(text);
    expect(m).toBeDefined();
    expect(text.slice(m!.start, m!.end)).toBe(m!.text);
    expect(m!.evidence.component).toBe('concepts');
    expect(m!.evidence.rule).toMatch(new RegExp(`^pack:unit@${pack.version}/term$`));
    expect(m!.section).toBe(0);
    expect(m!.sentence).toBe(0);
    expect(m!.subtype).toBe('disorder');
  });

  it('merges the codes of same-type senses and of linked concepts', () => {
    const [m] = run('Type 2 diabetes mellitus.');
    const codes = m!.codes.map((k) => `${k.system}:${k.code}`);
    expect(codes).toEqual(expect.arrayContaining(['doid:DOID:9352', 'icd10cm:E11']));
    expect(m!.codes.find((k) => k.system === 'icd10cm')!.display).toBe('Type 2 diabetes mellitus');
    expect(m!.matched).toEqual({ term: 'type 2 diabetes mellitus', source: 'doid' });
  });

  it('ranks a variant below the term as written', () => {
    const [m] = run('Pneumonia.');
    expect(m!.id).toMatch(/^doid:/);
    expect(m!.preferred).toBe('pneumonia');
    expect(m!.candidates?.[0]?.id).toMatch(/^icd10cm:/);
    expect(m!.candidates![0]!.score).toBeLessThan(m!.score);
    expect(m!.codes.map((k) => k.code)).toContain('J18.9');
  });

  it('uses section priors to choose between a drug and a lab', () => {
    const meds = run('Medications: potassium daily.');
    const labs = run('Labs: potassium today.');
    expect(meds[0]!.type).toBe('medication');
    expect(labs[0]!.type).toBe('lab');
    expect(meds[0]!.candidates?.map((k) => k.type)).toContain('lab');
  });

  it('reads a number after the term as a lab value', () => {
    expect(run('Potassium 4.1 this morning.')[0]!.type).toBe('lab');
  });

  it('picks the sense of an ambiguous abbreviation from cue words, keeping the other as a candidate', () => {
    const ms1 = run('MS with relapsing course and new MRI lesions.')[0]!;
    const ms2 = run('MS with a diastolic murmur on the echocardiogram.')[0]!;
    expect(ms1.preferred).toBe('multiple sclerosis');
    expect(ms2.preferred).toBe('mitral valve stenosis');
    expect(ms1.candidates?.map((k) => k.preferred)).toContain('mitral valve stenosis');
    expect(ms1.matched.source).toBe('abbreviations');
    expect(ms1.score).toBeGreaterThan(ms1.candidates![0]!.score);
  });

  it.each([
    // text, what MS reads as (undefined: no mention)
    ['MS, relapsing, demyelinating lesions on MRI.', 'multiple sclerosis'],
    ['MS with a murmur over the valve.', 'mitral valve stenosis'],
    ['MS.', undefined], // silent
    ['MS, relapsing; murmur.', undefined], // split 1:1
    ['MS, relapsing, demyelinating, MRI; valve.', 'multiple sclerosis'], // 3:1
    ['MS, relapsing, demyelinating; murmur.', 'multiple sclerosis'], // 2:1
  ])('resolves an ambiguous abbreviation only by a margin of cue words: %s', (text, expected) => {
    const ms = run(text).find((c) => c.text === 'MS');
    expect(ms?.preferred).toBe(expected);
    if (ms) expect(ms.evidence.detail).toMatch(/^cues \d+:\d+$/);
  });

  it('gives an unmatched sense a code-less concept of its own, which blocks the others when it wins', () => {
    // "heart transplant clinic" names no concept of the pack: its cues win, and no mention is made
    expect(run('HT clinic visit today.').filter((c) => c.text === 'HT')).toEqual([]);
    const other = run('HT clinic visit today.', { types: ['other'] }).find((c) => c.text === 'HT');
    expect(other?.id).toBe('abbreviation:ht/heart-transplant-clinic');
    expect(other?.codes).toEqual([]);
  });

  it.each([
    // an in-note definition outranks the pack's readings of the short form, everywhere in the note
    ['Mitral stenosis (MS) is severe. MS was repaired.', ['mitral valve stenosis', 'mitral valve stenosis']],
    // the long form names no concept of the pack: the short form is no mention
    ['Mean score (MS) was high. MS with relapsing course.', []],
  ])('takes the in-note definition of an abbreviation first: %s', (text, expected) => {
    expect(
      run(text)
        .filter((c) => c.text === 'MS')
        .map((c) => c.preferred),
    ).toEqual(expected);
  });

  it('does not resolve an abbreviation to a rarer sense without a cue when the commoner one has no concept', () => {
    expect(run('Seen in HT today.').filter((c) => c.text === 'HT')).toEqual([]);
    const ht = run('HT on amlodipine, pressure 150/90.').find((c) => c.text === 'HT');
    expect(ht?.preferred).toBe('hypertension');
  });

  it('filters types', () => {
    expect(spans(run('Potassium chloride and kidney.', { types: ['anatomy'] }))).toEqual(['kidney|anatomy']);
  });

  it('matches misspellings only when fuzzy matching is on, and reports the similarity', () => {
    const text = 'Chronic kidney diseaze and pnuemonia.';
    expect(spans(run(text))).toEqual(['kidney|anatomy']);
    const fuzzy = run(text, { fuzzy: { threshold: 0.75 } });
    expect(spans(fuzzy)).toEqual(['Chronic kidney diseaze|problem', 'pnuemonia|problem']);
    expect(fuzzy[0]!.matched.similarity).toBeGreaterThan(0.75);
    expect(fuzzy[0]!.matched.similarity).toBeLessThan(1);
    expect(fuzzy[0]!.evidence.rule).toMatch(/\/fuzzy$/);
  });

  it.each([
    ['Nausea and vomiting since Monday.', ['Nausea and vomiting|problem']],
    ['Nausea, and vomiting since Monday.', ['Nausea|problem', 'vomiting|problem']],
    ['Breast and ovarian cancer run in the family.', ['Breast and ovarian cancer|problem']],
    ['Breast/ovarian cancer.', ['Breast/ovarian cancer|problem']],
    ['The breast is normal.', ['breast|anatomy']],
    ['Familial breast cancer.', ['Familial breast cancer|problem']],
    ['Leukemia cells were seen.', []],
    ['Leukemia was seen.', ['Leukemia|problem']],
    [
      'Glucose-6-phosphate dehydrogenase (G6PD) deficiency.',
      ['Glucose-6-phosphate dehydrogenase (G6PD) deficiency|problem'],
    ],
    ['Kidney disease (chronic).', ['Kidney disease|problem']],
  ])('mention boundaries: %s', (text, expected) => {
    expect(spans(run(text))).toEqual(expected);
  });

  it('keeps mention boundaries as matched when extension is off', () => {
    expect(spans(run('Familial breast and ovarian cancer.', { extend: false }))).toEqual([
      'breast|anatomy',
      'ovarian cancer|problem',
    ]);
    expect(run('Familial breast cancer.')[0]!.evidence.rule).toMatch(
      /\/original\+modifier$|\/term\+modifier$/,
    );
  });

  it('applies a short form written with spaces ("A - T") like one written without', () => {
    const out = run('Ataxia - telangiectasia ( A - T ) is rare. A - T patients and A-T carriers.');
    expect(spans(out)).toEqual([
      'Ataxia - telangiectasia|problem',
      'A - T|problem',
      'A - T|problem',
      'A-T|problem',
    ]);
  });

  it('applies an abbreviation defined in the note to its later uses', () => {
    const text = 'She has chronic kidney disease (CKD). CKD is stable.';
    const out = run(text);
    expect(spans(out)).toEqual(['chronic kidney disease|problem', 'CKD|problem', 'CKD|problem']);
    expect(out[2]!.evidence.rule).toMatch(/local-abbreviation$/);
    expect(out[2]!.id).toBe(out[0]!.id);
    expect(spans(run(text, { localAbbreviations: false }))).toEqual(['chronic kidney disease|problem']);
  });
});

describe('helpers', () => {
  it.each([
    ['CKD', 'chronic kidney disease', true],
    ['MS', 'multiple sclerosis', true],
    ['G6PD', 'glucose-6-phosphate dehydrogenase', true],
    ['XYZ', 'chronic kidney disease', false],
    ['ckd', 'chronic kidney disease', false],
    ['KD', 'chronic kidney disease', true],
  ])('isShortFormOf(%s, %s) = %s', (short, long, expected) => {
    expect(isShortFormOf(short, long)).toBe(expected);
  });

  it('editSimilarity', () => {
    expect(editSimilarity('pneumonia', 'pneumonia')).toBe(1);
    expect(editSimilarity('pnuemonia', 'pneumonia')).toBeCloseTo(1 - 1 / 9);
    expect(editSimilarity('abc', '')).toBe(0);
  });
});

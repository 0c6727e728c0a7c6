import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FactoryContext } from '../../pipeline/component.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { ContextEngine } from './engine.js';
import { CompiledRules, loadAssertionRules } from './rules.js';
import {
  type ChronicLexicon,
  CompiledLexicon,
  chronicLexiconJsonSchema,
  loadChronicLexicon,
} from './temporality.js';

const ctx = fileResourceContext();
const file = loadChronicLexicon(ctx);
const rules = new CompiledRules(loadAssertionRules(ctx));
const engine = new ContextEngine(rules, new CompiledLexicon(file));

function fake(value: unknown): FactoryContext {
  const text = JSON.stringify(value);
  return { readResource: () => text, readResourceBytes: () => new Uint8Array() };
}

describe('the packaged temporality lexicon', () => {
  it('loads, validates and compiles', () => {
    expect(file.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(file.onsetDays).toBe(14);
    expect(new CompiledLexicon(file).terms).toBeGreaterThan(200);
  });

  it('names entries by their kind', () => {
    for (const c of file.conditions) expect(c.id.startsWith('chronic.'), c.id).toBe(true);
    for (const c of file.habits) expect(c.id.startsWith('habit.'), c.id).toBe(true);
    for (const c of file.allergies) expect(c.id.startsWith('allergy.'), c.id).toBe(true);
    for (const m of file.modifiers) expect(m.id.startsWith('onset.'), m.id).toBe(true);
    for (const s of file.sections) expect(s.id.startsWith('section.'), s.id).toBe(true);
  });

  it('has the chronic conditions of the issue', () => {
    const terms = new Set(file.conditions.flatMap((c) => c.terms));
    for (const t of [
      'hypertension',
      'hyperlipidemia',
      'diabetes',
      'copd',
      'asthma',
      'ckd',
      'cad',
      'heart failure',
      'atrial fibrillation',
      'hypothyroidism',
      'gerd',
      'gout',
      'osteoarthritis',
      'rheumatoid arthritis',
      'hiv',
      'hepatitis b',
      'hepatitis c',
      'epilepsy',
      "parkinson's disease",
      'dementia',
      'depression',
      'schizophrenia',
      'bipolar disorder',
      'obesity',
      'cirrhosis',
    ])
      expect(terms.has(t), t).toBe(true);
  });

  it('has a JSON Schema file in step with the TypeBox schema', () => {
    const schema = JSON.parse(readFileSync(resourcePath('assertions/chronic.schema.json'), 'utf8'));
    expect(schema).toEqual(JSON.parse(JSON.stringify(chronicLexiconJsonSchema())));
  });

  it('refuses unknown keys, duplicate ids and a term in two entries', () => {
    const err = { code: 'CLINOTE_E_RESOURCE_INVALID' };
    expect(() => loadChronicLexicon(fake({ ...file, extra: 1 }), 'x.json')).toThrow(
      expect.objectContaining(err),
    );
    const twice: ChronicLexicon = {
      ...file,
      conditions: [...file.conditions, { id: 'chronic.other', terms: ['hypertension'] }],
    };
    expect(() => new CompiledLexicon(twice)).toThrow(
      expect.objectContaining({ ...err, message: expect.stringContaining("also in 'chronic.hypertension'") }),
    );
    const dup: ChronicLexicon = {
      ...file,
      habits: [...file.habits, { id: 'chronic.hypertension', terms: ['qwerty'] }],
    };
    expect(() => new CompiledLexicon(dup)).toThrow(expect.objectContaining(err));
  });
});

describe('temporality', () => {
  const at = (text: string, target: string) => {
    const start = text.indexOf(target);
    return { start, end: start + target.length };
  };

  it('leaves acute conditions recent', () => {
    for (const c of [
      'pneumonia',
      'myocardial infarction',
      'stroke',
      'appendicitis',
      'hip fracture',
      'urinary tract infection',
      'cellulitis',
      'sepsis',
      'influenza',
      'gastroenteritis',
      'pulmonary embolism',
      'deep vein thrombosis',
      'concussion',
      'septic arthritis',
      'acute kidney injury',
      'diabetic ketoacidosis',
      'hypertensive emergency',
    ]) {
      const text = `Admitted with ${c}.`;
      expect(engine.assert(text, at(text, c)).temporality, c).toBe('recent');
    }
  });

  it('gives the cue through the concept as the scope of a cue, the concept for the lexicon', () => {
    const t = 'Knee pain for 3 years and hypertension.';
    const a = engine.assert(t, at(t, 'Knee pain'));
    expect(a.temporalityEvidence).toEqual([
      {
        temporality: 'historical',
        source: 'cue',
        rule: 'onset.duration',
        cue: { start: 14, end: 21, text: '3 years' },
        scope: { start: 0, end: 21 },
      },
    ]);
    const h = engine.assert(t, at(t, 'hypertension'));
    expect(h.temporalityEvidence[0]).toMatchObject({
      source: 'lexicon',
      rule: 'chronic.hypertension',
      cue: { text: 'hypertension' },
      scope: at(t, 'hypertension'),
    });
  });

  it('reads durations in their usual forms, 14 days being recent', () => {
    const cases: [string, 'recent' | 'historical'][] = [
      ['Wheezing for 15 days.', 'historical'],
      ['Wheezing for 14 days.', 'recent'],
      ['Wheezing x 3wks.', 'historical'],
      ['Wheezing × 2 weeks.', 'recent'],
      ['Wheezing for a year.', 'historical'],
      ['Wheezing for a few days.', 'recent'],
      ['Wheezing for years.', 'historical'],
      ['Wheezing over the last 6 months.', 'historical'],
      ['Wheezing began 10 years ago.', 'historical'],
      ['Wheezing since the 1990s.', 'historical'],
      ['Wheezing since yesterday.', 'recent'],
      ['Wheezing; seen 3 years ago for a rash.', 'recent'],
      ['Wheezing, follow up in 6 months.', 'recent'],
    ];
    for (const [text, want] of cases)
      expect(engine.assert(text, at(text, 'Wheezing')).temporality, text).toBe(want);
  });

  it('applies the lexicon to conditions, not to tests, procedures, drugs or devices', () => {
    const t = 'HIV test and hearing aids; bipolar cautery.';
    expect(engine.assert(t, at(t, 'HIV test'), { type: 'lab' }).temporality).toBe('recent');
    expect(engine.assert(t, at(t, 'HIV test')).temporality).toBe('historical');
    expect(engine.assert(t, at(t, 'hearing aids'), { type: 'device' }).temporality).toBe('recent');
    expect(engine.assert(t, at(t, 'bipolar cautery'), { type: 'procedure' }).temporality).toBe('recent');
    const m = 'Metformin for 5 years.';
    expect(engine.assert(m, at(m, 'Metformin'), { type: 'medication' }).temporality).toBe('historical');
  });

  it('without a lexicon, follows the HISTORICAL and HYPOTHETICAL categories only', () => {
    const bare = new ContextEngine(rules);
    expect(bare.assert('Hypertension.', { start: 0, end: 12 }).temporality).toBe('recent');
    expect(bare.assert('History of gout.', { start: 11, end: 15 }).temporality).toBe('historical');
    expect(bare.assert('Return if fever.', { start: 10, end: 15 }).temporality).toBe('hypothetical');
  });
});

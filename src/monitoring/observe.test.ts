import { beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../engine.js';
import { toResult } from '../output/result.js';
import type { ErrorResult, Result } from '../output/schema.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { characterShares, observeResult, oovRate } from './observe.js';
import { profileOf } from './profile.js';
import { loadPackWordSet, wordSetOf } from './vocabulary.js';

// invented notes (no patient data); the canary must never reach a profile
const CANARY = 'ZZCANARY-4711';
const NOTE = [
  'CHIEF COMPLAINT: Chest pain.',
  '',
  `ZEBRA CROSSING: Patient ${CANARY} denies fever. Mother had diabetes.`,
  '',
  'MEDICATIONS: Aspirin 81 mg daily.',
  '',
  'PLAN: Follow up in 2 weeks.',
].join('\n');

let pipeline: Pipeline;
let result: Result;
beforeAll(async () => {
  pipeline = await loadPipeline();
  const out = pipeline.processSync({ id: 'n1', text: NOTE });
  if (!out.ok) throw out.error;
  result = toResult(out.doc, pipeline, { tokens: true });
});

describe('character shares', () => {
  it.each([
    { text: 'ab12', digit: 0.5, upper: 0, punct: 0, nonAscii: 0 },
    { text: 'AB.,', digit: 0, upper: 0.5, punct: 0.5, nonAscii: 0 },
    { text: 'Éé…x', digit: 0, upper: 0.25, punct: 0.25, nonAscii: 0.75 },
    { text: '', digit: 0, upper: 0, punct: 0, nonAscii: 0 },
  ])('$text', ({ text, ...expected }) => {
    expect(characterShares(text)).toEqual(expected);
  });
});

describe('OOV rate', () => {
  it.each([
    { text: 'fever and cough', oov: 1 / 3 },
    { text: 'Fever, COUGH 12', oov: 0 },
    { text: 'zzz qqq', oov: 1 },
    { text: '12 34', oov: undefined },
  ])('$text', ({ text, oov }) => {
    expect(oovRate(text, wordSetOf(['fever', 'cough']))).toBe(oov);
  });

  it('with a budget, a long note is sampled over its whole length: the same rate on a uniform text', () => {
    const words = wordSetOf(['fever', 'cough']);
    const text = 'fever cough zzz qqq. '.repeat(500); // 10,500 characters, half the words unknown
    expect(oovRate(text, words)).toBe(0.5);
    expect(oovRate(text, words, 512)).toBeCloseTo(0.5, 1);
    // only the words of the sampled stretches are looked up
    let looked = 0;
    oovRate(
      text,
      {
        has: () => {
          looked++;
          return true;
        },
      },
      512,
    );
    expect(looked).toBeGreaterThan(40);
    expect(looked).toBeLessThan(120);
    // a text within the budget is read whole
    expect(oovRate('fever zzz', words, 512)).toBe(0.5);
  });

  it('with a budget, character shares are read at a stride over the whole note', () => {
    const text = 'Ab1.'.repeat(3000);
    expect(characterShares(text, 512)).toEqual(characterShares(text));
    const second = `${'a'.repeat(6000)}${'1'.repeat(6000)}`; // digits only in the second half
    expect(characterShares(second, 512).digit).toBeCloseTo(0.5, 1);
  });

  it("the starter pack's words: clinical words known, invented ones not", () => {
    const words = loadPackWordSet();
    expect(words.has('diabetes')).toBe(true);
    expect(words.has('Pneumonia')).toBe(true);
    expect(words.has('zqxwv')).toBe(false);
  });
});

describe('observeResult', () => {
  it('reads the input, output and operations features of a result', () => {
    const o = observeResult(
      result,
      { text: NOTE, ms: 12, at: '2026-01-02T03:04:05.000Z' },
      { words: loadPackWordSet() },
    );
    expect(o.error).toBe(false);
    expect(o.at).toBe('2026-01-02T03:04:05.000Z');
    expect(o.numeric['input.length_chars']).toEqual([NOTE.length]);
    expect(o.numeric['input.section_count']).toEqual([4]);
    expect(o.categorical['input.section_category']).toEqual({
      chief_complaint: 1,
      other: 1,
      medications: 1,
      plan: 1,
    });
    expect(o.numeric['input.unknown_header_share']).toEqual([0.25]);
    expect(o.numeric['input.digit_share']![0]).toBeCloseTo(7 / NOTE.length, 12); // 4711, 81, 2;
    expect(o.numeric['input.oov_rate']![0]).toBeGreaterThan(0);
    expect(o.numeric['input.oov_rate']![0]).toBeLessThan(1);
    expect(o.numeric['input.uncovered_token_share']![0]).toBeGreaterThan(0);
    expect(o.categorical['output.concept_type']).toEqual({ problem: 3, medication: 1 });
    expect(o.categorical['output.assertion_status']).toEqual({ present: 2, absent: 1, family: 1 });
    expect(o.categorical['output.assertion_category']).toEqual({ none: 2, NEGATED: 1, FAMILY: 1 });
    expect(o.categorical['output.code']).toMatchObject({ 'icd10cm:R07.9': 1, 'rxnorm:1191': 1 });
    expect(o.numeric['output.concept_confidence']).toHaveLength(4);
    expect(o.numeric['output.concepts_per_1k_chars']).toEqual([(4 * 1000) / NOTE.length]);
    expect(o.numeric['output.concepts_per_1k_chars.problem']).toEqual([(3 * 1000) / NOTE.length]);
    expect(o.numeric['output.concepts_per_1k_chars.device']).toEqual([0]);
    expect(o.numeric['output.concepts_per_1k_tokens']![0]).toBeGreaterThan(0);
    expect(o.numeric['ops.latency_ms']).toEqual([12]);
    expect(o.categorical['ops.outcome']).toEqual({ ok: 1 });
  });

  it('without the text: the length from the last span, no character classes, no OOV rate', () => {
    const { tokens: _t, ...noTokens } = result;
    const o = observeResult(noTokens as Result);
    expect(o.numeric['input.length_chars']![0]).toBeGreaterThan(NOTE.length - 5);
    expect(o.numeric['input.length_chars']![0]).toBeLessThanOrEqual(NOTE.length);
    expect(o.numeric['input.digit_share']).toBeUndefined();
    expect(o.numeric['input.oov_rate']).toBeUndefined();
    expect(o.numeric['input.uncovered_token_share']).toBeUndefined();
    expect(o.numeric['output.concepts_per_1k_tokens']).toBeUndefined();
  });

  it('the tokenizer hook adds input.tokenizer_oov_rate', () => {
    const o = observeResult(result, { text: NOTE }, { tokenizerOov: (t) => (t.length > 0 ? 0.125 : 0) });
    expect(o.numeric['input.tokenizer_oov_rate']).toEqual([0.125]);
  });

  it('an error record, or a failure without one, counts as an error by code', () => {
    const error: ErrorResult = {
      id: 'n2',
      pipeline: result.pipeline,
      error: { code: 'CLINOTE_E_INPUT_TOO_LARGE', message: 'too large' },
    };
    const a = observeResult(error, { ms: 3 });
    expect(a).toEqual({
      numeric: { 'ops.latency_ms': [3] },
      categorical: { 'ops.outcome': { error: 1 }, 'ops.error_code': { CLINOTE_E_INPUT_TOO_LARGE: 1 } },
      error: true,
    });
    expect(
      observeResult(null, { errorCode: 'CLINOTE_E_PIPELINE_DEADLINE' }).categorical['ops.error_code'],
    ).toEqual({
      CLINOTE_E_PIPELINE_DEADLINE: 1,
    });
  });

  it('no PHI: a profile holds counts and codes only, never the text (canary)', () => {
    const out = pipeline.processSync({ id: 'n1', text: NOTE });
    if (!out.ok) throw out.error;
    const withText = toResult(out.doc, pipeline, {
      text: true,
      tokens: true,
    });
    const p = profileOf([observeResult(withText, { text: NOTE }, { words: loadPackWordSet() })]);
    const json = JSON.stringify(p);
    expect(json).not.toContain(CANARY);
    expect(json).not.toContain('ZEBRA');
    expect(json).not.toContain('Aspirin');
    expect(json).not.toContain('denies');
  });
});

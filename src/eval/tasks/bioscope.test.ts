import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultContextEngine } from '../../components/assertions/index.js';
import { readBioScope } from '../../corpora/bioscope.js';
import { packageRoot } from '../../resources.js';
import { bioscopeTask, predictCues, scoreBioScope, trimSpan } from './bioscope.js';

const FIXTURE = join(packageRoot(), 'src', 'eval', 'fixtures', 'bioscope', 'sample.xml');

describe('predictCues', () => {
  it('maps NEGATED cues to negation and POSSIBLE cues to speculation, scope holding the cue', () => {
    const text = 'Possible small effusion, without pneumothorax.';
    expect(
      predictCues(defaultContextEngine(), text).map((c) => [
        c.type,
        text.slice(c.start, c.end),
        text.slice(c.scope.start, c.scope.end),
      ]),
    ).toEqual([
      ['speculation', 'Possible', 'Possible small effusion'],
      ['negation', 'without', 'without pneumothorax'],
    ]);
  });

  it('trims whitespace and closing punctuation', () => {
    expect(trimSpan(' no fever.', { start: 0, end: 10 })).toEqual({ start: 1, end: 9 });
  });
});

describe('bioscope task on the fixture', () => {
  it('scores cues and scopes', async () => {
    const report = await bioscopeTask.run({ data: FIXTURE });
    expect(report.counts).toMatchObject({ files: 1, documents: 2, sentences: 11, readerProblems: 0 });
    expect(report.byType?.negation?.strict).toMatchObject({ tp: 3, fp: 4, fn: 3 });
    expect(report.byType?.negation?.lenient).toMatchObject({ tp: 6, fp: 1, fn: 0 });
    expect(report.byType?.speculation?.strict).toMatchObject({ tp: 4, fp: 1, fn: 1 });
    expect(report.byType?.speculation?.lenient).toMatchObject({ tp: 5, fp: 0, fn: 0 });
    const scores = report.scores as { scopes: Record<string, { tp: number; fp: number; fn: number }> };
    expect(scores.scopes.negation).toMatchObject({ tp: 2, fp: 5, fn: 4 });
    expect(scores.scopes.speculation).toMatchObject({ tp: 3, fp: 2, fn: 2 });
    expect(report.errors).toBeUndefined();
  });

  it('lists scope misses with the predicted scope', () => {
    const scored = scoreBioScope(readBioScope(FIXTURE).sentences, defaultContextEngine(), { errors: true });
    const heart = scored.errors?.find((e) => e.kind === 'scope' && e.doc === 'S1.5');
    expect(heart).toMatchObject({
      text: 'The heart is not enlarged',
      detail: 'predicted "not enlarged" (neg.not)',
    });
  });

  it('needs data', async () => {
    await expect(bioscopeTask.run({ data: '/no/such/bioscope' })).rejects.toMatchObject({
      code: 'CLINOTE_E_EVAL_DATA_MISSING',
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVAL_TASKS, evalTaskNames, renderReport, runEval } from './index.js';
import { prf } from './metrics.js';
import type { EvalOptions, EvalReport, EvalTask } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spanReport = (): EvalReport => ({
  task: 'fake',
  data: dir,
  preset: 'tiny',
  strict: prf(1, 1, 1),
  lenient: prf(2, 0, 0),
  byType: {
    problem: { strict: prf(1, 0, 1), lenient: prf(2, 0, 0) },
    medication: { strict: prf(0, 1, 0), lenient: prf(0, 0, 0) },
  },
  macro: { strict: prf(1, 1, 1), lenient: prf(2, 0, 0) },
  scores: { normalization: { accuracy: 0.5, correct: 1, total: 2 }, notes: ['a note'] },
  counts: { documents: 3, gold: 2 },
  timing: { seconds: 1.5, itemsPerSecond: 2, unit: 'docs' },
  errors: [
    {
      kind: 'fn',
      doc: 'd1',
      type: 'problem',
      start: 3,
      end: 7,
      text: 'SECRET',
      context: 'the SECRET context',
    },
  ],
});

const fake: EvalTask = {
  name: 'fake',
  description: 'a task for tests',
  run: async (options: EvalOptions) => ({ ...spanReport(), data: options.data }),
};

describe('registry', () => {
  it('registers ner and sentences', () => {
    expect(evalTaskNames()).toEqual(expect.arrayContaining(['ner', 'sentences']));
    for (const [name, task] of Object.entries(EVAL_TASKS)) {
      expect(task.name).toBe(name);
      expect(task.description.length).toBeGreaterThan(0);
    }
  });
});

describe('runEval', () => {
  it('runs the named task with the options', async () => {
    const report = await runEval('fake', { data: dir }, { fake });
    expect(report.task).toBe('fake');
    expect(report.data).toBe(dir);
  });

  it.each([
    ['an unknown task', 'nope'],
    ['an inherited property name', 'toString'],
  ])('refuses %s with a coded error listing the tasks', async (_n, task) => {
    await expect(runEval(task, { data: dir }, { fake })).rejects.toMatchObject({
      code: 'CLINOTE_E_EVAL_UNKNOWN_TASK',
      details: { tasks: ['fake'] },
    });
  });

  it('refuses a data path that does not exist', async () => {
    await expect(runEval('fake', { data: join(dir, 'absent') }, { fake })).rejects.toMatchObject({
      code: 'CLINOTE_E_EVAL_DATA_MISSING',
    });
  });

  it('refuses an unknown ner preset, listing the presets', async () => {
    await expect(runEval('ner', { data: dir, preset: 'nope' })).rejects.toMatchObject({
      code: 'CLINOTE_E_EVAL_UNKNOWN_PRESET',
      details: { presets: ['bc5cdr', 'chia', 'maccrobat', 'ncbi-disease'] },
    });
    await expect(runEval('ner', { data: dir })).rejects.toMatchObject({
      code: 'CLINOTE_E_EVAL_UNKNOWN_PRESET',
    });
  });
});

describe('renderReport', () => {
  const text = renderReport(spanReport(), {});

  it('renders per-type rows, then micro and macro, with strict and lenient figures', () => {
    const lines = text.split('\n');
    const row = (name: string): string[] =>
      (lines.find((l) => l.startsWith(`${name} `)) ?? '').split(/\s+/).filter((c) => c !== '');
    expect(lines[0]).toBe(`eval fake | preset tiny | data ${dir}`);
    expect(row('type')).toEqual([
      'type',
      'gold',
      'pred',
      'strict',
      'P',
      'R',
      'F1',
      'tp',
      'lenient',
      'P',
      'R',
      'F1',
      'tp',
    ]);
    // name, gold, pred, strict P R F1 tp, lenient P R F1 tp
    expect(row('problem')).toEqual([
      'problem',
      '2',
      '1',
      '1.000',
      '0.500',
      '0.667',
      '1',
      '1.000',
      '1.000',
      '1.000',
      '2',
    ]);
    expect(row('medication')).toEqual([
      'medication',
      '0',
      '1',
      '0.000',
      '0.000',
      '0.000',
      '0',
      '0.000',
      '0.000',
      '0.000',
      '0',
    ]);
    expect(row('micro')).toEqual([
      'micro',
      '2',
      '2',
      '0.500',
      '0.500',
      '0.500',
      '1',
      '1.000',
      '1.000',
      '1.000',
      '2',
    ]);
    expect(lines.findIndex((l) => l.startsWith('macro'))).toBeGreaterThan(
      lines.findIndex((l) => l.startsWith('micro')),
    );
  });

  it('renders counts, task scores (flattened) and timing', () => {
    expect(text).toMatch(/^ {2}documents\s+3$/m);
    expect(text).toMatch(/^ {2}normalization\.accuracy\s+0\.5$/m);
    expect(text).toMatch(/^ {2}notes\s+a note$/m);
    expect(text).toContain('timing  1.50 s, 2.0 docs/s');
  });

  it('shows error items (corpus text) only when asked', () => {
    expect(text).not.toContain('SECRET');
    const withErrors = renderReport(spanReport(), { errors: true });
    expect(withErrors).toContain('errors (1)');
    expect(withErrors).toContain('"SECRET"');
    expect(withErrors).toContain('the SECRET context');
  });

  it('renders a report without span scores (task-specific scores only)', () => {
    const out = renderReport(
      { task: 'negex', data: 'x', scores: { negation: { f1: 0.9 } }, counts: { rows: 4 } },
      {},
    );
    expect(out).not.toContain('micro');
    expect(out).toContain('negation.f1');
    expect(out).toMatch(/rows\s+4/);
  });
});

describe('the --json contract', () => {
  it('is plain JSON with strict, lenient and byType.{TYPE}.{strict,lenient}', () => {
    const json = JSON.parse(JSON.stringify(spanReport())) as Record<string, unknown>;
    const keys = ['precision', 'recall', 'f1', 'tp', 'fp', 'fn'];
    expect(Object.keys(json.strict as object)).toEqual(keys);
    expect(Object.keys(json.lenient as object)).toEqual(keys);
    const byType = json.byType as Record<string, Record<string, object>>;
    expect(Object.keys(byType.problem ?? {})).toEqual(['strict', 'lenient']);
    expect(Object.keys(byType.problem?.strict ?? {})).toEqual(keys);
  });
});

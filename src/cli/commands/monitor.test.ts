import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../../engine.js';
import { toResult } from '../../output/result.js';
import { runCliForTest } from '../testing.js';

// invented notes, two templates; the canary must never reach a profile, a report or an error
const CANARY = 'ZZCANARY-4711';
const shortNote = (i: number) =>
  `HPI: Patient ${CANARY} reports cough for ${i % 5} days. Denies fever.\nPLAN: Rest and fluids.`;
const longNote = (i: number) =>
  [
    'CHIEF COMPLAINT: Chest pain.',
    `HISTORY OF PRESENT ILLNESS: A ${40 + (i % 30)}-year-old with chest pain on exertion and shortness of breath.`,
    'PAST MEDICAL HISTORY: Hypertension, diabetes mellitus, hyperlipidemia.',
    'MEDICATIONS: Aspirin 81 mg daily, metoprolol 25 mg twice daily, atorvastatin 40 mg at night.',
    'FAMILY HISTORY: Father had myocardial infarction.',
    'PHYSICAL EXAMINATION: Lungs clear. Heart regular rate and rhythm without murmur.',
    'ASSESSMENT AND PLAN: Possible angina. Stress test. Continue aspirin.',
  ].join('\n\n');

let dir: string;
const path = (name: string) => join(dir, name);
/** `clinote monitor compare` of two files of the test folder, with more arguments. */
const compare = (reference: string, current: string, ...more: string[]) =>
  runCliForTest(['monitor', 'compare', '--reference', path(reference), '--current', path(current), ...more]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clinote-monitor-'));
  const pipeline = await loadPipeline();
  const make = (name: string, note: (i: number) => string, n: number, withErrors = 0) => {
    const results: string[] = [];
    const notes: string[] = [];
    for (let i = 0; i < n; i++) {
      const text = note(i);
      const out = pipeline.processSync({ id: `${name}-${i}`, text });
      if (!out.ok) throw out.error;
      results.push(JSON.stringify(toResult(out.doc, pipeline)));
      notes.push(JSON.stringify({ id: `${name}-${i}`, text }));
    }
    for (let i = 0; i < withErrors; i++)
      results.push(
        JSON.stringify({
          id: `${name}-e${i}`,
          pipeline: pipeline.stamp,
          error: { code: 'CLINOTE_E_INPUT_BINARY', message: 'the note is a binary file' },
        }),
      );
    writeFileSync(path(`${name}.ndjson`), `${results.join('\n')}\n`);
    writeFileSync(path(`${name}.notes.ndjson`), `${notes.join('\n')}\n`);
  };
  make('short', shortNote, 30, 2);
  make('long', longNote, 30);
  writeFileSync(path('small.json'), JSON.stringify({ minNotes: 10, minObservations: 10 }));
});

describe('clinote monitor profile', () => {
  it('profiles a results NDJSON with the note texts: counts and codes, never the text', async () => {
    const r = await runCliForTest([
      'monitor',
      'profile',
      '--in',
      path('short.ndjson'),
      '--text-in',
      path('short.notes.ndjson'),
      '--deployment',
      'prod',
      '--out',
      path('short.profile.json'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('profile of 32 notes (2 error records; 30 with their text)');
    const text = readFileSync(path('short.profile.json'), 'utf8');
    const p = JSON.parse(text);
    expect(p).toMatchObject({ format: 1, count: 32, errors: 2, window: null });
    expect(p.key.deployment).toBe('prod');
    expect(p.key.version).toMatch(/^[0-9a-f]{16}$/);
    expect(p.categorical['ops.error_code']).toEqual({ CLINOTE_E_INPUT_BINARY: 2 });
    expect(p.categorical['input.section_category']).toMatchObject({ hpi: 30, plan: 30 });
    expect(p.numeric['input.oov_rate'].n).toBe(30);
    expect(p.numeric['input.digit_share'].n).toBe(30);
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain('cough');
  });

  it('without the texts: no character classes, no OOV rate; to stdout', async () => {
    const r = await runCliForTest(['monitor', 'profile', '--in', path('long.ndjson')]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.count).toBe(30);
    expect(p.numeric['input.digit_share']).toBeUndefined();
    expect(p.numeric['input.length_chars'].n).toBe(30);
  });

  it('a line that is not JSON: CLINOTE_E_MONITOR_BAD_INPUT with the line number, never the line', async () => {
    const lines = readFileSync(path('short.ndjson'), 'utf8').split('\n');
    writeFileSync(path('bad.ndjson'), `${lines[0]}\n{"HPI": ${CANARY} cough\n`);
    const r = await runCliForTest(['monitor', 'profile', '--in', path('bad.ndjson')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CLINOTE_E_MONITOR_BAD_INPUT');
    expect(r.stderr).toContain('line 2');
    expect(r.stderr).not.toContain(CANARY);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['JSON that is not a result', '{"id": "x", "note": "ZZCANARY-4711"}\n', 'line 1'],
    ['an empty file', '\n\n', 'empty'],
  ])('%s: CLINOTE_E_MONITOR_BAD_INPUT', async (_what, content, says) => {
    writeFileSync(path('odd.ndjson'), content);
    const r = await runCliForTest(['monitor', 'profile', '--in', path('odd.ndjson')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CLINOTE_E_MONITOR_BAD_INPUT');
    expect(r.stderr).toContain(says);
    expect(r.stderr).not.toContain(CANARY);
  });

  it('reads the results from stdin with --in -', async () => {
    const r = await runCliForTest(['monitor', 'profile', '--in', '-', '--no-oov'], {
      stdin: readFileSync(path('long.ndjson')),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).count).toBe(30);
  });

  it('a missing results file: CLINOTE_E_INPUT_UNREADABLE, exit 2', async () => {
    const r = await runCliForTest(['monitor', 'profile', '--in', path('nope.ndjson')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CLINOTE_E_INPUT_UNREADABLE');
  });
});

describe('clinote monitor merge and compare', () => {
  beforeAll(async () => {
    for (const name of ['short', 'long']) {
      const r = await runCliForTest([
        'monitor',
        'profile',
        '--in',
        path(`${name}.ndjson`),
        '--text-in',
        path(`${name}.notes.ndjson`),
        '--out',
        path(`${name}.p.json`),
      ]);
      expect(r.code).toBe(0);
    }
  });

  it('merges profiles: the counts add up', async () => {
    const r = await runCliForTest([
      'monitor',
      'merge',
      path('short.p.json'),
      path('long.p.json'),
      '--out',
      path('both.json'),
    ]);
    expect(r.code).toBe(0);
    const p = JSON.parse(readFileSync(path('both.json'), 'utf8'));
    expect(p.count).toBe(62);
    expect(p.errors).toBe(2);
    expect(p.numeric['input.length_chars'].n).toBe(60);
  });

  it('two different templates drift: exit 1, a table naming the drifted features', async () => {
    const r = await compare('short.p.json', 'long.p.json', '--config', path('small.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^drift: DRIFT: \d+ of \d+ features drifted/);
    expect(r.stdout).toMatch(/input\.length_chars\s+psi\s+\S+\s+0\.200\s+30\s+30\s+DRIFT/);
    expect(r.stdout).not.toContain(CANARY);
  });

  it('a profile against itself: no drift, exit 0; --json gives the report', async () => {
    const r = await compare('long.p.json', 'long.p.json', '--config', path('small.json'), '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.dataset.status).toBe('no-drift');
    expect(report.features.length).toBeGreaterThan(10);
  });

  it('too few notes for the default guards: insufficient, which is not drift (exit 0)', async () => {
    const r = await compare('short.p.json', 'long.p.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^drift: INSUFFICIENT DATA \(a window has fewer than 200 notes/);
  });

  it('a file that is not a profile: CLINOTE_E_MONITOR_PROFILE_INVALID, exit 2', async () => {
    writeFileSync(path('not-profile.json'), '{"format": 1, "count": "many"}');
    const r = await runCliForTest(['monitor', 'merge', path('short.p.json'), path('not-profile.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CLINOTE_E_MONITOR_PROFILE_INVALID');
    writeFileSync(path('garbage.json'), 'not json at all');
    const g = await compare('garbage.json', 'long.p.json');
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('CLINOTE_E_MONITOR_PROFILE_INVALID');
  });

  it('an invalid drift config: CLINOTE_E_MONITOR_BAD_INPUT naming the field', async () => {
    writeFileSync(path('bad-config.json'), JSON.stringify({ categorical: { metric: 'wasserstein' } }));
    const r = await compare('short.p.json', 'long.p.json', '--config', path('bad-config.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CLINOTE_E_MONITOR_BAD_INPUT');
    expect(r.stderr).toContain('categorical.metric');
  });

  it('a missing option is a usage error (64)', async () => {
    const r = await runCliForTest(['monitor', 'compare', '--reference', path('short.p.json')]);
    expect(r.code).toBe(64);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { runCliForTest } from '../testing.js';
import { renderCodeTable } from './code.js';

const DATA = ['icd10cm', 'icd10cm_tabular_2023.xml.gz'] as const;
const missing =
  sharedDataPath(...DATA) === null || sharedDataPath('icd10cm', 'icd10cm_index_2023.xml.gz') === null;

describe('renderCodeTable', () => {
  it('prints codes with their evidence and rules, then the review items', () => {
    const text = renderCodeTable(
      'note.txt',
      [
        {
          code: 'J18.9',
          title: 'Pneumonia, unspecified organism',
          score: 0.95,
          status: 'suggested',
          principal: true,
          sequence: 1,
          evidence: { spans: [{ text: 'pneumonia' }], rules: ['source.index', 'principal.candidate'] },
        },
        {
          code: 'K37',
          title: 'Unspecified appendicitis',
          score: 0.75,
          status: 'review',
          reason: 'uncertain',
          principal: false,
          sequence: 0,
          evidence: { spans: [{ text: 'appendicitis' }], rules: ['uncertain.outpatient'] },
        },
      ],
      2023,
    );
    expect(text).toContain('note.txt: 1 code, 1 to review (ICD-10-CM FY2023)');
    expect(text).toMatch(
      / 1 {2}J18\.9 +0\.95 +\* Pneumonia, unspecified organism +"pneumonia" +source\.index,principal\.candidate/,
    );
    expect(text).toContain(
      'review (uncertain): K37 Unspecified appendicitis "appendicitis" uncertain.outpatient',
    );
  });
});

describe.skipIf(missing)(missing ? missingDataMessage(...DATA) : 'clinote code', () => {
  it('codes a note file: the table, and JSON lines with --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinote-code-'));
    const file = join(dir, 'visit.txt');
    writeFileSync(file, 'ASSESSMENT: Acute appendicitis. No pneumonia. Family history of diabetes.\n');
    const table = await runCliForTest(['code', file]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('K35.80');
    expect(table.stdout).toContain('Z83.3');
    expect(table.stdout).not.toContain('J18');
    const json = await runCliForTest(['code', '--json', '--setting', 'inpatient', file]);
    expect(json.code).toBe(0);
    const line = JSON.parse(json.stdout.trim()) as {
      id: string;
      codes: { code: string; sequence: number }[];
    };
    expect(line.id).toBe('visit');
    expect(line.codes.map((k) => k.code)).toEqual(['K35.80', 'Z83.3']);
    // the learned ranker: calibrated scores, its rule in the evidence, never the negated pneumonia
    const ranked = await runCliForTest(['code', '--json', '--ranker', file]);
    expect(ranked.code).toBe(0);
    const r = JSON.parse(ranked.stdout.trim()) as {
      codes: { code: string; status: string; evidence: { rules: string[] } }[];
    };
    const suggested = r.codes.filter((k) => k.status === 'suggested');
    expect(suggested.every((k) => k.evidence.rules.includes('rank.learned'))).toBe(true);
    expect(r.codes.some((k) => k.code.startsWith('J18'))).toBe(false);
  }, 60_000);
});

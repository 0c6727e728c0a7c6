/**
 * The Neoplasm Table and the Table of Drugs through the whole coding pipeline
 * (resources/pipelines/coding.json, the built-in starter pack for concepts, the FY2023 Tabular List
 * and Index and the FY2026 tables from the shared data dir). Notes written by the project.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { loadPipeline, readConfigFile } from '../engine.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { resourcePath } from '../resources.js';
import type { CodeItem } from './schema.js';

const DATA = [
  ['icd10cm', 'icd10cm_tabular_2023.xml.gz'],
  ['icd10cm', 'icd10cm_index_2023.xml.gz'],
  ['icd10cm', 'icd10cm-neoplasm-April-1-2026-XML.xml'],
  ['icd10cm', 'icd10cm-drug-April-1-2026-XML.xml'],
] as const;
const missing = DATA.find((p) => sharedDataPath(...p) === null);

interface Case {
  readonly text: string;
  /** Suggested codes that must be there (a pattern ending in `*`: some code with that prefix). */
  readonly expect?: readonly string[];
  /** Prefixes that must not be suggested. */
  readonly forbid?: readonly string[];
  /** Rule ids in the evidence of the first expected code. */
  readonly rules?: readonly string[];
  readonly none?: boolean;
}

const CASES: readonly Case[] = [
  {
    text: 'Assessment: carcinoma of the lung.',
    expect: ['C34.9*'],
    rules: ['source.neoplasm-table', 'neoplasm.primary'],
  },
  { text: 'Assessment: lung cancer.', expect: ['C34.9*'], rules: ['source.neoplasm-table'] },
  {
    text: 'CT shows metastatic disease to the liver.',
    expect: ['C78.7'],
    forbid: ['C22'],
    rules: ['neoplasm.secondary'],
  },
  { text: 'Liver metastases were found.', expect: ['C78.7'], forbid: ['C22'] },
  { text: 'No evidence of malignancy.', none: true },
  { text: 'No evidence of lung cancer.', forbid: ['C34', 'C78', 'D02'], none: true },
  { text: 'Rule out carcinoma of the lung.', forbid: ['C34'] },
  {
    text: 'She had an adverse reaction to penicillin.',
    expect: ['T36.0X5A'],
    rules: ['source.drug-table', 'drug.adverse-effect', 'specificity.seventh-character'],
  },
  { text: 'No adverse reaction to penicillin.', forbid: ['T36'] },
  { text: 'Intentional overdose of acetaminophen.', expect: ['T39.1X2A'], rules: ['drug.intentional'] },
  { text: 'Admitted for digoxin toxicity.', expect: ['T46.0X1A'], rules: ['drug.accidental'] },
  { text: 'Follow-up visit for acetaminophen overdose, subsequent encounter.', expect: ['T39.1X1D'] },
  { text: 'No overdose of acetaminophen.', forbid: ['T39'] },
  { text: 'Risk of digoxin toxicity.', forbid: ['T46'] },
  { text: 'Her mother had an adverse reaction to penicillin.', forbid: ['T36'] },
  { text: 'Allergic to penicillin.', forbid: ['T36'] },
  { text: 'Carcinoma in situ of the cervix.', expect: ['D06.9'], rules: ['neoplasm.in-situ'] },
  { text: 'Benign tumor of the breast.', expect: ['D24*'], forbid: ['C50'] },
  { text: 'Metastatic lung cancer.', forbid: ['C78'] },
  { text: 'Liver metastases were not seen.', forbid: ['C78'] },
  { text: 'Mother had breast cancer.', expect: ['Z80.3'], forbid: ['C50', 'D05', 'D24'] },
  { text: 'Family history of lung cancer.', forbid: ['C34'] },
  { text: 'History of breast cancer.', forbid: ['C50'] },
];

const matches = (pattern: string, code: string) =>
  pattern.endsWith('*') ? code.startsWith(pattern.slice(0, -1)) : code === pattern;

describe.skipIf(missing !== undefined)(
  missing ? missingDataMessage(...missing) : 'Neoplasm Table and Table of Drugs',
  () => {
    let pipeline: Pipeline;
    const results = new Map<Case, CodeItem[]>();
    beforeAll(async () => {
      const config = readConfigFile(resourcePath('pipelines/coding.json'));
      pipeline = await loadPipeline({ config });
      for (const [n, row] of CASES.entries()) {
        const out = await pipeline.process({ id: `t${n}`, text: row.text });
        if (!out.ok) throw out.error;
        results.set(row, [...out.doc.get('codes')]);
      }
    }, 120_000);

    it.each(CASES.map((c) => [c.text, c] as const))('%s', (_name, row) => {
      const codes = results.get(row)!;
      const suggested = codes.filter((k) => k.status === 'suggested');
      const got = suggested.map((k) => k.code);
      for (const e of row.expect ?? [])
        expect(
          got.some((c) => matches(e, c)),
          `expected ${e} in ${got.join(' ')}`,
        ).toBe(true);
      for (const f of row.forbid ?? [])
        expect(
          got.filter((c) => c.replace('.', '').startsWith(f.replace('.', ''))),
          `forbidden ${f}`,
        ).toEqual([]);
      if (row.none) expect(got).toEqual([]);
      if (row.rules) {
        const first = suggested.find((k) => matches(row.expect![0]!, k.code));
        for (const id of row.rules) expect(first?.evidence.rules, `rule ${id}`).toContain(id);
      }
      for (const k of codes)
        for (const s of k.evidence.spans) expect(row.text.slice(s.start, s.end)).toBe(s.text);
    });
  },
);

/**
 * The built-in starter pack (resources/terminology/starter/*.tsv): format checks that always run,
 * and checks of every code against the official public files in ../shared/data (skipped when the
 * files are absent). Not one invented code: every ICD-10-CM code must exist and be billable in
 * FY2022 with a title consistent with the concept, every RxCUI must be an RxTerms ingredient with a
 * consistent name, every LOINC code must be in the LOINC Top 2000 (US) with a consistent component,
 * and every HCPCS code must exist in the HCPCS file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { packageRoot } from '../resources.js';
import { parseCsv } from '../text/csv.js';

// ---------------------------------------------------------------------------------------------
// Loading the pack

const HEADER = ['concept_id', 'type', 'subtype', 'preferred', 'terms', 'codes'];
const FILES = ['problems', 'medications', 'procedures', 'labs', 'anatomy'] as const;
type FileName = (typeof FILES)[number];

/** The one semantic type each file holds. */
const FILE_TYPE: Record<FileName, string> = {
  problems: 'problem',
  medications: 'medication',
  procedures: 'procedure',
  labs: 'lab',
  anatomy: 'anatomy',
};

const SUBTYPES: Record<string, readonly string[]> = {
  problem: ['disorder', 'finding', 'symptom'],
  medication: ['ingredient', 'combination', 'class'],
  procedure: ['surgical', 'imaging', 'diagnostic', 'therapeutic'],
  lab: [
    'chemistry',
    'hematology',
    'coagulation',
    'urinalysis',
    'microbiology',
    'serology',
    'immunology',
    'endocrine',
    'toxicology',
    'blood-gas',
    'tumor-marker',
    'blood-bank',
  ],
  anatomy: ['body-part'],
  device: ['device'],
};

/** Code systems each type may carry. */
const SYSTEMS: Record<string, readonly string[]> = {
  problem: ['icd10cm'],
  medication: ['rxnorm'],
  procedure: ['hcpcs'],
  lab: ['loinc'],
  anatomy: [],
  device: ['hcpcs'],
};

const MINIMUM: Record<FileName, number> = {
  problems: 900,
  medications: 650,
  procedures: 250,
  labs: 200,
  anatomy: 100,
};
const MINIMUM_TOTAL = 2000;

const CODE_FORMAT: Record<string, RegExp> = {
  icd10cm: /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/,
  rxnorm: /^[1-9][0-9]*$/,
  loinc: /^\d{1,7}-\d$/,
  hcpcs: /^[A-V][0-9]{4}$/,
};

const TERM_PREFIXES = ['abbr', 'brand', 'lay'];

interface Term {
  readonly kind: 'synonym' | 'abbr' | 'brand' | 'lay';
  readonly text: string;
}
interface Code {
  readonly system: string;
  readonly code: string;
}
interface Row {
  readonly file: FileName;
  readonly line: number;
  readonly cells: string[];
  readonly id: string;
  readonly type: string;
  readonly subtype: string;
  readonly preferred: string;
  readonly rawTerms: string;
  readonly rawCodes: string;
  readonly terms: Term[];
  readonly codes: Code[];
}

function parseTerms(raw: string): Term[] {
  if (raw === '') return [];
  return raw.split('|').map((entry) => {
    const m = /^([a-z]+):(.*)$/.exec(entry);
    if (m && TERM_PREFIXES.includes(m[1]!)) return { kind: m[1] as Term['kind'], text: m[2]! };
    return { kind: 'synonym', text: entry };
  });
}

function parseCodes(raw: string): Code[] {
  if (raw === '') return [];
  return raw.split('|').map((entry) => {
    const i = entry.indexOf(':');
    return i < 0 ? { system: '', code: entry } : { system: entry.slice(0, i), code: entry.slice(i + 1) };
  });
}

const starterDir = join(packageRoot(), 'resources', 'terminology', 'starter');
const headers = new Map<FileName, string[]>();
const rows: Row[] = [];
for (const file of FILES) {
  const text = readFileSync(join(starterDir, `${file}.tsv`), 'utf8');
  const records = parseCsv(text, { delimiter: '\t', quotes: false }).filter(
    (r) => !(r.length === 1 && r[0] === ''),
  );
  headers.set(file, records[0] ?? []);
  records.slice(1).forEach((cells, i) => {
    const [id = '', type = '', subtype = '', preferred = '', rawTerms = '', rawCodes = ''] = cells;
    rows.push({
      file,
      line: i + 2,
      cells,
      id,
      type,
      subtype,
      preferred,
      rawTerms,
      rawCodes,
      terms: parseTerms(rawTerms),
      codes: parseCodes(rawCodes),
    });
  });
}

const where = (r: Row): string => `${r.file}.tsv:${r.line} ${r.id}`;

/** Reports every violation at once, so the whole list can be fixed in one pass. */
function expectNone(violations: string[], what: string): void {
  expect(violations, `${violations.length} ${what}:\n${violations.join('\n')}`).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Word matching for the consistency checks

const STOPWORDS = new Set(
  (
    'and or of the with without due to in on at by for from not as other others specified unspecified ' +
    'elsewhere classified type site sites part parts region initial encounter subsequent sequela left right ' +
    'bilateral unilateral side acute chronic disease diseases disorder disorders syndrome condition ' +
    'conditions complication complications mention primary secondary nos nec multiple single stage episode ' +
    'current status organ involvement mild moderate severe simple general generalized localized abnormal ' +
    'finding findings injury level levels unsp into than use long term presence personal history family ' +
    'state states care following associated affecting involving whether either both all any its their'
  ).split(/\s+/),
);
/** LOINC names also carry property, system and method words that say nothing about the analyte. */
const LAB_STOPWORDS = new Set(
  (
    'serum plasma blood urine mass volume moles substance concentration automated manual count method ' +
    'calculation calculated measurement test strip ratio units arbitrary fraction entitic number per cells ' +
    'cell body fluid specimen venous arterial capillary result'
  ).split(/\s+/),
);
/** Short words that are significant despite their length. */
const SHORT_WORDS = new Set(
  (
    'eye ear leg arm hip toe jaw lip gum rib flu hiv hpv tb uti ckd aki copd gerd dvt mi tia cva qt' +
    ' rsv cmv ebv hsv ptsd adhd ocd ibs ms als pcos bph std sti acl mcl' +
    ' ct mri ph t3 t4 tsh ldl hdl alt ast ggt ck crp esr bnp inr ptt pt rbc wbc mcv mch rdw igg iga igm ige' +
    ' psa cea afp hcg ldh bun co2 a1c b12 fsh lh pth acth ana rf'
  ).split(' '),
);

/**
 * Codes whose official title shares no word with our wording, checked by hand against the
 * ICD-10-CM Alphabetic Index (concept id + code: the index entry that leads there).
 */
const ICD_TITLE_CHECKED: Record<string, string> = {
  'acute-coronary-syndrome I24.9': 'Syndrome, coronary, acute NEC',
  'left-ventricular-hypertrophy I51.7': 'Hypertrophy, ventricle, left',
  'patent-foramen-ovale Q21.1': 'Patent, foramen ovale (FY2022)',
  'hypertriglyceridemia E78.1': 'Hypertriglyceridemia, essential',
  'low-hdl E78.6': 'Hypoalphalipoproteinemia',
  'mallory-weiss-tear K22.6': 'Syndrome, Mallory-Weiss',
  'hepatitis K75.9': 'Hepatitis (nonviral) NOS',
  'chronic-pyelonephritis N11.9': 'Pyelonephritis, chronic',
  'learning-disability F81.9': 'Disability, learning',
  'arthritis M19.90': 'Arthritis NOS',
  'bursitis M71.9': 'Bursitis NOS',
  'hand-foot-mouth-disease B08.4': 'Disease, hand, foot, and mouth',
  'family-history-of-colon-cancer Z80.0': 'History, family, malignant neoplasm, digestive organ (colon)',
  'crackles R09.89': 'Rales',
  'bruit R09.89': 'Bruit (arterial)',
  'ischemia I99.8': 'Ischemia, ischemic',
};

/**
 * Problems left without an ICD-10-CM code on purpose: no code fits the concept as written without
 * guessing a diagnosis (a false code is worse than none), with the reason.
 */
const UNCODED_PROBLEMS: Record<string, string> = {
  rhonchi: 'no index entry; R09.89 would be a guess',
  'myocardial-ischemia': 'I24.9 (acute) or I25.9 (chronic) depends on what the note does not say',
  'alcohol-use': 'social drinking is no disorder; F10.9x would code a diagnosis the note does not make',
  'drug-use': 'F19.9x codes a disorder; use alone is not one',
  // generic findings (MACCROBAT Sign_symptom mentions): the code depends on the site or the disease
  recurrence: 'the code is that of the disease that recurs',
  thrombus: 'I82.- or I51.3 or I74.- by site',
  tenderness: 'R10.81- (abdomen) or M79.6- (limb) and others, by site',
  distension: 'R14.0 (abdomen) or others, by site',
  enlargement: 'by organ (R16.0, R59.-, I51.7, ...)',
  dilation: 'by organ (I77.810, K59.39, N13.-, ...)',
  thickening: 'by tissue (R22.-, I51.89, J94.9, ...)',
  'wall-motion-abnormality':
    'an echocardiographic finding without a code of its own (R93.1 is any abnormal heart imaging)',
  'tumor-invasion': 'invasion is part of the neoplasm code',
  't-wave-inversion': 'R94.31 is any abnormal ECG; the finding has none of its own',
  trauma: 'S00-T14 by site and kind of injury',
  ulceration: 'L98.4-, K25-K28, ... by site',
  rupture: 'by structure (tendon, aneurysm, membranes, ...)',
  diverticulum: 'by organ (K57.-, Q43.8, N32.3, ...)',
  necrosis: 'by organ and cause',
  'metastatic-disease': 'C77-C79 by site',
};

/** Lowercase words; hyphenated words also count joined (pre-eclampsia ~ preeclampsia). */
function words(text: string): string[] {
  const lower = text.toLowerCase().replace(/'s\b/g, '');
  const joined = (lower.match(/[a-z0-9]+(?:-[a-z0-9]+)+/g) ?? []).map((w) => w.replace(/-/g, ''));
  return [...lower.split(/[^a-z0-9]+/), ...joined].filter((w) => w !== '');
}

/** Words that carry meaning; when a name has none of 4+ letters (Tic disorder), its short words. */
function significant(text: string, extraStop?: Set<string>): string[] {
  const kept = words(text).filter((w) => !STOPWORDS.has(w) && !extraStop?.has(w) && !/^\d+$/.test(w));
  const long = kept.filter((w) => w.length >= 4 || SHORT_WORDS.has(w));
  return long.length > 0 ? long : kept;
}

function singular(w: string): string {
  return w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

/** Same word up to inflection: equal, or long words sharing a prefix (diabetes ~ diabetic). */
function sameStem(a: string, b: string): boolean {
  if (a === b || singular(a) === singular(b)) return true;
  if (a.length < 5 || b.length < 5) return false;
  const need = Math.min(6, Math.min(a.length, b.length) - 1);
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n >= need;
}

function conceptText(r: Row): string[] {
  return [r.preferred, ...r.terms.map((t) => t.text)];
}

function sharesStem(official: string[], concept: string[]): boolean {
  return official.some((o) => concept.some((c) => sameStem(o, c)));
}

/** LOINC mod-10 check digit (Luhn over the digits before the hyphen). */
function loincCheckDigit(num: string): number {
  let sum = 0;
  for (let i = num.length - 1, pos = 1; i >= 0; i--, pos++) {
    let d = num.charCodeAt(i) - 48;
    if (pos % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

// ---------------------------------------------------------------------------------------------
// Format: always runs

describe('starter pack format', () => {
  it('has the exact header in every file', () => {
    for (const file of FILES) expect(headers.get(file), `${file}.tsv header`).toEqual(HEADER);
  });

  it('has 6 columns per row, no stray whitespace', () => {
    const bad = rows
      .filter((r) => r.cells.length !== 6 || r.cells.some((c) => c !== c.trim() || /[\r\n"]/.test(c)))
      .map((r) => `${where(r)}: ${r.cells.length} columns`);
    expectNone(bad, 'malformed rows');
  });

  it('has unique slug-shaped concept ids across files', () => {
    const seen = new Map<string, string>();
    const bad: string[] = [];
    for (const r of rows) {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(r.id)) bad.push(`${where(r)}: not a slug`);
      const prior = seen.get(r.id);
      if (prior) bad.push(`${where(r)}: duplicate of ${prior}`);
      seen.set(r.id, where(r));
    }
    expectNone(bad, 'bad concept ids');
  });

  it('has valid types and subtypes, one type per file', () => {
    const bad = rows
      .filter((r) => r.type !== FILE_TYPE[r.file] || !SUBTYPES[r.type]?.includes(r.subtype))
      .map((r) => `${where(r)}: ${r.type}/${r.subtype}`);
    expectNone(bad, 'bad types');
  });

  it('has a preferred name and well-formed terms', () => {
    const bad: string[] = [];
    for (const r of rows) {
      if (r.preferred === '') bad.push(`${where(r)}: empty preferred`);
      if (r.rawTerms === '') continue;
      const seen = new Set([r.preferred.toLowerCase()]);
      for (const entry of r.rawTerms.split('|')) {
        const m = /^([a-z]+):/.exec(entry);
        if (m && !TERM_PREFIXES.includes(m[1]!)) bad.push(`${where(r)}: unknown term prefix '${m[1]}'`);
      }
      for (const t of r.terms) {
        if (t.text === '' || t.text !== t.text.trim() || /\s\s/.test(t.text)) {
          bad.push(`${where(r)}: empty or badly spaced term '${t.text}'`);
          continue;
        }
        const key = t.text.toLowerCase();
        if (seen.has(key)) bad.push(`${where(r)}: duplicate term '${t.text}'`);
        seen.add(key);
      }
    }
    expectNone(bad, 'bad names or terms');
  });

  it('lists plurals only where irregular (the matcher handles regular plurals)', () => {
    const bad: string[] = [];
    for (const r of rows) {
      const names = new Set([r.preferred, ...r.terms.map((t) => t.text)].map((n) => n.toLowerCase()));
      for (const t of r.terms) {
        if (t.kind === 'abbr') continue;
        const n = t.text.toLowerCase();
        const stem = n.endsWith('es') && names.has(n.slice(0, -2)) ? n.slice(0, -2) : n.slice(0, -1);
        if (n.endsWith('s') && names.has(stem))
          bad.push(`${where(r)}: '${t.text}' is the regular plural of '${stem}'`);
      }
    }
    expectNone(bad, 'regular plurals listed');
  });

  it('has well-formed codes of the systems each type allows', () => {
    const bad: string[] = [];
    for (const r of rows) {
      const seen = new Set<string>();
      for (const c of r.codes) {
        const key = `${c.system}:${c.code}`;
        if (seen.has(key)) bad.push(`${where(r)}: duplicate code ${key}`);
        seen.add(key);
        if (!SYSTEMS[r.type]?.includes(c.system)) bad.push(`${where(r)}: system '${c.system}' not allowed`);
        else if (!CODE_FORMAT[c.system]!.test(c.code)) bad.push(`${where(r)}: malformed ${key}`);
        else if (c.system === 'loinc') {
          const [num, check] = c.code.split('-');
          if (loincCheckDigit(num!) !== Number(check)) bad.push(`${where(r)}: bad LOINC check digit ${key}`);
        }
      }
      // drug classes ('antibiotics', 'beta blocker') have no ingredient RxCUI
      const required =
        r.subtype === 'class' || (r.type === 'problem' && UNCODED_PROBLEMS[r.id] !== undefined)
          ? undefined
          : { problem: 'icd10cm', medication: 'rxnorm', lab: 'loinc' }[r.type as string];
      if (required && !r.codes.some((c) => c.system === required)) {
        bad.push(`${where(r)}: needs a ${required} code`);
      }
    }
    expectNone(bad, 'bad codes');
  });

  it('computes LOINC check digits correctly', () => {
    expect(loincCheckDigit('2160')).toBe(0);
    expect(loincCheckDigit('718')).toBe(7);
    expect(loincCheckDigit('4548')).toBe(4);
    expect(loincCheckDigit('33914')).toBe(3);
  });

  it('meets the minimum counts', () => {
    for (const file of FILES) {
      const n = rows.filter((r) => r.file === file).length;
      expect(n, `${file}.tsv concepts`).toBeGreaterThanOrEqual(MINIMUM[file]);
    }
    expect(rows.length).toBeGreaterThanOrEqual(MINIMUM_TOTAL);
  });

  it('gives no non-abbreviation term to two concepts of the same type', () => {
    const owners = new Map<string, { row: Row; abbr: boolean }[]>();
    for (const r of rows) {
      const names = [
        { text: r.preferred, abbr: false },
        ...r.terms.map((t) => ({ text: t.text, abbr: t.kind === 'abbr' })),
      ];
      for (const n of names) {
        const key = n.text.toLowerCase();
        const list = owners.get(key) ?? [];
        if (!list.some((o) => o.row === r)) list.push({ row: r, abbr: n.abbr });
        owners.set(key, list);
      }
    }
    const bad: string[] = [];
    const crossType: string[] = [];
    for (const [key, list] of owners) {
      if (list.length < 2) continue;
      const byType = new Map<string, { row: Row; abbr: boolean }[]>();
      for (const o of list) byType.set(o.row.type, [...(byType.get(o.row.type) ?? []), o]);
      for (const [type, same] of byType) {
        if (same.length > 1 && same.some((o) => !o.abbr)) {
          bad.push(`'${key}' (${type}): ${same.map((o) => o.row.id).join(', ')}`);
        }
      }
      if (byType.size > 1)
        crossType.push(`'${key}': ${list.map((o) => `${o.row.type}:${o.row.id}`).join(', ')}`);
    }
    if (crossType.length > 0) {
      console.info(
        `starter pack: ${crossType.length} terms shared across types:\n  ${crossType.join('\n  ')}`,
      );
    }
    expectNone(bad, 'terms claimed by two concepts of the same type');
  });
});

// ---------------------------------------------------------------------------------------------
// Official files: skipped when ../shared/data is absent

const codesOf = (system: string): { row: Row; code: string }[] =>
  rows.flatMap((r) => r.codes.filter((c) => c.system === system).map((c) => ({ row: r, code: c.code })));

const ICD_PARTS = ['icd10cm', 'icd10cm_order_FY2022_from_icd10us.csv'];
const icdPath = sharedDataPath(...ICD_PARTS);

describe.skipIf(!icdPath)(
  `ICD-10-CM codes vs the FY2022 order file${icdPath ? '' : ` (${missingDataMessage(...ICD_PARTS)})`}`,
  () => {
    const icd = new Map<string, { billable: boolean; title: string }>();
    if (icdPath) {
      const [head, ...records] = parseCsv(readFileSync(icdPath, 'utf8'));
      const col = (name: string): number => head!.indexOf(name);
      const [cCode, cBill, cLong] = [
        col('icd10cm_code'),
        col('valid_billing_code'),
        col('icd10cm_long_description'),
      ];
      for (const rec of records) {
        if (rec.length < 3) continue;
        icd.set(rec[cCode]!, { billable: Number(rec[cBill]) === 1, title: rec[cLong]! });
      }
    }

    it('loads the order file', () => {
      expect(icd.size).toBeGreaterThan(90_000);
    });

    it('has every code present and billable (all starter ICD-10-CM codes are claimed billable)', () => {
      const bad: string[] = [];
      for (const { row, code } of codesOf('icd10cm')) {
        const entry = icd.get(code.replace('.', ''));
        if (!entry) bad.push(`${where(row)}: ${code} does not exist in FY2022`);
        else if (!entry.billable) bad.push(`${where(row)}: ${code} is not billable (${entry.title})`);
      }
      expectNone(bad, 'ICD-10-CM codes missing or not billable');
    });

    it('has titles consistent with the concepts', () => {
      const bad: string[] = [];
      for (const { row, code } of codesOf('icd10cm')) {
        const entry = icd.get(code.replace('.', ''));
        if (!entry || ICD_TITLE_CHECKED[`${row.id} ${code}`]) continue;
        const concept = conceptText(row).flatMap((t) => significant(t));
        if (!sharesStem(significant(entry.title), concept)) {
          bad.push(`${where(row)}: ${code} '${entry.title}' vs '${row.preferred}'`);
        }
      }
      expectNone(bad, 'ICD-10-CM titles inconsistent with the concept');
    });

    it('can tell a wrong code from a right one', () => {
      const title = significant(icd.get('I10')!.title); // Essential (primary) hypertension
      expect(sharesStem(title, significant('Hypertension'))).toBe(true);
      expect(sharesStem(title, significant('Asthma'))).toBe(false);
      expect(
        sharesStem(significant(icd.get('J45909')!.title), significant('Hypertensive heart disease')),
      ).toBe(false);
    });

    it('has no stale hand-checked title exceptions', () => {
      const used = new Set(codesOf('icd10cm').map(({ row, code }) => `${row.id} ${code}`));
      expect(Object.keys(ICD_TITLE_CHECKED).filter((k) => !used.has(k))).toEqual([]);
    });
  },
);

const RX_PARTS = ['drugs', 'RxTermsIngredients202304.txt'];
const rxPath = sharedDataPath(...RX_PARTS);

describe.skipIf(!rxPath)(
  `RxNorm codes vs RxTerms ingredients${rxPath ? '' : ` (${missingDataMessage(...RX_PARTS)})`}`,
  () => {
    // RXCUI|INGREDIENT|ING_RXCUI: one row per clinical drug and ingredient.
    const ingredients = new Map<string, string>();
    if (rxPath) {
      const lines = readFileSync(rxPath, 'utf8').split(/\r?\n/);
      const head = lines[0]!.split('|');
      const [cName, cCui] = [head.indexOf('INGREDIENT'), head.indexOf('ING_RXCUI')];
      for (const line of lines.slice(1)) {
        const f = line.split('|');
        if (f.length > cCui && f[cCui]) ingredients.set(f[cCui]!, f[cName]!);
      }
    }

    it('loads the ingredients', () => {
      expect(ingredients.size).toBeGreaterThan(1000);
    });

    it('has every RxCUI an ingredient with a name consistent with the concept', () => {
      const bad: string[] = [];
      for (const { row, code } of codesOf('rxnorm')) {
        const name = ingredients.get(code);
        if (name === undefined) {
          bad.push(`${where(row)}: rxnorm:${code} is not an RxTerms ingredient`);
          continue;
        }
        // 'USP' (pharmacopeia grade) is not part of the name.
        const official = new Set(words(name).filter((w) => w !== 'usp'));
        const concept = new Set(conceptText(row).flatMap(words));
        const officialInConcept = [...official].every((w) => concept.has(w));
        const preferredInOfficial = words(row.preferred).every((w) => official.has(w));
        if (!officialInConcept && !preferredInOfficial) {
          bad.push(`${where(row)}: rxnorm:${code} is '${name}', not '${row.preferred}'`);
        }
      }
      expectNone(bad, 'RxNorm codes wrong or inconsistent');
    });
  },
);

const LOINC_PARTS = ['loinc', 'LOINC_1.6_Top2000CommonLabResultsUS.csv'];
const loincPath = sharedDataPath(...LOINC_PARTS);

describe.skipIf(!loincPath)(
  `LOINC codes vs the LOINC Top 2000 (US)${loincPath ? '' : ` (${missingDataMessage(...LOINC_PARTS)})`}`,
  () => {
    const loinc = new Map<string, { long: string; short: string }>();
    if (loincPath) {
      const [head, ...records] = parseCsv(readFileSync(loincPath, 'latin1'));
      const [cCode, cLong, cShort] = [
        head!.indexOf('LOINC #'),
        head!.indexOf('Long Common Name'),
        head!.indexOf('Short Name'),
      ];
      for (const rec of records) {
        if (rec[cCode])
          loinc.set(rec[cCode]!.trim(), { long: rec[cLong]!.trim(), short: rec[cShort]!.trim() });
      }
    }

    it('loads the Top 2000', () => {
      expect(loinc.size).toBeGreaterThan(1900);
    });

    it('has every code in the Top 2000 with a component consistent with the concept', () => {
      const bad: string[] = [];
      for (const { row, code } of codesOf('loinc')) {
        const entry = loinc.get(code);
        if (!entry) {
          bad.push(`${where(row)}: loinc:${code} is not in the Top 2000 (US)`);
          continue;
        }
        // The component is the Long Common Name up to the property in brackets (or " in <system>");
        // the Short Name's first token is the lab's own abbreviation (Hgb, Creat, BUN...).
        // For "<organism> identified in <system> by Culture" the system names the test (blood culture).
        const component = entry.long.split(/\s\[|\sin\s/)[0]!;
        const system = / identified$/.test(component)
          ? (/\sin\s(.+?)(\sby\s|$)/.exec(entry.long)?.[1] ?? '')
          : '';
        const short = words(entry.short.split(/\s/)[0]!).filter((w) => w.length >= 2);
        const official = [...significant(component, LAB_STOPWORDS), ...words(system), ...short];
        const concept = conceptText(row).flatMap(words);
        if (!sharesStem(official, concept)) {
          bad.push(`${where(row)}: loinc:${code} '${entry.long}' (${entry.short}) vs '${row.preferred}'`);
        }
      }
      expectNone(bad, 'LOINC codes missing or inconsistent');
    });
  },
);

const HCPCS_PARTS = ['hcpcs', 'HCPC2020_ANWEB_w_disclaimer.txt'];
const hcpcsPath = sharedDataPath(...HCPCS_PARTS);

describe.skipIf(!hcpcsPath)(
  `HCPCS codes vs the HCPCS 2020 file${hcpcsPath ? '' : ` (${missingDataMessage(...HCPCS_PARTS)})`}`,
  () => {
    // Fixed width: code in columns 1-5, sequence number in 6-10, long description from column 12.
    const hcpcs = new Map<string, string>();
    if (hcpcsPath) {
      for (const line of readFileSync(hcpcsPath, 'latin1').split(/\r?\n/)) {
        const code = line.slice(0, 5);
        if (/^[A-V][0-9]{4}$/.test(code) && !hcpcs.has(code)) hcpcs.set(code, line.slice(11, 91).trim());
      }
    }

    it('loads the HCPCS file', () => {
      expect(hcpcs.size).toBeGreaterThan(5000);
    });

    it('has every code present, with a description consistent with the concept', () => {
      const bad: string[] = [];
      for (const { row, code } of codesOf('hcpcs')) {
        const title = hcpcs.get(code);
        if (title === undefined) bad.push(`${where(row)}: hcpcs:${code} does not exist`);
        else if (
          !sharesStem(
            significant(title),
            conceptText(row).flatMap((t) => significant(t)),
          )
        ) {
          bad.push(`${where(row)}: hcpcs:${code} '${title}' vs '${row.preferred}'`);
        }
      }
      expectNone(bad, 'HCPCS codes missing or inconsistent');
    });
  },
);

/**
 * NegEx test-kit reader (Chapman et al.): tab-separated rows of a condition, the sentence that holds it
 * and its gold assertion values. The main file (`rsAnnotations-1-120-random.txt`) reads:
 *
 *   line number<TAB>Condition<TAB>sentence<TAB>negation_status ...<TAB>temporality ...<TAB>experiencer ...
 *
 * Columns are found by their header names (`Condition`/`Concept`, `sentence`, `negation`, `temporality`,
 * `experiencer`, `line number`/`id`, `report`), so the variants of the kit read too (e.g.
 * `Report No.<TAB>Concept<TAB>Sentence<TAB>Negation`). A file without a header row is read by position:
 * 6 columns as the main file, 7 with a report column second. Fields wrapped in double quotes are unquoted.
 *
 * Inside the sentence the condition is upper-cased; `conditionSpan` locates it (the upper-cased
 * occurrence first, then case-insensitively, then with any run of whitespace matching any other).
 * Values are kept as written (`Affirmed`, `Negated`, `Possible`; `Recent`, `Historical`, `Not particular`
 * (hypothetical); `Patient`, `Other`, `Family member`); `normalizeNegation` & co. give canonical values.
 */
import { readFileSync } from 'node:fs';
import { ClinoteError } from '../errors/error.js';

export type NegexNegation = 'Affirmed' | 'Negated' | 'Possible' | (string & {});
export type NegexTemporality = 'Recent' | 'Historical' | 'Hypothetical' | 'Not particular' | (string & {});
export type NegexExperiencer = 'Patient' | 'Other' | 'Family member' | (string & {});

export interface NegexRow {
  /** The row id (the `line number` column), or the 1-based data row number when there is no id column. */
  readonly id: string;
  /** The report id, when the file has that column. */
  readonly report?: string;
  readonly condition: string;
  readonly sentence: string;
  readonly negation: NegexNegation;
  /** Absent when the file has no temporality column. */
  readonly temporality?: NegexTemporality;
  /** Absent when the file has no experiencer column. */
  readonly experiencer?: NegexExperiencer;
  /** Where the condition is in the sentence (half-open, UTF-16); absent when it is not found. */
  readonly conditionSpan?: { readonly start: number; readonly end: number };
}

export interface NegexFile {
  readonly rows: NegexRow[];
  /** Rows whose condition was not found in the sentence. */
  readonly conditionNotFound: number;
  /** Rows that could not be read (1-based line number and why). */
  readonly problems: { line: number; reason: string }[];
}

type Column = 'id' | 'report' | 'condition' | 'sentence' | 'negation' | 'temporality' | 'experiencer';

const HEADER_PATTERNS: readonly [Column, RegExp][] = [
  ['report', /^report/i],
  ['id', /^(line( number)?|id|row|#)\b/i],
  ['condition', /^(condition|concept|target)/i],
  ['sentence', /^sentence/i],
  ['negation', /^negation/i],
  ['temporality', /^temporal/i],
  ['experiencer', /^experiencer/i],
];

const POSITIONAL: Record<number, readonly Column[]> = {
  6: ['id', 'condition', 'sentence', 'negation', 'temporality', 'experiencer'],
  7: ['id', 'report', 'condition', 'sentence', 'negation', 'temporality', 'experiencer'],
};

function unquote(field: string): string {
  const f = field.trim();
  return f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where `condition` is in `sentence`: the upper-cased occurrence, else any case, else any spacing. */
export function findCondition(
  sentence: string,
  condition: string,
): { start: number; end: number } | undefined {
  const c = condition.trim();
  if (c === '') return undefined;
  const upper = sentence.indexOf(c.toUpperCase());
  if (upper >= 0) return { start: upper, end: upper + c.toUpperCase().length };
  const lower = sentence.toLowerCase().indexOf(c.toLowerCase());
  if (lower >= 0 && sentence.length === sentence.toLowerCase().length)
    return { start: lower, end: lower + c.length };
  const pattern = c.split(/\s+/).map(escapeRegExp).join('\\s+');
  const m = new RegExp(pattern, 'i').exec(sentence);
  return m ? { start: m.index, end: m.index + m[0].length } : undefined;
}

export function parseNegexTsv(content: string): NegexFile {
  const lines = content.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const problems: { line: number; reason: string }[] = [];
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return { rows: [], conditionNotFound: 0, problems };
  const headerFields = (lines[first] as string).split('\t').map(unquote);

  let columns: (Column | null)[];
  let dataStart: number;
  const named = headerFields.map((h) => HEADER_PATTERNS.find(([, re]) => re.test(h))?.[0] ?? null);
  if (named.includes('condition') && named.includes('sentence')) {
    columns = named;
    dataStart = first + 1;
  } else {
    const positional = POSITIONAL[headerFields.length];
    if (!positional) {
      throw new ClinoteError(
        'CLINOTE_E_EVAL_DATA_MALFORMED',
        `NegEx TSV: no header row naming the condition and sentence columns, and ${headerFields.length} columns is not a known layout`,
        { columns: headerFields.length },
      );
    }
    columns = [...positional];
    dataStart = first;
  }
  const at = (c: Column): number => columns.indexOf(c);
  for (const required of ['condition', 'sentence', 'negation'] as const) {
    if (at(required) < 0) {
      throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `NegEx TSV: no '${required}' column`, {
        column: required,
      });
    }
  }

  const rows: NegexRow[] = [];
  let conditionNotFound = 0;
  let dataRow = 0;
  for (let i = dataStart; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    dataRow++;
    const f = line.split('\t');
    const get = (c: Column): string | undefined => {
      const k = at(c);
      return k >= 0 && k < f.length ? unquote(f[k] as string) : undefined;
    };
    const condition = get('condition');
    const sentence = get('sentence');
    const negation = get('negation');
    if (condition === undefined || sentence === undefined || negation === undefined) {
      problems.push({ line: i + 1, reason: `expected ${columns.length} columns, found ${f.length}` });
      continue;
    }
    const report = get('report');
    const temporality = get('temporality');
    const experiencer = get('experiencer');
    const conditionSpan = findCondition(sentence, condition);
    if (!conditionSpan) conditionNotFound++;
    rows.push({
      id: get('id') || String(dataRow),
      ...(report !== undefined && report !== '' ? { report } : {}),
      condition,
      sentence,
      negation,
      ...(temporality !== undefined ? { temporality } : {}),
      ...(experiencer !== undefined ? { experiencer } : {}),
      ...(conditionSpan ? { conditionSpan } : {}),
    });
  }
  return { rows, conditionNotFound, problems };
}

export function readNegexFile(path: string): NegexFile {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `cannot read '${path}'`, { path }, { cause: e });
  }
  return parseNegexTsv(content);
}

/** Canonical negation value: `affirmed`, `negated`, `possible`, or the lower-cased value. */
export function normalizeNegation(value: string): 'affirmed' | 'negated' | 'possible' | string {
  const v = value.trim().toLowerCase();
  if (v.startsWith('affirm')) return 'affirmed';
  if (v.startsWith('negat')) return 'negated';
  if (v.startsWith('possib')) return 'possible';
  return v;
}

/** Canonical temporality value: `recent`, `historical`, `hypothetical` (the kit's `Not particular`). */
export function normalizeTemporality(value: string): 'recent' | 'historical' | 'hypothetical' | string {
  const v = value.trim().toLowerCase();
  if (v.startsWith('recent')) return 'recent';
  if (v.startsWith('histor')) return 'historical';
  if (v.startsWith('hypothet') || v === 'not particular') return 'hypothetical';
  return v;
}

/** Canonical experiencer value: `patient` or `other` (the kit's `Family member` and `Other`). */
export function normalizeExperiencer(value: string): 'patient' | 'other' | string {
  const v = value.trim().toLowerCase();
  if (v === 'patient') return 'patient';
  if (v === 'other' || v.startsWith('family')) return 'other';
  return v;
}

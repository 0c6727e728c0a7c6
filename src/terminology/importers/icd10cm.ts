/**
 * ICD-10-CM tabular codes, from either
 * - the CMS order file `icd10cm_order_YYYY.txt` (fixed width: order number cols 1-5, code 7-13,
 *   billable flag col 15, short title 17-76, long title 78 on), or
 * - a CSV export with a header naming the code, billable flag and titles, such as
 *   `order_number,icd10cm_code,valid_billing_code,icd10cm_short_description,icd10cm_long_description,...`
 *   (the billable flag `1`, `1.0`, `Y` or `true`), or `ICD10-CM-CODE,description`.
 * The format is detected from the first line. One concept per code: id `icd10cm:E11.9` (dot
 * inserted), long title preferred, short title a synonym, the code with its billable flag, the
 * nearest listed ancestor code as parent.
 */
import { ClinoteError } from '../../errors/error.js';
import type { ImportStats, SemanticType, SourceConcept } from '../types.js';
import { skip } from '../types.js';
import type { ImportOptions } from './types.js';
import { ConceptDraft, cleanText } from './util/concept.js';
import { readDelimited, readLines } from './util/text.js';

export const ICD10CM_LICENCE =
  'ICD-10-CM (CDC/NCHS, CMS): public domain, free to use; cite the release (fiscal year).';

/** `E119` -> `E11.9`; codes already dotted or of 3 characters are returned as they are. */
export function formatIcd10cm(code: string): string {
  const c = code.trim().toUpperCase().replace(/-+$/, '');
  if (c.includes('.') || c.length <= 3) return c.replace(/\.$/, '');
  return `${c.slice(0, 3)}.${c.slice(3)}`;
}

const CODE_RE = /^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$/;

/**
 * Semantic type of an ICD-10-CM code by chapter:
 * - A00-Q99, U00-U85: problem/disorder; R00-R69 problem/symptom; R70-R99 problem/finding;
 * - S00-T34, T66-T78: problem/injury; T36-T65: problem/poisoning; T79-T88: problem/complication;
 * - V00-Y99 (external causes): other/external-cause;
 * - Z00-Z99 (factors influencing health status and contact with services: history, screening,
 *   status, encounters): other/health-factor, so that `history of`, `screening for` and
 *   `encounter for` are not reported as problems.
 */
export function icd10cmType(code: string): { type: SemanticType; subtype: string } {
  const c = code.toUpperCase();
  const letter = c.charAt(0);
  const num = Number.parseInt(c.slice(1, 3), 10);
  switch (letter) {
    case 'R':
      return { type: 'problem', subtype: num <= 69 ? 'symptom' : 'finding' };
    case 'S':
      return { type: 'problem', subtype: 'injury' };
    case 'T':
      if (num >= 36 && num <= 65) return { type: 'problem', subtype: 'poisoning' };
      if (num >= 79) return { type: 'problem', subtype: 'complication' };
      return { type: 'problem', subtype: 'injury' };
    case 'V':
    case 'W':
    case 'X':
    case 'Y':
      return { type: 'other', subtype: 'external-cause' };
    case 'Z':
      return { type: 'other', subtype: 'health-factor' };
    default:
      return { type: 'problem', subtype: 'disorder' };
  }
}

export interface Row {
  readonly code: string;
  readonly billable: boolean | undefined;
  readonly short: string;
  readonly long: string;
}

/** An order-file line: order number, code (padded to 7), billable flag, titles. */
const FIXED = /^[ \d]{5} [A-Z][0-9A-Z]{2}[0-9A-Z ]{4} [01] /;

function parseFixed(line: string): Row | null {
  if (!FIXED.test(line) || line.length < 17) return null;
  const flag = line.charAt(14);
  return {
    code: line.slice(6, 13).trim(),
    billable: flag === '1' ? true : flag === '0' ? false : undefined,
    short: line.slice(16, 76).trim(),
    long: line.slice(77).trim(),
  };
}

const HEADERS = {
  code: ['icd10cm_code', 'icd10-cm-code', 'icd10cm', 'code', 'diagnosis_code', 'icd_code'],
  billable: ['valid_billing_code', 'billable', 'valid_for_hipaa', 'is_billable', 'header'],
  short: ['icd10cm_short_description', 'short_description', 'short_title', 'short'],
  long: ['icd10cm_long_description', 'long_description', 'long_title', 'description', 'title', 'long'],
} as const;

function column(header: readonly string[], names: readonly string[]): number {
  for (const n of names) {
    const i = header.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

function parseFlag(s: string | undefined, invert: boolean): boolean | undefined {
  if (s === undefined) return undefined;
  const v = s.trim().toLowerCase();
  if (v === '') return undefined;
  const yes = v === '1' || v === '1.0' || v === 'y' || v === 'yes' || v === 'true';
  const no = v === '0' || v === '0.0' || v === 'n' || v === 'no' || v === 'false';
  if (!yes && !no) return undefined;
  return invert ? no : yes;
}

/** The rows of an order file (fixed width or CSV): code, billable flag, titles; null for an unreadable line. */
export async function* icd10cmRows(path: string): AsyncGenerator<Row | null> {
  yield* rows(path);
}

async function* rows(path: string): AsyncGenerator<Row | null> {
  let first: string | undefined;
  for await (const line of readLines(path)) {
    if (line.trim() !== '') {
      first = line;
      break;
    }
  }
  if (first === undefined) return;
  if (FIXED.test(first)) {
    for await (const line of readLines(path)) {
      if (line.trim() === '') continue;
      yield parseFixed(line);
    }
    return;
  }
  let header: string[] | null = null;
  let idx = { code: -1, billable: -1, short: -1, long: -1 };
  let invertFlag = false;
  for await (const { cells } of readDelimited(path, { delimiter: first.includes('\t') ? '\t' : ',' })) {
    if (header === null) {
      header = cells.map((h) => h.trim().toLowerCase());
      idx = {
        code: column(header, HEADERS.code),
        billable: column(header, HEADERS.billable),
        short: column(header, HEADERS.short),
        long: column(header, HEADERS.long),
      };
      invertFlag = header[idx.billable] === 'header';
      if (idx.code < 0 || (idx.long < 0 && idx.short < 0)) {
        throw new ClinoteError(
          'CLINOTE_E_TERMINOLOGY_UNKNOWN_FORMAT',
          `${path}: not an ICD-10-CM order file (fixed width) nor a CSV with a code and a title column`,
          { path, header: cells.slice(0, 10) },
        );
      }
      continue;
    }
    yield {
      code: (cells[idx.code] ?? '').trim(),
      billable: parseFlag(idx.billable >= 0 ? cells[idx.billable] : undefined, invertFlag),
      short: idx.short >= 0 ? (cells[idx.short] ?? '').trim() : '',
      long: idx.long >= 0 ? (cells[idx.long] ?? '').trim() : '',
    };
  }
}

/** Version from a file name: `icd10cm_order_2025.txt` -> `2025`, `..._FY2022_...` -> `FY2022`. */
export function versionFromName(path: string): string | undefined {
  const base = path.split(/[\\/]/).pop() ?? path;
  const m = /(FY ?\d{4}|\d{4})/i.exec(base);
  return m ? m[1]!.replace(' ', '').toUpperCase() : undefined;
}

export async function* importIcd10cm(
  path: string,
  stats: ImportStats,
  options: ImportOptions = {},
): AsyncGenerator<SourceConcept> {
  stats.licence = ICD10CM_LICENCE;
  const version = versionFromName(path);
  if (version !== undefined) stats.version = version;
  const includeNonBillable = options.includeNonBillable ?? true;
  const seen = new Set<string>();
  for await (const row of rows(path)) {
    stats.read++;
    if (row === null) {
      skip(stats, 'malformed');
      continue;
    }
    const raw = row.code.replace(/\./g, '').toUpperCase();
    if (!CODE_RE.test(raw)) {
      skip(stats, 'bad-code');
      continue;
    }
    const long = cleanText(row.long) || cleanText(row.short);
    if (long === '') {
      skip(stats, 'no-title');
      continue;
    }
    if (row.billable === false && !includeNonBillable) {
      skip(stats, 'non-billable');
      seen.add(raw);
      continue;
    }
    const code = formatIcd10cm(raw);
    const { type, subtype } = icd10cmType(raw);
    const d = new ConceptDraft(`icd10cm:${code}`, 'icd10cm', type, subtype);
    d.addTerm(long, 'preferred');
    if (row.short !== '') d.addTerm(row.short, 'synonym');
    d.addCode('icd10cm', code, {
      display: long,
      ...(row.billable !== undefined ? { billable: row.billable } : {}),
    });
    for (let n = raw.length - 1; n >= 3; n--) {
      const p = raw.slice(0, n);
      if (seen.has(p)) {
        d.addParent(`icd10cm:${formatIcd10cm(p)}`);
        break;
      }
    }
    seen.add(raw);
    stats.imported++;
    yield d.build();
  }
}

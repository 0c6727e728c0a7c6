/**
 * LOINC CSV files, the columns found by name in the header:
 * - the LOINC Top 2000 common lab results (`LOINC #, Long Common Name, Short Name, CLASS, Rank`);
 * - the full LOINC table `Loinc.csv` (`LOINC_NUM, COMPONENT, PROPERTY, ..., CLASS, ..., STATUS,
 *   ..., SHORTNAME, ..., LONG_COMMON_NAME, ..., RELATEDNAMES2, ..., CLASSTYPE, ..., DisplayName,
 *   CONSUMER_NAME ...`).
 * One concept per LOINC code: id `loinc:2345-7`, type lab (subtype `test`; CLASSTYPE 2, clinical
 * observations such as vital signs: subtype `clinical`; CLASSTYPE 3 and 4, claims attachments and
 * surveys, are skipped with reason `class-type`), DEPRECATED codes skipped (`deprecated`).
 * Terms: LONG_COMMON_NAME (preferred), DisplayName (synonym), CONSUMER_NAME (lay), SHORTNAME
 * (abbreviation), the component (`Hemoglobin`, `Carbon dioxide, total`; taken from COMPONENT, or
 * from the long name before `[` or ` in `) as a related term when it is short, and the first word of
 * the short name as an abbreviation when it is an acronym (`BUN`, `ALT`, `Hgb`).
 */
import { ClinoteError } from '../../errors/error.js';
import type { ImportStats, SourceConcept } from '../types.js';
import { skip } from '../types.js';
import type { ImportOptions } from './types.js';
import { ConceptDraft, cleanText } from './util/concept.js';
import { readDelimited } from './util/text.js';

/** The notice LOINC's licence requires to be kept with LOINC content. */
export const LOINC_NOTICE =
  'This material contains content from LOINC (http://loinc.org). LOINC is copyright (c) Regenstrief Institute, Inc. and the Logical Observation Identifiers Names and Codes (LOINC) Committee and is available at no cost under the license at http://loinc.org/license. LOINC(R) is a registered United States trademark of Regenstrief Institute, Inc.';

const COLUMNS = {
  code: ['loinc_num', 'loinc #', 'loinc', 'loinc_code', 'loincnumber', 'code'],
  long: ['long_common_name', 'long common name', 'longcommonname'],
  short: ['shortname', 'short name', 'short_name'],
  component: ['component'],
  display: ['displayname', 'display name', 'display_name'],
  consumer: ['consumer_name', 'consumer name'],
  related: ['relatednames2', 'related names 2'],
  status: ['status'],
  classType: ['classtype', 'class type'],
} as const;

type Col = keyof typeof COLUMNS;

const CODE = /^\d{1,7}-\d$/;

/** The analyte of a LOINC name: `Hemoglobin [Mass/volume] in Blood` -> `Hemoglobin`. */
export function loincComponent(name: string): string {
  let c = name.split('^')[0]!;
  const bracket = c.indexOf('[');
  if (bracket > 0) c = c.slice(0, bracket);
  c = c.replace(/\s+(?:in|of|by)\s+.*$/, '');
  return cleanText(c.replace(/\./g, ' '));
}

export async function* importLoinc(
  path: string,
  stats: ImportStats,
  options: ImportOptions = {},
): AsyncGenerator<SourceConcept> {
  stats.licence = LOINC_NOTICE;
  const m = /LOINC[_ ]?(\d+(?:\.\d+)?)/i.exec(path.split(/[\\/]/).pop() ?? '');
  if (m) stats.version = m[1]!;
  let idx: Record<Col, number> | null = null;
  const seen = new Set<string>();
  for await (const { cells } of readDelimited(path, { delimiter: ',' })) {
    if (idx === null) {
      const header = cells.map((h) =>
        h
          .replace(/^\uFEFF/, '')
          .trim()
          .toLowerCase(),
      );
      const find = (names: readonly string[]) => {
        for (const n of names) {
          const i = header.indexOf(n);
          if (i >= 0) return i;
        }
        return -1;
      };
      idx = Object.fromEntries(Object.entries(COLUMNS).map(([k, names]) => [k, find(names)])) as Record<
        Col,
        number
      >;
      if (idx.code < 0 || (idx.long < 0 && idx.component < 0)) {
        throw new ClinoteError(
          'CLINOTE_E_TERMINOLOGY_UNKNOWN_FORMAT',
          `${path}: not a LOINC table (no LOINC code or name column)`,
          { path, header: cells.slice(0, 10) },
        );
      }
      continue;
    }
    const get = (c: Col): string => {
      const i = idx![c];
      return i >= 0 ? cleanText(cells[i] ?? '') : '';
    };
    stats.read++;
    const code = get('code');
    if (!CODE.test(code)) {
      skip(stats, 'bad-code');
      continue;
    }
    if (get('status').toUpperCase() === 'DEPRECATED' && !options.includeObsolete) {
      skip(stats, 'deprecated');
      continue;
    }
    const classType = get('classType');
    if (classType === '3' || classType === '4') {
      skip(stats, 'class-type');
      continue;
    }
    if (seen.has(code)) {
      skip(stats, 'duplicate');
      continue;
    }
    seen.add(code);
    const long = get('long');
    const componentRaw = get('component');
    const component = componentRaw !== '' ? loincComponent(componentRaw) : loincComponent(long);
    const preferred = long !== '' ? long : componentRaw;
    const d = new ConceptDraft(`loinc:${code}`, 'loinc', 'lab', classType === '2' ? 'clinical' : 'test');
    d.addTerm(preferred, 'preferred');
    d.addTerm(get('display'), 'synonym');
    d.addTerm(get('consumer'), 'lay');
    const short = get('short');
    d.addTerm(short, 'abbreviation');
    if (component !== '' && component.split(' ').length <= 4 && !component.includes('/')) {
      d.addTerm(component, 'related');
    }
    const firstWord = short.split(' ')[0] ?? '';
    if (/^[A-Za-z][A-Za-z0-9]{1,6}$/.test(firstWord) && /[A-Z].*[A-Z]|^[A-Z][a-z]{1,3}$/.test(firstWord)) {
      if (firstWord.toLowerCase() !== component.toLowerCase()) d.addTerm(firstWord, 'abbreviation');
    }
    if (options.relatedNames) {
      for (const r of get('related').split(';')) d.addTerm(r, 'related');
    }
    d.addCode('loinc', code, { display: preferred });
    stats.imported++;
    yield d.build();
  }
}

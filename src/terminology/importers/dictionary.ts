/**
 * Custom dictionaries (importer `csv`): CSV (`.csv`, RFC 4180 quotes) or TSV (`.tsv`, `.tab`, no
 * quoting), a header row required, lines starting with `#` are comments. Two layouts, told apart
 * by the header:
 *
 * - one row per term: `term, concept_id, type` (+ optional `codes`, `preferred`, `subtype`);
 *   rows with the same concept_id merge into one concept. `preferred` is either a flag (y, yes,
 *   true, 1, x: this row's term is the preferred name) or the preferred name itself;
 * - one row per concept: `concept_id, type, terms` (+ optional `subtype`, `preferred`, `codes`);
 *   the preferred name defaults to the first term.
 *
 * `terms` (and `term`) are `|`-separated; a term may carry a kind prefix `abbr:`, `brand:` or
 * `lay:` (`abbr:T2DM`). `codes` are `|`-separated `system:code` or `system:code=display`, system
 * one of the CodeSystem names (aliases: snomedct, snomedct_us -> snomed; lnc -> loinc; msh ->
 * mesh; cui -> umls); ICD-10-CM codes get their dot (`E119` -> `E11.9`). `type` is a SemanticType.
 *
 * Concept ids get the source prefix (`custom:` by default, option `source`). Bad rows are skipped
 * and counted by reason (missing-concept-id, bad-type, missing-term, bad-code, type-conflict);
 * only an unusable header throws (CLINOTE_E_TERMINOLOGY_BAD_HEADER).
 */

import { ClinoteError } from '../../errors/error.js';
import type { CodeSystem, ImportStats, SemanticType, SourceConcept, TermKind } from '../types.js';
import { isSemanticType, skip } from '../types.js';
import { formatIcd10cm } from './icd10cm.js';
import type { ImportOptions } from './types.js';
import { ConceptDraft, cleanText, lookup } from './util/concept.js';
import { readDelimited, readLines } from './util/text.js';

export const DICTIONARY_LICENCE = 'as stated by the dictionary author';

const SYSTEMS: Record<string, CodeSystem> = {
  icd10cm: 'icd10cm',
  icd10pcs: 'icd10pcs',
  rxnorm: 'rxnorm',
  loinc: 'loinc',
  lnc: 'loinc',
  doid: 'doid',
  hpo: 'hpo',
  mesh: 'mesh',
  msh: 'mesh',
  omim: 'omim',
  umls: 'umls',
  cui: 'umls',
  snomed: 'snomed',
  snomedct: 'snomed',
  snomedct_us: 'snomed',
  hcpcs: 'hcpcs',
  custom: 'custom',
};

const PREFIXES: Record<string, TermKind> = { abbr: 'abbreviation', brand: 'brand', lay: 'lay' };

/** `abbr:T2DM` -> {abbreviation, T2DM}; a term without a known prefix is a synonym. */
export function parseTerm(entry: string): { text: string; kind: TermKind } {
  const m = /^([A-Za-z]+):(.*)$/.exec(entry.trim());
  if (m) {
    const kind = lookup(PREFIXES, m[1]!.toLowerCase());
    if (kind) return { text: cleanText(m[2]!), kind };
  }
  return { text: cleanText(entry), kind: 'synonym' };
}

export interface ParsedCode {
  readonly system: CodeSystem;
  readonly code: string;
  readonly display?: string;
}

/** `icd10cm:E11.9=Type 2 diabetes mellitus` -> a code; null when the system is unknown or the code empty. */
export function parseCode(entry: string): ParsedCode | null {
  const e = entry.trim();
  const colon = e.indexOf(':');
  if (colon <= 0) return null;
  const system = lookup(SYSTEMS, e.slice(0, colon).trim().toLowerCase());
  if (!system) return null;
  const rest = e.slice(colon + 1);
  const eq = rest.indexOf('=');
  let code = cleanText(eq >= 0 ? rest.slice(0, eq) : rest);
  const display = eq >= 0 ? cleanText(rest.slice(eq + 1)) : '';
  if (code === '') return null;
  if (system === 'icd10cm') code = formatIcd10cm(code);
  return display !== '' ? { system, code, display } : { system, code };
}

function splitList(s: string): string[] {
  return s
    .split('|')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

const FLAG = /^(?:y|yes|true|1|x|preferred)$/i;

function delimiterFor(path: string, firstLine: string): { delimiter: string; quotes: boolean } {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.tsv') || name.endsWith('.tab')) return { delimiter: '\t', quotes: false };
  if (name.endsWith('.csv')) return { delimiter: ',', quotes: true };
  return firstLine.includes('\t') ? { delimiter: '\t', quotes: false } : { delimiter: ',', quotes: true };
}

export async function* importDictionary(
  path: string,
  stats: ImportStats,
  options: ImportOptions = {},
): AsyncGenerator<SourceConcept> {
  const source = options.source ?? 'custom';
  stats.licence ??= DICTIONARY_LICENCE;
  let first = '';
  for await (const line of readLines(path)) {
    if (line.trim() !== '' && !line.startsWith('#')) {
      first = line;
      break;
    }
  }
  const { delimiter, quotes } = delimiterFor(path, first);
  const drafts = new Map<string, ConceptDraft>();
  let header: string[] | null = null;
  let col: (name: string) => number = () => -1;
  let perTerm = false;

  for await (const { line, cells } of readDelimited(path, { delimiter, quotes, comments: true })) {
    if (header === null) {
      header = cells.map((h) =>
        h
          .replace(/^\uFEFF/, '')
          .trim()
          .toLowerCase(),
      );
      const h = header;
      col = (name) => h.indexOf(name);
      perTerm = col('term') >= 0;
      const required = perTerm ? ['term', 'concept_id', 'type'] : ['concept_id', 'type', 'terms'];
      const missing = required.filter((r) => col(r) < 0);
      if (missing.length > 0) {
        throw new ClinoteError(
          'CLINOTE_E_TERMINOLOGY_BAD_HEADER',
          `${path}: the header lacks ${missing.join(', ')} (one row per term: term, concept_id, type[, codes, preferred, subtype]; one row per concept: concept_id, type, subtype, preferred, terms, codes)`,
          { path, line, missing },
        );
      }
      continue;
    }
    stats.read++;
    const get = (name: string): string => {
      const i = col(name);
      return i >= 0 ? (cells[i] ?? '').trim() : '';
    };
    const localId = get('concept_id');
    if (localId === '') {
      skip(stats, 'missing-concept-id');
      continue;
    }
    const type = get('type').toLowerCase();
    if (!isSemanticType(type)) {
      skip(stats, 'bad-type');
      continue;
    }
    const terms = splitList(perTerm ? get('term') : get('terms'))
      .map(parseTerm)
      .filter((t) => t.text !== '');
    const preferredCell = cleanText(get('preferred'));
    const preferredFlag = perTerm && FLAG.test(preferredCell);
    const preferredName = preferredFlag ? '' : preferredCell;
    if (terms.length === 0 && preferredName === '') {
      skip(stats, 'missing-term');
      continue;
    }
    const codes: ParsedCode[] = [];
    let badCode = false;
    for (const entry of splitList(get('codes'))) {
      const c = parseCode(entry);
      if (c) codes.push(c);
      else badCode = true;
    }
    if (badCode) {
      skip(stats, 'bad-code');
      continue;
    }
    const id = localId.startsWith(`${source}:`) ? localId : `${source}:${localId}`;
    let d = drafts.get(id);
    if (d && d.type !== type) {
      skip(stats, 'type-conflict');
      continue;
    }
    const subtype = get('subtype');
    if (!d) {
      d = new ConceptDraft(id, source, type as SemanticType, subtype !== '' ? subtype : undefined);
      drafts.set(id, d);
    } else if (d.subtype === undefined && subtype !== '') {
      d.subtype = subtype;
    }
    if (preferredName !== '') d.addTerm(preferredName, 'preferred');
    terms.forEach((t, i) => {
      const asPreferred =
        t.kind === 'synonym' && ((preferredFlag && i === 0) || (!perTerm && preferredName === '' && i === 0));
      d.addTerm(t.text, asPreferred ? 'preferred' : t.kind);
    });
    for (const c of codes) d.addCode(c.system, c.code, c.display !== undefined ? { display: c.display } : {});
  }
  if (header === null) {
    throw new ClinoteError('CLINOTE_E_TERMINOLOGY_BAD_HEADER', `${path}: no header row`, { path });
  }
  for (const d of drafts.values()) {
    stats.imported++;
    yield d.build();
  }
}

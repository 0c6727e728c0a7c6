/**
 * UMLS Metathesaurus (users bring their own licensed copy): a directory holding MRCONSO.RRF and
 * MRSTY.RRF (directly or under META/).
 *
 * MRCONSO: CUI|LAT|TS|LUI|STT|SUI|ISPREF|AUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF|
 * MRSTY:   CUI|TUI|STN|STY|ATUI|CVF|
 *
 * Both files are sorted by CUI in a release, so they are merge-joined while streaming: one CUI's
 * rows at a time, never the whole file in memory (a file out of order stops the import with
 * CLINOTE_E_TERMINOLOGY_UNSORTED_INPUT). Kept rows: LAT in `languages` (ENG), SUPPRESS N, SAB in
 * `sabs` (default UMLS_DEFAULT_SABS; `all` keeps every source). One concept per CUI (id
 * `umls:<CUI>`): the preferred name (TS=P, STT=PF, ISPREF=Y) first, the other strings as synonyms
 * (TTY AB/ACR/... abbreviations, BN brands, CHV/MEDLINEPLUS lay), codes `umls:<CUI>` plus
 * SAB/CODE for ICD10CM, ICD10PCS, RXNORM, LNC, MSH, SNOMEDCT_US, OMIM, HPO, HCPCS. The type comes
 * from the semantic types (TUI_TYPES); CUIs with none of those types are skipped
 * (`semantic-type`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClinoteError } from '../../errors/error.js';
import type { CodeSystem, ImportStats, SemanticType, SourceConcept, TermKind } from '../types.js';
import { skip } from '../types.js';
import type { ImportOptions } from './types.js';
import { ConceptDraft, lookup } from './util/concept.js';
import { readLines, splitPipe } from './util/text.js';

export const UMLS_LICENCE =
  'UMLS Metathesaurus: licensed (UMLS Metathesaurus License Agreement); each source vocabulary keeps its own restrictions. Bring your own copy.';

/** Semantic type TUIs -> Clinote types, in precedence order (a CUI takes its first match). */
export const TUI_TYPES: readonly (readonly [string, SemanticType, string])[] = [
  ['T200', 'medication', 'clinical-drug'],
  ['T121', 'medication', 'substance'],
  ['T195', 'medication', 'antibiotic'],
  ['T127', 'medication', 'vitamin'],
  ['T047', 'problem', 'disorder'],
  ['T191', 'problem', 'disorder'],
  ['T048', 'problem', 'disorder'],
  ['T046', 'problem', 'disorder'],
  ['T019', 'problem', 'disorder'],
  ['T020', 'problem', 'disorder'],
  ['T190', 'problem', 'disorder'],
  ['T049', 'problem', 'disorder'],
  ['T037', 'problem', 'injury'],
  ['T184', 'problem', 'symptom'],
  ['T033', 'problem', 'finding'],
  ['T059', 'lab', 'test'],
  ['T034', 'lab', 'result'],
  ['T201', 'lab', 'clinical'],
  ['T060', 'procedure', 'diagnostic'],
  ['T061', 'procedure', 'therapeutic'],
  ['T058', 'procedure', 'service'],
  ['T074', 'device', 'device'],
  ['T203', 'device', 'drug-delivery'],
  ['T075', 'device', 'research'],
  ['T023', 'anatomy', 'body-part'],
  ['T029', 'anatomy', 'region'],
  ['T030', 'anatomy', 'space'],
  ['T024', 'anatomy', 'tissue'],
  ['T022', 'anatomy', 'body-system'],
  ['T031', 'anatomy', 'substance'],
];
const TUI_RANK = new Map(TUI_TYPES.map(([tui], i) => [tui, i]));

/** Sources kept by default: clinical vocabularies and consumer (lay) vocabularies. */
export const UMLS_DEFAULT_SABS: readonly string[] = [
  'SNOMEDCT_US',
  'ICD10CM',
  'ICD10PCS',
  'RXNORM',
  'LNC',
  'MSH',
  'MTH',
  'NCI',
  'HPO',
  'OMIM',
  'MEDLINEPLUS',
  'CHV',
  'HCPCS',
  'MEDCIN',
];

const SAB_SYSTEMS: Record<string, CodeSystem> = {
  ICD10CM: 'icd10cm',
  ICD10PCS: 'icd10pcs',
  RXNORM: 'rxnorm',
  LNC: 'loinc',
  MSH: 'mesh',
  SNOMEDCT_US: 'snomed',
  OMIM: 'omim',
  HPO: 'hpo',
  HCPCS: 'hcpcs',
};
const ABBREVIATION_TTYS = new Set(['AB', 'ACR', 'AA', 'AM', 'CA2', 'CA3', 'CDA', 'OA', 'OAM', 'RAB', 'SYGB']);
const LAY_SABS = new Set(['CHV', 'MEDLINEPLUS']);

function findFile(dir: string, name: string): string {
  for (const p of [join(dir, name), join(dir, 'META', name)]) if (existsSync(p)) return p;
  throw new ClinoteError(
    'CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE',
    `${name} not found in '${dir}' (nor in its META/ folder)`,
    { path: join(dir, name) },
  );
}

function unsorted(file: string, prev: string, cui: string): never {
  throw new ClinoteError(
    'CLINOTE_E_TERMINOLOGY_UNSORTED_INPUT',
    `${file} is not sorted by CUI (${cui} after ${prev})`,
    { file, prev, cui },
  );
}

/** MRSTY rows grouped by CUI, in file order. */
async function* styGroups(path: string): AsyncGenerator<{ cui: string; tuis: string[] }> {
  let cur: { cui: string; tuis: string[] } | null = null;
  for await (const line of readLines(path)) {
    if (line === '') continue;
    const f = splitPipe(line);
    const cui = f[0] ?? '';
    const tui = f[1] ?? '';
    if (cur && cui === cur.cui) {
      cur.tuis.push(tui);
      continue;
    }
    if (cur) {
      if (cui < cur.cui) unsorted('MRSTY.RRF', cur.cui, cui);
      yield cur;
    }
    cur = { cui, tuis: [tui] };
  }
  if (cur) yield cur;
}

interface Row {
  readonly text: string;
  readonly kind: TermKind;
  readonly pref: boolean;
  readonly sab: string;
  readonly code: string;
}

export async function* importUmls(
  dir: string,
  stats: ImportStats,
  options: ImportOptions = {},
): AsyncGenerator<SourceConcept> {
  stats.licence = UMLS_LICENCE;
  const conso = findFile(dir, 'MRCONSO.RRF');
  const styPath = findFile(dir, 'MRSTY.RRF');
  const languages = new Set(options.languages ?? ['ENG']);
  const sabs = options.sabs === 'all' ? null : new Set(options.sabs ?? UMLS_DEFAULT_SABS);
  const sty = styGroups(styPath);
  let styNext = await sty.next();

  const typeOf = async (cui: string): Promise<{ type: SemanticType; subtype: string } | null> => {
    while (!styNext.done && styNext.value.cui < cui) styNext = await sty.next();
    if (styNext.done || styNext.value.cui !== cui) return null;
    let best: number | undefined;
    for (const t of styNext.value.tuis) {
      const r = TUI_RANK.get(t);
      if (r !== undefined && (best === undefined || r < best)) best = r;
    }
    if (best === undefined) return null;
    const [, type, subtype] = TUI_TYPES[best]!;
    return { type, subtype };
  };

  let cui = '';
  let rows: Row[] = [];
  const flush = async (): Promise<SourceConcept | null> => {
    if (cui === '') return null;
    if (rows.length === 0) {
      skip(stats, 'no-kept-strings');
      return null;
    }
    const t = await typeOf(cui);
    if (!t) {
      skip(stats, 'semantic-type');
      return null;
    }
    const d = new ConceptDraft(`umls:${cui}`, 'umls', t.type, t.subtype);
    const pref = rows.find((r) => r.pref) ?? rows[0]!;
    d.addTerm(pref.text, 'preferred');
    for (const r of rows) d.addTerm(r.text, r.kind);
    d.addCode('umls', cui, { display: pref.text });
    for (const r of rows) {
      const system = lookup(SAB_SYSTEMS, r.sab);
      if (system && r.code !== '' && r.code !== 'NOCODE') d.addCode(system, r.code);
    }
    stats.imported++;
    return d.build();
  };

  try {
    for await (const line of readLines(conso)) {
      if (line === '') continue;
      const f = splitPipe(line);
      const rowCui = f[0] ?? '';
      if (rowCui !== cui) {
        if (rowCui < cui) unsorted('MRCONSO.RRF', cui, rowCui);
        const c = await flush();
        if (c) yield c;
        cui = rowCui;
        rows = [];
        stats.read++; // concepts (CUIs) read
      }
      if (f.length < 17) {
        skip(stats, 'malformed-row');
        continue;
      }
      const lat = f[1] ?? '';
      const sab = f[11] ?? '';
      const suppress = f[16] ?? '';
      if (!languages.has(lat)) continue;
      if (sabs && !sabs.has(sab)) continue;
      if (suppress !== '' && suppress !== 'N' && !options.includeObsolete) continue;
      const tty = f[12] ?? '';
      const kind: TermKind = ABBREVIATION_TTYS.has(tty)
        ? 'abbreviation'
        : tty === 'BN'
          ? 'brand'
          : LAY_SABS.has(sab)
            ? 'lay'
            : 'synonym';
      rows.push({
        text: f[14] ?? '',
        kind,
        pref: f[2] === 'P' && f[4] === 'PF' && f[6] === 'Y',
        sab,
        code: f[13] ?? '',
      });
    }
    const c = await flush();
    if (c) yield c;
  } finally {
    await sty.return(undefined);
  }
}

/**
 * OBO 1.2 ontologies (plain or .gz): the Human Disease Ontology (DOID) and the Human Phenotype
 * Ontology (HPO), or any OBO file with `[Term]` stanzas.
 *
 * Per term: `id`, `name` (preferred), `synonym: "text" SCOPE [type] [xrefs]` (EXACT, RELATED,
 * NARROW, BROAD -> term kinds exact/related/narrow/broad; synonym type `layperson` -> lay,
 * `abbreviation` -> abbreviation), `xref` (ICD10CM, MESH/MSH, OMIM/MIM, UMLS_CUI/UMLS,
 * SNOMEDCT_US_*, SCTID, DOID, HP -> codes; other prefixes ignored), `is_a` (parents; `alt_id`
 * merged ids are not kept), `is_obsolete` (skipped, reason `obsolete`).
 *
 * DOID -> problem/disorder; HPO -> problem/finding, only the Phenotypic abnormality branch
 * (HP:0000118 and below; the inheritance, clinical modifier, frequency and course branches are
 * skipped with reason `outside-roots`). With `roots`, terms are buffered (ids, names, synonyms:
 * a few MB) until the is_a graph is known; without, they are streamed.
 */
import type { CodeSystem, ImportStats, SemanticType, SourceConcept, TermKind } from '../types.js';
import { skip } from '../types.js';
import type { ImportOptions } from './types.js';
import { ConceptDraft, lookup } from './util/concept.js';
import { readLines } from './util/text.js';

export const DOID_LICENCE = 'Human Disease Ontology: CC0 1.0 Universal (public domain dedication).';
export const HPO_LICENCE =
  'Human Phenotype Ontology: free to use with attribution, content not to be altered; see https://hpo.jax.org/license.';
export const HPO_PHENOTYPE_ROOT = 'HP:0000118';

interface Stanza {
  id: string;
  name: string;
  synonyms: { text: string; kind: TermKind }[];
  xrefs: string[];
  parents: string[];
  obsolete: boolean;
  /** Synonyms left out because their synonym type names a gene or protein symbol. */
  symbolSynonyms: number;
}

const SCOPES: Record<string, TermKind> = {
  EXACT: 'exact',
  RELATED: 'related',
  NARROW: 'narrow',
  BROAD: 'broad',
};
const SYNONYM_TYPES: Record<string, TermKind> = {
  layperson: 'lay',
  layperson_term: 'lay',
  abbreviation: 'abbreviation',
  acronym: 'abbreviation',
};

/** Parse an OBO quoted string at the start of `s`: [text, rest] (escapes \" \\ \n \t handled). */
export function parseQuoted(s: string): [string, string] | null {
  if (!s.startsWith('"')) return null;
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const n = s[++i]!;
      out += n === 'n' ? ' ' : n === 't' ? ' ' : n;
      continue;
    }
    if (c === '"') return [out, s.slice(i + 1)];
    out += c;
  }
  return null;
}

/** A synonym type that names a gene or protein symbol (`gene_symbol`, `HGNC symbol`, `protein`). */
const SYMBOL_TYPE = /gene|symbol|protein/i;

/**
 * A synonym line value: text and term kind, or null when malformed. `symbol` is true when its
 * synonym type says it is a gene or protein symbol (the importer leaves it out).
 */
export function parseSynonym(value: string): { text: string; kind: TermKind; symbol?: true } | null {
  const q = parseQuoted(value.trim());
  if (!q) return null;
  const [text, rest] = q;
  const words = rest.trim().split(/\s+/);
  const scope = lookup(SCOPES, words[0] ?? '') ?? 'synonym';
  const type =
    words[1] !== undefined && !words[1].startsWith('[')
      ? lookup(SYNONYM_TYPES, words[1].toLowerCase())
      : undefined;
  if (words[1] !== undefined && !words[1].startsWith('[') && SYMBOL_TYPE.test(words[1])) {
    return { text, kind: scope, symbol: true };
  }
  return { text, kind: type ?? scope };
}

/** Map an xref (`ICD10CM:E11.9`, `SNOMEDCT_US_2023_03_01:44054006`, `UMLS:C0011860 "name"`) to a code. */
export function mapXref(xref: string): { system: CodeSystem; code: string } | null {
  const v = xref.trim().split(/\s+/)[0] ?? '';
  const i = v.indexOf(':');
  if (i <= 0) return null;
  const prefix = v.slice(0, i).toUpperCase();
  const code = v.slice(i + 1).trim();
  if (code === '') return null;
  if (prefix === 'ICD10CM') return { system: 'icd10cm', code: code.toUpperCase() };
  if (prefix === 'MESH' || prefix === 'MSH') return { system: 'mesh', code };
  if (prefix === 'OMIM' || prefix === 'MIM') return { system: 'omim', code };
  if (prefix === 'UMLS_CUI' || prefix === 'UMLS') return { system: 'umls', code };
  if (prefix.startsWith('SNOMEDCT') || prefix === 'SCTID' || prefix === 'SNOMED')
    return { system: 'snomed', code };
  if (prefix === 'DOID') return { system: 'doid', code: `DOID:${code}` };
  if (prefix === 'HP') return { system: 'hpo', code: `HP:${code}` };
  return null;
}

function stripTrailer(value: string): string {
  // `is_a: DOID:175 ! vascular cancer`, `xref: X {source="..."}`
  return value
    .replace(/\s+!.*$/, '')
    .replace(/\s*\{[^}]*\}\s*$/, '')
    .trim();
}

async function* stanzas(path: string, header: Record<string, string>): AsyncGenerator<Stanza | 'other'> {
  let cur: Stanza | null = null;
  let inOther = false;
  let inHeader = true;
  const fresh = (): Stanza => ({
    id: '',
    name: '',
    synonyms: [],
    xrefs: [],
    parents: [],
    obsolete: false,
    symbolSynonyms: 0,
  });
  for await (const raw of readLines(path)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inHeader = false;
      if (cur) yield cur;
      else if (inOther) yield 'other';
      cur = null;
      inOther = false;
      if (line === '[Term]') cur = fresh();
      else inOther = true;
      continue;
    }
    if (line === '' || line.startsWith('!')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const tag = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (inHeader) {
      if (!Object.hasOwn(header, tag)) header[tag] = value;
      continue;
    }
    if (!cur) continue;
    switch (tag) {
      case 'id':
        cur.id = value;
        break;
      case 'name':
        cur.name = value;
        break;
      case 'synonym': {
        const s = parseSynonym(value);
        if (s?.symbol) cur.symbolSynonyms++;
        else if (s) cur.synonyms.push({ text: s.text, kind: s.kind });
        break;
      }
      case 'xref':
        cur.xrefs.push(stripTrailer(value));
        break;
      case 'is_a':
        cur.parents.push(stripTrailer(value));
        break;
      case 'is_obsolete':
        cur.obsolete = value === 'true';
        break;
    }
  }
  if (cur) yield cur;
  else if (inOther) yield 'other';
}

/** `DOID:9352` -> {prefix: doid, local: 9352}; `HP:0001250` -> {hpo, 0001250}. */
function splitId(id: string): { source: string; local: string; system: CodeSystem | null } {
  const i = id.indexOf(':');
  const prefix = i > 0 ? id.slice(0, i) : 'obo';
  const local = i > 0 ? id.slice(i + 1) : id;
  const up = prefix.toUpperCase();
  if (up === 'DOID') return { source: 'doid', local, system: 'doid' };
  if (up === 'HP') return { source: 'hpo', local, system: 'hpo' };
  return { source: prefix.toLowerCase(), local, system: null };
}

function toConcept(s: Stanza, type: SemanticType, subtype: string | undefined): SourceConcept {
  const { source, local, system } = splitId(s.id);
  const d = new ConceptDraft(`${source}:${local}`, source, type, subtype);
  d.addTerm(s.name, 'preferred');
  for (const syn of s.synonyms) d.addTerm(syn.text, syn.kind);
  if (system) d.addCode(system, s.id, { display: s.name });
  for (const x of s.xrefs) {
    const c = mapXref(x);
    if (c) d.addCode(c.system, c.code);
  }
  for (const p of s.parents) {
    const ps = splitId(p);
    if (ps.source === source) d.addParent(`${source}:${ps.local}`);
  }
  return d.build();
}

export async function* importObo(
  path: string,
  stats: ImportStats,
  options: ImportOptions = {},
): AsyncGenerator<SourceConcept> {
  const header: Record<string, string> = {};
  let defaults: { type: SemanticType; subtype?: string; roots?: readonly string[] } | undefined;
  const decide = (id: string): NonNullable<typeof defaults> => {
    const { source } = splitId(id);
    if (source === 'hpo') {
      stats.licence = HPO_LICENCE;
      return { type: 'problem', subtype: 'finding', roots: [HPO_PHENOTYPE_ROOT] };
    }
    if (source === 'doid') {
      stats.licence = DOID_LICENCE;
      return { type: 'problem', subtype: 'disorder' };
    }
    stats.licence = header.remark ?? 'see the ontology header';
    return { type: 'problem' };
  };
  const buffered: Stanza[] = [];
  let roots: ReadonlySet<string> | null = null;
  let type: SemanticType = 'problem';
  let subtype: string | undefined;

  for await (const s of stanzas(path, header)) {
    if (s === 'other') continue; // [Typedef], [Instance]
    stats.read++;
    // synonyms, not terms: counted among the reasons without adding to `skipped`
    if (s.symbolSynonyms > 0) {
      stats.skippedReasons['synonym-gene-symbol-type'] =
        (stats.skippedReasons['synonym-gene-symbol-type'] ?? 0) + s.symbolSynonyms;
    }
    if (defaults === undefined) {
      defaults = decide(s.id);
      const dataVersion = header['data-version'];
      if (dataVersion !== undefined) stats.version = dataVersion;
      type = options.type ?? defaults.type;
      subtype = options.subtype ?? defaults.subtype;
      const r = options.roots ?? defaults.roots;
      roots = r && r.length > 0 ? new Set(r) : null;
    }
    if (s.id === '' || s.name === '') {
      skip(stats, 'malformed');
      continue;
    }
    if (s.obsolete && !options.includeObsolete) {
      skip(stats, 'obsolete');
      continue;
    }
    if (roots) {
      buffered.push(s);
      continue;
    }
    stats.imported++;
    yield toConcept(s, type, subtype);
  }
  if (!roots) return;

  // keep descendants of the roots (is_a closure), the roots themselves excluded
  const parents = new Map<string, readonly string[]>();
  for (const s of buffered) parents.set(s.id, s.parents);
  const memo = new Map<string, boolean>();
  const under = (id: string, depth: number): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (depth > 200) return false;
    memo.set(id, false); // cycle guard
    let r = false;
    for (const p of parents.get(id) ?? []) {
      if (roots.has(p) || under(p, depth + 1)) {
        r = true;
        break;
      }
    }
    memo.set(id, r);
    return r;
  };
  for (const s of buffered) {
    if (roots.has(s.id)) {
      skip(stats, 'root');
      continue;
    }
    if (!under(s.id, 0)) {
      skip(stats, 'outside-roots');
      continue;
    }
    stats.imported++;
    yield toConcept(s, type, subtype);
  }
}

/**
 * The coding pack: what the coder needs from the Tabular List and the Alphabetic Index, compiled
 * into one JSON value (kept in the compiled-resource cache, keyed by the SHA-256 of the source
 * files; decision 0006), and the runtime view over it (`CodingPack`).
 *
 * Data (`CodingPackData`):
 * - `entries`: id -> [title, parent, flags, refs, sevenChr, inclusion] for every chapter
 *   (`chapter:4`), section (`section:E08-E13`) and code of the Tabular List; flags bit 1 = leaf;
 * - `index`: the Index tree, one node as [title, nemod, code, manif, see, seeAlso, children];
 * - `report`: the build report (counts), `fiscalYear`, the sources' versions and hashes.
 */
import { createHash } from 'node:crypto';
import { type IndexNode, parseAlphaIndex } from './import/alpha-index.js';
import { parseDrugTable } from './import/drugs.js';
import { parseNeoplasmTable } from './import/neoplasm.js';
import { dotted, refCovers, undotted } from './import/refs.js';
import type { TableNode } from './import/table-index.js';
import { NOTE_KINDS, type NoteKind, parseTabular, sevenChrOf, withSeventh } from './import/tabular.js';

/** 2: the Neoplasm Table and the Table of Drugs (`neoplasm`, `drugs`, optional sources). */
export const CODING_PACK_FORMAT = 'clinote-coding-pack@2';

/**
 * A row of the Neoplasm Table or the Table of Drugs: the term, its nonessential modifiers, the
 * codes of columns 2..7 ('' where none, or where the code is not one of the pack's fiscal year),
 * its `see` reference, its subterms.
 */
export type TableRow = [title: string, nemod: string[], cells: string[], see: string, children: TableRow[]];

/** What compiling a table kept and dropped (codes not valid in the pack's fiscal year). */
export interface TableReport {
  readonly version: string;
  readonly terms: number;
  readonly codes: number;
  readonly dropped: number;
}

export type EntryRow = [
  title: string,
  parent: string,
  flags: number,
  refs: Partial<Record<NoteKind, string[]>> | 0,
  sevenChr: Record<string, string> | 0,
  inclusion: string[] | 0,
];

export type NodeRow = [
  title: string,
  nemod: string[],
  code: string,
  manif: string,
  see: string,
  seeAlso: string,
  children: NodeRow[],
];

export interface SourceInfo {
  readonly file: string;
  readonly sha256: string;
  readonly version: string;
}

export interface CodingPackReport {
  readonly fiscalYear: number;
  readonly tabular: Readonly<Record<string, number>>;
  readonly index: Readonly<Record<string, number>>;
  readonly billable: number;
  readonly headers: number;
  readonly withSeventh: number;
  /** The tables, when their sources were given. */
  readonly neoplasm?: TableReport;
  readonly drugs?: TableReport;
}

export interface CodingPackData {
  readonly format: typeof CODING_PACK_FORMAT;
  readonly fiscalYear: number;
  readonly sources: {
    readonly tabular: SourceInfo;
    readonly index: SourceInfo;
    readonly neoplasm?: SourceInfo;
    readonly drugs?: SourceInfo;
  };
  readonly entries: Record<string, EntryRow>;
  readonly index: NodeRow[];
  /** The Neoplasm Table: the sites under `Neoplasm, neoplastic` (the main term itself first). */
  readonly neoplasm?: TableRow[];
  /** The Table of Drugs and Chemicals: the substances. */
  readonly drugs?: TableRow[];
  readonly report: CodingPackReport;
}

export interface CodingSources {
  readonly tabular: { readonly file: string; readonly bytes: Uint8Array };
  readonly index: { readonly file: string; readonly bytes: Uint8Array };
  /** The Neoplasm Table and the Table of Drugs (optional; another fiscal year is fine). */
  readonly neoplasm?: { readonly file: string; readonly bytes: Uint8Array };
  readonly drugs?: { readonly file: string; readonly bytes: Uint8Array };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function nodeRow(n: IndexNode): NodeRow {
  return [
    n.title,
    n.nemod,
    n.code ?? '',
    n.manif ?? '',
    n.see ?? '',
    n.seeAlso ?? '',
    n.children.map(nodeRow),
  ];
}

/**
 * A table's rows, each code kept only when the Tabular List of the pack has it (a table of another
 * fiscal year may name codes this year lacks: they become '' and are counted as dropped).
 */
function tableRows(
  nodes: readonly TableNode[],
  entries: Readonly<Record<string, EntryRow>>,
  tally: { terms: number; codes: number; dropped: number },
): TableRow[] {
  return nodes.map((n) => {
    tally.terms++;
    const cells: string[] = [];
    for (let col = 2; col <= 7; col++) {
      const raw = n.cells[col] ?? '';
      if (raw === '') {
        cells.push('');
        continue;
      }
      const base = dotted(raw.replace(/-+$/, '').replace(/\.$/, ''));
      if (Object.hasOwn(entries, base)) {
        tally.codes++;
        cells.push(raw.endsWith('-') ? `${base}-` : base);
      } else {
        tally.dropped++;
        cells.push('');
      }
    }
    return [n.title, n.nemod, cells, n.see ?? '', tableRows(n.children, entries, tally)];
  });
}

/** Compile the pack from the XML files (bytes of .xml or .xml.gz). */
export function compileCodingPack(src: CodingSources): CodingPackData {
  const tab = parseTabular(src.tabular.bytes, src.tabular.file);
  const idx = parseAlphaIndex(src.index.bytes, src.index.file);
  const entries: Record<string, EntryRow> = {};
  let billable = 0;
  let headers = 0;
  let seventh = 0;
  for (const e of tab.entries.values()) {
    const refs = Object.keys(e.refs).length > 0 ? e.refs : 0;
    entries[e.id] = [
      e.title,
      e.parent ?? '',
      e.leaf ? 1 : 0,
      refs,
      e.sevenChr ?? 0,
      e.inclusion.length > 0 ? e.inclusion : 0,
    ];
    if (e.id.includes(':')) continue;
    if (!e.leaf) {
      headers++;
      continue;
    }
    const s7 = sevenChrOf(tab.entries, e.id);
    if (s7) {
      const n = Object.keys(s7).length;
      billable += n;
      seventh += n;
    } else billable++;
  }
  const fiscalYear = Number.parseInt(tab.version, 10) || 0;
  const tables: {
    sources: Record<string, SourceInfo>;
    rows: Record<string, TableRow[]>;
    reports: Record<string, TableReport>;
  } = { sources: {}, rows: {}, reports: {} };
  for (const kind of ['neoplasm', 'drugs'] as const) {
    const file = src[kind];
    if (!file) continue;
    const data =
      kind === 'neoplasm' ? parseNeoplasmTable(file.bytes, file.file) : parseDrugTable(file.bytes, file.file);
    const tally = { terms: 0, codes: 0, dropped: 0 };
    tables.rows[kind] = tableRows(data.mainTerms, entries, tally);
    tables.sources[kind] = { file: file.file, sha256: sha256(file.bytes), version: data.version };
    tables.reports[kind] = { version: data.version, ...tally };
  }
  return {
    format: CODING_PACK_FORMAT,
    fiscalYear,
    sources: {
      tabular: { file: src.tabular.file, sha256: sha256(src.tabular.bytes), version: tab.version },
      index: { file: src.index.file, sha256: sha256(src.index.bytes), version: idx.version },
      ...tables.sources,
    },
    entries,
    index: idx.mainTerms.map(nodeRow),
    ...tables.rows,
    report: {
      fiscalYear,
      tabular: tab.counts,
      index: idx.counts,
      billable,
      headers,
      withSeventh: seventh,
      ...tables.reports,
    },
  };
}

/** What the pack says about a code. */
export interface CodeInfo {
  /** The code as written, dotted: `E11.9`, `S72.001A`. */
  readonly code: string;
  readonly title: string;
  /** A code of the fiscal year (a category, a subcategory or a complete code). */
  readonly valid: boolean;
  /** Complete: a leaf without a seventh character, or a leaf with one of its seventh characters. */
  readonly billable: boolean;
}

/** The runtime view of a pack: validity, titles, hierarchy, the notes that apply to a code. */
export class CodingPack {
  readonly data: CodingPackData;
  readonly fiscalYear: number;
  /** First 12 hex digits of the sources' hashes: the pack version in evidence. */
  readonly version: string;
  readonly #children = new Map<string, string[]>();

  constructor(data: CodingPackData) {
    this.data = data;
    this.fiscalYear = data.fiscalYear;
    const h = createHash('sha256').update(data.sources.tabular.sha256).update(data.sources.index.sha256);
    // the tables are part of the version only when present (a pack without them keeps its label)
    if (data.sources.neoplasm) h.update(`neoplasm:${data.sources.neoplasm.sha256}`);
    if (data.sources.drugs) h.update(`drugs:${data.sources.drugs.sha256}`);
    this.version = h.digest('hex').slice(0, 12);
    for (const [id, row] of Object.entries(data.entries)) {
      if (row[1] === '') continue;
      const list = this.#children.get(row[1]);
      if (list) list.push(id);
      else this.#children.set(row[1], [id]);
    }
  }

  entry(id: string): EntryRow | undefined {
    return Object.hasOwn(this.data.entries, id) ? this.data.entries[id] : undefined;
  }

  /** Codes (or sections) directly below an entry. */
  children(id: string): readonly string[] {
    return this.#children.get(id) ?? [];
  }

  /** The seventh characters that apply to a leaf code (its own or an ancestor's definition). */
  sevenChr(code: string): Record<string, string> | undefined {
    for (let id: string | undefined = code; id; ) {
      const row = this.entry(id);
      if (!row) return undefined;
      if (row[4] !== 0) return row[4];
      id = row[1] || undefined;
    }
    return undefined;
  }

  /** Split a seven-character code into its leaf and seventh character: `S72.001A` -> [`S72.001`, `A`]. */
  #seventhParts(code: string): [string, string] | null {
    const u = undotted(code);
    if (u.length !== 7) return null;
    const char = u[6]!;
    const base = dotted(u.slice(0, 6).replace(/X+$/, ''));
    return [base, char];
  }

  info(raw: string): CodeInfo {
    const code = dotted(raw.replace(/-+$/, '').replace(/\.$/, ''));
    const row = this.entry(code);
    if (row) {
      const leaf = (row[2] & 1) === 1;
      const s7 = leaf ? this.sevenChr(code) : undefined;
      return { code, title: row[0], valid: true, billable: leaf && s7 === undefined };
    }
    const parts = this.#seventhParts(code);
    if (parts) {
      const [base, char] = parts;
      const baseRow = this.entry(base);
      const s7 = baseRow && (baseRow[2] & 1) === 1 ? this.sevenChr(base) : undefined;
      if (baseRow && s7 && Object.hasOwn(s7, char) && withSeventh(base, char) === code)
        return { code, title: `${baseRow[0]}, ${s7[char]}`, valid: true, billable: true };
    }
    return { code, title: '', valid: false, billable: false };
  }

  /** The entry a code hangs from (a seven-character code: its leaf). */
  #anchor(code: string): string {
    if (this.entry(code)) return code;
    const parts = this.#seventhParts(code);
    return parts ? parts[0] : code;
  }

  /** The code, its ancestors, its section and its chapter, nearest first. */
  lineage(code: string): string[] {
    const out: string[] = [];
    for (let id: string | undefined = this.#anchor(code); id; ) {
      const row = this.entry(id);
      if (!row) break;
      out.push(id);
      id = row[1] || undefined;
    }
    return out;
  }

  /** The references of a kind of note that apply to a code: its own and its ancestors'. */
  refs(code: string, kind: NoteKind): string[] {
    const out: string[] = [];
    for (const id of this.lineage(code)) {
      const r = this.entry(id)?.[3];
      const list = r ? r[kind] : undefined;
      if (list) out.push(...list);
    }
    return out;
  }

  /** Whether a note of `kind` on `a` (or above it) names `b`. */
  noteCovers(a: string, kind: NoteKind, b: string): boolean {
    return this.refs(a, kind).some((r) => refCovers(r, b));
  }

  /** The chapter number of a code (`E11.9` -> 4), 0 when unknown. */
  chapter(code: string): number {
    const l = this.lineage(code);
    const last = l[l.length - 1];
    return last?.startsWith('chapter:') ? Number.parseInt(last.slice(8), 10) || 0 : 0;
  }
}

export { NOTE_KINDS };

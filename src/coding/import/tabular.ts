/**
 * The ICD-10-CM Tabular List XML (`ICD10CM.tabular` root, the CMS/CDC release, gzip or plain):
 * `chapter` > `section` > `diag` (nested `diag`s: category > subcategory > code). Each `diag` has a
 * `name` (the code), a `desc` (its title) and its notes, each a list of `note`s: `inclusionTerm`,
 * `includes`, `excludes1`, `excludes2`, `codeFirst`, `useAdditionalCode`, `codeAlso`,
 * `sevenChrNote`, and `sevenChrDef` (`extension char="A"`). Chapters and sections carry notes too;
 * they apply to every code below them.
 *
 * What is kept: for every entry its title, parent (a code, `section:A00-A09` or `chapter:1`),
 * whether it is a leaf, its inclusion terms, and the code references of its notes (the codes in
 * parentheses: `(Z16.-)`, `(P35-P39)`), never the note text otherwise. Billable codes are the leaf
 * codes without a seventh character, and the leaves that need one, expanded by the nearest
 * `sevenChrDef` (a placeholder X pads the code to six characters: T07 -> T07.XXXA).
 */
import { gunzipSync } from 'node:zlib';
import { ClinoteError } from '../../errors/error.js';
import { XmlTokenizer } from '../../terminology/importers/util/xml.js';
import { noteRefs, undotted } from './refs.js';

export type NoteKind = 'excludes1' | 'excludes2' | 'codeFirst' | 'useAdditionalCode' | 'codeAlso';
export const NOTE_KINDS: readonly NoteKind[] = [
  'excludes1',
  'excludes2',
  'codeFirst',
  'useAdditionalCode',
  'codeAlso',
];

/** One entry of the Tabular List: a chapter, a section or a code (`diag`). */
export interface TabularEntry {
  /** `E11.9`, `section:E08-E13`, `chapter:4`. */
  readonly id: string;
  readonly title: string;
  /** The entry above: a code, a section or a chapter; null for chapters. */
  readonly parent: string | null;
  /** A code with no code below it. */
  leaf: boolean;
  readonly inclusion: string[];
  /** Code references of each kind of note (undotted `FROM` or `FROM-TO`). */
  readonly refs: Partial<Record<NoteKind, string[]>>;
  /** Seventh characters defined here (char -> meaning), for every leaf below. */
  sevenChr?: Record<string, string>;
}

export interface TabularData {
  readonly version: string;
  readonly entries: Map<string, TabularEntry>;
  readonly counts: Record<string, number>;
}

const NOTE_ELEMENTS = new Set([
  'inclusionTerm',
  'includes',
  'excludes1',
  'excludes2',
  'codeFirst',
  'useAdditionalCode',
  'codeAlso',
  'sevenChrNote',
  'notes',
]);

/** gzip (magic 1f 8b) or plain UTF-8. */
export function xmlText(bytes: Uint8Array): string {
  const raw = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return new TextDecoder('utf-8').decode(raw);
}

/** Feed an XML text to the tokenizer in chunks (bounded event arrays). */
export function* xmlEvents(text: string, source: string) {
  const tok = new XmlTokenizer(source);
  const CHUNK = 1 << 20;
  for (let i = 0; i < text.length; i += CHUNK) yield* tok.push(text.slice(i, i + CHUNK));
  yield* tok.end();
}

function malformed(source: string, message: string): never {
  throw new ClinoteError('CLINOTE_E_CODING_SOURCE_MALFORMED', `${source}: ${message}`, { source });
}

/** Parse the Tabular List (bytes of the .xml or .xml.gz). */
export function parseTabular(bytes: Uint8Array, source = 'tabular'): TabularData {
  const entries = new Map<string, TabularEntry>();
  const counts: Record<string, number> = {
    chapters: 0,
    sections: 0,
    diag: 0,
    inclusionTerm: 0,
    excludes1: 0,
    excludes2: 0,
    codeFirst: 0,
    useAdditionalCode: 0,
    codeAlso: 0,
    sevenChrDef: 0,
  };
  let version = '';
  let root = false;
  const path: string[] = []; // element names
  const owners: TabularEntry[] = []; // chapter/section/diag being read
  let pendingName: string | null = null; // chapter name or diag name until desc arrives
  let text = '';
  let noteKind: string | null = null;
  let sevenChar: string | null = null;
  let pendingAttrs: Record<string, string> = {};

  const openEntry = (kind: 'chapter' | 'section' | 'diag', id: string, title: string) => {
    const parent = owners.length > 0 ? owners[owners.length - 1]!.id : null;
    const entry: TabularEntry = { id, title, parent, leaf: kind === 'diag', inclusion: [], refs: {} };
    if (entries.has(id)) malformed(source, `duplicate entry ${id}`);
    entries.set(id, entry);
    const up = parent === null ? undefined : entries.get(parent);
    if (up && kind === 'diag') up.leaf = false;
    owners.push(entry);
  };

  // an entry is created when its title is known: chapter name+desc, section id+desc, diag name+desc
  let pendingKind: 'chapter' | 'section' | 'diag' | null = null;

  for (const ev of xmlEvents(xmlText(bytes), source)) {
    if (ev.type === 'open') {
      if (path.length === 0) {
        if (ev.name !== 'ICD10CM.tabular') malformed(source, `root <${ev.name}> is not <ICD10CM.tabular>`);
        root = true;
      }
      path.push(ev.name);
      text = '';
      if (ev.name === 'chapter' || ev.name === 'section' || ev.name === 'diag') {
        pendingKind = ev.name;
        pendingName = ev.name === 'section' ? (ev.attrs.id ?? null) : null;
        pendingAttrs = ev.attrs;
        counts[ev.name === 'chapter' ? 'chapters' : ev.name === 'section' ? 'sections' : 'diag']! += 1;
      } else if (NOTE_ELEMENTS.has(ev.name)) {
        noteKind = ev.name;
      } else if (ev.name === 'sevenChrDef') {
        noteKind = 'sevenChrDef';
        counts.sevenChrDef! += 1;
        const owner = owners[owners.length - 1];
        if (owner) owner.sevenChr = {};
      } else if (ev.name === 'extension') {
        sevenChar = ev.attrs.char ?? null;
      }
      continue;
    }
    if (ev.type === 'text') {
      text += ev.text;
      continue;
    }
    // close
    const name = path.pop();
    const value = text.replace(/\s+/g, ' ').trim();
    text = '';
    if (name === 'version' && path.length === 1) version = value;
    else if (name === 'name' && pendingKind !== null && pendingKind !== 'section') pendingName = value;
    else if (name === 'desc' && pendingKind !== null) {
      const id =
        pendingKind === 'chapter'
          ? `chapter:${pendingName ?? ''}`
          : pendingKind === 'section'
            ? `section:${pendingName ?? pendingAttrs.id ?? ''}`
            : (pendingName ?? '').toUpperCase();
      if (id.endsWith(':') || id === '') malformed(source, `an entry without a name before "desc"`);
      openEntry(pendingKind, id, value);
      pendingKind = null;
    } else if (name === 'note' && noteKind !== null) {
      const owner = owners[owners.length - 1];
      if (!owner) continue;
      if (noteKind === 'inclusionTerm') {
        owner.inclusion.push(value);
        counts.inclusionTerm! += 1;
      } else if ((NOTE_KINDS as readonly string[]).includes(noteKind)) {
        const kind = noteKind as NoteKind;
        const refs = noteRefs(value);
        counts[kind]! += 1;
        if (refs.length > 0) {
          const list = owner.refs[kind] ?? [];
          list.push(...refs);
          owner.refs[kind] = list;
        }
      }
    } else if (name === 'extension' && sevenChar !== null) {
      const owner = owners[owners.length - 1];
      if (owner?.sevenChr) owner.sevenChr[sevenChar] = value;
      sevenChar = null;
    } else if (name !== undefined && (NOTE_ELEMENTS.has(name) || name === 'sevenChrDef')) {
      noteKind = null;
    } else if (name === 'chapter' || name === 'section' || name === 'diag') {
      owners.pop();
    }
  }
  if (!root) malformed(source, 'no <ICD10CM.tabular> root');
  if (entries.size === 0) malformed(source, 'no entries');
  return { version, entries, counts };
}

/** The seventh-character definitions that apply to a code: its own or its nearest ancestor's. */
export function sevenChrOf(
  entries: ReadonlyMap<string, TabularEntry>,
  id: string,
): Record<string, string> | undefined {
  for (let e = entries.get(id); e; e = e.parent ? entries.get(e.parent) : undefined) {
    if (e.sevenChr) return e.sevenChr;
  }
  return undefined;
}

/** A code with a seventh character: the body padded with the placeholder X to six characters. */
export function withSeventh(code: string, char: string): string {
  const body = undotted(code).padEnd(6, 'X');
  return `${body.slice(0, 3)}.${body.slice(3)}${char}`;
}

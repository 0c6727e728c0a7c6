/**
 * PubTator reader (NCBI disease corpus, BC5CDR and other PubMed corpora):
 *
 *   PMID|t|Title
 *   PMID|a|Abstract
 *   PMID<TAB>start<TAB>end<TAB>mention<TAB>type<TAB>ids[<TAB>individual mentions]
 *   PMID<TAB>CID<TAB>id1<TAB>id2                      (a relation, BC5CDR)
 *   (blank line between documents)
 *
 * The document text is `title + ' ' + abstract` (what the offsets index). Ids are MeSH (`D012345`,
 * `C000657245`, `MESH:D012345`) or OMIM (`OMIM:123456`); a composite mention lists several, separated
 * by `|` (several concepts named together: "breast and ovarian cancer") or `+` (one concept that
 * combines several). `-1` or an empty field means no id. Offsets are code points, mapped to UTF-16.
 */
import { readFileSync } from 'node:fs';
import { ClinoteError } from '../errors/error.js';
import { codePointOffsets } from './offsets.js';

export interface PubtatorId {
  /** `mesh`, `omim`, or the lower-cased prefix of another `DB:ID`; `unknown` when there is none. */
  readonly system: string;
  /** The id without its prefix: `D012345`, `123456`. */
  readonly code: string;
  /** The id as written. */
  readonly raw: string;
}

export interface PubtatorMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly type: string;
  /** Parsed ids; empty when the mention has none. */
  readonly ids: readonly PubtatorId[];
  /** How the ids were joined: `|` composite mention, `+` combined concept, or none (one id). */
  readonly composite: '|' | '+' | null;
  /** The id field as written. */
  readonly rawIds: string;
  /** Whether `text` equals the document text at the offsets. */
  readonly textMatches: boolean;
}

export interface PubtatorRelation {
  readonly type: string;
  readonly args: readonly string[];
}

export interface PubtatorDocument {
  readonly id: string;
  readonly title: string;
  readonly abstract: string;
  /** `title + ' ' + abstract`: the text the offsets index. */
  readonly text: string;
  readonly mentions: PubtatorMention[];
  readonly relations: PubtatorRelation[];
}

export interface PubtatorCorpus {
  readonly docs: PubtatorDocument[];
  /** Mentions whose text does not match the document text. */
  readonly textMismatches: number;
  /** Lines that could not be read (1-based line number and why). */
  readonly problems: { line: number; reason: string }[];
}

/** Parse one id: `D012345` -> mesh, `OMIM:123456` -> omim, `MESH:D012345` -> mesh. */
export function parsePubtatorId(raw: string): PubtatorId {
  const id = raw.trim();
  const colon = id.indexOf(':');
  if (colon > 0) {
    const prefix = id.slice(0, colon).toLowerCase();
    return { system: prefix, code: id.slice(colon + 1), raw: id };
  }
  if (/^[CD]\d+$/.test(id)) return { system: 'mesh', code: id, raw: id };
  if (/^\d+$/.test(id)) return { system: 'omim', code: id, raw: id };
  return { system: 'unknown', code: id, raw: id };
}

/** Parse an id field: `D1`, `D1|D2`, `D1+D2`, `OMIM:1|OMIM:2`, `-1`. */
export function parsePubtatorIds(field: string): { ids: PubtatorId[]; composite: '|' | '+' | null } {
  const f = field.trim();
  if (f === '' || f === '-1' || f === '-') return { ids: [], composite: null };
  const composite = f.includes('|') ? '|' : f.includes('+') ? '+' : null;
  const parts = composite ? f.split(/[|+]/) : [f];
  const ids = parts
    .map((p) => p.trim())
    .filter((p) => p !== '' && p !== '-1')
    .map(parsePubtatorId);
  return { ids, composite };
}

const TEXT_LINE = /^([^|\t]+)\|([ta])\|(.*)$/;

export function parsePubtator(content: string): PubtatorCorpus {
  const docs: PubtatorDocument[] = [];
  const problems: { line: number; reason: string }[] = [];
  let textMismatches = 0;

  interface Building {
    id: string;
    title: string;
    abstract: string;
    mentions: string[][];
    lines: number[];
    relations: PubtatorRelation[];
  }
  let cur: Building | null = null;

  const finish = (): void => {
    if (!cur) return;
    const text = cur.abstract === '' ? cur.title : `${cur.title} ${cur.abstract}`;
    const toUnits = codePointOffsets(text);
    const mentions: PubtatorMention[] = [];
    cur.mentions.forEach((f, i) => {
      const start = Number(f[1]);
      const end = Number(f[2]);
      if (!Number.isInteger(start) || !Number.isInteger(end) || end < start) {
        problems.push({ line: cur?.lines[i] ?? 0, reason: 'malformed mention offsets' });
        return;
      }
      const s = toUnits(start);
      const e = toUnits(end);
      const mention = f[3] ?? '';
      const { ids, composite } = parsePubtatorIds(f[5] ?? '');
      const textMatches = e <= text.length && text.slice(s, e) === mention;
      if (!textMatches) textMismatches++;
      mentions.push({
        start: s,
        end: e,
        text: mention,
        type: (f[4] ?? '').trim(),
        ids,
        composite,
        rawIds: (f[5] ?? '').trim(),
        textMatches,
      });
    });
    docs.push({
      id: cur.id,
      title: cur.title,
      abstract: cur.abstract,
      text,
      mentions,
      relations: cur.relations,
    });
    cur = null;
  };

  const lines = content.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const no = i + 1;
    if (line.trim() === '') {
      finish();
      return;
    }
    const tm = TEXT_LINE.exec(line);
    if (tm && !line.includes('\t')) {
      const id = tm[1] as string;
      if (cur && cur.id !== id) finish();
      if (!cur) cur = { id, title: '', abstract: '', mentions: [], lines: [], relations: [] };
      if (tm[2] === 't') cur.title = tm[3] as string;
      else cur.abstract = tm[3] as string;
      return;
    }
    const f = line.split('\t');
    if (!cur || f[0] !== cur.id) {
      problems.push({
        line: no,
        reason: cur ? 'annotation of another document' : 'annotation before a title',
      });
      return;
    }
    if (f.length >= 5 && /^\d+$/.test(f[1] ?? '') && /^\d+$/.test(f[2] ?? '')) {
      cur.mentions.push(f);
      cur.lines.push(no);
    } else if (f.length >= 3 && !/^\d+$/.test(f[1] ?? '')) {
      cur.relations.push({ type: f[1] as string, args: f.slice(2).filter((a) => a !== '') });
    } else {
      problems.push({ line: no, reason: 'not a mention or relation line' });
    }
  });
  finish();
  return { docs, textMismatches, problems };
}

export function readPubtatorFile(path: string): PubtatorCorpus {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `cannot read '${path}'`, { path }, { cause: e });
  }
  return parsePubtator(content);
}

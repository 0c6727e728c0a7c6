/**
 * Medication tables: a header line whose cells name medication columns (`Medication | Dose | Route |
 * Frequency | Indication | Action`, or the same words separated by two or more spaces or tabs),
 * and the rows under it, up to a blank line or a line that is not a row. Each row cell gets the
 * role of its column: by position between `|` borders, else by the header cell whose start column
 * is nearest at or before the cell's start.
 */
import { type ColumnRole, phraseKey } from './lexicon.js';

export interface TableCell {
  readonly start: number;
  readonly end: number;
  readonly role?: ColumnRole;
}

export interface TableRow {
  /** The row line [start, end) in the original text. */
  readonly start: number;
  readonly end: number;
  readonly cells: readonly TableCell[];
}

interface Line {
  readonly start: number;
  readonly end: number;
}

const BORDER = /^[\s|+\-=_:.~*]*$/;

/** Cells of a line: between `|` when the line has them, else separated by 2+ spaces or a tab. */
export function splitCells(text: string, line: Line): { start: number; end: number }[] {
  const s = text.slice(line.start, line.end);
  const cells: { start: number; end: number }[] = [];
  if (s.includes('|')) {
    // between borders; empty cells are kept (start = end) so that positions stay aligned
    const parts = s.split('|');
    let offset = 0;
    parts.forEach((p, k) => {
      const first = k === 0;
      const last = k === parts.length - 1;
      if (!((first || last) && p.trim() === '')) {
        const lead = p.length - p.trimStart().length;
        const t = p.trim();
        const start = line.start + offset + lead;
        cells.push({ start, end: start + t.length });
      }
      offset += p.length + 1;
    });
    return cells;
  }
  const re = /\S+(?:[ ][^\s]+)*/g;
  if (!/\S(?:\t| {2,})\S/.test(s)) return [];
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const start = line.start + m.index + lead;
    cells.push({ start, end: start + trimmed.length });
  }
  return cells;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    out.push({ start, end: end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end });
    if (nl < 0) break;
    start = nl + 1;
  }
  return out;
}

/** Header cell text as a column key: lower case, no trailing colon or asterisks. */
function headerKey(text: string): string {
  return phraseKey(text.replace(/[:*#]+$/g, '').replace(/^[*#]+/, ''));
}

const MAX_ROWS = 300;
const MAX_HEADER = 300;
/** Words a drug column header starts with (a cheap filter before the header words are looked up). */
const DRUG_COLUMN = /\b(?:medications?|meds?|medicines?|drugs?|name|generic|product)\b/i;

const hints = new WeakMap<ReadonlyMap<string, ColumnRole>, RegExp>();

/** At least two column header words in the line (a cheap check before cells are split). */
function hasTwoColumnWords(line: string, columns: ReadonlyMap<string, ColumnRole>): boolean {
  let re = hints.get(columns);
  if (!re) {
    const words = [...columns.keys()]
      .sort((a, b) => b.length - a.length)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
    hints.set(columns, re);
  }
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(line)) if (++n >= 2) return true;
  return false;
}

/** The rows of every medication table of a text. Cheap when there is none: one pass over the lines. */
export function findTableRows(text: string, columns: ReadonlyMap<string, ColumnRole>): TableRow[] {
  const out: TableRow[] = [];
  if (!text.includes('|') && !/\S(?:\t| {2,})\S/.test(text)) return out;
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const line = ls[i] as Line;
    // a header is a short line (transcribed notes may hold a whole note on one line)
    if (line.end - line.start < 5 || line.end - line.start > MAX_HEADER) continue;
    // cheap checks first: a header has cell separators and a drug column word
    const raw = text.slice(line.start, line.end);
    if (!raw.includes('|') && !raw.includes('\t') && !raw.includes('  ')) continue;
    if (!DRUG_COLUMN.test(raw) || !hasTwoColumnWords(raw, columns)) continue;
    const cells = splitCells(text, line).filter((c) => c.end > c.start);
    if (cells.length < 2) continue;
    const roles = cells.map((c) => columns.get(headerKey(text.slice(c.start, c.end))));
    const named = roles.filter((r) => r !== undefined).length;
    if (roles[0] !== 'drug' && !roles.includes('drug')) continue;
    if (named < 2 || named < cells.length - 1) continue;
    const headerText = text.slice(line.start, line.end);
    // between `|` borders or tabs, cells are matched by position; between spaces, by column
    const piped = headerText.includes('|') || headerText.includes('\t');
    const header = cells.map((c, k) => ({ col: c.start - line.start, role: roles[k] }));
    let j = i + 1;
    for (; j < ls.length && out.length < MAX_ROWS; j++) {
      const row = ls[j] as Line;
      const s = text.slice(row.start, row.end);
      if (s.trim() === '') break;
      if (BORDER.test(s)) continue;
      const rc = splitCells(text, row);
      if (rc.length === 0) {
        // a single-cell line inside a space table: a wrapped cell or the end of the table
        if (piped) continue;
        break;
      }
      const cellsWithRoles: TableCell[] = rc.map((c, k) => {
        let role: ColumnRole | undefined;
        if (piped) role = header[k]?.role;
        else {
          const col = c.start - row.start;
          let best = -1;
          for (let h = 0; h < header.length; h++) if ((header[h] as { col: number }).col <= col + 1) best = h;
          role = header[Math.max(0, best)]?.role;
        }
        return role ? { start: c.start, end: c.end, role } : { start: c.start, end: c.end };
      });
      out.push({ start: row.start, end: row.end, cells: cellsWithRoles.filter((c) => c.end > c.start) });
    }
    i = j - 1;
  }
  return out;
}

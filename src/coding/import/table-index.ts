/**
 * The tables of the ICD-10-CM Index (the Neoplasm Table, the Table of Drugs and Chemicals): the
 * same `ICD10CM.index` root as the Alphabetic Index, with an `indexHeading` naming the columns
 * (`head col="n"`), then `letter` > `mainTerm` > `term level=n`, each with a `title` (nonessential
 * modifiers in `nemod`), `cell col="n"` codes (`-` or `--` for none; `C34.9-` when more characters
 * are needed), `see` and `seeAlso`. Parsed by the same streaming tokenizer as the other sources.
 */
import { ClinoteError } from '../../errors/error.js';
import { splitNemod } from './alpha-index.js';
import { xmlEvents, xmlText } from './tabular.js';

export interface TableNode {
  /** The title without its nonessential modifiers. */
  readonly title: string;
  readonly nemod: string[];
  /** Codes by column number (2..7); a missing column has no code. */
  readonly cells: Record<number, string>;
  see?: string;
  seeAlso?: string;
  readonly children: TableNode[];
}

export interface TableData {
  readonly version: string;
  /** Column headings by number (1: the term column). */
  readonly heads: Record<number, string>;
  readonly mainTerms: TableNode[];
  readonly counts: Record<string, number>;
}

const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** A cell's code, upper case, or '' for the table's "none" marks (`-`, `--`). */
export function cellCode(raw: string): string {
  const v = clean(raw).toUpperCase();
  return /^[A-Z][0-9]/.test(v) ? v : '';
}

/** Parse a table (bytes of the .xml or .xml.gz). */
export function parseTableIndex(bytes: Uint8Array, source = 'table'): TableData {
  const counts: Record<string, number> = { mainTerm: 0, term: 0, cell: 0, code: 0, see: 0, seeAlso: 0 };
  const heads: Record<number, string> = {};
  const mainTerms: TableNode[] = [];
  const stack: { node: TableNode; title: string; nemod: string }[] = [];
  const path: string[] = [];
  let version = '';
  let text = '';
  let inTitle = false;
  let inNemod = false;
  let col = 0;
  for (const ev of xmlEvents(xmlText(bytes), source)) {
    if (ev.type === 'open') {
      if (path.length === 0 && ev.name !== 'ICD10CM.index')
        throw new ClinoteError(
          'CLINOTE_E_CODING_SOURCE_MALFORMED',
          `${source}: root <${ev.name}> is not <ICD10CM.index>`,
          { source },
        );
      path.push(ev.name);
      if (ev.name === 'mainTerm' || ev.name === 'term') {
        counts[ev.name]! += 1;
        const node: TableNode = { title: '', nemod: [], cells: {}, children: [] };
        const parent = stack[stack.length - 1];
        if (ev.name === 'mainTerm' || !parent) mainTerms.push(node);
        else parent.node.children.push(node);
        stack.push({ node, title: '', nemod: '' });
      } else if (ev.name === 'title' && stack.length > 0) inTitle = true;
      else if (ev.name === 'nemod' && inTitle) inNemod = true;
      else if (ev.name === 'cell' || ev.name === 'head') col = Number.parseInt(ev.attrs.col ?? '', 10) || 0;
      text = '';
      continue;
    }
    if (ev.type === 'text') {
      const top = stack[stack.length - 1];
      if (inTitle && top) {
        if (inNemod) top.nemod += ev.text;
        else top.title += ev.text;
      } else text += ev.text;
      continue;
    }
    const name = path.pop();
    const top = stack[stack.length - 1];
    const value = clean(text);
    text = '';
    if (name === 'version' && path.length === 1) version = value;
    else if (name === 'head' && col > 0) heads[col] = value;
    else if (name === 'nemod') inNemod = false;
    else if (name === 'title' && inTitle && top) {
      inTitle = false;
      (top.node as { title: string }).title = clean(top.title);
      top.node.nemod.push(...splitNemod(clean(top.nemod)));
    } else if (name === 'cell' && top && col > 0) {
      counts.cell! += 1;
      const code = cellCode(value);
      if (code !== '') {
        counts.code! += 1;
        top.node.cells[col] = code;
      }
    } else if (top && name === 'see') {
      counts.see! += 1;
      top.node.see = value;
    } else if (top && name === 'seeAlso') {
      counts.seeAlso! += 1;
      top.node.seeAlso = value;
    } else if (name === 'mainTerm' || name === 'term') stack.pop();
  }
  if (mainTerms.length === 0)
    throw new ClinoteError('CLINOTE_E_CODING_SOURCE_MALFORMED', `${source}: no main terms`, { source });
  return { version, heads, mainTerms, counts };
}

/**
 * Check the headings against the columns a table must have, in order (case-insensitive prefix):
 * the importer maps columns by number, so a reordered file must fail, not code the wrong column.
 */
export function checkHeads(data: TableData, expected: readonly string[], source: string): void {
  expected.forEach((want, n) => {
    const got = (data.heads[n + 2] ?? '').toLowerCase();
    if (!got.startsWith(want.toLowerCase()))
      throw new ClinoteError(
        'CLINOTE_E_CODING_SOURCE_MALFORMED',
        `${source}: column ${n + 2} is '${data.heads[n + 2] ?? ''}', expected '${want}'`,
        { source },
      );
  });
}

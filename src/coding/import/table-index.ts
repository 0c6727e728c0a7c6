/**
 * The tables of the ICD-10-CM Index (the Neoplasm Table, the Table of Drugs and Chemicals): the
 * same `ICD10CM.index` root as the Alphabetic Index, with an `indexHeading` naming the columns
 * (`head col="n"`), then `letter` > `mainTerm` > `term level=n`, each with a `title` (nonessential
 * modifiers in `nemod`), `cell col="n"` codes (`-` or `--` for none; `C34.9-` when more characters
 * are needed), `see` and `seeAlso`. Parsed by the same streaming tokenizer as the other sources.
 */
import { ClinoteError } from '../../errors/error.js';
import { walkIndexTree } from './alpha-index.js';

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
  let col = 0;
  const make = (): TableNode => ({ title: '', nemod: [], cells: {}, children: [] });
  const { version, mainTerms } = walkIndexTree(bytes, source, counts, make, {
    open(name, attrs) {
      if (name === 'cell' || name === 'head') col = Number.parseInt(attrs.col ?? '', 10) || 0;
    },
    close(name, value, top) {
      if (name === 'head' && col > 0) heads[col] = value;
      else if (name === 'cell' && top && col > 0) {
        counts.cell! += 1;
        const code = cellCode(value);
        if (code !== '') {
          counts.code! += 1;
          top.cells[col] = code;
        }
      }
    },
  });
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

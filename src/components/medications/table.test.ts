import { describe, expect, it } from 'vitest';
import { fileResourceContext } from '../../resources.js';
import { loadSigGrammar } from './index.js';
import { findTableRows, splitCells } from './table.js';

const columns = loadSigGrammar(fileResourceContext()).lex.columns;

function cellTexts(text: string): [string, string | undefined][][] {
  return findTableRows(text, columns).map((r) => r.cells.map((c) => [text.slice(c.start, c.end), c.role]));
}

describe('medication tables', () => {
  it('splits cells between borders, keeping empty cells in place', () => {
    const text = '| a |  | c |';
    expect(splitCells(text, { start: 0, end: text.length }).map((c) => text.slice(c.start, c.end))).toEqual([
      'a',
      '',
      'c',
    ]);
  });

  it('reads a bordered table by position', () => {
    const text =
      '+------+------+\n| Drug | Dose | Indication | Action |\n+------+\n| aaa bbb | 5 mg |  | HOLD |\n\nafter\n';
    expect(cellTexts(text)).toEqual([
      [
        ['aaa bbb', 'drug'],
        ['5 mg', 'dose'],
        ['HOLD', 'status'],
      ],
    ]);
  });

  it('reads a table with space-aligned columns by column', () => {
    const text =
      'Medication      Dose     Frequency\nxyz             10 mg    daily\nabc def         1 tab    bid\n';
    expect(cellTexts(text)).toEqual([
      [
        ['xyz', 'drug'],
        ['10 mg', 'dose'],
        ['daily', 'frequency'],
      ],
      [
        ['abc def', 'drug'],
        ['1 tab', 'dose'],
        ['bid', 'frequency'],
      ],
    ]);
  });

  it('reads a tab-separated table by position', () => {
    const text = 'Medication\tDose\tReason\nxyz\t10 mg\tpain\n';
    expect(cellTexts(text)).toEqual([
      [
        ['xyz', 'drug'],
        ['10 mg', 'dose'],
        ['pain', 'indication'],
      ],
    ]);
  });

  it('finds no table without a drug column, or in prose', () => {
    expect(cellTexts('Test      Result    Units\nsodium    140       mmol/L\n')).toEqual([]);
    expect(cellTexts('The medication name and the dose were checked twice.\n')).toEqual([]);
  });
});

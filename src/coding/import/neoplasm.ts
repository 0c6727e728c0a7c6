/**
 * The ICD-10-CM Neoplasm Table (`icd10cm-neoplasm-*.xml`): sites under the main term `Neoplasm,
 * neoplastic`, each with a code per behaviour column. Columns 2..7 in this order.
 */
import { checkHeads, parseTableIndex, type TableData } from './table-index.js';

/** The behaviour columns, in table order (columns 2..7). */
export const NEOPLASM_COLUMNS = [
  'primary',
  'secondary',
  'in-situ',
  'benign',
  'uncertain',
  'unspecified',
] as const;
export type NeoplasmColumn = (typeof NEOPLASM_COLUMNS)[number];

const HEADS = [
  'Malignant Primary',
  'Malignant Secondary',
  'Ca in situ',
  'Benign',
  'Uncertain',
  'Unspecified',
];

export function parseNeoplasmTable(bytes: Uint8Array, source = 'neoplasm'): TableData {
  const data = parseTableIndex(bytes, source);
  checkHeads(data, HEADS, source);
  return data;
}

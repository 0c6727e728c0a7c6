/**
 * The ICD-10-CM Table of Drugs and Chemicals (`icd10cm-drug-*.xml`): substances (main terms and
 * nested terms), each with a code per column: poisoning accidental, intentional self-harm,
 * assault, undetermined, adverse effect, underdosing (columns 2..7). Codes are written without
 * the seventh character (`T36.0X5`); the coder adds it from the episode of care.
 */
import { checkHeads, parseTableIndex, type TableData } from './table-index.js';

/** The columns, in table order (columns 2..7). */
export const DRUG_COLUMNS = [
  'accidental',
  'intentional',
  'assault',
  'undetermined',
  'adverse-effect',
  'underdosing',
] as const;
export type DrugColumn = (typeof DRUG_COLUMNS)[number];

const HEADS = [
  'Poisoning Accidental',
  'Poisoning Intentional',
  'Poisoning Assault',
  'Poisoning Undetermined',
  'Adverse effect',
  'Underdosing',
];

export function parseDrugTable(bytes: Uint8Array, source = 'drugs'): TableData {
  const data = parseTableIndex(bytes, source);
  checkHeads(data, HEADS, source);
  return data;
}

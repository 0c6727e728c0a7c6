import type { ErrorSpec } from '../types.js';

export const TERMINOLOGY_ERRORS = [
  {
    code: 'CLINOTE_E_TERMINOLOGY_SOURCE_UNREADABLE',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A vocabulary file given to `clinote vocab build` (or a file the importer needs, such as MRCONSO.RRF in a UMLS directory) is missing or cannot be read.',
    remedy:
      'Check the path and its permissions; a UMLS directory must hold MRCONSO.RRF and MRSTY.RRF (or META/).',
  },
  {
    code: 'CLINOTE_E_TERMINOLOGY_UNKNOWN_FORMAT',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A vocabulary file is not in the format its importer reads (for example a CSV without an ICD-10-CM code column, or a file that is not RxTerms).',
    remedy:
      'Check that the file is the one the option names (`--icd10cm`, `--rxterms`, `--loinc`...); see docs/terminology-sources.md.',
  },
  {
    code: 'CLINOTE_E_TERMINOLOGY_BAD_HEADER',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A custom dictionary (CSV/TSV) has no header row, or its header lacks a required column (term, concept_id, type; or concept_id, type, terms).',
    remedy:
      'Add a header naming the columns; see the custom dictionary format in docs/terminology-sources.md.',
  },
  {
    code: 'CLINOTE_E_TERMINOLOGY_MALFORMED_XML',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'An ICD-10-CM index XML file is not well-formed (a tag is cut off, or an end tag does not match).',
    remedy: 'Download the index file again from CMS; the line number is given.',
  },
  {
    code: 'CLINOTE_E_TERMINOLOGY_UNSORTED_INPUT',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'UMLS MRCONSO.RRF or MRSTY.RRF is not sorted by CUI, so the two files cannot be joined while streaming.',
    remedy: "Use the files as released, or sort them by their first column (`LC_ALL=C sort -t'|' -k1,1`).",
  },
  {
    code: 'CLINOTE_E_TERMINOLOGY_ABBREVIATIONS',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'An abbreviation list (resources/terminology/abbreviations.tsv or a user list) has a bad header or row: too few columns, an unknown type, an ambiguous flag other than y/n.',
    remedy:
      'Fix the row; its line number is given. Columns: abbr, expansion, type, ambiguous, context (tab-separated).',
  },
  {
    code: 'CLINOTE_W_TERMINOLOGY_ROWS_SKIPPED',
    httpStatus: 200,
    severity: 'warning',
    meaning:
      'A vocabulary import skipped rows (obsolete or suppressed entries, rows without a code or a term, malformed rows); the counts by reason are in the import report and the pack manifest.',
    remedy:
      'Usually nothing: obsolete and out-of-scope entries are skipped on purpose. Check the reasons if a count looks wrong.',
  },
] as const satisfies readonly ErrorSpec[];

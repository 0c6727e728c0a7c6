import type { ErrorSpec } from '../types.js';

/** Errors of ICD-10-CM coding: coding packs from the Tabular List and the Index, the `coding` component, `clinote code` and `clinote eval coding` (src/coding/). */
export const CODING_ERRORS = [
  {
    code: 'CLINOTE_E_CODING_SOURCES_MISSING',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The ICD-10-CM Tabular List or Alphabetic Index XML the coding pack is compiled from was not found or cannot be read (the `tabular` / `index` options, else `icd10cm/icd10cm_tabular_2023.xml.gz` and `icd10cm/icd10cm_index_2023.xml.gz` under the shared data dir). The message names the file.',
    remedy:
      'Set CLINOTE_DATA_DIR to the folder holding the public vocabularies (default `../shared/data`), or pass the files with the component options `tabular` and `index`; see docs/coding.md.',
  },
  {
    code: 'CLINOTE_E_CODING_SOURCE_MALFORMED',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A coding source is not the expected XML: not `ICD10CM.tabular` / `ICD10CM.index`, no entries, a duplicate code, or an entry without a name. The message names the file.',
    remedy: 'Use the CMS/CDC ICD-10-CM Tabular List and Index to Diseases XML files (plain or gzip).',
  },
  {
    code: 'CLINOTE_E_CODING_RULES_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The coding rules file (resources/coding/rules.json or the `rules` option) uses a rule id that its `rules` catalogue does not list, or lists one twice. Schema errors are CLINOTE_E_RESOURCE_INVALID.',
    remedy:
      'Add the rule id, with its guideline section, to the `rules` list of the file; see docs/coding.md.',
  },
] as const satisfies readonly ErrorSpec[];

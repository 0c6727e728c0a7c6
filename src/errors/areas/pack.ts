import type { ErrorSpec } from '../types.js';

export const PACK_ERRORS = [
  {
    code: 'CLINOTE_E_PACK_NOT_FOUND',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The terminology pack file (option `pack`, `CLINOTE_PACK` or `vocab info <path>`) cannot be read.',
    remedy:
      'Check the path. Build a pack with `clinote vocab build ... --out <file>`, or leave `pack` unset to use the built-in starter pack.',
  },
  {
    code: 'CLINOTE_E_PACK_CORRUPT',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'The file is not a Clinote terminology pack, or it is damaged: bad magic bytes, a truncated file, a section out of bounds, or a content hash that does not match.',
    remedy: 'Rebuild the pack with `clinote vocab build`; do not edit packs by hand.',
  },
  {
    code: 'CLINOTE_E_PACK_VERSION_UNSUPPORTED',
    httpStatus: 500,
    severity: 'error',
    meaning: 'The pack was written in a format version this Clinote does not read.',
    remedy: 'Rebuild the pack with this version of Clinote (`clinote vocab build`).',
  },
  {
    code: 'CLINOTE_E_PACK_BUILD_FAILED',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A pack could not be built: a source file could not be read or parsed, no source was given, or no concept was imported.',
    remedy:
      'Check the source paths and formats (`clinote vocab build --help` lists the importers); the message names the source.',
  },
  {
    code: 'CLINOTE_W_PACK_KEYS_MISMATCH',
    httpStatus: 200,
    severity: 'warning',
    meaning:
      'The pack was built with a different term normalization (token keys) than this Clinote uses, so some terms may no longer match.',
    remedy: 'Rebuild the pack with this version of Clinote (`clinote vocab build`).',
  },
] as const satisfies readonly ErrorSpec[];

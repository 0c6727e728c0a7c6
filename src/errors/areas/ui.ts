import type { ErrorSpec } from '../types.js';

/** Errors of the web UI served by `clinote serve` (src/ui/). */
export const UI_ERRORS = [
  {
    code: 'CLINOTE_E_UI_NOT_BUILT',
    httpStatus: 503,
    severity: 'error',
    meaning:
      'The server was asked for a page of the web UI, but the built UI files (dist/ui) are missing or incomplete: the package was built without `npm run build:ui`.',
    remedy:
      'Run `npm run build` (it builds the UI into dist/ui), or set CLINOTE_UI_DIR to a folder holding a built UI. The API routes work without it.',
  },
] as const satisfies readonly ErrorSpec[];

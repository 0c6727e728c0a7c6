import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../cli/exit-codes.js';
import { packageRoot } from '../resources.js';
import { ERROR_CATALOGUE, type ErrorCode, errorSpec, isErrorCode } from './catalogue.js';
import { ClinoteError, toClinoteError } from './error.js';
import { renderErrorsMarkdown } from './render.js';

describe('error catalogue', () => {
  it('has well-formed, unique codes', () => {
    const codes = ERROR_CATALOGUE.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of ERROR_CATALOGUE) {
      expect(e.code).toMatch(/^CLINOTE_[EW]_[A-Z0-9]+(_[A-Z0-9]+)*$/);
      expect(e.code.startsWith('CLINOTE_W_')).toBe(e.severity === 'warning');
      expect(e.meaning.length).toBeGreaterThan(10);
      expect(e.remedy.length).toBeGreaterThan(5);
    }
  });

  it('gives every entry an HTTP status; warnings 200, errors 4xx or 5xx', () => {
    for (const e of ERROR_CATALOGUE) {
      expect(Number.isInteger(e.httpStatus), e.code).toBe(true);
      expect(e.httpStatus, e.code).toBeGreaterThanOrEqual(200);
      expect(e.httpStatus, e.code).toBeLessThanOrEqual(599);
      if (e.severity === 'warning') expect(e.httpStatus, e.code).toBe(200);
      else expect(e.httpStatus, e.code).toBeGreaterThanOrEqual(400);
    }
    expect(new ClinoteError('CLINOTE_E_INPUT_TOO_LARGE', 'x').httpStatus).toBe(413);
    expect(new ClinoteError('CLINOTE_E_PIPELINE_DEADLINE', 'x').httpStatus).toBe(504);
    expect(new ClinoteError('CLINOTE_E_PIPELINE_ABORTED', 'x').httpStatus).toBe(503);
    expect(new ClinoteError('CLINOTE_E_INTERNAL', 'x').httpStatus).toBe(500);
  });

  it('has the codes the pipeline, the registry, Doc and the batch runner throw', () => {
    const codes: readonly ErrorCode[] = [
      'CLINOTE_E_PIPELINE_ASYNC_COMPONENT',
      'CLINOTE_E_PIPELINE_DEADLINE',
      'CLINOTE_E_PIPELINE_ABORTED',
      'CLINOTE_E_PIPELINE_LAYER_ORDER',
      'CLINOTE_E_PIPELINE_VERSION_UNAVAILABLE',
      'CLINOTE_E_REGISTRY_DUPLICATE',
      'CLINOTE_E_DOC_INVALID',
      'CLINOTE_E_BATCH_WORKER_FAILED',
    ];
    for (const code of codes) expect(errorSpec(code)?.severity, code).toBe('error');
  });

  it('refuses codes that are not in the catalogue, at compile time and at run time', () => {
    // @ts-expect-error: not a code of the catalogue
    expect(() => new ClinoteError('CLINOTE_E_NOPE_NOPE', 'x')).toThrow(/not in the catalogue/);
    // @ts-expect-error: a typo is a compile error
    const typo: ErrorCode = 'CLINOTE_E_TYPO';
    expect(isErrorCode(typo)).toBe(false);
    expect(isErrorCode('CLINOTE_E_INTERNAL')).toBe(true);
    expect(errorSpec('CLINOTE_E_NOPE_NOPE')).toBeUndefined();
  });

  it('wraps unknown errors as internal', () => {
    expect(toClinoteError(new Error('x')).code).toBe('CLINOTE_E_INTERNAL');
    const e = new ClinoteError('CLINOTE_E_CLI_USAGE', 'x');
    expect(toClinoteError(e)).toBe(e);
  });

  it('maps CLI exit codes only for codes of the catalogue (src/cli/exit-codes.ts)', () => {
    for (const code of Object.keys(EXIT_CODES)) expect(isErrorCode(code), code).toBe(true);
  });

  it('docs/errors.md is generated from the catalogue and up to date (npm run docs:errors)', () => {
    const doc = readFileSync(join(packageRoot(), 'docs', 'errors.md'), 'utf8');
    expect(doc).toBe(renderErrorsMarkdown());
  });
});

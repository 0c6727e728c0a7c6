import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../resources.js';
import { ERROR_CATALOGUE } from './catalogue.js';
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

  it('refuses codes that are not in the catalogue', () => {
    expect(() => new ClinoteError('CLINOTE_E_NOPE_NOPE', 'x')).toThrow(/not in the catalogue/);
  });

  it('wraps unknown errors as internal', () => {
    expect(toClinoteError(new Error('x')).code).toBe('CLINOTE_E_INTERNAL');
    expect(new ClinoteError('CLINOTE_E_CLI_USAGE', 'x').exitCode).toBe(64);
  });

  it('docs/errors.md is generated from the catalogue and up to date (npm run docs:errors)', () => {
    const doc = readFileSync(join(packageRoot(), 'docs', 'errors.md'), 'utf8');
    expect(doc).toBe(renderErrorsMarkdown());
  });
});

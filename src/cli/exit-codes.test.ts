import { describe, expect, it } from 'vitest';
import { ClinoteError } from '../errors/error.js';
import { EXIT, EXIT_CODES, exitCodeOf } from './exit-codes.js';

describe('exitCodeOf', () => {
  it('gives the exit code of the codes that end a command', () => {
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_INPUT_UNREADABLE', 'x'))).toBe(2);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_EVAL_DATA_MISSING', 'x'))).toBe(2);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_CONFIG_INVALID', 'x'))).toBe(3);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_RESOURCE_NOT_FOUND', 'x'))).toBe(3);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_OUTPUT_WRITE', 'x'))).toBe(4);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_CLI_USAGE', 'x'))).toBe(64);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_EVAL_UNKNOWN_TASK', 'x'))).toBe(64);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_INTERNAL', 'x'))).toBe(70);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_PIPELINE_ABORTED', 'x'))).toBe(130);
  });

  it('defaults to 1', () => {
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_INPUT_TOO_LARGE', 'x'))).toBe(1);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_PIPELINE_COMPONENT_FAILED', 'x'))).toBe(1);
    expect(exitCodeOf(new ClinoteError('CLINOTE_E_PIPELINE_DEADLINE', 'x'))).toBe(1);
  });

  it('lists only exit codes other than 0 and 1, all of them in EXIT', () => {
    const known = new Set<number>(Object.values(EXIT));
    for (const [code, exit] of Object.entries(EXIT_CODES)) {
      expect(exit, code).not.toBe(EXIT.ok);
      expect(exit, code).not.toBe(EXIT.noteErrors);
      expect(known.has(exit as number), code).toBe(true);
    }
  });
});

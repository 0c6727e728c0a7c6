import type { ErrorSpec } from '../types.js';

/** Errors of the assertions component and its ConText engine (src/components/assertions/). */
export const ASSERTION_ERRORS = [
  {
    code: 'CLINOTE_E_ASSERTION_PATTERN_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A rule of the assertion rule file has a pattern that cannot be compiled: empty, starting with a wildcard, an empty alternative, an element after `$`, or more than 4096 token sequences once its alternatives and optional parts are expanded. The message names the rule and the pattern.',
    remedy:
      'Fix the pattern (see docs/assertions.md, "Rule format"): split a very large alternation into several rules, and escape a literal `*`, `?`, `(`, `^` or `$` with a backslash.',
  },
  {
    code: 'CLINOTE_E_ASSERTION_RULE_INVALID',
    httpStatus: 500,
    severity: 'error',
    meaning:
      'A rule of the assertion rule file is inconsistent: a duplicate rule id, a forward/backward/bidirectional rule without exactly one category, a terminate or pseudo rule with a scope or concept types, or two rules matching the same tokens. The message names the rule.',
    remedy:
      'Give every rule a unique id and one category per cue, and merge rules that match the same tokens (see docs/assertions.md, "Rule format").',
  },
  {
    code: 'CLINOTE_E_ASSERTION_TARGET_INVALID',
    httpStatus: 422,
    severity: 'error',
    meaning:
      'The ConText engine was called on its own with a target span that is not inside the text (start < 0, end < start, or end past the end of the text).',
    remedy: 'Pass a half-open [start, end) span of UTF-16 offsets into the text given.',
  },
] as const satisfies readonly ErrorSpec[];

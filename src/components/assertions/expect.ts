/**
 * Table checks for assertion rules: a row `{ text, target, expect }` runs the engine on `text` with
 * the (first, or `nth`) occurrence of `target` and compares the result with `expect`. Used by the
 * table tests of this folder; handy for testing a rule file of one's own.
 */
import type { Span } from '../../doc/types.js';
import type { AssertOptions, ContextEngine } from './engine.js';
import type { Assertion, AssertionCategory, AssertionStatus, Temporality } from './types.js';

export interface ExpectDetail {
  readonly status?: AssertionStatus;
  /** Categories that must hold. */
  readonly has?: readonly AssertionCategory[];
  /** Categories that must not hold. */
  readonly not?: readonly AssertionCategory[];
  /** Text of the cue of the first evidence item (`null`: no cue). */
  readonly cue?: string | null;
  /** Rule id of the first evidence item. */
  readonly rule?: string;
  /** The temporality (ConText's onset axis). */
  readonly temporality?: Temporality;
  /** Rule or lexicon id of the temporality evidence. */
  readonly temporalityRule?: string;
  /** Text of the temporality evidence's cue (`null`: none). */
  readonly temporalityCue?: string | null;
}

/** A status, or details. */
export type Expect = AssertionStatus | ExpectDetail;

export interface TableRow {
  readonly text: string;
  readonly target: string;
  readonly expect: Expect;
  /** Section category (standalone: the engine gets it as the section). */
  readonly section?: string;
  /** Concept type (default `problem`). */
  readonly type?: string;
  /** Which occurrence of `target` (0-based, default 0). */
  readonly nth?: number;
}

/** The span of the nth occurrence of `target` in `text`, or null. */
export function locate(text: string, target: string, nth = 0): Span | null {
  let from = 0;
  for (let k = 0; ; k++) {
    const i = text.indexOf(target, from);
    if (i < 0) return null;
    if (k === nth) return { start: i, end: i + target.length };
    from = i + 1;
  }
}

/** Why the assertion does not meet the expectation, or null when it does. */
export function mismatch(a: Assertion, expect: Expect): string | null {
  const e: ExpectDetail = typeof expect === 'string' ? { status: expect } : expect;
  const problems: string[] = [];
  if (e.status !== undefined && a.status !== e.status)
    problems.push(`status ${a.status}, expected ${e.status}`);
  for (const c of e.has ?? []) if (!a.categories.includes(c)) problems.push(`missing ${c}`);
  for (const c of e.not ?? []) if (a.categories.includes(c)) problems.push(`unexpected ${c}`);
  const first = a.evidence[0];
  if (e.cue !== undefined && (first?.cue?.text ?? null) !== e.cue) {
    problems.push(`cue ${JSON.stringify(first?.cue?.text ?? null)}, expected ${JSON.stringify(e.cue)}`);
  }
  if (e.rule !== undefined && first?.rule !== e.rule)
    problems.push(`rule ${first?.rule}, expected ${e.rule}`);
  const t = a.temporalityEvidence[0];
  if (e.temporality !== undefined && a.temporality !== e.temporality)
    problems.push(`temporality ${a.temporality}, expected ${e.temporality}`);
  if (e.temporalityRule !== undefined && t?.rule !== e.temporalityRule)
    problems.push(`temporality rule ${t?.rule}, expected ${e.temporalityRule}`);
  if (e.temporalityCue !== undefined && (t?.cue?.text ?? null) !== e.temporalityCue) {
    problems.push(
      `temporality cue ${JSON.stringify(t?.cue?.text ?? null)}, expected ${JSON.stringify(e.temporalityCue)}`,
    );
  }
  if (problems.length === 0) return null;
  const evidence = a.evidence
    .map((v) => `${v.category}:${v.rule}${v.cue ? `(${v.cue.text})` : ''}`)
    .join(', ');
  const onset = t ? `; temporality ${a.temporality}:${t.rule}${t.cue ? `(${t.cue.text})` : ''}` : '';
  return `${problems.join('; ')} [${evidence}${onset}]`;
}

/** Run one row; returns the assertion and the mismatch (null when it passes). */
export function checkRow(
  engine: ContextEngine,
  row: TableRow,
): { assertion: Assertion | null; problem: string | null } {
  const span = locate(row.text, row.target, row.nth ?? 0);
  if (!span) return { assertion: null, problem: `target ${JSON.stringify(row.target)} not in the text` };
  const options: AssertOptions = {
    ...(row.section !== undefined ? { section: row.section } : {}),
    ...(row.type !== undefined ? { type: row.type } : {}),
  };
  const assertion = engine.assert(row.text, span, options);
  return { assertion, problem: mismatch(assertion, row.expect) };
}

/**
 * What the fuzzer checks on every generated note (docs/fuzz.md), over a pipeline's `processSync`:
 *
 * - nothing throws; a failed outcome is only a coded error documented for that input
 *   (`CLINOTE_E_INPUT_TOO_LARGE` for a note over the size limit);
 * - every span of every layer lies in the text, and a span that carries its `text` reproduces it
 *   (`text.slice(start, end)`);
 * - layer orders hold: sections, sentences and tokens sorted, non-overlapping (tokens and
 *   sentences never empty); concepts sorted by start;
 * - the note's time stays within a budget proportional to its length (the fastest of three runs
 *   when the first is over it: the machine may be busy).
 *
 * Regression cases (what `npm run fuzz` found, minimized) live in `src/fuzz/regressions/*.json`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Pipeline } from '../pipeline/pipeline.js';
import { packageRoot } from '../resources.js';

export interface Budget {
  /** Milliseconds every note may take (JIT, GC pauses, a busy machine). */
  readonly baseMs: number;
  /** Further milliseconds per KB of text (UTF-16 code units / 1024). */
  readonly msPerKb: number;
}

/**
 * Generous: the default pipeline runs ordinary text at about 0.4 s/MB (0.4 ms/KB) on one core of the
 * project machine; the budget is 50x that plus a second, so only super-linear time trips it on a
 * shared machine.
 */
export const DEFAULT_BUDGET: Budget = { baseMs: 1000, msPerKb: 20 };

export function budgetMs(text: string, budget: Budget = DEFAULT_BUDGET): number {
  return budget.baseMs + (budget.msPerKb * text.length) / 1024;
}

/** Coded errors a note may end with, by what is true of the note. */
function allowedError(code: string, text: string, pipeline: Pipeline): boolean {
  if (code === 'CLINOTE_E_INPUT_TOO_LARGE') return Buffer.byteLength(text, 'utf8') > pipeline.maxNoteBytes;
  return false;
}

type Obj = Record<string, unknown>;

/** Every object with numeric `start` and `end` in a value, with its path. */
function spansOf(value: unknown, path: string, out: { path: string; o: Obj }[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) spansOf(value[i], `${path}[${i}]`, out);
  } else if (value !== null && typeof value === 'object') {
    const o = value as Obj;
    if (typeof o.start === 'number' && typeof o.end === 'number') out.push({ path, o });
    for (const [k, v] of Object.entries(o))
      if (v !== null && typeof v === 'object') spansOf(v, `${path}.${k}`, out);
  }
}

/** The invariant violations of one processed note (empty: all hold), and its time. */
export function checkNote(
  pipeline: Pipeline,
  text: string,
  budget: Budget = DEFAULT_BUDGET,
): { violations: string[]; ms: number } {
  const violations: string[] = [];
  const t0 = performance.now();
  let outcome: ReturnType<Pipeline['processSync']>;
  try {
    outcome = pipeline.processSync({ id: 'fuzz', text });
  } catch (e) {
    return {
      violations: [`processSync threw: ${(e as Error)?.stack ?? String(e)}`],
      ms: performance.now() - t0,
    };
  }
  let ms = performance.now() - t0;
  if (ms > budgetMs(text, budget)) {
    // a busy machine, a GC pause or a cold code path: timed again, the fastest of three counts
    for (let i = 0; i < 2 && ms > budgetMs(text, budget); i++) {
      const t1 = performance.now();
      pipeline.processSync({ id: 'fuzz', text });
      ms = Math.min(ms, performance.now() - t1);
    }
    if (ms > budgetMs(text, budget)) {
      violations.push(
        `took ${ms.toFixed(0)} ms for ${text.length} chars (budget ${budgetMs(text, budget).toFixed(0)} ms)`,
      );
    }
  }
  if (!outcome.ok) {
    const code = outcome.error.code;
    if (!allowedError(code, text, pipeline)) violations.push(`failed with ${code}: ${outcome.error.message}`);
    return { violations, ms };
  }
  const doc = outcome.doc;
  for (const layer of doc.layerNames()) {
    if (layer === 'normalized') continue;
    const value = doc.get(layer);
    const spans: { path: string; o: Obj }[] = [];
    spansOf(value, layer, spans);
    for (const { path, o } of spans) {
      const s = o.start as number;
      const e = o.end as number;
      if (!(Number.isInteger(s) && Number.isInteger(e) && s >= 0 && s <= e && e <= text.length)) {
        violations.push(`${path}: span [${s}, ${e}) outside the text (length ${text.length})`);
        continue;
      }
      if (typeof o.text === 'string' && text.slice(s, e) !== o.text) {
        violations.push(
          `${path}: text ${JSON.stringify(o.text)} != slice ${JSON.stringify(text.slice(s, e))}`,
        );
      }
    }
    if (layer === 'sections' || layer === 'sentences' || layer === 'tokens') {
      const items = value as readonly { start: number; end: number }[];
      for (let i = 0; i < items.length; i++) {
        const x = items[i] as { start: number; end: number };
        if (layer !== 'sections' && x.end <= x.start)
          violations.push(`${layer}[${i}]: empty [${x.start}, ${x.end})`);
        const p = items[i - 1];
        if (p && x.start < p.end) {
          violations.push(
            `${layer}[${i}]: [${x.start}, ${x.end}) overlaps or precedes [${p.start}, ${p.end})`,
          );
        }
      }
    }
    if (layer === 'concepts') {
      const items = value as readonly { start: number }[];
      for (let i = 1; i < items.length; i++) {
        if ((items[i] as { start: number }).start < (items[i - 1] as { start: number }).start) {
          violations.push(`concepts[${i}]: not sorted by start`);
        }
      }
    }
  }
  return { violations: violations.slice(0, 20), ms };
}

/** A regression case: what a fuzz run found, minimized by fast-check. */
export interface RegressionCase {
  /** The fast-check seed and path of the failure (replay: `fc.assert(..., { seed, path })`). */
  readonly seed: number;
  readonly path: string;
  /** The minimal note. */
  readonly note: string;
  /** The first violation seen when it was found. */
  readonly violation: string;
  /** When it was found (ISO 8601). */
  readonly found: string;
}

/** The folder of regression cases in the source tree. */
export function regressionDir(): string {
  return join(packageRoot(), 'src', 'fuzz', 'regressions');
}

export function loadRegressions(dir = regressionDir()): { file: string; c: RegressionCase }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((file) => ({
    file,
    c: JSON.parse(readFileSync(join(dir, file), 'utf8')) as RegressionCase,
  }));
}

/** JSON with every character outside printable ASCII escaped (`\uXXXX`): lone surrogates, controls and marks stay readable and survive any editor. */
export function escapedJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/[^\x20-\x7e\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

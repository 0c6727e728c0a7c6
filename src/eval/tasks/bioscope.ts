/**
 * Task `bioscope`: the ConText engine's cues and scopes against BioScope's negation and speculation
 * annotation (`<cue type="negation|speculation" ref>`, `<xcope id>`).
 *
 *   clinote eval bioscope --data FILE.xml|DIR [--limit N] [--json] [--errors]
 *
 * Default data: the `bioscope/` folder under the shared data dir (absent today; a small fixture of
 * our own is `src/eval/fixtures/bioscope/sample.xml`).
 *
 * Each sentence runs through the engine on its own (`engine.prepare(sentence)`). Cues of category
 * NEGATED are negation cues, cues of category POSSIBLE speculation cues; other categories are not
 * scored. A predicted scope is the cue and the tokens it governs (forward and/or backward), since
 * BioScope scopes hold their cue.
 *
 * - Cue level (`strict`, `lenient`, `byType`): cue spans per type; strict = same start and end (a
 *   discontinuous gold cue, `neither ... nor`, spans its first to its last part), lenient = overlap.
 * - Scope level (`scores.scopes`): a predicted (cue, scope) is right when its cue overlaps a gold cue
 *   of the type and its scope equals the gold scope (whitespace and closing `.,;:` trimmed at both
 *   ends); tp / fp / fn over (cue, scope) pairs, per type.
 * - Scope tokens (`scores.scopeTokens`): tokens inside any gold scope of a type vs inside any
 *   predicted one, per type.
 */

import {
  type ContextEngine,
  type CueMatch,
  defaultContextEngine,
} from '../../components/assertions/index.js';
import { type BioScopeSentence, readBioScope } from '../../corpora/bioscope.js';
import type { Span } from '../../doc/types.js';
import { ClinoteError } from '../../errors/error.js';
import { tokenize } from '../../text/tokenize.js';
import { type LabeledSpan, prf, SpanScorer } from '../metrics.js';
import { resolveEvalData } from '../resolve.js';
import type { EvalErrorItem, EvalOptions, EvalReport, EvalTask, PRF } from '../types.js';

export const BIOSCOPE_DEFAULT_DATA: readonly string[] = ['bioscope'];
export const BIOSCOPE_TYPES = ['negation', 'speculation'] as const;
export type BioScopeType = (typeof BIOSCOPE_TYPES)[number];

/** A predicted cue in BioScope terms. */
export interface PredictedCue extends LabeledSpan {
  readonly type: BioScopeType;
  readonly rule: string;
  /** Cue and governed tokens together. */
  readonly scope: Span;
}

/** The engine's cues of a sentence, as BioScope cues with scopes. */
export function predictCues(engine: ContextEngine, text: string): PredictedCue[] {
  const out: PredictedCue[] = [];
  for (const c of engine.prepare(text).cues()) {
    const type = typeOf(c);
    if (type === null) continue;
    let start = c.cue.start;
    let end = c.cue.end;
    if (c.forward) end = Math.max(end, c.forward.end);
    if (c.backward) start = Math.min(start, c.backward.start);
    out.push({ start: c.cue.start, end: c.cue.end, type, rule: c.rule, scope: { start, end } });
  }
  return out;
}

function typeOf(c: CueMatch): BioScopeType | null {
  if (c.categories.includes('NEGATED')) return 'negation';
  if (c.categories.includes('POSSIBLE')) return 'speculation';
  return null;
}

/** A span with whitespace and closing punctuation trimmed at both ends. */
export function trimSpan(text: string, span: Span): Span {
  let a = span.start;
  let b = span.end;
  while (a < b && /[\s.,;:]/.test(text[a] as string)) a++;
  while (b > a && /[\s.,;:]/.test(text[b - 1] as string)) b--;
  return { start: a, end: b };
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 });

export interface BioScopeScores {
  readonly cues: ReturnType<SpanScorer['result']>;
  readonly scopes: Record<BioScopeType | 'all', PRF>;
  readonly scopeTokens: Record<BioScopeType | 'all', PRF>;
  readonly goldCues: Record<string, number>;
  readonly predictedCues: Record<string, number>;
  readonly errors?: EvalErrorItem[];
}

/** Score the engine on BioScope sentences. */
export function scoreBioScope(
  sentences: readonly BioScopeSentence[],
  engine: ContextEngine = defaultContextEngine(),
  options: { errors?: boolean } = {},
): BioScopeScores {
  const cueScorer = new SpanScorer({ errors: options.errors === true, types: [...BIOSCOPE_TYPES] });
  const scopes: Record<BioScopeType, Counts> = { negation: zero(), speculation: zero() };
  const tokens: Record<BioScopeType, Counts> = { negation: zero(), speculation: zero() };
  const goldCues: Record<string, number> = {};
  const predictedCues: Record<string, number> = {};
  const errors: EvalErrorItem[] | undefined = options.errors ? [] : undefined;

  for (const s of sentences) {
    const pred = predictCues(engine, s.text);
    const gold = s.cues
      .filter((c): c is typeof c & { type: BioScopeType } =>
        (BIOSCOPE_TYPES as readonly string[]).includes(c.type),
      )
      .map((c) => {
        const scope = s.scopes.find((x) => x.id === c.ref);
        return {
          start: c.start,
          end: c.end,
          type: c.type,
          scope: scope ? { start: scope.start, end: scope.end } : null,
        };
      });
    for (const c of gold) goldCues[c.type] = (goldCues[c.type] ?? 0) + 1;
    for (const c of pred) predictedCues[c.type] = (predictedCues[c.type] ?? 0) + 1;
    cueScorer.add({ id: s.id, text: s.text, gold, pred });

    // scope level: (cue, scope) pairs
    const used = new Set<number>();
    const key = (sp: Span): string => {
      const t = trimSpan(s.text, sp);
      return `${t.start}:${t.end}`;
    };
    for (const g of gold) {
      if (!g.scope) continue;
      const j = pred.findIndex(
        (p, k) => !used.has(k) && p.type === g.type && p.start < g.end && g.start < p.end,
      );
      const ok = j >= 0 && key((pred[j] as PredictedCue).scope) === key(g.scope);
      if (j >= 0) used.add(j);
      if (ok) {
        scopes[g.type].tp++;
      } else {
        scopes[g.type].fn++;
        if (j >= 0) scopes[g.type].fp++;
        errors?.push({
          kind: 'scope',
          doc: s.id,
          type: g.type,
          start: g.scope.start,
          end: g.scope.end,
          text: s.text.slice(g.scope.start, g.scope.end),
          context: s.text,
          detail:
            j >= 0
              ? `predicted ${JSON.stringify(s.text.slice((pred[j] as PredictedCue).scope.start, (pred[j] as PredictedCue).scope.end))} (${(pred[j] as PredictedCue).rule})`
              : 'no predicted cue',
        });
      }
    }
    pred.forEach((p, k) => {
      if (!used.has(k)) scopes[p.type].fp++;
    });

    // scope tokens
    const toks = tokenize(s.text).filter((t) => t.kind !== 'punct');
    for (const type of BIOSCOPE_TYPES) {
      const inGold = (i: number, j: number) =>
        gold.some((g) => g.type === type && g.scope && g.scope.start <= i && j <= g.scope.end);
      const inPred = (i: number, j: number) =>
        pred.some((p) => p.type === type && p.scope.start <= i && j <= p.scope.end);
      for (const t of toks) {
        const a = inGold(t.start, t.end);
        const b = inPred(t.start, t.end);
        if (a && b) tokens[type].tp++;
        else if (a) tokens[type].fn++;
        else if (b) tokens[type].fp++;
      }
    }
  }
  const sum = (c: Record<BioScopeType, Counts>): PRF =>
    prf(c.negation.tp + c.speculation.tp, c.negation.fp + c.speculation.fp, c.negation.fn + c.speculation.fn);
  const cues = cueScorer.result();
  return {
    cues,
    scopes: {
      negation: prf(scopes.negation.tp, scopes.negation.fp, scopes.negation.fn),
      speculation: prf(scopes.speculation.tp, scopes.speculation.fp, scopes.speculation.fn),
      all: sum(scopes),
    },
    scopeTokens: {
      negation: prf(tokens.negation.tp, tokens.negation.fp, tokens.negation.fn),
      speculation: prf(tokens.speculation.tp, tokens.speculation.fp, tokens.speculation.fn),
      all: sum(tokens),
    },
    goldCues,
    predictedCues,
    ...(errors ? { errors: [...(cues.errors ?? []), ...errors] } : {}),
  };
}

/** `--data` (a file or a folder of .xml) or the default under the shared data dir. */
export function resolveBioScopeData(data: string | undefined): string {
  return resolveEvalData(data, BIOSCOPE_DEFAULT_DATA, {
    hint: '(a BioScope XML file or folder; a sample: src/eval/fixtures/bioscope/sample.xml)',
  });
}

export const bioscopeTask: EvalTask = {
  name: 'bioscope',
  description:
    'ConText cues and scopes against BioScope negation and speculation: cue-level and scope-level P/R/F1 (--data FILE|DIR)',
  async run(options: EvalOptions): Promise<EvalReport> {
    const path = resolveBioScopeData(options.data);
    const file = readBioScope(path);
    if (file.sentences.length === 0) {
      throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `no BioScope sentences in '${path}'`, { path });
    }
    const sentences =
      options.limit !== undefined ? file.sentences.slice(0, Math.max(0, options.limit)) : file.sentences;
    const engine = defaultContextEngine();
    const started = performance.now();
    const scored = scoreBioScope(sentences, engine, { errors: options.errors === true });
    const seconds = (performance.now() - started) / 1000;
    const report: EvalReport = {
      task: 'bioscope',
      data: path,
      strict: scored.cues.strict,
      lenient: scored.cues.lenient,
      byType: scored.cues.byType,
      scores: {
        scopes: scored.scopes,
        scopeTokens: scored.scopeTokens,
        goldCues: scored.goldCues,
        predictedCues: scored.predictedCues,
        rules: engine.rules.version,
        notes: [
          'strict / lenient / byType: cue level (NEGATED cues = negation, POSSIBLE cues = speculation)',
          'scopes: (cue, scope) pairs, scope = cue + governed tokens, equal after trimming whitespace and .,;:',
          'scopeTokens: tokens inside gold vs predicted scopes, per type',
        ],
      },
      counts: {
        files: file.files.length,
        documents: file.documents,
        sentences: sentences.length,
        readerProblems: file.problems.length,
      },
      timing: { seconds, itemsPerSecond: seconds > 0 ? sentences.length / seconds : 0, unit: 'sentences' },
    };
    if (scored.errors) report.errors = scored.errors;
    return report;
  },
};

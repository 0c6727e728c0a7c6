/**
 * Task `assertions`: entity-level negation on brat corpora. The gold entities are the targets (so
 * this measures assertion detection, not NER): each document runs through the segmentation
 * components (normalize, sections, sentences, tokens), its gold entities become the `concepts`
 * layer, and the `assertions` component asserts them in their sentences and sections.
 *
 *   clinote eval assertions --preset maccrobat|chia [--data DIR] [--pipeline CONFIG] [--limit N] [--errors]
 *
 * Presets:
 * - `maccrobat`: event triggers of clinical types; negated = the event has `POLARITY NEG`
 *   (`UNCERTAIN`, `MAYBE_NEG`, `MAYBE_POS` count as not negated).
 * - `chia`: Condition, Observation, Drug, Procedure, Measurement and Device entities; negated = the
 *   entity is `Arg1` of a `Has_negation` relation, or lies inside a `Scope` entity that is.
 *
 * Scores (`scores.negation`, and per gold type in `scores.byType`): positive class negated,
 * predicted negated = the category NEGATED holds; `{ precision, recall, f1, accuracy, tp, fp, fn, tn }`.
 * `--errors` lists each miss with its sentence and the cue involved.
 */

import {
  assertConcepts,
  type ContextEngine,
  defaultContextEngine,
} from '../../components/assertions/index.js';
import { type BratDocument, type BratEntity, readBratDir } from '../../corpora/brat.js';
import {
  CHIA_TARGET_TYPES,
  chiaNegated,
  goldTargets,
  MACCROBAT_TARGET_TYPES,
  maccrobatNegated,
} from '../../corpora/negation.js';
import { Doc } from '../../doc/doc.js';
import type { Concept, Span } from '../../doc/types.js';
import { DEFAULT_PIPELINE, readConfigFile } from '../../engine.js';
import { loadPipelineSync } from '../../engine-sync.js';
import { ClinoteError } from '../../errors/error.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { resourcePath } from '../../resources.js';
import { spanContext } from '../metrics.js';
import { pickPreset, resolveEvalData } from '../resolve.js';
import type { EvalErrorItem, EvalOptions, EvalReport, EvalTask } from '../types.js';
import { type BinaryScore, binaryScore } from './negex.js';

export { chiaNegated, maccrobatNegated };

export interface AssertionPreset {
  readonly name: string;
  readonly description: string;
  /** Path under the shared data dir used when `--data` is omitted. */
  readonly defaultData: readonly string[];
  /** Gold entity type -> Clinote concept type; entities of other types are not targets. */
  readonly types: Readonly<Record<string, string>>;
  /** Which targets are negated: ids of entities of the document. */
  negated(doc: BratDocument): Set<string>;
  readonly notes?: readonly string[];
}

export const ASSERTION_PRESETS: Readonly<Record<string, AssertionPreset>> = {
  maccrobat: {
    name: 'maccrobat',
    description: 'MACCROBAT 2020 case reports: event triggers with POLARITY NEG',
    defaultData: ['maccrobat'],
    types: MACCROBAT_TARGET_TYPES,
    negated: maccrobatNegated,
    notes: ['negated = POLARITY NEG on the event; UNCERTAIN, MAYBE_NEG and MAYBE_POS count as not negated'],
  },
  chia: {
    name: 'chia',
    description: 'Chia eligibility criteria: entities linked to a Negation (directly or through a Scope)',
    defaultData: ['chia', 'chia_with_scope'],
    types: CHIA_TARGET_TYPES,
    negated: chiaNegated,
    notes: [
      'negated = Arg1 of Has_negation, or inside a Scope that is; Chia also marks exceptions (`other than`, `except`) as negations, which ConText reads as terminators',
    ],
  },
};

export function assertionPreset(name: string | undefined): AssertionPreset {
  return pickPreset('assertions', ASSERTION_PRESETS, name);
}

function resolveData(preset: AssertionPreset, data: string | undefined): string {
  return resolveEvalData(data, preset.defaultData, { preset: preset.name });
}

/**
 * Components the evaluation runs before putting the gold targets in: those before `concepts` (the
 * gold entities take its place; assertions run on them; later components are not needed).
 */
export function segmentationPipeline(configPath?: string): Pipeline {
  const config = readConfigFile(configPath ?? resourcePath(DEFAULT_PIPELINE)) as { components?: unknown };
  let components = config.components;
  if (Array.isArray(components)) {
    const at = components.findIndex((c: unknown) => (c as { name?: unknown } | null)?.name === 'concepts');
    components = (at >= 0 ? components.slice(0, at) : components).filter(
      (c: unknown) => (c as { name?: unknown } | null)?.name !== 'assertions',
    );
  }
  return loadPipelineSync({ config: { ...config, components } });
}

/** The gold targets of a document as concepts. */
export function goldConcepts(
  doc: BratDocument,
  preset: AssertionPreset,
): { concept: Concept; entity: BratEntity }[] {
  return goldTargets(doc, preset.types, 'eval-assertions');
}

export interface AssertionScoring {
  readonly negation: BinaryScore;
  readonly byType: Record<string, BinaryScore>;
  /** Gold negated targets the engine called POSSIBLE. */
  readonly negatedAsPossible: number;
  readonly targets: number;
  readonly failed: number;
  readonly seconds: number;
  readonly errors?: EvalErrorItem[];
}

/** Assert the gold targets of every document and score negation. */
export function scoreAssertions(
  docs: readonly BratDocument[],
  preset: AssertionPreset,
  pipeline: Pipeline,
  engine: ContextEngine = defaultContextEngine(),
  options: { errors?: boolean } = {},
): AssertionScoring {
  const counts = new Map<string, { tp: number; fp: number; fn: number; tn: number }>();
  const total = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const errors: EvalErrorItem[] | undefined = options.errors ? [] : undefined;
  let negatedAsPossible = 0;
  let targets = 0;
  let failed = 0;
  let seconds = 0;
  for (const b of docs) {
    const gold = goldConcepts(b, preset);
    if (gold.length === 0) continue;
    const negated = preset.negated(b);
    let doc: Doc;
    let asserted: Concept[];
    const started = performance.now();
    try {
      doc = pipeline.runSync(new Doc(b.text, { id: b.id }));
      doc.set(
        'concepts',
        gold.map((g) => g.concept),
      );
      asserted = assertConcepts(doc, engine);
    } catch {
      failed++;
      continue;
    } finally {
      seconds += (performance.now() - started) / 1000;
    }
    const sentences: readonly Span[] = doc.maybe('sentences') ?? [];
    asserted.forEach((c, i) => {
      const { entity } = gold[i] as { entity: BratEntity };
      const isGold = negated.has(entity.id);
      const isPred = c.assertion?.categories.includes('NEGATED') === true;
      if (isGold && c.assertion?.categories.includes('POSSIBLE')) negatedAsPossible++;
      targets++;
      let t = counts.get(entity.type);
      if (!t) counts.set(entity.type, (t = { tp: 0, fp: 0, fn: 0, tn: 0 }));
      const k = isGold && isPred ? 'tp' : !isGold && !isPred ? 'tn' : isPred ? 'fp' : 'fn';
      t[k]++;
      total[k]++;
      if (errors && (k === 'fp' || k === 'fn')) {
        const ev = c.assertion?.evidence.find((e) => e.category === 'NEGATED');
        const cues =
          c.assertion?.evidence
            .filter((e) => e.source === 'cue')
            .map((e) => `${e.category} ${JSON.stringify(e.cue?.text ?? '')} (${e.rule})`) ?? [];
        errors.push({
          kind: k,
          doc: b.id,
          type: entity.type,
          start: c.start,
          end: c.end,
          text: c.text,
          context: spanContext(b.text, c.start, c.end, sentences),
          detail:
            k === 'fp'
              ? `cue ${JSON.stringify(ev?.cue?.text ?? '')} (${ev?.rule ?? '?'})`
              : `no cue${cues.length > 0 ? `; assertion: ${cues.join(', ')}` : ''}`,
        });
      }
    });
  }
  const byType = Object.fromEntries(
    [...counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([type, c]) => [type, binaryScore(c.tp, c.fp, c.fn, c.tn)]),
  );
  return {
    negation: binaryScore(total.tp, total.fp, total.fn, total.tn),
    byType,
    negatedAsPossible,
    targets,
    failed,
    seconds,
    ...(errors ? { errors } : {}),
  };
}

export const assertionsTask: EvalTask = {
  name: 'assertions',
  description:
    'Entity-level negation with the gold entities as targets, on brat corpora (--preset maccrobat | chia)',
  async run(options: EvalOptions): Promise<EvalReport> {
    const preset = assertionPreset(options.preset);
    const data = resolveData(preset, options.data);
    const dir = readBratDir(data, {
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.split !== undefined ? { split: options.split } : {}),
    });
    if (dir.docs.length === 0) {
      throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `no .txt/.ann pairs in '${data}'`, {
        path: data,
      });
    }
    const pipeline = segmentationPipeline(options.pipeline);
    const engine = defaultContextEngine();
    const scored = scoreAssertions(dir.docs, preset, pipeline, engine, { errors: options.errors === true });
    const report: EvalReport = {
      task: 'assertions',
      data,
      preset: preset.name,
      scores: {
        negation: scored.negation,
        byType: scored.byType,
        negatedAsPossible: scored.negatedAsPossible,
        targetTypes: preset.types,
        rules: engine.rules.version,
        ...(preset.notes ? { notes: preset.notes } : {}),
      },
      counts: {
        documents: dir.docs.length,
        targets: scored.targets,
        goldNegated: scored.negation.tp + scored.negation.fn,
        predictedNegated: scored.negation.tp + scored.negation.fp,
        failedDocuments: scored.failed,
        readerProblems: dir.docs.reduce((n, d) => n + d.problems.length, 0),
        textMismatches: dir.docs.reduce((n, d) => n + d.textMismatches, 0),
      },
      timing: {
        seconds: scored.seconds,
        itemsPerSecond: scored.seconds > 0 ? dir.docs.length / scored.seconds : 0,
        unit: 'docs',
      },
    };
    if (scored.errors) report.errors = scored.errors;
    return report;
  },
};

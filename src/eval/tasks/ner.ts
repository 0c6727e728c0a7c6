/**
 * Task `ner`: concept mentions of the pipeline (`concepts` layer) against gold entity spans of a corpus,
 * strict and lenient, per label (see ../presets.ts for the corpora and type mappings).
 *
 *   clinote eval ner --preset ncbi-disease [--data FILE] [--pipeline CONFIG] [--pack PACK] [--limit N]
 *
 * For `ncbi-disease`, when the PubTator file of the split is present, the normalization accuracy is
 * reported too: of the gold mentions matched (lenient) by a predicted concept, the share whose gold
 * MeSH/OMIM id is among the concept's codes.
 */
import { readFileSync } from 'node:fs';
import { readBratDir } from '../../corpora/brat.js';
import { type ConllDocument, type ConllSentence, conllToText, readConll } from '../../corpora/conll.js';
import { type PubtatorDocument, readPubtatorFile } from '../../corpora/pubtator.js';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { Doc } from '../../doc/doc.js';
import type { Concept, Span } from '../../doc/types.js';
import { applyPack, CONCEPTS_COMPONENT, DEFAULT_PIPELINE, readConfigFile } from '../../engine.js';
import { loadPipelineSync } from '../../engine-sync.js';
import { ClinoteError, toClinoteError } from '../../errors/error.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { resourcePath } from '../../resources.js';
import { bratToGold, type GoldDoc, type GoldSpan, mapGold } from '../gold.js';
import { type LabeledSpan, matchLenient, type SpanResult, SpanScorer } from '../metrics.js';
import { NER_PRESETS, type NerPreset, presetMaps } from '../presets.js';
import { pickPreset, resolveEvalData } from '../resolve.js';
import type { EvalOptions, EvalReport, EvalTask } from '../types.js';
import { pubtatorTitlesNear, splitAtTitles } from './sentences.js';

interface PredSpan extends LabeledSpan {
  readonly codes: Concept['codes'];
}

export function nerPreset(name: string | undefined): NerPreset {
  return pickPreset('ner', NER_PRESETS, name);
}

/** `options.data`, or the preset's default under the shared data dir; throws CLINOTE_E_EVAL_DATA_MISSING. */
export function resolveData(preset: NerPreset, data: string | undefined): string {
  return resolveEvalData(data, preset.defaultData, { preset: preset.name });
}

/**
 * The pipeline config to evaluate: `--pipeline` or the default, with `--pack` given to the component
 * named `concepts` when the config has one. `packApplied` tells whether it had one.
 */
export function evalPipelineConfig(options: Pick<EvalOptions, 'pipeline' | 'pack'>): {
  config: unknown;
  packApplied: boolean;
} {
  const config = readConfigFile(options.pipeline ?? resourcePath(DEFAULT_PIPELINE));
  if (options.pack === undefined) return { config, packApplied: false };
  const r = applyPack(config, options.pack);
  return { config: r.config, packApplied: r.applied };
}

/**
 * The pipeline that scores a model alone: segmentation, then the `ner` component with the model
 * (and the pack of its dictionary features, when given).
 */
export function modelPipelineConfig(model: string, pack: string | undefined): unknown {
  return {
    name: 'ner-model',
    components: [
      { name: 'normalize' },
      { name: 'sections' },
      { name: 'sentences' },
      { name: 'tokens' },
      { name: 'ner', options: { model, ...(pack !== undefined ? { pack } : {}) } },
    ],
  };
}

/** Longest text (in characters) of one CoNLL document given to the pipeline; longer ones are split. */
export const CONLL_CHUNK_CHARS = 10_000;

/**
 * Gold documents of a CoNLL/IOB file: the documents of the reader (`-DOCSTART-`); a file without
 * them is cut where a known PubTator title starts (`titles`, as the sentences task does: NCBI's CoNLL
 * files lie beside their PubTator files). Documents still longer than `chunkChars` are split at
 * sentence ends, keeping several sentences of context together without making one huge note.
 */
export function conllGold(
  content: string,
  options: { titles?: Parameters<typeof splitAtTitles>[1]; chunkChars?: number } = {},
): { docs: GoldDoc[]; sentences: number; source: 'docstart' | 'pubtator-titles' | 'single' } {
  const chunkChars = options.chunkChars ?? CONLL_CHUNK_CHARS;
  let conll = readConll(content);
  let source: 'docstart' | 'pubtator-titles' | 'single' = /^-DOCSTART-/m.test(content)
    ? 'docstart'
    : 'single';
  if (source === 'single' && conll.length === 1 && options.titles) {
    const split = splitAtTitles(conll[0] as ConllDocument, options.titles);
    if (split) {
      conll = split;
      source = 'pubtator-titles';
    }
  }
  const docs: GoldDoc[] = [];
  let sentences = 0;
  for (const d of conll) {
    const chunks: ConllDocument[] = [];
    let current: ConllSentence[] = [];
    let length = 0;
    for (const s of d.sentences) {
      const n = s.tokens.reduce((a, t) => a + t.length + 1, 0);
      if (current.length > 0 && length + n > chunkChars) {
        chunks.push({ id: `${d.id}#${chunks.length + 1}`, sentences: current });
        current = [];
        length = 0;
      }
      current.push(s);
      length += n;
    }
    if (current.length > 0) chunks.push({ id: `${d.id}#${chunks.length + 1}`, sentences: current });
    if (chunks.length === 1) chunks[0] = { id: d.id, sentences: (chunks[0] as ConllDocument).sentences };
    for (const c of chunks) {
      const view = conllToText(c);
      sentences += view.sentences.length;
      docs.push({ id: c.id, text: view.text, spans: view.entities, sentences: view.sentences });
    }
  }
  return { docs, sentences, source };
}

export interface LoadedGold {
  readonly docs: GoldDoc[];
  readonly counts: Record<string, number>;
  /** CoNLL only: how the documents were found. */
  readonly documentSource?: string;
}

export function loadGold(preset: NerPreset, path: string, limit: number | undefined): LoadedGold {
  if (preset.format === 'brat') {
    const dir = readBratDir(path, limit !== undefined ? { limit } : {});
    if (dir.docs.length === 0) {
      throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `no .txt/.ann pairs in '${path}'`, { path });
    }
    const docs = dir.docs.map(bratToGold);
    return {
      docs,
      counts: {
        textMismatches: dir.docs.reduce((n, d) => n + d.textMismatches, 0),
        readerProblems: dir.docs.reduce((n, d) => n + d.problems.length, 0),
        unpairedFiles: dir.unpaired.length,
        goldDiscontinuous: docs.reduce((n, d) => n + d.spans.filter((s) => s.discontinuous).length, 0),
      },
    };
  }
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_EVAL_DATA_MALFORMED',
      `cannot read CoNLL file '${path}'`,
      { path },
      { cause: e },
    );
  }
  const { docs, sentences, source } = conllGold(content, { titles: pubtatorTitlesNear(path) });
  if (docs.length === 0) {
    throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `no sentences in CoNLL file '${path}'`, { path });
  }
  const kept = limit !== undefined ? docs.slice(0, Math.max(0, limit)) : docs;
  return {
    docs: kept,
    counts: {
      sentences: limit !== undefined ? kept.reduce((n, d) => n + (d.sentences?.length ?? 0), 0) : sentences,
    },
    documentSource: source,
  };
}

function predictions(
  doc: Doc,
  concepts: ReadonlyMap<string, string>,
  ignored: Record<string, number>,
): PredSpan[] {
  const out: PredSpan[] = [];
  for (const c of doc.maybe('concepts') ?? []) {
    const label = concepts.get(c.type);
    if (label === undefined) ignored[c.type] = (ignored[c.type] ?? 0) + 1;
    else out.push({ start: c.start, end: c.end, type: label, codes: c.codes });
  }
  return out;
}

function runDoc(pipeline: Pipeline, id: string, text: string): Doc | ClinoteError {
  try {
    return pipeline.runSync(new Doc(text, { id }));
  } catch (e) {
    return toClinoteError(e);
  }
}

function sortedKeys(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function idKey(system: string, code: string): string {
  const s = system.toLowerCase();
  const c = code.replace(/^(mesh|omim):/i, '');
  return `${s}:${s === 'mesh' ? c.toUpperCase() : c}`;
}

export interface NerScoring {
  readonly result: SpanResult;
  /** Gold types no label names: type -> count. */
  readonly ignoredGold: Record<string, number>;
  /** Concept types no label names: type -> count. */
  readonly ignoredPred: Record<string, number>;
  /** Documents the pipeline failed on (scored with no predictions). */
  readonly failed: number;
  /** Seconds spent in the pipeline. */
  readonly seconds: number;
}

/** Run the pipeline on each gold document and score its concepts against the gold spans, by label. */
export function scoreNer(
  preset: NerPreset,
  docs: readonly GoldDoc[],
  pipeline: Pipeline,
  options: { errors?: boolean } = {},
): NerScoring {
  const maps = presetMaps(preset);
  const ignoredGold: Record<string, number> = {};
  const ignoredPred: Record<string, number> = {};
  const scorer = new SpanScorer({ errors: options.errors === true, types: Object.keys(preset.labels) });
  let failed = 0;
  let seconds = 0;
  for (const g of docs) {
    const spans: GoldSpan[] = mapGold(g.spans, maps.gold, ignoredGold);
    const started = performance.now();
    const doc = runDoc(pipeline, g.id, g.text);
    seconds += (performance.now() - started) / 1000;
    let pred: PredSpan[] = [];
    let sentences: readonly Span[] | undefined = g.sentences;
    if (doc instanceof ClinoteError) {
      failed++;
    } else {
      pred = predictions(doc, maps.concepts, ignoredPred);
      sentences ??= doc.maybe('sentences');
    }
    scorer.add({ id: g.id, text: g.text, gold: spans, pred, ...(sentences ? { sentences } : {}) });
  }
  return { result: scorer.result(), ignoredGold, ignoredPred, failed, seconds };
}

export interface NormalizationScore {
  /** correct / total (0 when total is 0). */
  readonly accuracy: number;
  /** Matched gold mentions whose gold id is among the concept's codes. */
  readonly correct: number;
  /** Gold mentions matched (lenient) by a predicted concept. */
  readonly total: number;
  /** Gold mentions with an id of the scored systems. */
  readonly mentions: number;
  readonly documents: number;
}

/**
 * Normalization accuracy on PubTator documents: gold mentions (with an id of `systems`) are matched
 * leniently to the predicted concepts of the preset's first label; a matched mention is correct when
 * one of its gold ids (any part of a composite `|`/`+` id) is among the concept's codes.
 */
export function normalizationAccuracy(
  preset: NerPreset,
  docs: readonly PubtatorDocument[],
  pipeline: Pipeline,
  systemList: readonly string[],
): NormalizationScore {
  const systems = new Set(systemList);
  const { concepts } = presetMaps(preset);
  const label = Object.keys(preset.labels)[0] as string;
  const hasConcepts = pipeline.layers.includes('concepts');
  let mentions = 0;
  let total = 0;
  let correct = 0;
  for (const d of docs) {
    const gold = d.mentions
      .filter((m) => m.ids.some((id) => systems.has(id.system)))
      .map((m) => ({ start: m.start, end: m.end, type: label, ids: m.ids }));
    mentions += gold.length;
    if (!hasConcepts) continue;
    const doc = runDoc(pipeline, d.id, d.text);
    if (doc instanceof ClinoteError) continue;
    const pred = predictions(doc, concepts, {}).filter((p) => p.type === label);
    for (const [i, j] of matchLenient(gold, pred).pairs) {
      total++;
      const codes = new Set(
        (pred[j] as PredSpan).codes.filter((c) => systems.has(c.system)).map((c) => idKey(c.system, c.code)),
      );
      const ids = (gold[i] as (typeof gold)[number]).ids;
      if (ids.some((id) => codes.has(idKey(id.system, id.code)))) correct++;
    }
  }
  return { accuracy: total === 0 ? 0 : correct / total, correct, total, mentions, documents: docs.length };
}

export async function runNer(options: EvalOptions): Promise<EvalReport> {
  const preset = nerPreset(options.preset);
  const data = resolveData(preset, options.data);
  const notes: string[] = [...(preset.notes ?? [])];

  const { config, packApplied } =
    options.model !== undefined
      ? { config: modelPipelineConfig(options.model, options.pack), packApplied: true }
      : evalPipelineConfig(options);
  if (options.model !== undefined && options.pipeline !== undefined) {
    notes.push('--model was given: the model is scored alone and --pipeline is not used');
  }
  if (options.pack !== undefined && !packApplied) {
    notes.push(
      `--pack was given but the pipeline has no '${CONCEPTS_COMPONENT}' component; the pack was not used`,
    );
  }
  const pipeline = loadPipelineSync({ config });
  if (!pipeline.layers.includes('concepts')) {
    notes.push(
      `pipeline '${pipeline.name}' assigns no 'concepts' layer: there are no predictions (add a concepts component, or pass --pipeline)`,
    );
  }

  const gold = loadGold(preset, data, options.limit);
  const scored = scoreNer(preset, gold.docs, pipeline, { errors: options.errors === true });
  if (scored.failed > 0) {
    notes.push(`${scored.failed} document(s) failed in the pipeline and were scored with no predictions`);
  }

  let normalization: Record<string, unknown> | undefined;
  if (preset.normalization && options.model !== undefined) {
    normalization = { skipped: 'a model alone gives mentions without codes' };
  } else if (preset.normalization) {
    const parts = preset.normalization.pubtator;
    const path = sharedDataPath(...parts);
    if (!path) {
      normalization = { skipped: missingDataMessage(...parts) };
    } else {
      const corpus = readPubtatorFile(path);
      const docs =
        options.limit !== undefined ? corpus.docs.slice(0, Math.max(0, options.limit)) : corpus.docs;
      const started = performance.now();
      const score = normalizationAccuracy(preset, docs, pipeline, preset.normalization.systems);
      normalization = {
        ...score,
        textMismatches: corpus.textMismatches,
        seconds: (performance.now() - started) / 1000,
      };
    }
  }

  const { result, ignoredGold, ignoredPred } = scored;
  const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
  const scores: Record<string, unknown> = {
    labels: Object.fromEntries(
      Object.entries(preset.labels).map(([label, l]) => [
        label,
        `gold ${l.gold.join('+')} <- concepts ${l.concepts.join('+')}`,
      ]),
    ),
    ...(gold.documentSource !== undefined ? { documentSource: gold.documentSource } : {}),
    ignoredGoldTypes: sortedKeys(ignoredGold),
    ignoredConceptTypes: sortedKeys(ignoredPred),
    ...(normalization ? { normalization } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
  return {
    task: 'ner',
    data,
    preset: preset.name,
    ...(options.model !== undefined ? { model: options.model } : {}),
    strict: result.strict,
    lenient: result.lenient,
    byType: result.byType,
    macro: result.macro,
    scores,
    counts: {
      ...result.counts,
      goldIgnored: sum(ignoredGold),
      predIgnored: sum(ignoredPred),
      failedDocuments: scored.failed,
      ...gold.counts,
    },
    timing: {
      seconds: scored.seconds,
      itemsPerSecond: scored.seconds > 0 ? gold.docs.length / scored.seconds : 0,
      unit: 'docs',
    },
    ...(result.errors ? { errors: result.errors } : {}),
  };
}

export const nerTask: EvalTask = {
  name: 'ner',
  description:
    'Concept mentions against gold entity spans, strict and lenient, per label (--preset ncbi-disease | bc5cdr | maccrobat | chia)',
  run: runNer,
};

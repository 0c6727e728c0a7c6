/**
 * Task `ner`: concept mentions of the pipeline (`concepts` layer) against gold entity spans of a corpus,
 * strict and lenient, per label (see ../presets.ts for the corpora and type mappings).
 *
 *   clinote eval ner --preset ncbi-disease [--data FILE] [--pipeline CONFIG] [--pack PACK] [--limit N]
 *   clinote eval ner --preset ncbi-disease --model DIR [--pack PACK] [--merge POLICY|all]
 *
 * For `ncbi-disease`, the normalization accuracy is reported too: of the gold mentions matched
 * (lenient) by a predicted concept, the share whose gold MeSH/OMIM id is among the concept's codes.
 * Its gold comes from the PubTator documents of the `--data` file (found beside it, by the ids its
 * documents were split at), so it follows `--data`.
 *
 * With `--model`, the model runs in the `ner` component and links its mentions to PACK (default:
 * the starter pack); `--merge` merges them with the `concepts` component's matches of PACK
 * (docs/ner.md). `--merge all` scores every policy and the dictionary alone; each configuration is
 * scored on all documents, on the first 80% (the part `clinote train ner` tunes on) and on the
 * last 20% (held out).
 *
 * A transformer model directory (`clinote train ner --architecture transformer`) runs in the
 * `transformer-ner` component instead (onnxruntime, batched across documents); `--ensemble` also
 * scores it in an ensemble with the preset's built-in linear model and the dictionary.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { modelDir } from '../../components/ner/index.js';
import { MERGE_POLICIES, type MergePolicy } from '../../components/ner/merge.js';
import { type DevSplit, readBratDir } from '../../corpora/brat.js';
import { type ConllDocument, type ConllSentence, conllToText, readConll } from '../../corpora/conll.js';
import { type PubtatorDocument, readPubtatorFile } from '../../corpora/pubtator.js';
import { Doc } from '../../doc/doc.js';
import type { Concept, Span } from '../../doc/types.js';
import {
  applyPack,
  CONCEPTS_COMPONENT,
  DEFAULT_PIPELINE,
  loadPipeline,
  readConfigFile,
} from '../../engine.js';
import { loadPipelineSync } from '../../engine-sync.js';
import { ClinoteError, toClinoteError } from '../../errors/error.js';
import { MANIFEST_FILE, parseManifest } from '../../models/artifact.js';
import { isTransformerNerManifest } from '../../models/transformer/ner-manifest.js';
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
 * The pipeline that scores a model: segmentation, then the `ner` component with the model. With
 * `link`, its mentions are linked to `pack` (default: the starter pack); with a `merge` policy other
 * than `model-only`, the `concepts` component matches `pack` first and the mentions are merged with
 * its concepts. `featuresPack` is the pack of the model's dictionary features (default: the starter
 * pack, see `modelFeaturesPack`).
 */
export function modelPipelineConfig(
  model: string,
  pack: string | undefined,
  options: {
    merge?: MergePolicy;
    link?: boolean;
    featuresPack?: string;
    /** A transformer model: its component, with an ensemble when given. */
    transformer?: { ensemble?: { linear?: string; dictionary: boolean } };
  } = {},
): unknown {
  const merge = options.merge ?? 'model-only';
  const packOption = pack !== undefined ? { pack } : {};
  const ensemble = options.transformer?.ensemble;
  const needsConcepts = merge !== 'model-only' || ensemble?.dictionary === true;
  return {
    name: `ner-model${ensemble ? '-ensemble' : ''}${merge === 'model-only' ? '' : `-${merge}`}`,
    components: [
      { name: 'normalize' },
      { name: 'sections' },
      { name: 'sentences' },
      { name: 'tokens' },
      ...(needsConcepts ? [{ name: CONCEPTS_COMPONENT, options: packOption }] : []),
      {
        name: options.transformer ? 'transformer-ner' : 'ner',
        options: {
          model,
          ...(options.featuresPack !== undefined ? { pack: options.featuresPack } : {}),
          ...(options.link ? { link: packOption } : {}),
          ...(merge !== 'model-only' ? { merge } : {}),
          ...(ensemble ? { ensemble } : {}),
        },
      },
    ],
  };
}

/** Whether a model directory (as `--model` names it) holds a transformer NER model. */
export function isTransformerModel(model: string): boolean {
  const dir = modelDir(model);
  try {
    const file = isAbsolute(dir) ? join(dir, MANIFEST_FILE) : resourcePath(join(dir, MANIFEST_FILE));
    return isTransformerNerManifest(readFileSync(file, 'utf8'));
  } catch {
    return false; // the component reports a missing model
  }
}

/** The dictionary alone: segmentation, then the `concepts` component with `pack`. */
export function dictionaryPipelineConfig(pack: string | undefined): unknown {
  return {
    name: 'ner-dictionary',
    components: [
      { name: 'normalize' },
      { name: 'sections' },
      { name: 'sentences' },
      { name: 'tokens' },
      { name: CONCEPTS_COMPONENT, options: pack !== undefined ? { pack } : {} },
    ],
  };
}

/**
 * The pack of a model's dictionary features when `--pack` is given: `pack` when the model was
 * trained with another pack than the built-in starter pack (its manifest names it), else undefined
 * (the component's default, the starter pack: a starter-trained model keeps the features it learned
 * with, and `--pack` only changes what it links and merges with).
 */
export function modelFeaturesPack(model: string, pack: string | undefined): string | undefined {
  if (pack === undefined) return undefined;
  const dir = modelDir(model);
  try {
    const file = isAbsolute(dir) ? join(dir, MANIFEST_FILE) : resourcePath(join(dir, MANIFEST_FILE));
    const manifest = parseManifest(readFileSync(file, 'utf8'), dir);
    return manifest.features.dictionary && manifest.features.pack?.name !== 'starter' ? pack : undefined;
  } catch {
    return pack; // the component reports a missing or damaged model
  }
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

export function loadGold(
  preset: NerPreset,
  path: string,
  limit: number | undefined,
  split?: DevSplit,
): LoadedGold {
  if (preset.format === 'brat') {
    const dir = readBratDir(path, {
      ...(limit !== undefined ? { limit } : {}),
      ...(split !== undefined ? { split } : {}),
    });
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

/** Docs already run (an asynchronous pipeline runs every document first, batched: `runAll`). */
type Done = ReadonlyMap<string, Doc | ClinoteError>;

/** A document's key in `Done`: its id and its text (PubTator documents share ids with the CoNLL ones). */
const doneKey = (id: string, text: string): string => `${id}\u0000${text}`;

function runDoc(pipeline: Pipeline, id: string, text: string, done?: Done): Doc | ClinoteError {
  const ready = done?.get(doneKey(id, text));
  if (ready) return ready;
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
  /** With `cut`: the scores of the first `cut` documents (tuned) and of the others (heldout). */
  readonly parts?: { readonly tuned: SpanResult; readonly heldout: SpanResult };
}

/** Run the pipeline on each gold document and score its concepts against the gold spans, by label. */
export function scoreNer(
  preset: NerPreset,
  docs: readonly GoldDoc[],
  pipeline: Pipeline,
  options: { errors?: boolean; cut?: number; done?: Done } = {},
): NerScoring {
  const maps = presetMaps(preset);
  const ignoredGold: Record<string, number> = {};
  const ignoredPred: Record<string, number> = {};
  const types = Object.keys(preset.labels);
  const scorer = new SpanScorer({ errors: options.errors === true, types });
  const cut = options.cut;
  const parts = cut !== undefined ? [new SpanScorer({ types }), new SpanScorer({ types })] : undefined;
  let index = 0;
  let failed = 0;
  let seconds = 0;
  for (const g of docs) {
    const spans: GoldSpan[] = mapGold(g.spans, maps.gold, ignoredGold);
    const started = performance.now();
    const doc = runDoc(pipeline, g.id, g.text, options.done);
    seconds += (performance.now() - started) / 1000;
    let pred: PredSpan[] = [];
    let sentences: readonly Span[] | undefined = g.sentences;
    if (doc instanceof ClinoteError) {
      failed++;
    } else {
      pred = predictions(doc, maps.concepts, ignoredPred);
      sentences ??= doc.maybe('sentences');
    }
    const item = { id: g.id, text: g.text, gold: spans, pred, ...(sentences ? { sentences } : {}) };
    scorer.add(item);
    parts?.[index < (cut as number) ? 0 : 1]?.add(item);
    index++;
  }
  return {
    result: scorer.result(),
    ignoredGold,
    ignoredPred,
    failed,
    seconds,
    ...(parts ? { parts: { tuned: parts[0]!.result(), heldout: parts[1]!.result() } } : {}),
  };
}

/**
 * The PubTator documents (gold mention ids) of the gold documents: read from the PubTator files
 * (`*.txt`) in `../original/` and beside `dataPath`, kept when their id is one of `ids` (the ids of
 * the documents of `--data`, split at PubTator titles). Empty when none match.
 */
export function pubtatorDocsFor(dataPath: string, ids: ReadonlySet<string>): PubtatorDocument[] {
  const out: PubtatorDocument[] = [];
  const seen = new Set<string>();
  const dir = dirname(dataPath);
  for (const d of [join(dir, '..', 'original'), dir]) {
    let names: string[];
    try {
      names = readdirSync(d)
        .filter((n) => n.endsWith('.txt'))
        .sort();
    } catch {
      continue;
    }
    for (const name of names) {
      let docs: PubtatorDocument[];
      try {
        docs = readPubtatorFile(join(d, name)).docs;
      } catch {
        continue;
      }
      for (const doc of docs) {
        if (!ids.has(doc.id) || seen.has(doc.id)) continue;
        seen.add(doc.id);
        out.push(doc);
      }
    }
  }
  return out;
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
  done?: Done,
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
    const doc = runDoc(pipeline, d.id, d.text, done);
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

/** Share of the documents (the first ones) that `clinote train ner` tunes on; the rest is held out. */
export const TUNED_FRACTION = 0.8;

/** Number of documents of the tuned part (as `clinote train ner` cuts its dev set). */
export function tunedCut(n: number): number {
  return Math.max(1, Math.min(n, Math.round(n * TUNED_FRACTION)));
}

const f1s = (r: SpanResult): Record<string, number> => ({
  strictF1: r.strict.f1,
  strictP: r.strict.precision,
  strictR: r.strict.recall,
  lenientF1: r.lenient.f1,
});

const accuracyOf = (n: NormalizationScore): Record<string, number> => ({
  accuracy: n.accuracy,
  correct: n.correct,
  total: n.total,
  mentions: n.mentions,
});

function sumNormalization(a: NormalizationScore, b: NormalizationScore): NormalizationScore {
  const correct = a.correct + b.correct;
  const total = a.total + b.total;
  return {
    accuracy: total === 0 ? 0 : correct / total,
    correct,
    total,
    mentions: a.mentions + b.mentions,
    documents: a.documents + b.documents,
  };
}

/** Whether a config names an asynchronous component (a model served by onnxruntime). */
function isAsyncConfig(config: unknown): boolean {
  const components = (config as { components?: { name?: string }[] }).components ?? [];
  return components.some((c) => c.name === 'transformer-ner');
}

function isLinearModel(model: string): boolean {
  const dir = modelDir(model);
  try {
    parseManifest(
      readFileSync(
        isAbsolute(dir) ? join(dir, MANIFEST_FILE) : resourcePath(join(dir, MANIFEST_FILE)),
        'utf8',
      ),
      dir,
    );
    return true;
  } catch {
    return false;
  }
}

/** Every document through an asynchronous pipeline, 64 at a time (batched across documents). */
async function runAll(pipeline: Pipeline, docs: readonly { id: string; text: string }[]): Promise<Done> {
  const out = new Map<string, Doc | ClinoteError>();
  for (let i = 0; i < docs.length; i += 64) {
    const chunk = docs.slice(i, i + 64);
    const outcomes = await pipeline.processMany(chunk);
    outcomes.forEach((o, k) => {
      const d = chunk[k] as { id: string; text: string };
      out.set(doneKey(d.id, d.text), o.ok ? o.doc : o.error);
    });
  }
  return out;
}

export async function runNer(options: EvalOptions): Promise<EvalReport> {
  const preset = nerPreset(options.preset);
  const data = resolveData(preset, options.data);
  const notes: string[] = [...(preset.notes ?? [])];

  const configs: { name: string; config: unknown }[] = [];
  if (options.model !== undefined) {
    const merge = options.merge ?? 'model-only';
    if (merge !== 'all' && !(MERGE_POLICIES as readonly string[]).includes(merge)) {
      throw new ClinoteError(
        'CLINOTE_E_CLI_USAGE',
        `--merge must be one of ${[...MERGE_POLICIES, 'all'].join(', ')}`,
        { merge },
      );
    }
    const policies = merge === 'all' ? [...MERGE_POLICIES] : [merge as MergePolicy];
    const transformer = isTransformerModel(options.model);
    const featuresPack = transformer ? undefined : modelFeaturesPack(options.model, options.pack);
    for (const p of policies) {
      configs.push({
        name: p,
        config: modelPipelineConfig(options.model, options.pack, {
          merge: p,
          link: true,
          ...(featuresPack !== undefined ? { featuresPack } : {}),
          ...(transformer ? { transformer: {} } : {}),
        }),
      });
    }
    if (options.ensemble) {
      if (!transformer)
        throw new ClinoteError('CLINOTE_E_CLI_USAGE', '--ensemble needs a transformer model as --model', {
          model: options.model,
        });
      const linear = `models/ner-${preset.name}`;
      const hasLinear = isLinearModel(linear);
      if (!hasLinear)
        notes.push(
          `--ensemble: no built-in linear model ${linear}; the ensemble is the transformer and the dictionary`,
        );
      configs.push({
        name: 'ensemble',
        config: modelPipelineConfig(options.model, options.pack, {
          link: true,
          transformer: { ensemble: { ...(hasLinear ? { linear } : {}), dictionary: true } },
        }),
      });
    }
    if (merge === 'all') configs.push({ name: 'dictionary', config: dictionaryPipelineConfig(options.pack) });
    if (options.pipeline !== undefined) {
      notes.push('--model was given: the model is scored and --pipeline is not used');
    }
  } else {
    if (options.merge !== undefined) notes.push('--merge applies with --model only; it was not used');
    const { config, packApplied } = evalPipelineConfig(options);
    if (options.pack !== undefined && !packApplied) {
      notes.push(
        `--pack was given but the pipeline has no '${CONCEPTS_COMPONENT}' component; the pack was not used`,
      );
    }
    configs.push({ name: 'pipeline', config });
  }

  const gold = loadGold(preset, data, options.limit, options.split);
  const cut = tunedCut(gold.docs.length);
  const tunedIds = new Set(gold.docs.slice(0, cut).map((d) => d.id));
  const pubtator = preset.normalization ? pubtatorDocsFor(data, new Set(gold.docs.map((d) => d.id))) : [];
  if (preset.normalization && pubtator.length === 0) {
    notes.push(
      'normalization not scored: no PubTator document beside --data has the id of one of its documents',
    );
  }

  const compare: Record<string, unknown> = {};
  let primary: { scored: NerScoring; normalization?: Record<string, unknown> } | undefined;
  for (const { name, config } of configs) {
    const pipeline = isAsyncConfig(config) ? await loadPipeline({ config }) : loadPipelineSync({ config });
    if (!pipeline.layers.includes('concepts')) {
      notes.push(
        `pipeline '${pipeline.name}' assigns no 'concepts' layer: there are no predictions (add a concepts component, or pass --pipeline)`,
      );
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    const done = pipeline.async
      ? await runAll(pipeline, [...gold.docs, ...pubtator.map((d) => ({ id: d.id, text: d.text }))])
      : undefined;
    const batched = (performance.now() - started) / 1000;
    const scored = scoreNer(preset, gold.docs, pipeline, {
      errors: options.errors === true,
      cut,
      ...(done ? { done } : {}),
    });
    let normalization: Record<string, unknown> | undefined;
    let normalizationParts: Record<string, unknown> | undefined;
    if (preset.normalization && pubtator.length > 0) {
      const started = performance.now();
      const systems = preset.normalization.systems;
      const tuned = normalizationAccuracy(
        preset,
        pubtator.filter((d) => tunedIds.has(d.id)),
        pipeline,
        systems,
        done,
      );
      const held = normalizationAccuracy(
        preset,
        pubtator.filter((d) => !tunedIds.has(d.id)),
        pipeline,
        systems,
        done,
      );
      const all = sumNormalization(tuned, held);
      normalization = { ...all, seconds: (performance.now() - started) / 1000 };
      normalizationParts = {
        all: accuracyOf(all),
        tuned: accuracyOf(tuned),
        heldout: accuracyOf(held),
      };
    }
    const used = process.cpuUsage(cpu);
    if (configs.length > 1 || options.model !== undefined) {
      compare[name] = {
        all: f1s(scored.result),
        ...(scored.parts ? { tuned: f1s(scored.parts.tuned), heldout: f1s(scored.parts.heldout) } : {}),
        ...(normalizationParts ? { normalization: normalizationParts } : {}),
        seconds: scored.seconds + batched,
        cpuSeconds: (used.user + used.system) / 1e6,
      };
    }
    if (scored.failed > 0) {
      notes.push(
        `${name}: ${scored.failed} document(s) failed in the pipeline and were scored with no predictions`,
      );
    }
    primary ??= { scored, ...(normalization ? { normalization } : {}) };
  }
  const { scored, normalization } = primary as NonNullable<typeof primary>;

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
    ...(Object.keys(compare).length > 0
      ? {
          parts: `tuned = the first ${cut} documents, heldout = the last ${gold.docs.length - cut}`,
          compare,
        }
      : {}),
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

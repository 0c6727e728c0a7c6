/**
 * Controlled drift experiments on MTSamples (the shared data; read by path, nothing stored): the
 * default pipeline runs once per note, the observations are kept in memory, and profiles of chosen
 * subsets are compared:
 *
 * 1. a specialty split (reference: Surgery + Orthopedic; current: Cardiovascular / Pulmonary +
 *    Neurology), which should drift;
 * 2. `splits` seeded random equal splits of the same notes, which should not (false alarms);
 * 3. an injected template change: the current half's section headers renamed to invented unknown
 *    ones and its notes cut to their first third.
 *
 * Used by src/monitoring/drift.data.test.ts and scripts/monitor-controlled.ts (the figures of
 * docs/monitoring.md). Nothing of the notes is printed or returned: observations only.
 */

import { sharedDataPath } from '../data.js';
import { loadPipeline } from '../engine.js';
import { MTSAMPLES_FILE, type MtSample, readMtSamples } from '../models/classify/tasks/mtsamples.js';
import { toResult } from '../output/result.js';
import type { Result } from '../output/schema.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { compareProfiles, type DriftConfig, type DriftReport } from './drift.js';
import { observeResult, type WordSet } from './observe.js';
import { type NoteObservation, profileOf } from './profile.js';
import { seededRandom, shuffled } from './random.js';
import { loadPackWordSet } from './vocabulary.js';

export const REFERENCE_SPECIALTIES = ['Surgery', 'Orthopedic'] as const;
export const CURRENT_SPECIALTIES = ['Cardiovascular / Pulmonary', 'Neurology'] as const;

/** Invented headers no section rule knows (they become category `other`). */
const UNKNOWN_HEADERS = ['ZORBLAX NOTES', 'QUENTARO PART', 'VELMIQ BLOCK', 'DRAXOLIN ITEMS', 'PLOMVERT AREA'];

export interface ControlledOptions {
  /** Random notes of the random splits and of the template change (default 1,200). */
  readonly sample?: number;
  /** Notes per side of the specialty split, at most (default 400). */
  readonly perSide?: number;
  /** Random equal splits (default 20). */
  readonly splits?: number;
  readonly seed?: number;
  readonly config?: DriftConfig;
}

export interface ControlledResult {
  /** Notes run through the pipeline (each once, plus the changed copies). */
  readonly notes: number;
  readonly ms: number;
  /** Mean CPU time of the default pipeline per note (with `toResult`), in microseconds. */
  readonly pipelineUs: number;
  /** Mean CPU time of `observeResult` per note (text given, OOV word set, each note once), in microseconds. */
  readonly observeUs: number;
  /** The same on notes seen before (a warm OOV word cache). */
  readonly observeWarmUs: number;
  /** Mean CPU time of `ProfileBuilder.add` per note (and one `toProfile`), in microseconds. */
  readonly addUs: number;
  /** Size of the JSON of one profile (the reference half of the template change). */
  readonly profileBytes: number;
  readonly specialty: DriftReport;
  readonly randomSplits: readonly DriftReport[];
  /** Random splits whose dataset verdict is drift. */
  readonly falseAlarms: number;
  readonly template: DriftReport;
}

/** The text with its section headers renamed to unknown ones, cut to its first third. */
export function changeTemplate(text: string, result: Result): string {
  let out = '';
  let at = 0;
  let k = 0;
  for (const s of result.sections) {
    if (s.header === null || s.header.start < at) continue;
    out += text.slice(at, s.header.start) + UNKNOWN_HEADERS[k++ % UNKNOWN_HEADERS.length]!;
    at = s.header.end;
  }
  out += text.slice(at);
  return out.slice(0, Math.ceil(out.length / 3));
}

/** CPU microseconds (user + system) since `start`. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return u.user + u.system;
}

function run(pipeline: Pipeline, id: string, text: string): Result | null {
  const out = pipeline.processSync({ id, text });
  return out.ok ? toResult(out.doc, pipeline) : null;
}

/** Run the experiments; null when MTSamples is absent. */
export async function runControlled(options: ControlledOptions = {}): Promise<ControlledResult | null> {
  if (sharedDataPath(...MTSAMPLES_FILE) === null) return null;
  const t0 = Date.now();
  const seed = options.seed ?? 1;
  const sampleSize = options.sample ?? 1200;
  const perSide = options.perSide ?? 400;
  const splits = options.splits ?? 20;
  const config = options.config ?? {};
  const samples = readMtSamples().samples;
  const pipeline = await loadPipeline();
  const words: WordSet = loadPackWordSet();
  const cache = new Map<number, { obs: NoteObservation; result: Result | null }>();
  let observeUs = 0;
  let pipelineUs = 0;
  const observe = (s: MtSample): NoteObservation => {
    let hit = cache.get(s.row);
    if (!hit) {
      const t1 = process.cpuUsage();
      const result = run(pipeline, String(s.row), s.transcription);
      pipelineUs += cpuSince(t1);
      // no latency: machine load would make the figures vary from run to run
      const t = process.cpuUsage();
      const obs = observeResult(result, { text: s.transcription }, { words });
      observeUs += cpuSince(t);
      hit = { obs, result };
      cache.set(s.row, hit);
    }
    return hit.obs;
  };

  const rand = seededRandom(seed);
  const pickSide = (names: readonly string[]): MtSample[] =>
    shuffled(
      samples.filter((s) => names.includes(s.specialty)),
      rand,
    ).slice(0, perSide);
  const specialty = compareProfiles(
    profileOf(pickSide(REFERENCE_SPECIALTIES).map(observe)),
    profileOf(pickSide(CURRENT_SPECIALTIES).map(observe)),
    config,
  );

  const sample = shuffled(samples, rand).slice(0, sampleSize);
  const observations = sample.map(observe);
  const half = Math.floor(observations.length / 2);
  const randomSplits: DriftReport[] = [];
  for (let i = 0; i < splits; i++) {
    const order = shuffled(observations, seededRandom(seed * 1000 + i));
    randomSplits.push(compareProfiles(profileOf(order.slice(0, half)), profileOf(order.slice(half)), config));
  }

  // the template change: the second half of the sample, changed, against the first half
  const changed: NoteObservation[] = [];
  for (const s of sample.slice(half)) {
    const result = cache.get(s.row)?.result;
    if (!result) continue;
    const text = changeTemplate(s.transcription, result);
    const r = run(pipeline, `${s.row}-changed`, text);
    changed.push(observeResult(r, { text }, { words }));
  }
  // observeResult again on the same notes: the OOV word cache is warm, as in a long-running server
  const tw = process.cpuUsage();
  for (const s of sample) {
    const result = cache.get(s.row)?.result ?? null;
    observeResult(result, { text: s.transcription }, { words });
  }
  const observeWarmUs = cpuSince(tw) / Math.max(1, sample.length);
  const t = process.cpuUsage();
  const referenceHalf = profileOf(observations.slice(0, half));
  const addUs = cpuSince(t);
  const template = compareProfiles(referenceHalf, profileOf(changed), config);
  return {
    notes: cache.size + changed.length,
    ms: Date.now() - t0,
    pipelineUs: pipelineUs / Math.max(1, cache.size),
    observeUs: observeUs / Math.max(1, cache.size),
    observeWarmUs,
    addUs: addUs / Math.max(1, half),
    profileBytes: JSON.stringify(referenceHalf).length,
    specialty,
    randomSplits,
    falseAlarms: randomSplits.filter((r) => r.dataset.status === 'drift').length,
    template,
  };
}

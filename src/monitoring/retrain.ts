/**
 * One automated retraining cycle (`clinote retrain --config retrain.json`, docs/mlops.md):
 *
 *   1. trigger: run now, or with `ifDue` only when a trigger of the config is due (new feedback
 *      labels since the last cycle, a drift alert of the deployment since then, or a schedule);
 *   2. data: the champion's training preset plus reviewers' feedback with the note text. A feedback
 *      note's gold is what the champion serves on it (its version is fixed, so it is reproducible)
 *      corrected by the reviewer (spans added, removed, retyped). A share of the feedback notes,
 *      chosen by a hash of the note id, is held back and never trained on;
 *   3. train: the same learner and settings as the champion (its manifest), seeded;
 *   4. evaluate: challenger and champion on the fixed suites (reports attached in the registry) and
 *      on the held-back feedback notes;
 *   5. register the model as a new version (parent: the champion, lineage: its data hashes, tags:
 *      the trigger and the cycle id), point the `challenger` alias at it;
 *   6. deploy it as the deployment's shadow. Promotion stays behind the registry's gate
 *      (`clinote registry promote`): a cycle never changes the champion.
 *
 * Nothing here logs note text: the cycle's report holds ids, counts, figures and timings.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Doc } from '../doc/doc.js';
import { loadPipelineSync } from '../engine-sync.js';
import { ClinoteError, toClinoteError } from '../errors/error.js';
import type { GoldDoc, GoldSpan } from '../eval/gold.js';
import { matchStrict, prf } from '../eval/metrics.js';
import { NER_PRESETS, type NerPreset, presetMaps } from '../eval/presets.js';
import type { PRF } from '../eval/types.js';
import { readJsonFile } from '../io/json-file.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { parseDeploymentSpec } from '../registry/deployment.js';
import { evaluateSuite } from '../registry/evaluate.js';
import type { Registry, VersionInfo } from '../registry/registry.js';
import { type FeedbackRow, FeedbackStore } from './feedback.js';

const Positive = Type.Integer({ minimum: 1 });

export const RetrainConfigSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, description: 'The registry name of the model' }),
    deployment: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'The deployment the challenger shadows' }),
    ),
    train: Type.Optional(
      Type.Object(
        {
          preset: Type.Optional(Type.String({ description: "Default: the champion's preset" })),
          algorithm: Type.Optional(Type.Union([Type.Literal('perceptron'), Type.Literal('crf')])),
          epochs: Type.Optional(Positive),
          patience: Type.Optional(Positive),
          bits: Type.Optional(Type.Integer({ minimum: 10, maximum: 24 })),
          seed: Type.Optional(Type.Integer()),
          limit: Type.Optional(Positive),
          pack: Type.Optional(Type.String()),
          clusters: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    feedback: Type.Object(
      {
        tenant: Type.String({ minLength: 1 }),
        pipeline: Type.Optional(Type.String({ description: 'Default: the deployment, else the name' })),
        holdBack: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9, description: 'Default 0.2' })),
      },
      { additionalProperties: false },
    ),
    suites: Type.Optional(
      Type.Array(
        Type.Object(
          { suite: Type.String(), limit: Type.Optional(Positive) },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
    ),
    trigger: Type.Optional(
      Type.Object(
        {
          newLabels: Type.Optional(Positive),
          drift: Type.Optional(Type.Boolean()),
          every: Type.Optional(Type.String({ pattern: '^[1-9][0-9]*[mhd]$', description: 'e.g. 12h, 7d' })),
        },
        { additionalProperties: false },
      ),
    ),
    shadow: Type.Optional(
      Type.Object(
        { sample: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })) },
        { additionalProperties: false },
      ),
    ),
    out: Type.Optional(Type.String({ description: 'Folder of the trained models (default models/retrain)' })),
  },
  { additionalProperties: false },
);

export type RetrainConfig = Static<typeof RetrainConfigSchema>;

/** Reads and checks a retraining config; CLINOTE_E_RETRAIN_CONFIG_INVALID names the field. */
export function parseRetrainConfig(value: unknown): RetrainConfig {
  if (!Value.Check(RetrainConfigSchema, value)) {
    const first = [...Value.Errors(RetrainConfigSchema, value)][0];
    throw new ClinoteError(
      'CLINOTE_E_RETRAIN_CONFIG_INVALID',
      `retrain config: ${first ? `${first.path || '/'}: ${first.message}` : 'invalid'}`,
    );
  }
  return value;
}

export function readRetrainConfig(path: string): RetrainConfig {
  return parseRetrainConfig(
    readJsonFile(path, 'retrain config', { unreadable: 'CLINOTE_E_RETRAIN_CONFIG_INVALID' }),
  );
}

export type TriggerReason = 'manual' | 'labels' | 'drift' | 'schedule';

export interface CycleStep {
  readonly step: string;
  readonly seconds: number;
  readonly detail: string;
}

export interface HeldBackScores {
  readonly notes: number;
  readonly champion: PRF;
  readonly challenger: PRF;
}

export interface CycleReport {
  readonly id: string;
  readonly name: string;
  readonly trigger: TriggerReason | null;
  /** False when nothing was due (`ifDue`): nothing else happened. */
  readonly ran: boolean;
  readonly championVersion: number | null;
  readonly challengerVersion: number | null;
  readonly feedback: {
    readonly items: number;
    readonly notes: number;
    readonly trained: number;
    readonly heldBack: number;
  };
  readonly suites: readonly { suite: string; champion: number; challenger: number }[];
  readonly heldBack: HeldBackScores | null;
  readonly deployment: string | null;
  readonly steps: readonly CycleStep[];
  readonly seconds: number;
}

const DAY_MS = 86_400_000;
const everyMs = (every: string): number => {
  const n = Number.parseInt(every, 10);
  return every.endsWith('m') ? n * 60_000 : every.endsWith('h') ? n * 3_600_000 : n * DAY_MS;
};

/** The bucket of a note id in [0, 1): held back when below the hold-back share. */
export function heldBackBucket(noteId: string): number {
  return createHash('sha256').update(`retrain-holdback:${noteId}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** When the last cycle of `name` registered a version (or the champion was made), ISO. */
async function lastCycleAt(registry: Registry, name: string, champion: VersionInfo): Promise<string> {
  const detail = await registry.show(name);
  const cycles = detail.versionList.filter((v) => v.tags.retrain !== undefined);
  let at = champion.createdAt;
  for (const v of cycles) if (v.createdAt > at) at = v.createdAt;
  return at;
}

/** Which trigger is due, if any (newest feedback first, then drift, then the schedule). */
export async function dueTrigger(
  registry: Registry,
  config: RetrainConfig,
  champion: VersionInfo,
  now = Date.now(),
): Promise<TriggerReason | null> {
  const t = config.trigger ?? {};
  const since = await lastCycleAt(registry, config.name, champion);
  const pipeline = config.feedback.pipeline ?? config.deployment ?? config.name;
  if (t.newLabels !== undefined) {
    const n = await new FeedbackStore(registry.store).count(config.feedback.tenant, { pipeline, since });
    if (n >= t.newLabels) return 'labels';
  }
  if (t.drift && config.deployment !== undefined) {
    const row = await registry.db
      .selectFrom('monitor_alert')
      .select('id')
      .where('deployment', '=', config.deployment)
      .where('at', '>', since)
      .executeTakeFirst();
    if (row) return 'drift';
  }
  if (t.every !== undefined && now - Date.parse(since) >= everyMs(t.every)) return 'schedule';
  return null;
}

interface ModelManifestLite {
  readonly version?: string;
  readonly task?: string;
  readonly data?: { readonly preset?: string };
  readonly hyperparameters?: {
    readonly algorithm?: string;
    readonly epochs?: number;
    readonly patience?: number;
  };
  readonly features?: { readonly bits?: number };
  readonly seed?: number;
}

/** The champion's model folder and the component index that holds it (pipeline versions). */
async function championModel(
  registry: Registry,
  champion: VersionInfo,
): Promise<{ dir: string; config: Record<string, unknown>; component: number }> {
  const config = await registry.pipelineConfig(champion);
  const comps = (config.components ?? []) as { name?: string; options?: { model?: unknown } }[];
  const i = comps.findIndex((c) => c?.name === 'ner' && typeof c.options?.model === 'string');
  if (i < 0)
    throw new ClinoteError(
      'CLINOTE_E_RETRAIN_CONFIG_INVALID',
      `${champion.name}/${champion.version} has no ner component with a model: only ner models are retrained`,
    );
  return { dir: comps[i]!.options!.model as string, config, component: i };
}

/** Feedback notes as gold documents: the champion's mentions corrected by the reviewer. */
export function feedbackGold(
  rows: readonly FeedbackRow[],
  preset: NerPreset,
  predict: (text: string, id: string) => GoldSpan[],
): { docs: GoldDoc[]; items: number } {
  const maps = presetMaps(preset);
  const goldType = (type: string | undefined): string | undefined => {
    if (type === undefined) return undefined;
    const label = maps.concepts.get(type) ?? (preset.labels[type] ? type : maps.gold.get(type));
    return label !== undefined ? preset.labels[label]?.gold[0] : undefined;
  };
  const byNote = new Map<string, { text: string; rows: FeedbackRow[] }>();
  for (const r of rows) {
    if (typeof r.text !== 'string') continue;
    let n = byNote.get(r.noteId);
    if (!n) byNote.set(r.noteId, (n = { text: r.text, rows: [] }));
    n.rows.push(r);
  }
  const docs: GoldDoc[] = [];
  let items = 0;
  for (const [id, n] of [...byNote].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const spans = new Map<string, GoldSpan>();
    for (const s of predict(n.text, id)) spans.set(`${s.start}:${s.end}`, s);
    for (const r of n.rows) {
      const it = r.item;
      if (it.start === undefined || it.end === undefined || it.end > n.text.length) continue;
      const key = `${it.start}:${it.end}`;
      if (it.kind === 'span-removed') {
        spans.delete(key);
        items++;
      } else if (it.kind === 'span-added' || it.kind === 'type-corrected') {
        const type = goldType(it.kind === 'span-added' ? it.type : it.to);
        if (type === undefined) {
          // a type the model does not label: the span is not one of its mentions
          spans.delete(key);
        } else {
          for (const [k, s] of spans) if (s.start < it.end && it.start < s.end) spans.delete(k);
          spans.set(key, { start: it.start, end: it.end, type });
        }
        items++;
      }
    }
    docs.push({
      id: `feedback:${id}`,
      text: n.text,
      spans: [...spans.values()].sort((a, b) => a.start - b.start),
    });
  }
  return { docs, items };
}

function scoreDocs(docs: readonly GoldDoc[], predict: (text: string, id: string) => GoldSpan[]): PRF {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const d of docs) {
    const m = matchStrict(d.spans, predict(d.text, d.id));
    tp += m.pairs.length;
    fp += m.spurious.length;
    fn += m.missed.length;
  }
  return prf(tp, fp, fn);
}

/** Mentions of a pipeline, in the preset's corpus types. */
function predictor(pipeline: Pipeline, preset: NerPreset): (text: string, id: string) => GoldSpan[] {
  const maps = presetMaps(preset);
  return (text, id) => {
    const out: GoldSpan[] = [];
    const doc = pipeline.runSync(new Doc(text, { id }));
    for (const c of doc.maybe('concepts') ?? []) {
      const label = maps.concepts.get(c.type);
      const type = label !== undefined ? preset.labels[label]?.gold[0] : undefined;
      if (type !== undefined) out.push({ start: c.start, end: c.end, type });
    }
    return out;
  };
}

export interface RetrainOptions {
  /** Run only when a trigger is due. */
  readonly ifDue?: boolean;
  readonly log?: (line: string) => void;
  /** ISO time for the model manifest (tests: reproducible). */
  readonly created?: string;
}

/** Runs one cycle. Throws CLINOTE_E_RETRAIN_FAILED (with the step) when a step fails: nothing is registered then. */
export async function runRetrainCycle(
  registry: Registry,
  config: RetrainConfig,
  options: RetrainOptions = {},
): Promise<CycleReport> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const id = `retrain-${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}-${Math.random().toString(36).slice(2, 6)}`;
  const steps: CycleStep[] = [];
  let stepName = 'champion';
  let t0 = performance.now();
  const done = (detail: string): void => {
    const seconds = (performance.now() - t0) / 1000;
    steps.push({ step: stepName, seconds, detail });
    log(`${stepName}: ${detail} (${seconds.toFixed(1)} s)`);
    t0 = performance.now();
  };
  const step = (name: string): void => {
    stepName = name;
    t0 = performance.now();
  };
  const champion = await registry.resolve(`models:/${config.name}@champion`);
  const trigger = options.ifDue ? await dueTrigger(registry, config, champion) : 'manual';
  if (trigger === null) {
    log('nothing is due');
    return {
      id,
      name: config.name,
      trigger: null,
      ran: false,
      championVersion: champion.version,
      challengerVersion: null,
      feedback: { items: 0, notes: 0, trained: 0, heldBack: 0 },
      suites: [],
      heldBack: null,
      deployment: null,
      steps,
      seconds: (performance.now() - started) / 1000,
    };
  }
  try {
    const model = await championModel(registry, champion);
    const manifest = JSON.parse(readFileSync(join(model.dir, 'manifest.json'), 'utf8')) as ModelManifestLite;
    const presetName = config.train?.preset ?? manifest.data?.preset;
    const preset = presetName !== undefined ? NER_PRESETS[presetName] : undefined;
    if (!preset)
      throw new ClinoteError(
        'CLINOTE_E_RETRAIN_CONFIG_INVALID',
        `no ner preset to train on (train.preset; the champion's manifest names ${presetName ?? 'none'})`,
      );
    done(`${config.name}/${champion.version} (${champion.kind}), preset ${preset.name}, trigger ${trigger}`);

    step('data');
    const pipeline = config.feedback.pipeline ?? config.deployment ?? config.name;
    const rows = await new FeedbackStore(registry.store).list(config.feedback.tenant, {
      pipeline,
      withText: true,
    });
    const championPipeline = loadPipelineSync({ config: model.config });
    const championPredict = predictor(championPipeline, preset);
    const gold = feedbackGold(rows, preset, championPredict);
    const holdBack = config.feedback.holdBack ?? 0.2;
    const held = gold.docs.filter((d) => heldBackBucket(d.id) < holdBack);
    const trained = gold.docs.filter((d) => heldBackBucket(d.id) >= holdBack);
    const feedbackJson = JSON.stringify(trained.map((d) => [d.id, d.text, d.spans]));
    done(
      `${rows.length} feedback items, ${gold.docs.length} notes with text: ${trained.length} to train on, ${held.length} held back`,
    );

    step('train');
    const { trainNerPreset } = await import('../eval/ner-train.js');
    const out = resolve(config.out ?? join('models', 'retrain'), id);
    mkdirSync(out, { recursive: true });
    const algorithm =
      config.train?.algorithm ?? (manifest.hyperparameters?.algorithm === 'crf' ? 'crf' : 'perceptron');
    const result = trainNerPreset({
      preset: preset.name,
      out,
      name: config.name,
      version: `${/^\d+\.\d+\.\d+/.exec(manifest.version ?? '')?.[0] ?? '0.1.0'}-${id}`,
      algorithm,
      seed: config.train?.seed ?? manifest.seed ?? 1,
      ...(config.train?.epochs !== undefined ? { epochs: config.train.epochs } : {}),
      ...(config.train?.patience !== undefined ? { patience: config.train.patience } : {}),
      ...(config.train?.bits !== undefined ? { bits: config.train.bits } : {}),
      ...(config.train?.limit !== undefined ? { limit: config.train.limit } : {}),
      ...(config.train?.pack !== undefined ? { pack: config.train.pack } : {}),
      ...(config.train?.clusters !== undefined ? { clusters: config.train.clusters } : {}),
      ...(options.created !== undefined ? { created: options.created } : {}),
      ...(trained.length > 0
        ? {
            extraTrain: {
              docs: trained,
              name: `feedback:${config.feedback.tenant}/${pipeline}`,
              sha256: createHash('sha256').update(feedbackJson).digest('hex'),
              bytes: Buffer.byteLength(feedbackJson),
            },
          }
        : {}),
    });
    done(`${algorithm}, ${result.epochs.length} epochs, written to ${out}`);

    step('evaluate');
    const comps = [...(model.config.components as { options?: Record<string, unknown> }[])];
    comps[model.component] = {
      ...comps[model.component],
      options: { ...comps[model.component]!.options, model: out },
    };
    const challengerConfig: Record<string, unknown> = { ...model.config, components: comps };
    const challengerPipeline = loadPipelineSync({ config: challengerConfig });
    const suites = (config.suites ?? [{ suite: `ner:${preset.name}` }]).map((s) => {
      const opts = s.limit !== undefined ? { limit: s.limit } : {};
      return {
        suite: s.suite,
        limit: s.limit,
        champion: evaluateSuite(model.config, s.suite, { ...opts, pipeline: championPipeline }),
        challenger: evaluateSuite(challengerConfig, s.suite, { ...opts, pipeline: challengerPipeline }),
      };
    });
    const challengerPredict = predictor(challengerPipeline, preset);
    const heldBack: HeldBackScores | null =
      held.length > 0
        ? {
            notes: held.length,
            champion: scoreDocs(held, championPredict),
            challenger: scoreDocs(held, challengerPredict),
          }
        : null;
    done(
      `${suites.map((s) => `${s.suite} F1 ${s.champion.strict.f1.toFixed(3)} -> ${s.challenger.strict.f1.toFixed(3)}`).join('; ')}${heldBack ? `; held-back feedback F1 ${heldBack.champion.f1.toFixed(3)} -> ${heldBack.challenger.f1.toFixed(3)}` : ''}`,
    );

    step('register');
    const tags = { retrain: id, trigger };
    let version: VersionInfo;
    if (champion.kind === 'model') {
      version = await registry.register({ name: config.name, model: out, parent: champion.version, tags });
    } else {
      const file = join(out, 'pipeline.json');
      const { name: _n, ...rest } = challengerConfig;
      writeFileSync(file, `${JSON.stringify({ name: config.name, ...rest }, null, 2)}\n`);
      version = await registry.register({
        name: config.name,
        pipeline: file,
        parent: champion.version,
        tags,
      });
    }
    for (const s of suites) {
      if (!(await registry.latestEval(config.name, champion.version, s.suite)))
        await registry.attachEval(config.name, champion.version, s.suite, s.champion.strict.f1, s.champion);
      await registry.attachEval(config.name, version.version, s.suite, s.challenger.strict.f1, s.challenger);
    }
    await registry.setAlias(config.name, 'challenger', version.version);
    done(`${config.name}/${version.version} registered, alias challenger`);

    let deployment: string | null = null;
    if (config.deployment !== undefined) {
      step('deploy');
      const current = (await registry.deployments()).find((d) => d.name === config.deployment);
      const base = current
        ? parseDeploymentSpec(current.spec, `deployment ${config.deployment}`)
        : parseDeploymentSpec({ champion: `models:/${config.name}@champion` });
      const spec = parseDeploymentSpec({
        ...base,
        shadow: { model: `models:/${config.name}/${version.version}`, sample: config.shadow?.sample ?? 1 },
      });
      await registry.putDeployment(config.deployment, spec);
      deployment = config.deployment;
      done(`${config.deployment}: shadow models:/${config.name}/${version.version}`);
    }
    return {
      id,
      name: config.name,
      trigger,
      ran: true,
      championVersion: champion.version,
      challengerVersion: version.version,
      feedback: {
        items: gold.items,
        notes: gold.docs.length,
        trained: trained.length,
        heldBack: held.length,
      },
      suites: suites.map((s) => ({
        suite: s.suite,
        champion: s.champion.strict.f1,
        challenger: s.challenger.strict.f1,
      })),
      heldBack,
      deployment,
      steps,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    const err = toClinoteError(e);
    if (err.code === 'CLINOTE_E_RETRAIN_CONFIG_INVALID') throw err;
    throw new ClinoteError(
      'CLINOTE_E_RETRAIN_FAILED',
      `retrain ${id}: step '${stepName}' failed (${err.code})`,
      {},
      {
        cause: e,
      },
    );
  }
}

/** The cycle's report as text lines (ids, counts, figures, timings). */
export function renderCycle(r: CycleReport): string {
  if (!r.ran) return `retrain ${r.name}: nothing is due\n`;
  const lines = [
    `retrain ${r.id}: ${r.name}/${r.championVersion} -> ${r.name}/${r.challengerVersion} (trigger ${r.trigger}) in ${r.seconds.toFixed(1)} s`,
    `feedback: ${r.feedback.items} corrections on ${r.feedback.notes} notes (${r.feedback.trained} trained on, ${r.feedback.heldBack} held back)`,
    ...r.suites.map(
      (s) =>
        `suite ${s.suite}: strict F1 champion ${s.champion.toFixed(3)}, challenger ${s.challenger.toFixed(3)}`,
    ),
    ...(r.heldBack
      ? [
          `held-back feedback (${r.heldBack.notes} notes): strict F1 champion ${r.heldBack.champion.f1.toFixed(3)}, challenger ${r.heldBack.challenger.f1.toFixed(3)}`,
        ]
      : []),
    r.deployment ? `deployed as the shadow of ${r.deployment}` : 'not deployed (no deployment in the config)',
    ...r.steps.map((s) => `  ${s.step.padEnd(9)} ${s.seconds.toFixed(1).padStart(7)} s  ${s.detail}`),
    'promotion stays behind the gate: clinote registry promote',
  ];
  return `${lines.join('\n')}\n`;
}

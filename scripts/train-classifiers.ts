/**
 * The classifier figures of docs/classifiers.md: for each text task (note specialty, category of an
 * unseen section header) the class-imbalance table (baseline, class weights, rare-class
 * oversampling, per-class thresholds, combinations: macro-F1, micro-F1, recall on the classes with
 * fewer than 20 training examples, on the tuned part of dev and on the held-out part), the
 * calibration of the chosen variant (temperature fitted on the tuned part; ECE before / after on the
 * held-out part) and its reliability diagram (docs/images/reliability-<task>.png).
 *
 *   npx esbuild scripts/train-classifiers.ts --bundle --platform=node --format=esm --target=node20 \
 *     --packages=external --outfile=.tmp/clf/train-classifiers.mjs && node .tmp/clf/train-classifiers.mjs
 *
 * Options: --task specialty|section (default both), --seed S (default 1), --epochs N (default 20),
 * --bits B, --stop-on macroF1|logLoss (early stopping; default macroF1), --no-images, --out DIR (also write the chosen model of each task as a model directory).
 * Reads MTSamples from the shared data dir; nothing of it is written anywhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { reliabilityPng } from '../src/models/calibration/reliability.js';
import {
  type ExperimentOptions,
  type ExperimentResult,
  runExperiment,
} from '../src/models/classify/experiment.js';
import { sectionDataset } from '../src/models/classify/tasks/section.js';
import { type SpecialtyData, specialtyDataset } from '../src/models/classify/tasks/specialty.js';
import { saveExperiment, TASK_DEFAULTS } from '../src/models/classify/tasks/train.js';
import { decide } from '../src/models/classify/thresholds.js';
import { packageRoot } from '../src/resources.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const tasks = opt('--task')
  ? [opt('--task') as 'specialty' | 'section']
  : (['specialty', 'section'] as const);
const seed = Number(opt('--seed') ?? 1);
const epochs = Number(opt('--epochs') ?? 20);
const images = !args.includes('--no-images');
const outDir = opt('--out');

if (sharedDataPath('mtsamples', 'mtsamples.csv') === null) {
  console.log(missingDataMessage('mtsamples', 'mtsamples.csv'));
  process.exit(0);
}

const f3 = (x: number): string => x.toFixed(3);
const cpu0 = process.cpuUsage();
const wall0 = performance.now();

interface Variant {
  readonly name: string;
  readonly options: Partial<ExperimentOptions>;
}

function variants(oversample: number): Variant[] {
  return [
    { name: 'baseline', options: {} },
    { name: 'class weights (balanced)', options: { classWeights: 'balanced' } },
    { name: `oversampling to ${oversample}`, options: { oversampleTo: oversample } },
    { name: 'per-class thresholds', options: { thresholds: true } },
    { name: 'class weights + thresholds', options: { classWeights: 'balanced', thresholds: true } },
    { name: `oversampling + thresholds`, options: { oversampleTo: oversample, thresholds: true } },
    { name: 'class weights + oversampling', options: { classWeights: 'balanced', oversampleTo: oversample } },
  ];
}

for (const task of tasks) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const data =
    task === 'specialty' ? specialtyDataset({ splitSeed: seed }) : sectionDataset({ splitSeed: seed });
  const prepCpu = process.cpuUsage(c0);
  const counts = new Array<number>(data.labels.length).fill(0);
  for (const ex of data.train) counts[ex.label] = (counts[ex.label] as number) + 1;
  const rare = counts.filter((n) => n < 20).length;
  console.log(
    `\n## ${task}: ${data.labels.length} labels, train ${data.train.length} / dev ${data.dev.length} / held out ${data.heldout.length} examples; ${rare} classes with < 20 training examples; prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s (CPU ${((prepCpu.user + prepCpu.system) / 1e6).toFixed(1)} s)`,
  );
  if ('multiLabelTexts' in data) {
    console.log(
      `transcriptions filed under more than one specialty: ${(data as { multiLabelTexts: number }).multiLabelTexts}`,
    );
  }
  if ('headers' in data) {
    const h = (data as { headers: { train: number; dev: number; heldout: number } }).headers;
    console.log(`distinct header strings: train ${h.train} / dev ${h.dev} / held out ${h.heldout}`);
  }
  const bits = opt('--bits');
  const base: ExperimentOptions = {
    ...TASK_DEFAULTS[task],
    labels: data.labels,
    seed,
    epochs,
    ...(bits ? { bits: Number(bits) } : {}),
    ...(opt('--stop-on') === 'logLoss' ? { stopOn: 'logLoss' as const } : {}),
  };
  const results: [Variant, ExperimentResult][] = [];
  console.log(
    '\n| variant | dev macro-F1 | dev micro-F1 | dev rare recall | held-out macro-F1 | held-out micro-F1 | held-out rare recall | epochs (best) | time wall (CPU) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const v of variants(TASK_DEFAULTS[task].oversampleN)) {
    const c1 = process.cpuUsage();
    const r = runExperiment(data, { ...base, ...v.options });
    const cpu = process.cpuUsage(c1);
    results.push([v, r]);
    const d = r.metrics.dev;
    const h = r.metrics.heldout;
    console.log(
      `| ${v.name} | ${f3(d.macroF1)} | ${f3(d.microF1)} | ${f3(d.rareRecall ?? 0)} | ${f3(h.macroF1)} | ${f3(h.microF1)} | ${f3(h.rareRecall ?? 0)} | ${r.training.history.length} (${r.training.bestEpoch}) | ${r.seconds.toFixed(1)} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s) |`,
    );
  }
  // the variant kept: the best macro-F1 on the tuned part of dev (held out only scored)
  const [bestVariant, best] = results.reduce((a, b) =>
    b[1].metrics.dev.macroF1 > a[1].metrics.dev.macroF1 ? b : a,
  );
  console.log(
    `\nchosen on dev macro-F1: ${bestVariant.name}; temperature ${best.temperature.toFixed(3)}; ECE held out ${f3(best.eceBefore)} -> ${f3(best.eceAfter)}; ECE dev (fitted on) ${f3(best.devEceBefore)} -> ${f3(best.devEceAfter)}`,
  );
  console.log('\n| variant | temperature | held-out ECE before | after | dev ECE before | after |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [v, r] of results) {
    console.log(
      `| ${v.name} | ${r.temperature.toFixed(3)} | ${f3(r.eceBefore)} | ${f3(r.eceAfter)} | ${f3(r.devEceBefore)} | ${f3(r.devEceAfter)} |`,
    );
  }
  if ('alternatives' in data) {
    // a note filed under several specialties: is the decision any of them?
    const alt = (data as SpecialtyData).alternatives;
    const anyOf = (examples: typeof data.heldout, sets: readonly (readonly number[])[]): number => {
      let hit = 0;
      examples.forEach((ex, i) => {
        const p = best.training.model.predictProba(ex.features, best.temperature);
        if (sets[i]?.includes(decide(p, best.thresholds))) hit++;
      });
      return examples.length ? hit / examples.length : 0;
    };
    console.log(
      `accuracy counting any specialty the text is filed under (chosen variant): dev ${f3(anyOf(data.dev, alt.dev))}, held out ${f3(anyOf(data.heldout, alt.heldout))} (exact label: dev ${f3(best.metrics.dev.accuracy)}, held out ${f3(best.metrics.heldout.accuracy)})`,
    );
  }
  if (images) {
    const dir = join(packageRoot(), 'docs', 'images');
    mkdirSync(dir, { recursive: true });
    const png = reliabilityPng([
      {
        title: `${task} before`,
        subtitle: `HELD OUT ECE ${f3(best.eceBefore)} (T = 1)`,
        bins: best.reliabilityBefore,
      },
      {
        title: `${task} after`,
        subtitle: `HELD OUT ECE ${f3(best.eceAfter)} (T = ${best.temperature.toFixed(2)})`,
        bins: best.reliabilityAfter,
      },
    ]);
    writeFileSync(join(dir, `reliability-${task}.png`), png);
    console.log(`written docs/images/reliability-${task}.png (${png.byteLength} bytes)`);
  }
  if (outDir) {
    const m = saveExperiment(join(outDir, `${task}`), task, data, best, { seed, variant: bestVariant.name });
    console.log(`model written to ${join(outDir, task)} (weights ${m.weights.bytes} bytes)`);
  }
}
const cpu = process.cpuUsage(cpu0);
console.log(
  `\ntotal ${((performance.now() - wall0) / 1000).toFixed(1)} s wall, CPU user ${(cpu.user / 1e6).toFixed(1)} s system ${(cpu.system / 1e6).toFixed(1)} s`,
);

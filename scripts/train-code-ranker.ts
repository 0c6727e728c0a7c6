/**
 * Train the learned ICD-10-CM code ranker (resources/models/code-ranker/, docs/coding.md, decision
 * 0020): the rule coder proposes the candidate codes of each CodiEsp note (safety rules applied),
 * a binary logistic regression (src/models/classify) scores them, its temperature is fitted on the
 * tuned part of CodiEsp dev (the first 200 documents by id), the threshold is the lowest that gives
 * the target precision there, and the held-out part (the last 50) is only scored.
 *
 *   npx esbuild scripts/train-code-ranker.ts --bundle --platform=node --format=esm --target=node20 \
 *     --packages=external --outfile=.tmp/h6/train.mjs && node .tmp/h6/train.mjs --pack .tmp/packs/full.pack
 *
 * Options: --pack PACK (the concepts' terminology pack; default the pipeline's), --seed S (1),
 * --epochs N (30), --bits B (16), --l2 X (1e-5), --class-weights none|balanced (none),
 * --target-precision P (0.65), --out DIR
 * (default resources/models/code-ranker), --dry (no files written).
 * Reads CodiEsp (CC BY 4.0, CLEF eHealth 2020) from the shared data dir; only weights, the code
 * counts of the training split and figures are written.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coder, type CoderInput, type CollectedCandidate } from '../src/coding/engine.js';
import { loadCodingPack } from '../src/coding/load.js';
import {
  type CodePrior,
  CodePriors,
  loadCodeRanker,
  PRIORS_FILE,
  RANKER_KIND,
  rankerFeatures,
} from '../src/coding/ranker.js';
import { DEFAULT_CODING_RULES, loadCodingRules } from '../src/coding/rules.js';
import { missingDataMessage, sharedDataDir, sharedDataPath } from '../src/data.js';
import type { Section, Sentence } from '../src/doc/types.js';
import { applyPack, loadPipeline, readConfigFile } from '../src/engine.js';
import { type DocPrediction, normCode, readCodiespGold, scoreCoding } from '../src/eval/tasks/coding.js';
import { manifestCreatedTime, sha256 } from '../src/models/artifact.js';
import { expectedCalibrationError } from '../src/models/calibration/ece.js';
import { fitTemperature } from '../src/models/calibration/temperature.js';
import { writeClassifierDir } from '../src/models/classify/artifact.js';
import { type ClassifyExample, softmax, trainLogReg } from '../src/models/classify/logreg.js';
import { fileResourceContext, packageRoot, packageVersion, resourcePath } from '../src/resources.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(opt('--seed') ?? 1);
const epochs = Number(opt('--epochs') ?? 30);
const bits = Number(opt('--bits') ?? 16);
const l2 = Number(opt('--l2') ?? 1e-5);
const targetPrecision = Number(opt('--target-precision') ?? 0.65);
const classWeights = (opt('--class-weights') ?? 'none') as 'none' | 'balanced';
const dry = args.includes('--dry');
const outDir = dry
  ? mkdtempSync(join(tmpdir(), 'code-ranker-'))
  : (opt('--out') ?? join(packageRoot(), 'resources', 'models', 'code-ranker'));
const TUNED = 200;

if (sharedDataPath('codiesp', 'train', 'trainD.tsv') === null) {
  console.log(missingDataMessage('codiesp', 'train', 'trainD.tsv'));
  process.exit(0);
}
const wall0 = performance.now();
const cpu0 = process.cpuUsage();

let config = readConfigFile(resourcePath('pipelines/coding.json'));
const pack = opt('--pack');
if (pack) config = applyPack(config, pack).config;
// the coding step itself is not needed: the script calls the coder on the pipeline's layers
const cfg = config as { components: { name: string }[] };
config = { ...cfg, components: cfg.components.filter((c) => c.name !== 'coding') };
const pipeline = await loadPipeline({ config });
const ctx = fileResourceContext();
const coder = new Coder(loadCodingPack(ctx).pack, loadCodingRules(ctx, DEFAULT_CODING_RULES), {
  setting: 'outpatient',
});

interface Doc {
  readonly id: string;
  readonly gold: ReadonlySet<string>;
  readonly cands: readonly CollectedCandidate[];
  /** The coder's input (kept for the dev notes: the threshold is chosen on the whole coder). */
  readonly input?: CoderInput;
}

async function read(split: 'train' | 'dev', goldFile: string): Promise<Doc[]> {
  const dir = join(sharedDataDir(), 'codiesp', split);
  const gold = readCodiespGold(join(dir, goldFile));
  const files = readdirSync(join(dir, 'text_files_en'))
    .filter((f) => f.endsWith('.txt'))
    .sort();
  const out: Doc[] = [];
  for (const f of files) {
    const id = f.replace(/\.txt$/, '');
    const text = readFileSync(join(dir, 'text_files_en', f), 'utf8');
    const res = await pipeline.process({ id, text });
    if (!res.ok) {
      out.push({ id, gold: gold.get(id) ?? new Set(), cands: [] });
      continue;
    }
    const d = res.doc;
    const sections = d.maybe('sections') as readonly Section[] | undefined;
    const input: CoderInput = {
      text: d.text,
      concepts: d.get('concepts'),
      sentences: d.get('sentences') as readonly Sentence[],
      ...(sections ? { sections } : {}),
    };
    const cands = coder.collect(input);
    out.push({ id, gold: gold.get(id) ?? new Set(), cands, ...(split === 'dev' ? { input } : {}) });
  }
  return out;
}

const dataFile = (split: string, file: string) => {
  const path = join(sharedDataDir(), 'codiesp', split, file);
  return { name: `codiesp/${split}/${file}`, sha256: sha256(readFileSync(path)), bytes: statSync(path).size };
};

const train = await read('train', 'trainD.tsv');
const dev = await read('dev', 'devD.tsv');
const tuned = dev.slice(0, TUNED);
const heldout = dev.slice(TUNED);
const prepSeconds = (performance.now() - wall0) / 1000;
console.log(
  `candidates: train ${train.reduce((s, d) => s + d.cands.length, 0)} over ${train.length} notes, dev ${dev.reduce((s, d) => s + d.cands.length, 0)} over ${dev.length}; prepared in ${prepSeconds.toFixed(0)} s`,
);

// the training split's counts per code: gold documents, proposals, proposals right
const counts = new Map<string, [number, number, number]>();
const bump = (code: string, i: 0 | 1 | 2, by = 1) => {
  let c = counts.get(code);
  if (!c) {
    c = [0, 0, 0];
    counts.set(code, c);
  }
  c[i] += by;
};
for (const d of train) {
  for (const g of d.gold) bump(g, 0);
  for (const k of d.cands) {
    bump(k.signals.code, 1);
    if (d.gold.has(k.signals.code)) bump(k.signals.code, 2);
  }
}
const priorMap = new Map<string, CodePrior>();
for (const [k, [gold, proposed, correct]] of counts) priorMap.set(k, { gold, proposed, correct });
const priors = new CodePriors(priorMap, train.length);

// training examples: each note's candidates with the priors of the other notes (leave one out)
const examples = (docs: readonly Doc[], leaveOut: boolean): ClassifyExample[] =>
  docs.flatMap((d) =>
    d.cands.map((k) => {
      const code = k.signals.code;
      const p = priors.get(code);
      const mine = leaveOut
        ? {
            gold: p.gold - (d.gold.has(code) ? 1 : 0),
            proposed: p.proposed - 1,
            correct: p.correct - (d.gold.has(code) ? 1 : 0),
          }
        : p;
      return { features: rankerFeatures(k.signals, mine), label: d.gold.has(code) ? 1 : 0 };
    }),
  );
const trainEx = examples(train, true);
const tunedEx = examples(tuned, false);
const heldEx = examples(heldout, false);
const labels = ['no', 'yes'];
const t0 = performance.now();
const trained = trainLogReg(
  trainEx,
  { labels, bits, epochs, learningRate: 0.1, l2, seed, patience: 4, stopOn: 'logLoss', classWeights },
  tunedEx,
);
const model = trained.model;
console.log(
  `trained in ${((performance.now() - t0) / 1000).toFixed(1)} s, best epoch ${trained.bestEpoch}; yes share ${(trainEx.filter((e) => e.label === 1).length / trainEx.length).toFixed(3)}`,
);

// calibration: temperature on the tuned part
const logitsOf = (ex: readonly ClassifyExample[]) => ex.map((e) => model.logits(e.features));
const tunedLogits = logitsOf(tunedEx);
const temperature = fitTemperature(
  tunedLogits,
  tunedEx.map((e) => e.label),
);
const heldLogits = logitsOf(heldEx);
const probsOf = (ls: readonly Float64Array[], t: number) => ls.map((z) => softmax(z, t));
const ece = (ls: readonly Float64Array[], ex: readonly ClassifyExample[], t: number) =>
  expectedCalibrationError(
    probsOf(ls, t),
    ex.map((e) => e.label),
    15,
  );

// document-level micro scores of a threshold (a code counted once per note; misses include the
// gold codes no candidate proposed)
function score(docs: readonly Doc[], ls: readonly Float64Array[], t: number, threshold: number) {
  let tp = 0;
  let fp = 0;
  let goldN = 0;
  let at = 0;
  for (const d of docs) {
    const kept = new Set<string>();
    for (const k of d.cands) {
      const p = softmax(ls[at++]!, t)[1]!;
      if (p >= threshold) kept.add(k.signals.code);
    }
    for (const c of kept) d.gold.has(c) ? tp++ : fp++;
    goldN += d.gold.size;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = goldN ? tp / goldN : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, tp, fp, fn: goldN - tp };
}
const grid = Array.from({ length: 95 }, (_, i) => 0.03 + i * 0.01);
const sweep = grid.map((th) => ({ th, ...score(tuned, tunedLogits, temperature, th) }));
const meeting = sweep.filter((s) => s.precision >= targetPrecision);
const chosen = meeting.length > 0 ? meeting[0]! : sweep.reduce((a, b) => (b.f1 > a.f1 ? b : a), sweep[0]!);
const bestF1 = sweep.reduce((a, b) => (b.f1 > a.f1 ? b : a), sweep[0]!);
let threshold = Math.round(chosen.th * 100) / 100;
let tunedScore = score(tuned, tunedLogits, temperature, threshold);
let heldScore = score(heldout, heldLogits, temperature, threshold);
const f3 = (x: number) => x.toFixed(3);
console.log(
  `temperature ${temperature.toFixed(3)}; threshold ${threshold} (target precision ${targetPrecision} on tuned)`,
);
console.log(
  `best-F1 threshold on tuned: ${bestF1.th.toFixed(2)} (P ${f3(bestF1.precision)} R ${f3(bestF1.recall)} F1 ${f3(bestF1.f1)})`,
);
for (const [name, s] of [
  ['tuned', tunedScore],
  ['held-out', heldScore],
] as const)
  console.log(
    `${name}: P ${f3(s.precision)} R ${f3(s.recall)} F1 ${f3(s.f1)} (tp ${s.tp} fp ${s.fp} fn ${s.fn})`,
  );
const candRecall = (docs: readonly Doc[]) => {
  let hit = 0;
  let n = 0;
  for (const d of docs) {
    const c = new Set(d.cands.map((k) => k.signals.code));
    for (const g of d.gold) if (c.has(g)) hit++;
    n += d.gold.size;
  }
  return hit / Math.max(1, n);
};
console.log(
  `candidate recall (ceiling): tuned ${f3(candRecall(tuned))}, held-out ${f3(candRecall(heldout))}`,
);

const splitMetrics = (ls: readonly Float64Array[], ex: readonly ClassifyExample[], s: typeof tunedScore) => {
  const probs = probsOf(ls, temperature);
  let correct = 0;
  let loss = 0;
  // candidate-level confusion (yes/no at the threshold), for the macro-F1 over the two labels
  const m = [
    [0, 0],
    [0, 0],
  ] as [number, number][];
  ex.forEach((e, i) => {
    const p = probs[i]![1]!;
    const y = p >= threshold ? 1 : 0;
    if (y === e.label) correct++;
    m[e.label]![y]++;
    loss -= Math.log(Math.max(e.label === 1 ? p : 1 - p, 1e-15));
  });
  const f1Of = (c: 0 | 1) => {
    const tp = m[c]![c]!;
    const fp = m[1 - c]![c]!;
    const fn = m[c]![1 - c]!;
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  };
  return {
    examples: ex.length,
    accuracy: Math.round((correct / Math.max(1, ex.length)) * 1e4) / 1e4,
    // macro-F1: over the labels no/yes of the candidates; micro-F1: the codes of the notes (the
    // whole coder, gold codes no candidate proposed counted as misses)
    macroF1: Math.round(((f1Of(0) + f1Of(1)) / 2) * 1e4) / 1e4,
    microF1: Math.round(s.f1 * 1e4) / 1e4,
    logLoss: Math.round((loss / Math.max(1, ex.length)) * 1e4) / 1e4,
    ece: Math.round(ece(ls, ex, temperature) * 1e4) / 1e4,
  };
};
const wall = (performance.now() - wall0) / 1000;
const cpu = process.cpuUsage(cpu0);
console.log(`total ${wall.toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU`);

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const write = () =>
  writeClassifierDir(outDir, model, {
    name: 'code-ranker',
    version: '1.0.0',
    kind: RANKER_KIND,
    description:
      'Scores the candidate ICD-10-CM codes of the rule coder (src/coding/ranker.ts): binary logistic regression over the rules that fired, the source, chapter, section, assertion, match quality, support and the training prior of the code; calibrated by temperature; a code is kept when p(yes) reaches the threshold.',
    features: {
      version: 1,
      description:
        'src/coding/ranker.ts rankerFeatures (features version 1): code, category, chapter, rule ids, source (concept / Index / both / the other source’s code / sibling of the category), billable, unspecified/other title, mention count, assertion statuses, section categories, principal section, Index coverage, concept match score, rule score, position, title-word overlap with the note, candidates per note, and the training split counts of the code (priors.json; leave-one-document-out in training).',
    },
    hyperparameters: {
      bits,
      epochs,
      bestEpoch: trained.bestEpoch,
      learningRate: 0.1,
      l2,
      stopOn: 'logLoss',
      classWeights,
      targetPrecision,
      threshold,
    },
    seed,
    data: {
      source: 'CodiEsp-D (CLEF eHealth 2020), English machine translation',
      train: [dataFile('train', 'trainD.tsv')],
      dev: [dataFile('dev', 'devD.tsv')],
      split:
        'train: the 500 training notes; dev: the first 200 development notes by id (early stopping, temperature, threshold); heldout: the last 50 (only scored)',
      license: 'CC BY 4.0',
      attribution:
        'CodiEsp corpus: Miranda-Escalada A., Gonzalez-Agirre A., Armengol-Estapé J., Krallinger M. Overview of automatic clinical coding: annotations, guidelines, and solutions for non-English clinical cases at CodiEsp track of CLEF eHealth 2020. CLEF 2020. Licensed CC BY 4.0.',
    },
    metrics: {
      dev: splitMetrics(tunedLogits, tunedEx, tunedScore),
      heldout: splitMetrics(heldLogits, heldEx, heldScore),
    },
    calibration: {
      method: 'temperature',
      temperature: r4(temperature),
      bins: 15,
      fittedOn: 'dev (the first 200 CodiEsp dev notes)',
      eceBefore: r4(ece(heldLogits, heldEx, 1)),
      eceAfter: r4(ece(heldLogits, heldEx, temperature)),
      scoredOn: 'heldout (the last 50 CodiEsp dev notes)',
    },
    thresholds: [r4(1 - threshold), threshold],
    code: { package: 'clinote', version: packageVersion() },
    created: manifestCreatedTime(),
    limits: [
      'Trained on machine-translated Spanish case reports (CodiEsp); clinical notes of other kinds differ.',
      'It only ranks what the rule coder proposes: codes the rules never propose (words that are not concepts, negated mentions) stay missed.',
      'The counts in priors.json come from the CodiEsp training split (an older ICD-10 release than the FY2023 code set).',
      'Metrics: macro-F1 is over the labels no/yes of the candidate codes; micro-F1 is the micro-F1 of the codes of the notes with the whole coder (misses include the gold codes no candidate proposed).',
    ],
  });
write();
writeFileSync(
  join(outDir, PRIORS_FILE),
  `${JSON.stringify(priors.toJSON('codiesp/train/trainD.tsv (CodiEsp-D, CC BY 4.0)'))}\n`,
);

// the threshold again, now on the whole coder (conventions included) over the tuned part: the
// lowest that reaches the target precision
const ctxOut = fileResourceContext();
const runCoder = (docs: readonly Doc[], th: number) => {
  const c = new Coder(coder.pack, coder.rules, { ranker: loadCodeRanker(ctxOut, outDir, th) });
  const preds: DocPrediction[] = docs.map((d) => ({
    id: d.id,
    gold: d.gold,
    ranked: c
      .code(d.input!)
      .filter((k) => k.status === 'suggested')
      .sort((a, b) => b.score - a.score)
      .map((k) => normCode(k.code)),
  }));
  return scoreCoding(preds);
};
const full = Array.from({ length: 46 }, (_, i) => Math.round((0.05 + i * 0.01) * 100) / 100).map((th) => ({
  th,
  s: runCoder(tuned, th),
}));
const hit = full.find((x) => x.s.micro.precision >= targetPrecision);
const best = full.reduce((a, b) => (b.s.micro.f1 > a.s.micro.f1 ? b : a), full[0]!);
const pick = hit ?? best;
threshold = pick.th;
tunedScore = pick.s.micro;
const heldFull = runCoder(heldout, threshold);
heldScore = heldFull.micro;
console.log(
  `whole coder, threshold ${threshold} (best F1 on tuned at ${best.th}: ${f3(best.s.micro.f1)}): tuned P ${f3(tunedScore.precision)} R ${f3(tunedScore.recall)} F1 ${f3(tunedScore.f1)} MAP ${f3(pick.s.map)}; held-out P ${f3(heldScore.precision)} R ${f3(heldScore.recall)} F1 ${f3(heldScore.f1)} MAP ${f3(heldFull.map)}`,
);
write();
console.log(`wrote ${outDir}${dry ? ' (dry run: a temporary folder)' : ''}`);
const wallAll = (performance.now() - wall0) / 1000;
const cpuAll = process.cpuUsage(cpu0);
console.log(`total ${wallAll.toFixed(0)} s wall, ${((cpuAll.user + cpuAll.system) / 1e6).toFixed(0)} s CPU`);

/**
 * Builds the transformer assertion (negation) model from the shared data (`../shared/data` or
 * $CLINOTE_DATA_DIR): a "tiny" encoder with a span-classification head over entity markers
 * (src/models/transformer/span-classification.ts), trained on the gold entities of MACCROBAT and
 * Chia with their negation (the assertion classifier's data and split, docs/classify.md), early
 * stopping on MACCROBAT dev, scored on MACCROBAT held out. Writes `<out>/transformer-assertion-negation/`:
 * manifest, model card, `model.onnx` and `model.int8.onnx`.
 *
 *   npm run build && node dist/scripts/train-transformer-assertion.js [--out resources/models]
 *     [--epochs 4] [--chia 6000] [--seed 1] [--class-weights balanced|none] [--created ISO]
 *
 * Data that is absent is skipped with a message (exit 0); other errors exit 1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readBratDir } from '../src/corpora/brat.js';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { Doc } from '../src/doc/doc.js';
import { isClinoteError } from '../src/errors/error.js';
import { canonicalJson, manifestCreatedTime } from '../src/models/artifact.js';
import {
  CORPORA,
  type CorpusSpec,
  goldTargets,
  segmentation,
  splitOf,
} from '../src/models/assertion/data.js';
import { onnxSizeSection, writeTokenClassifierOnnx } from '../src/models/onnx/export.js';
import { mulberry32, shuffle } from '../src/models/prng.js';
import { encoderConfig } from '../src/models/transformer/config.js';
import { trainTokenTask } from '../src/models/transformer/finetune.js';
import {
  labelScore,
  SPAN_END_MARKER,
  SPAN_START_MARKER,
  type SpanExample,
  spanItems,
  spanProbabilities,
} from '../src/models/transformer/span-classification.js';
import { WordPieceTokenizer } from '../src/models/transformer/wordpiece.js';
import { packageVersion, resourcePath } from '../src/resources.js';

const LABELS = ['affirmed', 'negated'];
const T = 128;
const B = 16;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'resources/models' },
    epochs: { type: 'string', default: '4' },
    chia: { type: 'string', default: '6000' },
    seed: { type: 'string', default: '1' },
    'class-weights': { type: 'string', default: 'balanced' },
    created: { type: 'string' },
  },
});

type Split = 'train' | 'dev' | 'heldout';

/** Every gold target of a corpus as a span of its sentence, with its split. */
function corpusExamples(spec: CorpusSpec, dir: string): { split: Split; ex: SpanExample }[] {
  const pipeline = segmentation();
  const out: { split: Split; ex: SpanExample }[] = [];
  for (const b of readBratDir(dir).docs) {
    const gold = goldTargets(b, spec);
    if (gold.length === 0) continue;
    const negated = spec.negated(b);
    const split = splitOf(spec.unit(b.id));
    const sentences = pipeline.runSync(new Doc(b.text, { id: b.id })).get('sentences');
    for (const { concept, entity } of gold) {
      const s = sentences.find((x) => x.start <= concept.start && concept.start < x.end);
      const from = s?.start ?? concept.start;
      const to = Math.max(s?.end ?? concept.end, concept.end);
      out.push({
        split,
        ex: {
          text: b.text.slice(from, to),
          start: concept.start - from,
          end: concept.end - from,
          label: negated.has(entity.id) ? 1 : 0,
        },
      });
    }
  }
  return out;
}

async function main(): Promise<number> {
  const macDir = sharedDataPath(...CORPORA.maccrobat.data);
  if (macDir === null) {
    console.error(missingDataMessage(...CORPORA.maccrobat.data));
    return 0;
  }
  const seed = Number(values.seed);
  const started = performance.now();
  const mac = corpusExamples(CORPORA.maccrobat, macDir);
  const chiaDir = sharedDataPath(...CORPORA.chia.data);
  const chiaTrain = chiaDir
    ? shuffle(
        corpusExamples(CORPORA.chia, chiaDir).filter((e) => e.split === 'train'),
        mulberry32(seed),
      ).slice(0, Number(values.chia))
    : [];
  const train = [...mac.filter((e) => e.split === 'train'), ...chiaTrain].map((e) => e.ex);
  const dev = mac.filter((e) => e.split === 'dev').map((e) => e.ex);
  const heldout = mac.filter((e) => e.split === 'heldout').map((e) => e.ex);
  const tokenizer = WordPieceTokenizer.fromFile(resourcePath('models/tokenizer/tokenizer.json'));
  const config = encoderConfig('tiny', tokenizer.vocabSize);
  const log = (l: string) => process.stderr.write(`${l}\n`);
  log(
    `assertion: ${train.length} training targets (${chiaTrain.length} from Chia), dev ${dev.length}, held out ${heldout.length}; prepared in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const trainSet = spanItems(tokenizer, train, T);
  const devSet = spanItems(tokenizer, dev, T);
  const L = LABELS.length;
  const score = (
    models: Parameters<typeof spanProbabilities>[0],
    params: Parameters<typeof spanProbabilities>[1],
    set: ReturnType<typeof spanItems>,
    examples: readonly SpanExample[],
  ) =>
    labelScore(
      spanProbabilities(models, params, set.items, examples.length, L, T, B, tokenizer.padId),
      examples.map((e) => e.label),
      L,
      1,
    );
  const r = await trainTokenTask(
    {
      tokenizer,
      config,
      epochs: Number(values.epochs),
      patience: 2,
      seed,
      batchSize: B,
      seqLen: T,
      classWeights: values['class-weights'] === 'none' ? 'none' : 'balanced',
      log,
    },
    {
      labels: LABELS,
      items: trainSet.items,
      tags: trainSet.tags,
      describe: `${train.length} targets`,
      scoreName: 'negation',
      evaluate: (models, params) => score(models, params, devSet, dev),
    },
  );
  const held = score(r.models, r.params, spanItems(tokenizer, heldout, T), heldout);
  const f3 = (x: number) => x.toFixed(3);
  log(
    `negation F1: dev ${f3(r.dev.f1)} (P ${f3(r.dev.precision)} R ${f3(r.dev.recall)}), held out ${f3(held.f1)} (P ${f3(held.precision)} R ${f3(held.recall)}); best epoch ${r.bestEpoch}; ${Math.round(r.tokensPerSecond)} tok/s; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  const dir = join(values.out as string, 'transformer-assertion-negation');
  const onnx = writeTokenClassifierOnnx(dir, r.params, config, LABELS);
  const manifest = {
    kind: 'clinote-transformer-span',
    version: 1,
    task: 'classify',
    name: 'transformer-assertion-negation',
    labels: LABELS,
    markers: { start: SPAN_START_MARKER, end: SPAN_END_MARKER, labelAt: 'start marker' },
    config,
    tokenizer: { file: 'models/tokenizer/tokenizer.json' },
    onnx,
    seed,
    hyperparameters: {
      epochs: r.epochs.length,
      bestEpoch: r.bestEpoch,
      batchSize: B,
      seqLen: T,
      optimizer: r.optimizer,
      classWeights: r.classWeights,
      chiaTargets: chiaTrain.length,
    },
    data: {
      corpora: ['maccrobat (train split)', ...(chiaDir ? ['chia_with_scope (train split, sampled)'] : [])],
      dev: 'maccrobat dev split',
      heldout: 'maccrobat heldout split',
      license: 'CC BY 4.0 (MACCROBAT 2020; Chia)',
    },
    metrics: {
      dev: { targets: dev.length, negation: r.dev },
      heldout: { targets: heldout.length, negation: held },
      epochs: r.epochs,
      tokensPerSecond: Math.round(r.tokensPerSecond),
    },
    code: { package: 'clinote', version: packageVersion() },
    created: manifestCreatedTime(values.created),
  };
  writeFileSync(join(dir, 'manifest.json'), canonicalJson(manifest));
  writeFileSync(
    join(dir, 'model-card.md'),
    `# Model card: transformer-assertion-negation

Whether a clinical entity is negated, from its sentence: a "tiny" BERT-style encoder (2 layers, 128
hidden, 2 heads; WordPiece vocabulary of ${config.vocabSize}, \`models/tokenizer/tokenizer.json\`) from random
weights, with the target wrapped in the markers \`${SPAN_START_MARKER}\` and \`${SPAN_END_MARKER}\` and a two-label head
(${LABELS.join(', ')}) read at the start marker. Built by \`scripts/train-transformer-assertion.ts\`
(seed ${seed}, ${r.epochs.length} epochs, best ${r.bestEpoch}); clinote ${packageVersion()}.

## Intended use

Research and comparison with the rule engine and the linear assertion classifier
(\`models/assertion-negation\`, which the \`ml\` pipeline serves). Not for unsupervised clinical decisions.

## Data

MACCROBAT 2020 (Caufield JH, et al., figshare, CC BY 4.0) train split and up to ${values.chia} sampled
targets of the Chia train split (Kury F, et al., Chia, a large annotated corpus of clinical trial
eligibility criteria, Scientific Data 2020, CC BY 4.0); the split is the assertion classifier's
(a seeded hash of the document). No text is in this directory.

## Metrics

Negation (the positive class) on MACCROBAT, gold entities:

| split | targets | P | R | F1 |
| --- | --- | --- | --- | --- |
| dev (early stopping) | ${dev.length} | ${f3(r.dev.precision)} | ${f3(r.dev.recall)} | ${f3(r.dev.f1)} |
| held out | ${heldout.length} | ${f3(held.precision)} | ${f3(held.recall)} | ${f3(held.f1)} |

${onnxSizeSection(dir, onnx, config, 'as the reference the int8 file is checked against, and for the serving component still to come')}
## Known limits

- Trained on two CPU cores from random weights: below the rules plus the linear classifier on the
  same split (docs/classify.md).
- Sees one sentence: a negation cue in another sentence (a "Negative:" list header) is out of reach.
`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(isClinoteError(e) ? `${e.code}: ${e.message}` : String(e));
    process.exitCode = 1;
  },
);

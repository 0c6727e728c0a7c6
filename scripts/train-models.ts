/**
 * Builds the trained models from the shared data (`../shared/data` or $CLINOTE_DATA_DIR): one
 * `clinote train ner` per preset, with fixed seeds and options, so that the same data and code give
 * the same weights. Models are never built by hand; docs/models.md gives the figures of each run.
 *
 *   npm run build && node dist/scripts/train-models.js [--preset ncbi-disease] [--out resources/models]
 *     [--epochs N] [--seed S] [--bits B] [--created ISO] [--limit N] [--pack P] [--no-propagation]
 *     [--algorithm perceptron|crf] [--eta0 X] [--c2 X] [--patience N] [--clusters FILE | --no-clusters]
 *
 *   node dist/scripts/train-models.js --build-clusters [--out resources/models]
 *
 * builds the word classes (resources/models/word-clusters/) from the unlabelled text of the shared
 * data first: the built models read them (`models/word-clusters/clusters.tsv`).
 *
 * A preset whose data is absent is skipped with a message (exit 0); other errors exit 1.
 *
 *   node dist/scripts/train-models.js --throughput resources/models/ner-ncbi-disease [--rounds 3]
 *
 * measures the `ner` component of a model on MTSamples instead (notes/s per core, the component's
 * own time; segmentation excluded), then the model alone on the same inputs (features, Viterbi and
 * mention probabilities; dictionary matching excluded), and prints it as JSON.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nerInput } from '../src/components/ner/input.js';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { loadPipelineSync } from '../src/engine-sync.js';
import { isClinoteError } from '../src/errors/error.js';
import { exampleMaker, trainNerPreset } from '../src/eval/ner-train.js';
import { readPlanItems } from '../src/io/notes.js';
import { planInputs } from '../src/io/plan.js';
import { readModelDir, sha256 } from '../src/models/artifact.js';
import {
  buildWordClasses,
  clusterTokens,
  DEFAULT_CLUSTERS,
  formatWordClasses,
} from '../src/models/clusters/index.js';
import { nerModelFromFiles } from '../src/models/ner/artifact.js';

/**
 * The models built by default (into resources/models, where `resources/pipelines/ml.json` finds
 * them), with their fixed options: the averaged perceptron (it beat the CRF on the tuned part of
 * dev, decision 0009), the starter pack (built in, so the model works right after `npm ci`), the
 * word classes, character trigrams, and as many feature slots as keep `weights.bin` under 2 MB:
 * 2^17 x 3 labels (1.6 MB) for NCBI disease, 2^16 x 5 labels (1.3 MB) for BC5CDR. Other presets
 * are built with `--preset NAME` (2^18 slots, no classes) for their figures.
 */
const MODELS: ReadonlyArray<{
  preset: string;
  name: string;
  bits: number;
  ngrams: number;
  clusters?: boolean;
}> = [
  { preset: 'ncbi-disease', name: 'ner-ncbi-disease', bits: 17, ngrams: 3, clusters: true },
  { preset: 'bc5cdr', name: 'ner-bc5cdr', bits: 16, ngrams: 3, clusters: true },
];

const { values } = parseArgs({
  options: {
    preset: { type: 'string', multiple: true },
    out: { type: 'string', default: join('resources', 'models') },
    epochs: { type: 'string' },
    seed: { type: 'string', default: '1' },
    bits: { type: 'string' },
    created: { type: 'string' },
    limit: { type: 'string' },
    pack: { type: 'string' },
    ngrams: { type: 'string' },
    'no-propagation': { type: 'boolean' },
    algorithm: { type: 'string' },
    eta0: { type: 'string' },
    c2: { type: 'string' },
    patience: { type: 'string' },
    throughput: { type: 'string' },
    'build-clusters': { type: 'boolean' },
    clusters: { type: 'string' },
    'no-clusters': { type: 'boolean' },
    rounds: { type: 'string', default: '3' },
  },
});

/** The `ner` component's notes/s on MTSamples (its own time, from the pipeline hooks). */
async function throughput(model: string, rounds: number): Promise<void> {
  const csv = sharedDataPath('mtsamples', 'mtsamples.csv');
  if (!csv) {
    process.stderr.write(`${missingDataMessage('mtsamples', 'mtsamples.csv')}\n`);
    return;
  }
  const plan = await planInputs([csv], { stdinFormat: 'text' });
  const texts: string[] = [];
  for await (const e of readPlanItems(plan.items, [], {
    textField: 'transcription',
    idField: 'id',
    dateField: 'noteDate',
    maxNoteBytes: 64 << 20,
  })) {
    if (e.type === 'note' && e.note.text.trim() !== '') texts.push(e.note.text);
  }
  // segmentation first (not measured); then the ner component alone, timed in CPU time (user +
  // system) as well as wall time: on a shared machine the wall time counts other processes too
  const seg = loadPipelineSync({
    config: {
      name: 'segmentation',
      components: [{ name: 'normalize' }, { name: 'sections' }, { name: 'sentences' }, { name: 'tokens' }],
    },
  });
  const withNer = loadPipelineSync({
    config: {
      name: 'ner-throughput',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        { name: 'ner', options: { model: resolve(model) } },
      ],
    },
  });
  const ner = withNer.components.find((c) => c.name === 'ner');
  if (!ner) throw new Error('no ner component');
  const docs = [];
  for (const [i, text] of texts.entries()) {
    const out = seg.processSync({ id: String(i), text });
    if (out.ok) docs.push(out.doc);
  }
  const tokens = docs.reduce((a, d) => a + d.get('tokens').length, 0);
  const cpu: number[] = [];
  const wall: number[] = [];
  let mentions = 0;
  const signal = new AbortController().signal;
  for (let r = 0; r < rounds; r++) {
    mentions = 0;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    for (const doc of docs) {
      ner.run(doc, { signal });
      mentions += doc.get('concepts').length;
    }
    const c = process.cpuUsage(c0);
    wall.push(docs.length / ((performance.now() - w0) / 1000));
    cpu.push(docs.length / ((c.user + c.system) / 1e6));
  }
  // the model alone (features, Viterbi, mention probabilities) on inputs made beforehand: the
  // component's time without the dictionary matching
  const maker = exampleMaker();
  const inputs = docs.map((d) => nerInput(d, maker.matcher));
  const nerModel = nerModelFromFiles(readModelDir(resolve(model)), model);
  const modelCpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    for (const input of inputs) nerModel.predict(input);
    const c = process.cpuUsage(c0);
    modelCpu.push(inputs.length / ((c.user + c.system) / 1e6));
  }
  const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
  process.stdout.write(
    `${JSON.stringify({ model, notes: docs.length, bytes, tokens, mentions, notesPerCpuSecond: cpu.map((x) => Math.round(x)), notesPerWallSecond: wall.map((x) => Math.round(x)), modelOnlyNotesPerCpuSecond: modelCpu.map((x) => Math.round(x)) })}\n`,
  );
}

/** The word-classes file the built models use (a path under resources/). */
const CLUSTERS_FILE = 'models/word-clusters/clusters.tsv';

/** Fields of a CSV file (RFC 4180 quoting), row by row. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/**
 * Builds the word classes from the unlabelled text of the shared data: MTSamples transcriptions, the
 * training files of NCBI disease and BC5CDR (never their dev files), Chia and MACCROBAT texts.
 * Writes resources/models/word-clusters/ (the classes and their card).
 */
function buildClusters(outDir: string): void {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const texts: string[][] = [];
  const sources: string[] = [];
  const csv = sharedDataPath('mtsamples', 'mtsamples.csv');
  if (csv) {
    const rows = csvRows(readFileSync(csv, 'utf8'));
    const col = (rows[0] ?? []).indexOf('transcription');
    for (const r of rows.slice(1)) if (r[col]) texts.push(clusterTokens(r[col] as string));
    sources.push('mtsamples/mtsamples.csv (transcriptions)');
  }
  for (const parts of [
    ['ncbi_disease', 'conll', 'train.tsv'],
    ['bc5cdr', 'BC5CDR-IOB', 'train.tsv'],
  ]) {
    const p = sharedDataPath(...parts);
    if (!p) continue;
    for (const block of readFileSync(p, 'utf8').split(/\n\s*\n/)) {
      const words = block
        .split('\n')
        .map((l) => l.split('\t')[0] ?? '')
        .filter((w) => w !== '');
      texts.push(clusterTokens(words.join(' ')));
    }
    sources.push(`${parts.join('/')} (tokens only)`);
  }
  for (const parts of [['chia', 'chia_with_scope'], ['maccrobat']]) {
    const dir = sharedDataPath(...parts);
    if (!dir) continue;
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.txt')) texts.push(clusterTokens(readFileSync(join(dir, f), 'utf8')));
    }
    sources.push(`${parts.join('/')}/*.txt`);
  }
  if (texts.length === 0) {
    process.stderr.write(`${missingDataMessage('mtsamples')}\n`);
    return;
  }
  const tokens = texts.reduce((a, t) => a + t.length, 0);
  const classes = buildWordClasses(texts);
  const o = DEFAULT_CLUSTERS;
  const text = formatWordClasses(
    classes,
    `clinote word classes: word<TAB>class id at each level (${o.branching.join(' x ')}); built by scripts/train-models.ts --build-clusters; see model-card.md`,
  );
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'clusters.tsv'), text);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - started) / 1000;
  const card = [
    '# Model card: word-clusters',
    '',
    'Word classes for the class features of the sequence labeller (`src/models/clusters`): each of the',
    `${classes.words.length.toLocaleString('en')} most frequent words (lower case, digits as \`0\`, seen at least ${o.minCount} times) gets a`,
    `class at ${classes.levels} levels of a hierarchy (${o.branching.join(', then each split into ')}: ${o.branching.reduce((a, b, i) => [...a, (a[i - 1] ?? 1) * b], [] as number[]).join(', ')} classes).`,
    '',
    '## How it is built',
    '',
    `Co-occurrence counts within ±${o.window} words against the ${o.contexts.toLocaleString('en')} most frequent words, positive PMI with`,
    `context counts raised to 0.75, a rank-${o.dimensions} randomized SVD (3 power iterations), unit-length vectors U·S^½,`,
    `then spherical k-means (k-means++ seeding, ${o.iterations} iterations) level by level; seed ${o.seed}. Deterministic.`,
    '',
    '```sh',
    'npm run build && node dist/scripts/train-models.js --build-clusters',
    '```',
    '',
    `${tokens.toLocaleString('en')} tokens in ${texts.length.toLocaleString('en')} texts (build time: printed by the command, docs/models.md). \`clusters.tsv\`: sha256 \`${sha256(text)}\`, ${Buffer.byteLength(text).toLocaleString('en')} bytes.`,
    '',
    '## Data and attribution',
    '',
    'Unlabelled text only (no labels are read), from the shared data folder; development splits are not read:',
    '',
    ...sources.map((s) => `- \`${s}\``),
    '',
    '- MTSamples: transcribed medical sample reports (mtsamples.com), CC0.',
    '- NCBI disease corpus: Doğan RI, Leaman R, Lu Z. J Biomed Inform 2014;47:1-10. Public domain (NLM).',
    '- BioCreative V CDR corpus: Li J, Sun Y, Johnson RJ, et al. Database 2016;2016:baw068. CC BY 4.0.',
    '- Chia: Kury F, et al. Sci Data 2020;7:281. CC BY 4.0.',
    '- MACCROBAT 2020: Caufield JH, et al. (2019), figshare. CC BY 4.0.',
    '',
    'The file holds words and class numbers only: no sentence or excerpt of the texts.',
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'model-card.md'), card);
  process.stdout.write(
    `${JSON.stringify({ clusters: join(outDir, 'clusters.tsv'), words: classes.words.length, tokens, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
  );
}

if (values['build-clusters']) buildClusters(join(values.out as string, 'word-clusters'));
const wanted =
  values.throughput !== undefined || values['build-clusters']
    ? []
    : (values.preset ?? MODELS.map((m) => m.preset));
if (values.throughput !== undefined) await throughput(values.throughput, Number(values.rounds));
let failed = false;
for (const preset of wanted) {
  const m = MODELS.find((x) => x.preset === preset) ?? { preset, name: `ner-${preset}`, bits: 18, ngrams: 3 };
  try {
    const r = trainNerPreset({
      preset,
      name: m.name,
      out: join(values.out as string, m.name),
      bits: values.bits !== undefined ? Number(values.bits) : m.bits,
      seed: Number(values.seed),
      ...(values.epochs !== undefined ? { epochs: Number(values.epochs) } : {}),
      ...(values.patience !== undefined ? { patience: Number(values.patience) } : {}),
      ...(values.algorithm !== undefined ? { algorithm: values.algorithm as 'perceptron' | 'crf' } : {}),
      ...(values.eta0 !== undefined || values.c2 !== undefined
        ? {
            crf: {
              ...(values.eta0 !== undefined ? { eta0: Number(values.eta0) } : {}),
              ...(values.c2 !== undefined ? { c2: Number(values.c2) } : {}),
            },
          }
        : {}),
      ...(values.created !== undefined ? { created: values.created } : {}),
      ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
      ...(values.pack !== undefined ? { pack: values.pack } : {}),
      ngrams: values.ngrams !== undefined ? Number(values.ngrams) : m.ngrams,
      ...(values['no-propagation'] ? { abbreviationPropagation: false } : {}),
      ...(values.clusters !== undefined
        ? { clusters: values.clusters }
        : m.clusters && !values['no-clusters']
          ? { clusters: CLUSTERS_FILE }
          : {}),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(
      `${JSON.stringify({ preset, dir: r.dir, seconds: r.seconds, metrics: r.manifest.metrics })}\n`,
    );
  } catch (e) {
    if (isClinoteError(e) && e.code === 'CLINOTE_E_MODEL_TRAINING_DATA') {
      process.stderr.write(`${preset}: skipped: ${e.message}\n`);
      continue;
    }
    process.stderr.write(`${preset}: ${e instanceof Error ? e.stack : String(e)}\n`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;

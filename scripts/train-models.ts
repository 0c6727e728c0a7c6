/**
 * Builds the trained models from the shared data (`../shared/data` or $CLINOTE_DATA_DIR): one
 * `clinote train ner` per preset, with fixed seeds and options, so that the same data and code give
 * the same weights. Models are never built by hand; docs/models.md gives the figures of each run.
 *
 *   npm run build && node dist/scripts/train-models.js [--preset ncbi-disease] [--out resources/models]
 *     [--epochs N] [--seed S] [--bits B] [--created ISO] [--limit N] [--pack P] [--no-propagation]
 *
 * A preset whose data is absent is skipped with a message (exit 0); other errors exit 1.
 *
 *   node dist/scripts/train-models.js --throughput resources/models/ner-ncbi-disease [--rounds 3]
 *
 * measures the `ner` component of a model on MTSamples instead (notes/s per core, the component's
 * own time from the pipeline hooks; segmentation excluded), and prints it as JSON.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { loadPipelineSync } from '../src/engine-sync.js';
import { isClinoteError } from '../src/errors/error.js';
import { trainNerPreset } from '../src/eval/ner-train.js';
import { readPlanItems } from '../src/io/notes.js';
import { planInputs } from '../src/io/plan.js';

/**
 * The models built by default (into resources/models, where `resources/pipelines/ml.json` finds
 * them), with their fixed options: the starter pack (built in, so the model works right after
 * `npm ci`), 2^17 feature slots (1.6 MB of weights: a committed file stays under 2 MB; 2^18 slots,
 * 3.1 MB, scored 0.854 against 0.833 strict F1 on the tuned part of dev and 0.720 against 0.732 on
 * the held-out part, docs/models.md), character trigrams. Other presets are built
 * with `--preset NAME` (same options) for their figures.
 */
const MODELS: ReadonlyArray<{ preset: string; name: string; bits: number; ngrams: number }> = [
  { preset: 'ncbi-disease', name: 'ner-ncbi-disease', bits: 17, ngrams: 3 },
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
    throughput: { type: 'string' },
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
  const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
  process.stdout.write(
    `${JSON.stringify({ model, notes: docs.length, bytes, tokens, mentions, notesPerCpuSecond: cpu.map((x) => Math.round(x)), notesPerWallSecond: wall.map((x) => Math.round(x)) })}\n`,
  );
}

const wanted = values.throughput !== undefined ? [] : (values.preset ?? MODELS.map((m) => m.preset));
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
      ...(values.created !== undefined ? { created: values.created } : {}),
      ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
      ...(values.pack !== undefined ? { pack: values.pack } : {}),
      ngrams: values.ngrams !== undefined ? Number(values.ngrams) : m.ngrams,
      ...(values['no-propagation'] ? { abbreviationPropagation: false } : {}),
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

/**
 * Builds the shipped assertion (negation) classifier, `resources/models/assertion-negation/`, from
 * the shared data (MACCROBAT and Chia under `../shared/data` or $CLINOTE_DATA_DIR), with a fixed
 * seed, and prints the run's figures as JSON (rules against model on MACCROBAT dev and held-out and
 * on Chia, ECE before and after the temperature, CPU seconds). docs/classify.md gives the figures.
 *
 *   npx esbuild scripts/train-assertion.ts --bundle --platform=node --format=esm --target=node20 \
 *     --packages=external --outfile=.tmp/train-assertion.mjs && node .tmp/train-assertion.mjs \
 *     [--out resources/models/assertion-negation] [--seed 1] [--created ISO] [--limit N] [--no-write]
 *     [--chia-weight W]   (fixed Chia weight instead of the cross-validated choice)
 *
 * Data absent: a message and exit 0 (nothing is built). Other errors: exit 1 with the coded message.
 *
 *   node .tmp/train-assertion.mjs --bench [--rounds 3] [--limit N]
 *
 * measures the `classify` component instead: notes/s on MTSamples with the concepts and assertions
 * of the default pipeline (the component alone, wall and process CPU time).
 *
 *   node .tmp/train-assertion.mjs --negex
 *
 * scores rules and model on the NegEx test kit (out of domain: clinical sentences, not case reports).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertionsComponent } from '../src/components/assertions/index.js';
import { classifyComponent } from '../src/components/classify/index.js';
import { normalizeNegation, readNegexFile } from '../src/corpora/negex.js';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { Doc } from '../src/doc/doc.js';
import type { Concept } from '../src/doc/types.js';
import { loadPipelineSync } from '../src/engine-sync.js';
import { isClinoteError } from '../src/errors/error.js';
import { readPlanItems } from '../src/io/notes.js';
import { planInputs } from '../src/io/plan.js';
import {
  ASSERTION_MODEL_DIR,
  negationScore,
  trainAssertionClassifier,
} from '../src/models/assertion/train.js';
import { fileResourceContext } from '../src/resources.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join('resources', ASSERTION_MODEL_DIR) },
    seed: { type: 'string', default: '1' },
    created: { type: 'string' },
    limit: { type: 'string' },
    'chia-weight': { type: 'string' },
    'no-write': { type: 'boolean' },
    bench: { type: 'boolean' },
    negex: { type: 'boolean' },
    rounds: { type: 'string', default: '3' },
    model: { type: 'string', default: ASSERTION_MODEL_DIR },
  },
});

async function mtsamples(limit: number | undefined): Promise<string[]> {
  const csv = sharedDataPath('mtsamples', 'mtsamples.csv');
  if (!csv) return [];
  const plan = await planInputs([csv], { stdinFormat: 'text' });
  const texts: string[] = [];
  for await (const e of readPlanItems(plan.items, [], {
    textField: 'transcription',
    idField: 'id',
    dateField: 'noteDate',
    maxNoteBytes: 64 << 20,
  })) {
    if (e.type === 'note' && e.note.text.trim() !== '') texts.push(e.note.text);
    if (limit !== undefined && texts.length >= limit) break;
  }
  return texts;
}

/**
 * The classify component's notes/s on MTSamples: the default pipeline up to `assertions` runs first
 * (not measured); then the component alone, timed over all notes per round, in wall and CPU time
 * (process.cpuUsage: the machine may be shared, and wall time counts other processes).
 */
async function bench(): Promise<void> {
  const limit = values.limit ? Number(values.limit) : undefined;
  const texts = await mtsamples(limit);
  if (texts.length === 0) {
    process.stderr.write(`${missingDataMessage('mtsamples', 'mtsamples.csv')}\n`);
    return;
  }
  const before = loadPipelineSync({
    config: {
      name: 'classify-bench',
      components: ['normalize', 'sections', 'sentences', 'tokens', 'concepts', 'assertions'].map((name) => ({
        name,
      })),
    },
  });
  const docs = texts.map((text, i) => before.runSync(new Doc(text, { id: String(i) })));
  const concepts = docs.map((d) => d.maybe('concepts') ?? []);
  const n = concepts.reduce((a, c) => a + c.length, 0);
  const run = classifyComponent.create(
    { model: values.model, target: 'concepts' },
    fileResourceContext(),
  ) as (doc: Doc) => void;
  const rounds: {
    wallSeconds: number;
    cpuSeconds: number;
    notesPerSecond: number;
    notesPerCpuSecond: number;
  }[] = [];
  let changed = 0;
  for (let r = 0; r < Number(values.rounds); r++) {
    docs.forEach((d, i) => {
      d.set('concepts', concepts[i] as Concept[]);
      d.set('classifications', []);
    });
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    for (const d of docs) run(d);
    const c = process.cpuUsage(c0);
    const wall = (performance.now() - w0) / 1000;
    const cpuSeconds = (c.user + c.system) / 1e6;
    rounds.push({
      wallSeconds: +wall.toFixed(3),
      cpuSeconds: +cpuSeconds.toFixed(3),
      notesPerSecond: Math.round(docs.length / wall),
      notesPerCpuSecond: Math.round(docs.length / cpuSeconds),
    });
    changed = 0;
    docs.forEach((d, i) => {
      const after = d.get('concepts');
      (concepts[i] as Concept[]).forEach((c, k) => {
        const a = c.assertion?.categories.includes('NEGATED') === true;
        const b = after[k]?.assertion?.categories.includes('NEGATED') === true;
        if (a !== b) changed++;
      });
    });
  }
  const best = rounds.reduce((a, b) => (b.notesPerCpuSecond > a.notesPerCpuSecond ? b : a));
  process.stdout.write(
    `${JSON.stringify(
      {
        command: `node .tmp/train-assertion.mjs --bench --rounds ${values.rounds}${limit !== undefined ? ` --limit ${limit}` : ''}`,
        model: values.model,
        notes: docs.length,
        concepts: n,
        negationChangedByModel: changed,
        rounds,
        best,
      },
      null,
      2,
    )}\n`,
  );
}

/**
 * Out-of-domain check: negation F1 of the rules and of the model on the NegEx test kit (clinical
 * sentences, the condition as the one concept; each sentence segmented on its own).
 */
function negex(): void {
  const file = sharedDataPath('negex', 'rsAnnotations-1-120-random.txt');
  if (!file) {
    process.stderr.write(`${missingDataMessage('negex', 'rsAnnotations-1-120-random.txt')}\n`);
    return;
  }
  const rows = readNegexFile(file).rows;
  const seg = loadPipelineSync({
    config: {
      name: 'seg',
      components: ['normalize', 'sections', 'sentences', 'tokens'].map((name) => ({ name })),
    },
  });
  const ctx = fileResourceContext();
  const rules = assertionsComponent.create({}, ctx) as (doc: Doc) => void;
  const model = classifyComponent.create({ model: values.model, target: 'concepts' }, ctx) as (
    doc: Doc,
  ) => void;
  const gold: boolean[] = [];
  const byRules: boolean[] = [];
  const byModel: boolean[] = [];
  for (const row of rows) {
    const span = row.conditionSpan;
    if (!span) continue;
    const doc = seg.runSync(new Doc(row.sentence, { id: row.id }));
    const text = row.sentence.slice(span.start, span.end);
    doc.set('concepts', [
      {
        ...span,
        text,
        type: 'problem',
        codes: [],
        matched: { term: text, source: 'negex' },
        score: 1,
        evidence: { component: 'negex' },
      },
    ]);
    rules(doc);
    byRules.push(doc.get('concepts')[0]?.assertion?.categories.includes('NEGATED') === true);
    model(doc);
    byModel.push(doc.get('concepts')[0]?.assertion?.categories.includes('NEGATED') === true);
    gold.push(normalizeNegation(row.negation) === 'negated');
  }
  const f = (pred: boolean[]) => {
    const s = negationScore(gold, pred);
    return { precision: +s.precision.toFixed(4), recall: +s.recall.toFixed(4), f1: +s.f1.toFixed(4) };
  };
  process.stdout.write(
    `${JSON.stringify({ command: 'node .tmp/train-assertion.mjs --negex', pairs: gold.length, negated: gold.filter(Boolean).length, rules: f(byRules), model: f(byModel) }, null, 2)}\n`,
  );
}

async function main(): Promise<void> {
  if (values.bench) return bench();
  if (values.negex) return negex();
  if (!sharedDataPath('maccrobat')) {
    process.stderr.write(`${missingDataMessage('maccrobat')}\n`);
    return;
  }
  const result = trainAssertionClassifier({
    seed: Number(values.seed),
    ...(values['no-write'] ? {} : { out: values.out }),
    ...(values.created ? { created: values.created } : {}),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
    ...(values['chia-weight'] ? { chiaWeight: Number(values['chia-weight']) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(result.report, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${isClinoteError(e) ? `${e.code}: ${e.message}` : String(e)}\n`);
  process.exit(1);
});

/**
 * One full retraining cycle, timed (docs/mlops.md, "Measured"): a script, never a test.
 *
 *   npm run bench:retrain [-- --notes 200 --algorithm perceptron --json]
 *
 * In a temporary SQLite store and artifact folder: registers the shipped NCBI-disease model
 * (resources/models/ner-ncbi-disease) as champion of `ner-ncbi`, deploys it as `ner`, stores
 * `--notes` feedback notes (written here from a few sentence templates of our own: a disease name
 * the reviewer adds, a word the reviewer removes), then runs `runRetrainCycle` with the label
 * trigger: the full NCBI-disease training set plus the feedback, the full dev set as suite, the
 * challenger registered and deployed as shadow. Prints each step's wall time, the cycle's wall and
 * CPU time, and the figures. Needs ../shared/data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FeedbackStore } from '../src/monitoring/feedback.js';
import { parseRetrainConfig, renderCycle, runRetrainCycle } from '../src/monitoring/retrain.js';
import { parseDeploymentSpec } from '../src/registry/deployment.js';
import { openRegistry } from '../src/registry/registry.js';
import { resourcePath } from '../src/resources.js';

const { values: args } = parseArgs({
  options: {
    notes: { type: 'string', default: '200' },
    algorithm: { type: 'string', default: 'perceptron' },
    json: { type: 'boolean', default: false },
  },
});

const DISEASES = [
  'Marfan syndrome',
  'cystic fibrosis',
  'Gaucher disease',
  'hemophilia A',
  'Huntington disease',
  'sickle cell anemia',
  'Duchenne muscular dystrophy',
  'Fabry disease',
  'Wilson disease',
  'neurofibromatosis type 1',
];
const TEMPLATES = [
  'Follow-up visit. Known {d}, stable on current management.',
  'Referred for evaluation of {d} after abnormal screening.',
  'History of {d}; no new complaints today.',
  'Assessment: {d} with mild progression since last year.',
];

const dir = mkdtempSync(join(tmpdir(), 'clinote-bench-retrain-'));
const registry = await openRegistry({ url: join(dir, 'clinote.db'), artifacts: join(dir, 'artifacts') });
try {
  const v = await registry.register({ name: 'ner-ncbi', model: resourcePath('models/ner-ncbi-disease') });
  await registry.setAlias('ner-ncbi', 'champion', v.version);
  await registry.putDeployment('ner', parseDeploymentSpec({ champion: 'models:/ner-ncbi@champion' }));
  const feedback = new FeedbackStore(registry.store);
  const n = Number.parseInt(args.notes ?? '200', 10);
  for (let i = 0; i < n; i++) {
    const d = DISEASES[i % DISEASES.length] as string;
    const text = (TEMPLATES[i % TEMPLATES.length] as string).replace('{d}', d);
    const start = text.indexOf(d);
    await feedback.add(
      {
        noteId: `bench-${i}`,
        pipeline: 'ner',
        version: '1',
        text,
        items: [
          { kind: 'span-added', start, end: start + d.length, type: 'problem' },
          { kind: 'span-accepted', start, end: start + d.length },
        ],
      },
      { tenant: 'bench', requestId: `bench-${i}` },
    );
  }
  const config = parseRetrainConfig({
    name: 'ner-ncbi',
    deployment: 'ner',
    train: { algorithm: args.algorithm },
    feedback: { tenant: 'bench', holdBack: 0.2 },
    trigger: { newLabels: n },
    out: join(dir, 'models'),
  });
  const cpu = process.cpuUsage();
  const load = loadavg()[0];
  const report = await runRetrainCycle(registry, config, { ifDue: true });
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  if (args.json)
    process.stdout.write(`${JSON.stringify({ ...report, cpuSeconds, loadBefore: load }, null, 2)}\n`);
  else
    process.stdout.write(
      `${renderCycle(report)}cycle: ${report.seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (load average before: ${load?.toFixed(1)})\n`,
    );
} finally {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
}

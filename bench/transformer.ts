/**
 * The `transformer-ner` component on clinical notes: MTSamples transcriptions (read from the shared
 * data dir, never copied) run through pipelines that differ only in their NER step, in batches of
 * notes (`processMany`, as the server's chunks and the batch runner give them); the runner's hooks
 * time each component. Reports notes/s of the NER component alone and of the whole pipeline, and
 * the mentions per note, for: the linear `ner` model; `transformer-ner` int8 and fp32; the ensemble.
 *
 *   npm run bench:transformer [-- --limit 300] [--warmup 20] [--notes-per-batch 64] [--threads 0] [--json]
 *
 * No note text is printed.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { loadPipeline } from '../src/engine.js';
import { machineInfo, mtsamplesNotes } from './mtsamples.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '20' },
    'notes-per-batch': { type: 'string', default: '64' },
    threads: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const limit = Number(values.limit);
const warmup = Number(values.warmup);
const perBatch = Number(values['notes-per-batch']);
const threads = Number(values.threads);

const segmentation = [{ name: 'normalize' }, { name: 'sections' }, { name: 'sentences' }, { name: 'tokens' }];
const MODEL = 'models/transformer-ner-ncbi-disease';
const CONFIGS: Record<string, { component: string; steps: unknown[] }> = {
  linear: { component: 'ner', steps: [{ name: 'ner', options: { model: 'models/ner-ncbi-disease' } }] },
  'transformer-int8': {
    component: 'transformer-ner',
    steps: [{ name: 'transformer-ner', options: { model: MODEL, threads } }],
  },
  'transformer-fp32': {
    component: 'transformer-ner',
    steps: [{ name: 'transformer-ner', options: { model: MODEL, precision: 'fp32', threads } }],
  },
  ensemble: {
    component: 'transformer-ner',
    steps: [
      { name: 'concepts' },
      {
        name: 'transformer-ner',
        options: { model: MODEL, threads, ensemble: { linear: 'models/ner-ncbi-disease', dictionary: true } },
      },
    ],
  },
};

const csv = sharedDataPath('mtsamples', 'mtsamples.csv');
if (csv === null) {
  console.log(missingDataMessage('mtsamples', 'mtsamples.csv'));
} else {
  const notes = await mtsamplesNotes(csv, limit + warmup);
  const timed = notes.slice(warmup);
  const bytes = timed.reduce((s, n) => s + Buffer.byteLength(n.text), 0);
  const rows: Record<string, unknown>[] = [];
  for (const [name, { component, steps }] of Object.entries(CONFIGS)) {
    const ms = new Map<string, number>();
    let timing = false;
    const pipeline = await loadPipeline({
      config: { name: `bench-${name}`, components: [...segmentation, ...steps] },
      hooks: {
        onComponent(c, took) {
          if (timing) ms.set(c, (ms.get(c) ?? 0) + took);
        },
      },
    });
    const run = async (list: readonly { id: string; text: string }[]): Promise<number> => {
      let mentions = 0;
      for (let i = 0; i < list.length; i += perBatch)
        for (const o of await pipeline.processMany(list.slice(i, i + perBatch)))
          if (o.ok) mentions += o.doc.get('concepts').filter((c) => c.type === 'problem').length;
      return mentions;
    };
    await run(notes.slice(0, warmup));
    timing = true;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const mentions = await run(timed);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const own = (ms.get(component) ?? 0) / 1000;
    rows.push({
      config: name,
      notes: timed.length,
      componentNotesPerSecond: Math.round(timed.length / own),
      componentMsPerNote: Number(((own * 1000) / timed.length).toFixed(2)),
      pipelineNotesPerSecond: Math.round(timed.length / wall),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      wallSeconds: Number(wall.toFixed(2)),
      problemMentionsPerNote: Number((mentions / timed.length).toFixed(1)),
    });
  }
  const report = {
    schema: 'clinote-bench-transformer/1',
    date: new Date().toISOString(),
    machine: machineInfo(),
    setup: { notes: timed.length, warmup, notesPerBatch: perBatch, bytes, threads },
    rows,
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(
      `MTSamples ${timed.length} notes (${(bytes / 1e6).toFixed(2)} MB) after ${warmup} warm-up, ${perBatch} notes per processMany`,
    );
    console.log('config             NER notes/s  NER ms/note  pipeline notes/s  CPU s  problems/note');
    for (const r of rows)
      console.log(
        `${String(r.config).padEnd(17)}  ${String(r.componentNotesPerSecond).padStart(11)}  ${String(r.componentMsPerNote).padStart(11)}  ${String(r.pipelineNotesPerSecond).padStart(16)}  ${String(r.cpuSeconds).padStart(5)}  ${String(r.problemMentionsPerNote).padStart(13)}`,
      );
    console.log(
      `cpu ${report.machine.cpu} x${report.machine.cores}, load average ${report.machine.loadAverage.join(' ')}`,
    );
  }
}

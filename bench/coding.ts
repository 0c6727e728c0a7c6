/**
 * What ICD-10-CM coding adds to the pipeline's time per note, on MTSamples (read from the shared
 * data dir, never copied): the coding pipeline (resources/pipelines/coding.json) runs every note;
 * the runner's hooks time each component; the figure is the `coding` component's time over the
 * time of all the components (target: coding adds <= 20%, i.e. coding / rest <= 0.20).
 *
 *   npm run build && node dist/bench/coding.js [--limit N] [--pack PACK] [--warmup N]
 *
 * Prints notes, wall and CPU seconds, per-component milliseconds per note, and the share. No note
 * text is printed.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { applyPack, loadPipeline, readConfigFile } from '../src/engine.js';
import { resourcePath } from '../src/resources.js';
import { mtsamplesNotes } from './mtsamples.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '50' },
    pack: { type: 'string' },
  },
});
const limit = Number(values.limit);
const warmup = Number(values.warmup);

const csv = sharedDataPath('mtsamples', 'mtsamples.csv');
if (csv === null || sharedDataPath('icd10cm', 'icd10cm_tabular_2023.xml.gz') === null) {
  console.log(missingDataMessage(csv === null ? 'mtsamples' : 'icd10cm'));
} else {
  const notes = await mtsamplesNotes(csv, limit + warmup);
  let config = readConfigFile(resourcePath('pipelines/coding.json'));
  if (values.pack) config = applyPack(config, values.pack).config;
  const ms = new Map<string, number>();
  let timing = false;
  const t0 = performance.now();
  const pipeline = await loadPipeline({
    config,
    hooks: {
      onComponent(component, took) {
        if (timing) ms.set(component, (ms.get(component) ?? 0) + took);
      },
    },
  });
  const buildSeconds = (performance.now() - t0) / 1000;
  for (const n of notes.slice(0, warmup)) pipeline.processSync(n);
  timing = true;
  const timed = notes.slice(warmup);
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  let codes = 0;
  for (const n of timed) {
    const out = pipeline.processSync(n);
    if (out.ok) codes += (out.doc.maybe('codes') ?? []).filter((k) => k.status === 'suggested').length;
  }
  const wall = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const coding = ms.get('coding') ?? 0;
  const total = [...ms.values()].reduce((a, b) => a + b, 0);
  console.log(
    `notes ${timed.length} (after ${warmup} warm-up), wall ${wall.toFixed(2)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, build ${buildSeconds.toFixed(2)} s, ${(codes / Math.max(1, timed.length)).toFixed(1)} codes/note`,
  );
  for (const [name, t] of ms) console.log(`  ${name.padEnd(12)} ${(t / timed.length).toFixed(3)} ms/note`);
  console.log(
    `coding: ${(coding / timed.length).toFixed(3)} ms/note; adds ${((coding / Math.max(1e-9, total - coding)) * 100).toFixed(1)}% to the rest of the pipeline (${((coding / Math.max(1e-9, total)) * 100).toFixed(1)}% of the whole)`,
  );
}

/**
 * The controlled drift experiments of docs/monitoring.md on MTSamples (src/monitoring/controlled.ts):
 * `npm run build && node dist/scripts/monitor-controlled.js [--sample N] [--per-side N] [--splits N]
 * [--seed S] [--min-category-share X] [--json]`. Prints the false alarms of the random splits, the largest distance of each
 * feature over them, and the per-feature distances of the specialty split and of the template
 * change. Only figures: no note text. Exit 2 when MTSamples is absent.
 */
import { parseArgs } from 'node:util';
import { missingDataMessage } from '../src/data.js';
import { runControlled } from '../src/monitoring/controlled.js';
import { renderDriftReport } from '../src/monitoring/drift.js';

const { values } = parseArgs({
  options: {
    sample: { type: 'string', default: '1200' },
    'per-side': { type: 'string', default: '400' },
    splits: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    'min-category-share': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const r = await runControlled({
  sample: Number(values.sample),
  perSide: Number(values['per-side']),
  splits: Number(values.splits),
  seed: Number(values.seed),
  ...(values['min-category-share'] === undefined
    ? {}
    : { config: { minCategoryShare: Number(values['min-category-share']) } }),
});
if (r === null) {
  process.stderr.write(`${missingDataMessage('mtsamples', 'mtsamples.csv')}\n`);
  process.exit(2);
}
if (values.json) {
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
} else {
  const out: string[] = [];
  out.push(`notes run: ${r.notes} in ${(r.ms / 1000).toFixed(1)} s`);
  out.push(
    `CPU per note: the pipeline ${r.pipelineUs.toFixed(0)} us, observeResult ${r.observeUs.toFixed(0)} us (${((100 * r.observeUs) / r.pipelineUs).toFixed(1)}%; warm word cache ${r.observeWarmUs.toFixed(0)} us, ${((100 * r.observeWarmUs) / r.pipelineUs).toFixed(1)}%), ProfileBuilder.add ${r.addUs.toFixed(0)} us; one profile (600 notes) is ${(r.profileBytes / 1024).toFixed(1)} KiB of JSON`,
  );
  out.push(
    `random equal splits: ${r.falseAlarms} false dataset alarm(s) of ${r.randomSplits.length}; drifted features per split: ${r.randomSplits.map((s) => s.dataset.drifted).join(' ')} (of ${r.randomSplits[0]?.dataset.evaluated ?? 0})`,
  );
  out.push(
    '',
    'largest distance of each feature over the random splits (threshold; splits where it drifted):',
  );
  const names = r.randomSplits[0]?.features.map((f) => f.name) ?? [];
  for (const name of names) {
    const fs = r.randomSplits.map((s) => s.features.find((f) => f.name === name)!);
    const max = Math.max(...fs.map((f) => f.distance ?? 0));
    out.push(
      `  ${name.padEnd(44)} ${fs[0]!.metric.padEnd(14)} ${max.toFixed(3)} (${fs[0]!.threshold}; ${fs.filter((f) => f.drifted).length})`,
    );
  }
  out.push('', '== specialty split ==', renderDriftReport(r.specialty));
  out.push('== template change ==', renderDriftReport(r.template));
  process.stdout.write(`${out.join('\n')}\n`);
}

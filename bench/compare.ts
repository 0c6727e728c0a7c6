/**
 * Compare two benchmark runs: `node dist/bench/compare.js before.json after.json`
 * (each from `npm run bench -- --json > file.json`).
 */
import { readFileSync } from 'node:fs';
import { type BenchReport, formatComparison } from './stats.js';

function load(path: string): BenchReport {
  const report = JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
  if (report.schema !== 'clinote-bench/1') throw new Error(`${path}: not a clinote bench report`);
  return report;
}

const [a, b] = process.argv.slice(2);
if (a === undefined || b === undefined) {
  process.stderr.write('usage: node dist/bench/compare.js A.json B.json\n');
  process.exitCode = 64;
} else {
  try {
    process.stdout.write(`${formatComparison(load(a), load(b))}\n`);
  } catch (e) {
    process.stderr.write(`compare: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}

/**
 * Section header coverage and sectionizer throughput on MTSamples (read from the shared data dir,
 * never copied). Build, then run: `npm run build && node dist/bench/headers.js [--after-header-comma]`
 * (or bundle this file with esbuild and run the bundle). Capitals header-like lines, then Title Case ones.
 */
import { headerCoverage, sectionThroughput } from '../src/components/sections/coverage.js';
import { missingDataMessage, sharedDataPath } from '../src/data.js';

const csv = sharedDataPath('mtsamples', 'mtsamples.csv');
if (csv === null) {
  console.log(missingDataMessage('mtsamples', 'mtsamples.csv'));
} else {
  const afterHeaderComma = process.argv.includes('--after-header-comma');
  const c = await headerCoverage(csv, { top: 25, afterHeaderComma });
  console.log(
    `header-like lines: ${c.lines} in ${c.notes} notes; mapped: ${c.mapped} (${(c.share * 100).toFixed(1)}%)`,
  );
  console.log('top unmapped:');
  for (const [header, n] of c.topUnmapped) console.log(`  ${String(n).padStart(5)}  ${header}`);
  const tc = await headerCoverage(csv, { top: 15, afterHeaderComma, shape: 'title' });
  console.log(
    `Title Case header-like lines: ${tc.lines}; mapped: ${tc.mapped} (${(tc.share * 100).toFixed(1)}%)`,
  );
  console.log('top unmapped (Title Case):');
  for (const [header, n] of tc.topUnmapped) console.log(`  ${String(n).padStart(5)}  ${header}`);
  const t = await sectionThroughput(csv);
  console.log(
    `throughput over ${t.megabytes.toFixed(1)} MB: normalize ${t.normalizeMBps.toFixed(0)} MB/s, sections ${t.sectionsMBps.toFixed(0)} MB/s (${t.sectionsPerNote.toFixed(1)} sections/note)`,
  );
}

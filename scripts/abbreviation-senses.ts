/**
 * How the default pipeline reads the ambiguous abbreviations of MTSamples (docs/terminology.md,
 * "Ambiguous abbreviations"). Every note of `../shared/data/mtsamples/mtsamples.csv` goes through
 * the default pipeline; each occurrence of an abbreviation written in capitals (a whole token, as
 * clinicians write it) is counted under the concept the pipeline gave that span: the leading concept
 * of a mention that is exactly the abbreviation, `in a longer term (type)` when a longer mention
 * covers it ("CT chest"), or `unresolved` when no concept covers it. The abbreviations are the
 * senses marked ambiguous in the abbreviation list plus those the issue names (CT, MRI, OT, ER...).
 * It also prints the share of notes with a carpal tunnel code (ICD-10-CM G56.0x) and, of those, how
 * many say "carpal tunnel".
 *
 * Usage (bundle it, see docs/terminology.md):
 *   node abbreviation-senses.mjs [--limit N] [--pack FILE] [--list FILE] [--concepts-only] [--json]
 *
 * `--concepts-only` runs the pipeline up to the `concepts` component (the counts are the same).
 *
 * It prints counts and concept names only, never note text.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { Doc } from '../src/doc/doc.js';
import { DEFAULT_PIPELINE, readConfigFile } from '../src/engine.js';
import { loadPipelineSync } from '../src/engine-sync.js';
import { resourcePath } from '../src/resources.js';
import { readCsvObjects } from '../src/text/csv.js';

/** Abbreviations the issue names whose commonest sense is a test, procedure, unit, service or role. */
const NAMED = ['CT', 'MRI', 'PT', 'OT', 'ER', 'OR', 'MS', 'PE', 'RA', 'CA', 'AS', 'AF', 'DM'];

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    pack: { type: 'string' },
    list: { type: 'string' },
    json: { type: 'boolean', default: false },
    'concepts-only': { type: 'boolean', default: false },
  },
});

/** The components up to `concepts` (what the counts depend on): faster, same concepts. */
const CONCEPT_STAGES = ['normalize', 'sections', 'sentences', 'tokens', 'concepts'];

/** The abbreviations of the list with more than one sense (column `ambiguous` = y). */
function ambiguousAbbreviations(path: string): string[] {
  const out = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [abbr, , , ambiguous] = line.split('\t');
    if (abbr && abbr !== 'abbr' && ambiguous === 'y') out.add(abbr);
  }
  return [...out];
}

async function main(): Promise<void> {
  const csv = sharedDataPath('mtsamples', 'mtsamples.csv');
  if (!csv) {
    console.error(missingDataMessage('mtsamples', 'mtsamples.csv'));
    process.exit(0);
  }
  const limit = values.limit ? Number(values.limit) : Number.POSITIVE_INFINITY;
  const list = values.list ?? resourcePath('terminology/abbreviations.tsv');
  // capitals only: a lower-case "or", "as", "pe" is another word
  const abbrs = [...new Set([...NAMED, ...ambiguousAbbreviations(list)])]
    .filter((a) => /^[A-Z0-9-]+$/.test(a))
    .sort();
  const patterns = new Map(
    abbrs.map((a) => [a, new RegExp(`(?<![A-Za-z0-9])${a.replace(/-/g, '\\-')}(?![A-Za-z0-9])`, 'g')]),
  );
  let config: unknown;
  if (values['concepts-only']) {
    const full = readConfigFile(resourcePath(DEFAULT_PIPELINE)) as { components: { name: string }[] };
    config = { ...full, components: full.components.filter((c) => CONCEPT_STAGES.includes(c.name)) };
  }
  const pipeline = loadPipelineSync({
    ...(config !== undefined ? { config } : {}),
    ...(values.pack ? { pack: values.pack } : {}),
  });
  const counts = new Map<string, Map<string, number>>(abbrs.map((a) => [a, new Map()]));
  let notes = 0;
  let carpalCoded = 0;
  let carpalCodedSaid = 0;
  let carpalSaid = 0;
  const started = Date.now();
  for await (const { row } of readCsvObjects(csv)) {
    const text = row.transcription ?? '';
    if (text.trim() === '') continue;
    if (notes >= limit) break;
    notes++;
    const doc = pipeline.runSync(new Doc(text, { id: String(notes) }));
    const concepts = doc.get('concepts');
    const said = /carpal\s+tunnel/i.test(text);
    if (said) carpalSaid++;
    if (concepts.some((c) => c.codes.some((k) => k.system === 'icd10cm' && k.code.startsWith('G56.0')))) {
      carpalCoded++;
      if (said) carpalCodedSaid++;
    }
    for (const [abbr, re] of patterns) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const start = m.index;
        const end = start + abbr.length;
        const exact = concepts.find((c) => c.start === start && c.end === end);
        const cover = exact ?? concepts.find((c) => c.start <= start && c.end >= end);
        const label = !cover
          ? 'unresolved'
          : exact
            ? `${cover.type}: ${cover.preferred ?? cover.id ?? cover.text}`
            : `in a longer term (${cover.type})`;
        const by = counts.get(abbr)!;
        by.set(label, (by.get(label) ?? 0) + 1);
      }
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const rows = abbrs
    .map((abbr) => {
      const by = counts.get(abbr)!;
      const total = [...by.values()].reduce((s, n) => s + n, 0);
      const senses = [...by.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
      return { abbr, total, senses };
    })
    .filter((r) => r.total > 0);
  const carpal = {
    notes,
    coded: carpalCoded,
    share: notes ? carpalCoded / notes : 0,
    codedAndSaid: carpalCodedSaid,
    saidCarpalTunnel: carpalSaid,
  };
  if (values.json) {
    console.log(JSON.stringify({ notes, seconds, carpal, abbreviations: rows }, null, 2));
    return;
  }
  console.log(
    `MTSamples: ${notes} notes, ${values['concepts-only'] ? 'default pipeline up to concepts' : 'default pipeline'}, ${seconds.toFixed(1)} s`,
  );
  console.log(
    `notes with a carpal tunnel code (G56.0x): ${carpalCoded} (${((100 * carpal.share) | 0) === 0 ? (100 * carpal.share).toFixed(2) : (100 * carpal.share).toFixed(1)}%), ` +
      `of which ${carpalCodedSaid} say "carpal tunnel"; notes that say "carpal tunnel": ${carpalSaid}`,
  );
  console.log('');
  console.log('| abbreviation | occurrences | read as (count) |');
  console.log('| --- | ---: | --- |');
  for (const r of rows) {
    const cells = r.senses.map(([label, n]) => `${label} ${n}`).join('; ');
    console.log(`| ${r.abbr} | ${r.total} | ${cells} |`);
  }
}

await main();

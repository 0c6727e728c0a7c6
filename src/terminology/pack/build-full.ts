/**
 * Build the full pack from the shared public vocabularies (../shared/data, or CLINOTE_DATA_DIR)
 * and the starter dictionaries: `npm run build && node dist/src/terminology/pack/build-full.js [OUT]`
 * (default OUT: .clinote-cache/packs/full.pack). Prints counts, versions and licences; no term text.
 */
import { fullPackOptions, vocabBuild } from '../cli.js';

const out = process.argv[2] ?? '.clinote-cache/packs/full.pack';
const { options, missing } = fullPackOptions(out);
if (missing.length > 0) console.log(`not found (built without them): ${missing.join(', ')}`);
const built = await vocabBuild({ ...options, log: (line) => console.log(line) });
console.log(built.lines.join('\n'));

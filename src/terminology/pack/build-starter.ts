/**
 * Rebuild the built-in starter pack (resources/terminology/starter.pack) from its TSV sources:
 * `npm run build && node dist/src/terminology/pack/build-starter.js`. The file is rewritten only when
 * its content changes, so an unchanged rebuild leaves git clean.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { resourcePath } from '../../resources.js';
import { STARTER_PACK_FILE, starterPackOptions, vocabBuild } from '../cli.js';
import { readManifest } from './load.js';

const out = resourcePath(STARTER_PACK_FILE);
const before = existsSync(out) ? readManifest(readFileSync(out), out).contentSha256 : undefined;
const tmp = `${out}.candidate`;
const built = await vocabBuild({ ...starterPackOptions(tmp) });
if (built.manifest.contentSha256 === before) {
  rmSync(tmp);
  console.log(`starter pack unchanged (${before})`);
} else {
  renameSync(tmp, out);
  console.log(built.lines.join('\n').replace(tmp, out));
}

/**
 * `npm run build:ui`: build the web UI into dist/ui (or the folder given as the first argument).
 * See src/ui/build.ts and docs/ui.md.
 */
import { resolve } from 'node:path';
import { buildUi } from '../src/ui/build.js';

const out = process.argv[2];
const built = await buildUi(out !== undefined ? { outDir: resolve(out) } : {});
const total = Object.values(built.files).reduce((a, b) => a + b, 0);
console.log(`build:ui: ${Object.keys(built.files).length} files, ${total} bytes in ${built.outDir}`);

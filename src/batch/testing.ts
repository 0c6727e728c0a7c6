/**
 * Test helpers (not shipped: tsconfig.build.json leaves `testing.ts` files out of dist). Worker
 * threads run compiled JavaScript, so the tests that start them use dist/ (CI builds it in `npm ci`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../resources.js';

/**
 * Why the tests against `built` (a path under the package root, e.g. `dist/cli/worker.js`) cannot
 * run: it is missing, or older than a source file of the folders given (`src/batch`). False when
 * they can.
 */
export function distSkipReason(built: string, sources: readonly string[] = ['src/batch']): string | false {
  const root = packageRoot();
  const file = join(root, built);
  if (!existsSync(file)) return `${built} is missing: run \`npm run build\``;
  const mtime = statSync(file).mtimeMs;
  for (const dir of sources) {
    for (const f of readdirSync(join(root, dir))) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts') || f === 'testing.ts') continue;
      if (statSync(join(root, dir, f)).mtimeMs > mtime)
        return `${built} is older than ${dir}/${f}: run \`npm run build\``;
    }
  }
  return false;
}

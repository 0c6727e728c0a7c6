/**
 * Build the web UI (src/ui/app) into a folder of static files (dist/ui by `npm run build:ui`):
 * one minified ES module and one stylesheet, both named by content hash, the page (index.html)
 * pointing at them, and the synthetic example notes (examples/notes) as one hashed JSON file.
 * Nothing is fetched at run time from anywhere but the server that serves these files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { build } from 'esbuild';
import { packageRoot } from '../resources.js';

export interface BuildUiOptions {
  /** Where to write (emptied first). Default: dist/ui of the package. */
  readonly outDir?: string;
  /** Default true. */
  readonly minify?: boolean;
}

export interface BuiltUi {
  readonly outDir: string;
  /** File name -> bytes, of every file written. */
  readonly files: Readonly<Record<string, number>>;
}

const hash8 = (b: string | Buffer): string =>
  createHash('sha256').update(b).digest('hex').slice(0, 10).toUpperCase();

export async function buildUi(options: BuildUiOptions = {}): Promise<BuiltUi> {
  const root = packageRoot();
  const app = join(root, 'src', 'ui', 'app');
  const outDir = options.outDir ?? join(root, 'dist', 'ui');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(app, 'main.ts'), style: join(app, 'styles.css') },
    bundle: true,
    minify: options.minify !== false,
    format: 'esm',
    target: ['chrome110', 'firefox115', 'safari16'],
    platform: 'browser',
    outdir: outDir,
    entryNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const js = outputs.find((n) => n.startsWith('app-') && n.endsWith('.js'));
  const css = outputs.find((n) => n.startsWith('style-') && n.endsWith('.css'));
  if (!js || !css) throw new Error(`the UI build made no script or stylesheet (${outputs.join(', ')})`);

  const notesDir = join(root, 'examples', 'notes');
  const notes = readdirSync(notesDir)
    .filter((n) => n.endsWith('.txt'))
    .sort()
    .map((n) => ({ name: n.replace(/\.txt$/, ''), text: readFileSync(join(notesDir, n), 'utf8') }));
  const examplesJson = JSON.stringify({ notes });
  const examples = `examples-${hash8(examplesJson)}.json`;
  writeFileSync(join(outDir, examples), examplesJson);

  const html = readFileSync(join(app, 'index.html'), 'utf8')
    .replace('%EXAMPLES%', `/ui/${examples}`)
    .replace('%CSS%', `/ui/${css}`)
    .replace('%JS%', `/ui/${js}`);
  writeFileSync(join(outDir, 'index.html'), html);

  const files: Record<string, number> = {};
  for (const n of readdirSync(outDir)) files[n] = readFileSync(join(outDir, n)).length;
  return { outDir: relative(process.cwd(), outDir) || '.', files };
}

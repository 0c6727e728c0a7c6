#!/usr/bin/env node
/**
 * Import checks of the lint step (`npm run lint`): no import cycle between files of src/, and no
 * import that runs back up a layer (the core does not import its adapters). Static and dynamic
 * imports and re-exports count; type-only imports count too (a cycle of types is still a cycle
 * for readers). Exit 1 with the offending paths.
 *
 * Layers, lowest first: a file may import its own layer and the ones below it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');

/** Top-level folder (or file) of src/ -> layer rank. */
const LAYERS = {
  errors: 0,
  text: 1,
  doc: 1,
  pipeline: 2,
  'resources.ts': 2,
  'data.ts': 2,
  terminology: 3,
  corpora: 3,
  components: 4,
  coding: 4,
  models: 4,
  output: 5,
  'engine.ts': 5,
  'engine-sync.ts': 5,
  io: 5,
  batch: 6,
  eval: 6,
  store: 6,
  registry: 6,
  monitoring: 6,
  golden: 7,
  fuzz: 7,
  'index.ts': 7,
  cli: 8,
  server: 8,
  worker: 8,
  web: 8,
  ui: 8,
};

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== '__golden__' && name !== 'fixtures') walk(p, out);
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    out.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return out;
}

const rankOf = (file) => {
  const top = relative(SRC, file).split('/')[0];
  return LAYERS[top];
};

const files = walk(SRC).filter((f) => !f.endsWith('.test.ts') && !f.endsWith('testing.ts'));
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.startsWith(SRC))]));
const problems = [];

for (const [file, targets] of graph) {
  const from = rankOf(file);
  if (from === undefined)
    problems.push(`${relative(ROOT, file)}: top-level entry has no layer in scripts/check-imports.mjs`);
  for (const t of targets) {
    const to = rankOf(t);
    if (from !== undefined && to !== undefined && to > from) {
      problems.push(`layer: ${relative(ROOT, file)} imports ${relative(ROOT, t)} (a higher layer)`);
    }
  }
}

// cycles: depth-first search, reporting each cycle once
const state = new Map();
const stack = [];
const seen = new Set();
function visit(f) {
  state.set(f, 1);
  stack.push(f);
  for (const t of graph.get(f) ?? []) {
    if (!graph.has(t)) continue;
    if (state.get(t) === 1) {
      const cycle = stack.slice(stack.indexOf(t)).map((p) => relative(ROOT, p));
      const key = [...cycle].sort().join(' ');
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(`cycle: ${[...cycle, relative(ROOT, t)].join(' -> ')}`);
      }
    } else if (!state.has(t)) visit(t);
  }
  stack.pop();
  state.set(f, 2);
}
for (const f of graph.keys()) if (!state.has(f)) visit(f);

if (problems.length > 0) {
  for (const p of problems) console.error(`check-imports: ${p}`);
  process.exit(1);
}
console.log(`check-imports: ${graph.size} files, no cycles, no imports up a layer`);

/**
 * Terminology figures: full pack build time, load time, RSS with the pack loaded, matcher and
 * whole-pipeline throughput on MTSamples, and the trie-vs-hash index comparison of decision 0002.
 * A script, never a test: it prints figures and asserts nothing.
 *
 *   npm run build && node dist/bench/terminology.js [--pack PATH | --out PATH] [--limit N] [--json]
 *
 * Without --pack it builds the full pack from the shared vocabularies (../shared/data, read by
 * path; CLINOTE_DATA_DIR overrides) into --out (default .clinote-cache/packs/full.pack).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { conceptsComponent } from '../src/components/concepts/index.js';
import { defaultRegistry } from '../src/components/index.js';
import { missingDataMessage, sharedDataPath } from '../src/data.js';
import { Doc } from '../src/doc/doc.js';
import { createPipelineSync, type Pipeline } from '../src/pipeline/pipeline.js';
import { fileResourceContext } from '../src/resources.js';
import { fullPackOptions, vocabBuild } from '../src/terminology/cli.js';
import { Matcher } from '../src/terminology/matcher/index.js';
import { DEFAULT_KEYS } from '../src/terminology/pack/default-keys.js';
import { loadPack } from '../src/terminology/pack/load.js';
import type { Pack } from '../src/terminology/pack/pack.js';
import { parseCsv } from '../src/text/csv.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const json = args.includes('--json');
const limit = Number(flag('--limit') ?? 'Infinity');

function mtsamples(): string[] | null {
  const path = sharedDataPath('mtsamples', 'mtsamples.csv');
  if (!path) return null;
  const rows = parseCsv(readFileSync(path, 'utf8'));
  const col = rows[0]?.indexOf('transcription') ?? -1;
  return rows
    .slice(1)
    .map((r) => r[col] ?? '')
    .filter((t) => t.trim().length > 0)
    .slice(0, limit);
}

function pipelineWith(packPath: string | undefined): Pipeline {
  const registry = defaultRegistry();
  if (!registry.get('concepts')) registry.register(conceptsComponent);
  const concepts = packPath ? { name: 'concepts', options: { pack: packPath } } : { name: 'concepts' };
  return createPipelineSync(
    {
      name: 'bench-terminology',
      components: [
        { name: 'normalize' },
        { name: 'sections' },
        { name: 'sentences' },
        { name: 'tokens' },
        concepts,
      ],
    },
    { registry, context: fileResourceContext() },
  );
}

/** Child mode: load the pack, run the pipeline over the notes, report the process's memory. */
if (args.includes('--rss-child')) {
  const packPath = flag('--pack')!;
  const pipeline = pipelineWith(packPath);
  const afterLoad = process.memoryUsage().rss;
  let mentions = 0;
  for (const [i, text] of (mtsamples() ?? []).entries()) {
    const r = pipeline.processSync({ id: String(i), text });
    if (r.ok) mentions += r.doc.get('concepts').length;
  }
  const usage = process.resourceUsage();
  process.stdout.write(
    JSON.stringify({ rssAfterLoadMB: afterLoad / 1048576, maxRssMB: usage.maxRSS / 1024, mentions }),
  );
  process.exit(0);
}

const figures: Record<string, unknown> = {};
const say = (line: string): void => {
  if (!json) console.log(line);
};

// 1. build
let packPath = flag('--pack');
if (!packPath) {
  const out = resolve(flag('--out') ?? '.clinote-cache/packs/full.pack');
  const { options, missing } = fullPackOptions(out);
  if (missing.length > 0) say(`missing shared files (built without them): ${missing.join(', ')}`);
  const built = await vocabBuild({ ...options, log: (l) => say(l) });
  figures.build = {
    seconds: built.timings.totalMs / 1000,
    importSeconds: built.timings.importMs / 1000,
    indexSeconds: built.timings.indexMs / 1000,
    writeSeconds: built.timings.writeMs / 1000,
    bytes: built.bytes,
    concepts: built.manifest.counts.concepts,
    entries: built.manifest.counts.entries,
    sources: built.timings.sources,
  };
  say(
    `build: ${(built.timings.totalMs / 1000).toFixed(1)} s, ${(built.bytes / 1048576).toFixed(1)} MB, ${built.manifest.counts.concepts} concepts`,
  );
  packPath = out;
}

// 2. load (read + checks + sha256 + views), first load in this process
{
  const t0 = performance.now();
  const bytes = readFileSync(packPath);
  const t1 = performance.now();
  const pack = loadPack(bytes, { origin: packPath });
  const t2 = performance.now();
  figures.load = { readMs: t1 - t0, loadMs: t2 - t1, totalMs: t2 - t0, packBytes: pack.byteLength };
  say(
    `load: ${(t2 - t0).toFixed(0)} ms (read ${(t1 - t0).toFixed(0)} ms, checks and views ${(t2 - t1).toFixed(0)} ms)`,
  );
  indexComparison(pack);
}

// 3. throughput
const notes = mtsamples();
if (!notes) {
  say(missingDataMessage('mtsamples', 'mtsamples.csv'));
} else {
  const t0 = performance.now();
  const pipeline = pipelineWith(packPath);
  figures.pipelineBuildMs = performance.now() - t0;
  const docs = notes.map((t, i) => new Doc(t, { id: String(i) }));
  // warm-up, then one timed pass of the whole pipeline
  for (const d of docs.slice(0, 200)) pipeline.runSync(new Doc(d.text));
  let mentions = 0;
  const t1 = performance.now();
  for (const d of docs) mentions += pipeline.runSync(d).get('concepts').length;
  const pipelineSeconds = (performance.now() - t1) / 1000;
  // the matcher alone, on the layers already there
  const matcher = new Matcher(loadPack(readFileSync(packPath)), DEFAULT_KEYS);
  const input = (d: Doc) => ({
    text: d.text,
    tokens: d.get('tokens'),
    sentences: d.get('sentences'),
    sections: d.get('sections'),
  });
  for (const d of docs.slice(0, 200)) matcher.match(input(d));
  const t2 = performance.now();
  for (const d of docs) matcher.match(input(d));
  const matcherSeconds = (performance.now() - t2) / 1000;
  const tokens = docs.reduce((n, d) => n + d.get('tokens').length, 0);
  // the matcher with approximate matching on (off by default)
  const fuzzy = new Matcher(loadPack(readFileSync(packPath)), DEFAULT_KEYS, { fuzzy: {} });
  const t3 = performance.now();
  for (const d of docs.slice(0, 1)) fuzzy.match(input(d)); // builds the trigram index
  const fuzzyIndexMs = performance.now() - t3;
  for (const d of docs.slice(0, 200)) fuzzy.match(input(d));
  const t4 = performance.now();
  for (const d of docs) fuzzy.match(input(d));
  const fuzzySeconds = (performance.now() - t4) / 1000;
  figures.throughput = {
    notes: docs.length,
    tokens,
    mentions,
    pipelineNotesPerSecond: docs.length / pipelineSeconds,
    matcherNotesPerSecond: docs.length / matcherSeconds,
    matcherTokensPerSecond: tokens / matcherSeconds,
    fuzzyMatcherNotesPerSecond: docs.length / fuzzySeconds,
    fuzzyIndexMs,
  };
  say(
    `throughput (1 core, ${docs.length} MTSamples notes, ${mentions} mentions): pipeline ${(docs.length / pipelineSeconds).toFixed(0)} notes/s; concepts component alone ${(docs.length / matcherSeconds).toFixed(0)} notes/s (${(tokens / matcherSeconds / 1e6).toFixed(2)} M tokens/s)`,
  );

  say(
    `with fuzzy matching: ${(docs.length / fuzzySeconds).toFixed(0)} notes/s (trigram index built in ${fuzzyIndexMs.toFixed(0)} ms)`,
  );

  // 4. RSS, in a fresh process
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1]!,
      '--rss-child',
      '--pack',
      packPath,
      ...(Number.isFinite(limit) ? ['--limit', String(limit)] : []),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (child.status === 0) {
    const rss = JSON.parse(child.stdout) as { rssAfterLoadMB: number; maxRssMB: number };
    figures.rss = rss;
    say(
      `RSS: ${rss.rssAfterLoadMB.toFixed(0)} MB with the pipeline and pack loaded, ${rss.maxRssMB.toFixed(0)} MB peak over the corpus`,
    );
  } else {
    say(`RSS child failed: ${child.stderr.slice(0, 500)}`);
  }
}

if (json) console.log(JSON.stringify(figures, null, 2));

/**
 * Decision 0002: the pack's CSR trie (sorted children, binary search; direct table at the root)
 * against two hash layouts built from the same pack: hashed transitions ((node, token) -> child)
 * and hash-of-sequences (QuickUMLS-style: every n-gram from a start, longest first). Same work:
 * the longest entry-bearing match from every token position of MTSamples token ids.
 */
function indexComparison(pack: Pack): void {
  const notes = mtsamples();
  if (!notes) return;
  const pipeline = createPipelineSync(
    {
      name: 'seg',
      components: [{ name: 'normalize' }, { name: 'sections' }, { name: 'sentences' }, { name: 'tokens' }],
    },
    { registry: defaultRegistry(), context: fileResourceContext() },
  );
  const matcher = new Matcher(pack, DEFAULT_KEYS);
  const streams = notes.slice(0, 2000).map((t) => {
    const toks = pipeline.runSync(new Doc(t)).get('tokens');
    return Int32Array.from(
      toks.filter((k) => matcher.tokenId(k.norm) !== -2),
      (k) => matcher.tokenId(k.norm),
    );
  });
  const a = pack.a;
  const nodes = a['trie.depth'].length;
  const hasEntries = (n: number): boolean => a['trie.entryStart'][n + 1]! > a['trie.entryStart'][n]!;

  // hashed transitions
  const edges = a['trie.edgeToken'].length;
  const size = 1 << Math.ceil(Math.log2(edges * 2 + 2));
  const hNode = new Uint32Array(size);
  const hTok = new Uint32Array(size);
  const hChild = new Uint32Array(size);
  const mix = (n: number, t: number): number => (Math.imul(n, 0x9e3779b1) ^ Math.imul(t, 0x85ebca6b)) >>> 0;
  for (let n = 0; n < nodes; n++) {
    for (let e = a['trie.childStart'][n]!; e < a['trie.childStart'][n + 1]!; e++) {
      let slot = mix(n, a['trie.edgeToken'][e]!) & (size - 1);
      while (hChild[slot] !== 0) slot = (slot + 1) & (size - 1);
      hNode[slot] = n;
      hTok[slot] = a['trie.edgeToken'][e]!;
      hChild[slot] = a['trie.edgeNode'][e]!;
    }
  }
  const hashChild = (n: number, t: number): number => {
    for (let slot = mix(n, t) & (size - 1); ; slot = (slot + 1) & (size - 1)) {
      const c = hChild[slot]!;
      if (c === 0) return 0;
      if (hNode[slot] === n && hTok[slot] === t) return c;
    }
  };

  // hash of sequences: every entry-bearing path, keyed by a rolling hash of its token ids
  // (an open-addressing table of the hashes; a real index would keep the node beside each)
  const seqSize = 1 << Math.ceil(Math.log2(a['entries.concept'].length * 2 + 2));
  const seqTable = new Uint32Array(seqSize);
  const seqAdd = (h: number): void => {
    const v = h || 1;
    let slot = v & (seqSize - 1);
    while (seqTable[slot] !== 0 && seqTable[slot] !== v) slot = (slot + 1) & (seqSize - 1);
    seqTable[slot] = v;
  };
  const seqHas = (h: number): boolean => {
    const v = h || 1;
    for (let slot = v & (seqSize - 1); ; slot = (slot + 1) & (seqSize - 1)) {
      const x = seqTable[slot]!;
      if (x === 0) return false;
      if (x === v) return true;
    }
  };
  const maxLen = new Uint8Array(pack.tokenCount);
  const stack: { node: number; hash: number; first: number; depth: number }[] = [];
  for (let e = a['trie.childStart'][0]!; e < a['trie.childStart'][1]!; e++) {
    const t = a['trie.edgeToken'][e]!;
    stack.push({ node: a['trie.edgeNode'][e]!, hash: roll(0x811c9dc5, t), first: t, depth: 1 });
  }
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (hasEntries(s.node)) {
      seqAdd(s.hash);
      if (s.depth > maxLen[s.first]!) maxLen[s.first] = s.depth;
    }
    for (let e = a['trie.childStart'][s.node]!; e < a['trie.childStart'][s.node + 1]!; e++) {
      const t = a['trie.edgeToken'][e]!;
      stack.push({ node: a['trie.edgeNode'][e]!, hash: roll(s.hash, t), first: s.first, depth: s.depth + 1 });
    }
  }

  const variants: Record<string, (ids: Int32Array, i: number) => number> = {
    'csr-trie': (ids, i) => walk(ids, i, (n, t) => pack.child(n, t)),
    'hashed-transitions': (ids, i) => walk(ids, i, (n, t) => (n === 0 ? pack.child(0, t) : hashChild(n, t))),
    'hash-of-sequences': (ids, i) => {
      const first = ids[i]!;
      if (first < 0) return 0;
      const hashes: number[] = [];
      let h = 0x811c9dc5;
      const max = Math.min(maxLen[first]!, ids.length - i);
      for (let l = 0; l < max; l++) {
        const t = ids[i + l]!;
        if (t < 0) break;
        h = roll(h, t);
        hashes.push(h);
      }
      for (let l = hashes.length; l >= 1; l--) if (seqHas(hashes[l - 1]!)) return l;
      return 0;
    },
  };
  function walk(ids: Int32Array, i: number, child: (n: number, t: number) => number): number {
    let node = 0;
    let best = 0;
    for (let k = i; k < ids.length; k++) {
      const t = ids[k]!;
      if (t < 0) break;
      node = child(node, t);
      if (node === 0) break;
      if (hasEntries(node)) best = k - i + 1;
    }
    return best;
  }
  const results: Record<string, { nsPerPosition: number; matched: number }> = {};
  const positions = streams.reduce((n, s) => n + s.length, 0);
  for (let round = 0; round < 3; round++) {
    for (const [name, f] of Object.entries(variants)) {
      let matched = 0;
      const t0 = performance.now();
      for (const ids of streams) for (let i = 0; i < ids.length; i++) matched += f(ids, i);
      const ns = ((performance.now() - t0) * 1e6) / positions;
      if (round === 2) results[name] = { nsPerPosition: ns, matched };
    }
  }
  figures.index = { positions, ...results };
  for (const [name, r] of Object.entries(results)) {
    say(
      `index ${name}: ${r.nsPerPosition.toFixed(1)} ns per token position (matched length sum ${r.matched})`,
    );
  }
}

function roll(h: number, t: number): number {
  return Math.imul(h ^ t, 0x01000193) >>> 0;
}

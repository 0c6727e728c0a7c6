import { describe, expect, it } from 'vitest';
import { isClinoteError } from '../../errors/error.js';
import { newStats, type SourceConcept } from '../types.js';
import { compilePack, type PackSource } from './compile.js';
import { ENTRY_CAPS, PACK_MAGIC, PREAMBLE_BYTES } from './format.js';
import type { KeyFunctions } from './keys.js';
import { loadPack, loadPackCached, readManifest } from './load.js';

// A tiny stand-in for the normalize module: lower case, '' for punctuation, plural -s dropped.
const keys: KeyFunctions = {
  tokenKey: (norm) => (/[\p{L}\p{N}]/u.test(norm) ? norm.toLowerCase().replace(/(?<=[a-z]{3})s$/, '') : ''),
  termKeys: (text) =>
    (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).map(keys.tokenKey).filter((k) => k),
  termVariants: (_c, t) => [{ keys: keys.termKeys(t.text), penalty: 0, rule: 'term' }],
};

function concept(c: Partial<SourceConcept> & Pick<SourceConcept, 'id' | 'preferred'>): SourceConcept {
  return { source: c.id.split(':')[0]!, type: 'problem', terms: [], codes: [], ...c };
}

function source(name: string, concepts: SourceConcept[]): PackSource {
  const stats = newStats(name);
  stats.version = '1';
  stats.licence = 'test';
  async function* gen(): AsyncIterable<SourceConcept> {
    for (const c of concepts) {
      stats.read++;
      stats.imported++;
      yield c;
    }
  }
  return { stats, concepts: gen() };
}

const DOID = [
  concept({
    id: 'doid:9352',
    preferred: 'type 2 diabetes mellitus',
    terms: [{ text: 'T2DM', kind: 'exact' }],
    codes: [
      { system: 'doid', code: 'DOID:9352', display: 'type 2 diabetes mellitus' },
      { system: 'icd10cm', code: 'E11' },
      { system: 'mesh', code: 'D003924' },
    ],
  }),
  concept({
    id: 'doid:9080',
    preferred: 'acute lymphoblastic leukemia',
    terms: [{ text: 'ALL', kind: 'exact' }],
    codes: [{ system: 'doid', code: 'DOID:9952' }],
  }),
  concept({ id: 'doid:old', preferred: 'old thing', obsolete: true }),
  concept({ id: 'doid:9352', preferred: 'duplicate id' }),
  concept({ id: 'doid:all', preferred: 'all' }),
];
const ICD = [
  concept({
    id: 'icd10cm:E11',
    preferred: 'Type 2 diabetes mellitus',
    codes: [{ system: 'icd10cm', code: 'E11', display: 'Type 2 diabetes mellitus', billable: false }],
  }),
];

async function build(builtAt = '2026-01-01T00:00:00.000Z') {
  return compilePack([source('doid', DOID), source('icd10cm', ICD)], { name: 'test', keys, builtAt });
}

describe('pack compile and load', () => {
  it('round-trips concepts, codes and sources through the binary format', async () => {
    const { bytes, manifest } = await build();
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe(PACK_MAGIC);
    // a concept whose every term was dropped stays: its codes can still be reached through links
    expect(manifest.counts.concepts).toBe(4);
    expect(manifest.counts.dropped).toMatchObject({
      obsolete: 1,
      'duplicate-id': 1,
      'common-word': 1,
      'concept-without-terms': 1,
    });
    expect(manifest.sources.map((s) => [s.name, s.read, s.concepts])).toEqual([
      ['doid', 5, 3],
      ['icd10cm', 1, 1],
    ]);
    const pack = loadPack(bytes);
    expect(pack.manifest).toEqual(manifest);
    const ids = Array.from({ length: pack.conceptCount }, (_, c) => pack.conceptId(c));
    expect(ids).toEqual(['doid:9352', 'doid:9080', 'doid:all', 'icd10cm:E11']);
    expect(pack.type(0)).toBe('problem');
    expect(pack.source(3)).toBe('icd10cm');
    expect(pack.codes(0).map((c) => `${c.system}:${c.code}`)).toEqual([
      'doid:DOID:9352',
      'icd10cm:E11',
      'mesh:D003924',
    ]);
    // the ICD-10-CM xref of the DOID concept gets its display from the ICD-10-CM concept
    expect(pack.codes(0)[1]!.display).toBe('Type 2 diabetes mellitus');
    // concepts sharing a code are linked both ways
    expect([...pack.links(0)]).toEqual([3]);
    expect([...pack.links(3)]).toEqual([0]);
  });

  it('walks the trie along token keys', async () => {
    const pack = loadPack((await build()).bytes);
    const path = ['type', '2', 'diabete', 'mellitu'].map((k) => pack.tokenId(k));
    expect(path.every((t) => t >= 0)).toBe(true);
    let node = 0;
    for (const t of path) node = pack.child(node, t);
    expect(node).toBeGreaterThan(0);
    expect(pack.hasEntries(node)).toBe(true);
    expect(pack.tokenId('unknownword')).toBe(-1);
    expect(pack.tokenKey(path[2]!)).toBe('diabete');
    expect(pack.child(node, path[0]!)).toBe(0);
  });

  it('keeps one-token acronyms that are common words as capitals-only entries', async () => {
    const pack = loadPack((await build()).bytes);
    const all = pack.child(0, pack.tokenId('all'));
    const from = pack.a['trie.entryStart'][all]!;
    const to = pack.a['trie.entryStart'][all + 1]!;
    expect(to - from).toBe(1); // the leukemia acronym; the concept named "all" was dropped
    expect(pack.conceptId(pack.a['entries.concept'][from]!)).toBe('doid:9080');
    expect(pack.a['entries.flags'][from]! & ENTRY_CAPS).toBe(ENTRY_CAPS);
  });

  it('is deterministic: the build time does not change the content hash', async () => {
    const a = await build('2026-01-01T00:00:00.000Z');
    const b = await build('2027-06-01T00:00:00.000Z');
    expect(a.manifest.contentSha256).toBe(b.manifest.contentSha256);
    expect(a.manifest.version).toBe(a.manifest.contentSha256.slice(0, 12));
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(false);
  });

  it('caches loads by origin and content hash', async () => {
    const { bytes } = await build();
    expect(loadPackCached(bytes, '/x.pack')).toBe(loadPackCached(Uint8Array.from(bytes), '/x.pack'));
  });

  it('loads from a misaligned view', async () => {
    const { bytes } = await build();
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(loadPack(shifted.subarray(3)).conceptCount).toBe(4);
  });
});

describe('pack errors', () => {
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return isClinoteError(e) ? e.code : 'not a ClinoteError';
    }
    return undefined;
  };

  it.each([
    ['bad magic', (b: Uint8Array) => b.set([0x58], 0), 'CLINOTE_E_PACK_CORRUPT'],
    ['flipped body byte', (b: Uint8Array) => (b[b.length - 9]! ^= 0xff), 'CLINOTE_E_PACK_CORRUPT'],
    [
      'format 2',
      (b: Uint8Array) => new DataView(b.buffer).setUint32(8, 2, true),
      'CLINOTE_E_PACK_VERSION_UNSUPPORTED',
    ],
    ['header not JSON', (b: Uint8Array) => b.set([0x7b, 0x7b], PREAMBLE_BYTES), 'CLINOTE_E_PACK_CORRUPT'],
  ])('%s', async (_name, damage, expected) => {
    const bytes = Uint8Array.from((await build()).bytes);
    damage(bytes);
    expect(code(() => loadPack(bytes))).toBe(expected);
  });

  it('a truncated file is corrupt', async () => {
    const { bytes } = await build();
    expect(code(() => loadPack(bytes.subarray(0, bytes.length - 8)))).toBe('CLINOTE_E_PACK_CORRUPT');
    expect(code(() => loadPack(bytes.subarray(0, 10)))).toBe('CLINOTE_E_PACK_CORRUPT');
  });

  it('verify: false skips only the hash check', async () => {
    const bytes = Uint8Array.from((await build()).bytes);
    bytes[bytes.length - 1]! ^= 0x01;
    expect(code(() => loadPack(bytes))).toBe('CLINOTE_E_PACK_CORRUPT');
    expect(loadPack(bytes, { verify: false }).conceptCount).toBe(4);
    expect(readManifest(bytes).name).toBe('test');
  });

  it('a build without sources or concepts fails', async () => {
    await expect(compilePack([], { name: 'x', keys })).rejects.toMatchObject({
      code: 'CLINOTE_E_PACK_BUILD_FAILED',
    });
    await expect(compilePack([source('x', [])], { name: 'x', keys })).rejects.toMatchObject({
      code: 'CLINOTE_E_PACK_BUILD_FAILED',
    });
  });

  it('an importer that throws fails the build, naming the source', async () => {
    const stats = newStats('broken');
    async function* gen(): AsyncIterable<SourceConcept> {
      yield concept({ id: 'broken:1', preferred: 'asthma' });
      throw new Error('bad row');
    }
    await expect(compilePack([{ stats, concepts: gen() }], { name: 'x', keys })).rejects.toMatchObject({
      code: 'CLINOTE_E_PACK_BUILD_FAILED',
      details: { source: 'broken' },
    });
  });
});

describe('generic pathology heads', () => {
  const nodules = ['lung nodule', 'thyroid nodule', 'skin nodule'].map((preferred, i) =>
    concept({ id: `doid:s${i}`, preferred, codes: [{ system: 'doid', code: `DOID:${i}` }] }),
  );
  const ids = (p: ReturnType<typeof loadPack>): string[] =>
    Array.from({ length: p.conceptCount }, (_, c) => p.conceptId(c));

  it('adds a code-less finding for a head that ends several problem names', async () => {
    const pack = loadPack((await compilePack([source('doid', nodules)], { name: 'h', keys })).bytes);
    expect(ids(pack)).toContain('generic:nodule');
    const c = ids(pack).findIndex((x) => x.startsWith('generic:'));
    expect(pack.codes(c)).toEqual([]);
    expect(pack.subtype(c)).toBe('finding');
    expect(pack.manifest.sources.map((s) => s.name)).toEqual(['doid', 'generic']);
  });

  it('adds none when the head has a concept, when fewer names share it, or when turned off', async () => {
    const withOwn = [...nodules, concept({ id: 'doid:x', preferred: 'nodule' })];
    for (const [list, opts] of [
      [withOwn, {}],
      [nodules.slice(0, 2), {}],
      [nodules, { genericHeads: false }],
    ] as const) {
      const pack = loadPack(
        (await compilePack([source('doid', [...list])], { name: 'h', keys, ...opts })).bytes,
      );
      expect(ids(pack).some((x) => x.startsWith('generic:'))).toBe(false);
    }
  });
});

describe('entry ranking', () => {
  it("ranks a synonym below another concept's preferred name of the same source", async () => {
    const list = [
      concept({
        id: 'doid:mody',
        preferred: 'maturity onset diabetes',
        terms: [{ text: 'sugar disease', kind: 'exact' }],
      }),
      concept({ id: 'doid:sd', preferred: 'sugar disease' }),
    ];
    const pack = loadPack((await compilePack([source('doid', list)], { name: 'r', keys })).bytes);
    let node = 0;
    for (const k of ['sugar', 'disease']) node = pack.child(node, pack.tokenId(k));
    const a = pack.a;
    const entries = [];
    for (let e = a['trie.entryStart'][node]!; e < a['trie.entryStart'][node + 1]!; e++) {
      entries.push([pack.conceptId(a['entries.concept'][e]!), a['entries.penalty'][e]]);
    }
    expect(entries).toEqual([
      ['doid:sd', 0],
      ['doid:mody', 30],
    ]);
  });

  it('marks a code billable when any concept of the pack says so', async () => {
    const list = [
      concept({
        id: 'a:1',
        source: 'a',
        preferred: 'asthma',
        codes: [{ system: 'icd10cm', code: 'J45.909' }],
      }),
      concept({
        id: 'b:1',
        source: 'b',
        preferred: 'asthma attack',
        codes: [{ system: 'icd10cm', code: 'J45909', billable: true }],
      }),
    ];
    const pack = loadPack((await compilePack([source('a', list)], { name: 'r', keys })).bytes);
    expect(pack.codes(0)[0]!.rank).toBe(pack.codes(1)[0]!.rank);
    expect(pack.codes(0)[0]!.rank % 2).toBe(0);
  });
});

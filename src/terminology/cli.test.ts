import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../data.js';
import {
  abbreviationsFromTsv,
  fullPackOptions,
  SHARED_SOURCES,
  starterSourceFiles,
  vocabBuild,
  vocabInfo,
} from './cli.js';
import { loadPackFile } from './pack/load.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-vocab-'));
const dictionary = join(dir, 'dictionary.tsv');
writeFileSync(
  dictionary,
  [
    'concept_id\ttype\tsubtype\tpreferred\tterms\tcodes',
    'zorblax-fever\tproblem\tdisorder\tZorblax fever\tquuxitis\ticd10cm:A99',
    'florbin\tmedication\tingredient\tFlorbin\tbrand:Florbinex\trxnorm:99999',
    '',
  ].join('\n'),
);

describe('vocab build and info', () => {
  it('builds a pack from a dictionary and prints counts, never terms', async () => {
    const out = join(dir, 'out', 'test.pack');
    const log: string[] = [];
    const built = await vocabBuild({
      csv: [dictionary],
      csvSource: 'test',
      abbreviations: false,
      starter: false,
      out,
      log: (l) => log.push(l),
    });
    expect(existsSync(out)).toBe(true);
    expect(built.manifest.name).toBe('test');
    expect(built.manifest.counts.concepts).toBe(2);
    expect(built.manifest.counts.byType).toEqual({ medication: 1, problem: 1 });
    expect(built.manifest.sources.map((s) => [s.name, s.read, s.imported, s.concepts])).toEqual([
      ['test', 2, 2, 2],
    ]);
    const info = vocabInfo(out);
    expect(info.verified).toBe(true);
    expect(info.manifest.contentSha256).toBe(built.manifest.contentSha256);
    const printed = [...log, ...built.lines, ...info.lines].join('\n');
    expect(printed).toMatch(/test: read 2, imported 2, skipped 0/);
    expect(printed).toMatch(/concepts 2, terms \d+/);
    for (const term of ['Zorblax', 'zorblax', 'quuxitis', 'Florbin', 'Florbinex'])
      expect(printed).not.toContain(term);
    const pack = loadPackFile(out);
    expect(pack.conceptId(0)).toBe('test:zorblax-fever');
  });

  it('includes the starter dictionaries in every build unless left out', async () => {
    const withStarter = await vocabBuild({
      csv: [dictionary],
      csvSource: 'test',
      abbreviations: false,
      out: join(dir, 'with-starter.pack'),
    });
    expect(withStarter.manifest.sources.map((s) => s.name)).toEqual(['starter', 'test', 'generic']);
    expect(withStarter.manifest.counts.byType.anatomy).toBeGreaterThan(100);
    expect(withStarter.manifest.counts.byType.procedure).toBeGreaterThan(250);
    // starter files named in `csv` are read once, as the starter source
    const listed = await vocabBuild({
      csv: [...starterSourceFiles(), dictionary],
      csvSource: 'test',
      abbreviations: false,
      out: join(dir, 'listed.pack'),
    });
    expect(listed.manifest.sources.map((s) => [s.name, s.concepts])).toEqual(
      withStarter.manifest.sources.map((s) => [s.name, s.concepts]),
    );
    const without = await vocabBuild({
      csv: [dictionary],
      csvSource: 'test',
      abbreviations: false,
      starter: false,
      out: join(dir, 'without-starter.pack'),
    });
    expect(without.manifest.sources.map((s) => s.name)).toEqual(['test']);
  });

  it('refuses a build without sources, and a missing or damaged pack', async () => {
    await expect(vocabBuild({ out: join(dir, 'none.pack') })).rejects.toMatchObject({
      code: 'CLINOTE_E_PACK_BUILD_FAILED',
    });
    expect(() => vocabInfo(join(dir, 'missing.pack'))).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_PACK_NOT_FOUND' }),
    );
    expect(() => vocabInfo(dictionary)).toThrow(expect.objectContaining({ code: 'CLINOTE_E_PACK_CORRUPT' }));
  });

  it('reads the abbreviation list into senses grouped by abbreviation, in file order', () => {
    const list = abbreviationsFromTsv(
      [
        'abbr\texpansion\ttype\tambiguous\tcontext',
        'MS\tmultiple sclerosis\tproblem\ty\trelapsing demyelinating',
        'MS\tmitral stenosis\tproblem\ty\tmurmur valve',
        'HTN\thypertension\tproblem\tn\t',
      ].join('\n'),
    );
    expect(list).toEqual([
      {
        abbreviation: 'MS',
        senses: [
          { expansion: 'multiple sclerosis', cues: ['relapsing', 'demyelinating'], type: 'problem' },
          { expansion: 'mitral stenosis', cues: ['murmur', 'valve'], type: 'problem' },
        ],
      },
      { abbreviation: 'HTN', senses: [{ expansion: 'hypertension', cues: [], type: 'problem' }] },
    ]);
  });

  it('names the shared files of the full pack', () => {
    const { options, missing } = fullPackOptions(join(dir, 'full.pack'));
    expect(options.starter).toBe(true);
    for (const [key, parts] of Object.entries(SHARED_SOURCES)) {
      const present = sharedDataPath(...parts) !== null;
      expect(missing.includes(parts.join('/')), key).toBe(!present);
    }
  });

  const icd = sharedDataPath(...SHARED_SOURCES.icd10cm);
  it.skipIf(icd === null)('imports the real ICD-10-CM file (shared data)', async () => {
    const out = join(dir, 'icd.pack');
    const built = await vocabBuild({ icd10cm: icd!, abbreviations: false, starter: false, out });
    expect(built.manifest.sources[0]!.read).toBeGreaterThan(90_000);
    expect(built.manifest.counts.concepts).toBeGreaterThan(90_000);
  });
  if (icd === null) it.skip(missingDataMessage(...SHARED_SOURCES.icd10cm), () => {});
});

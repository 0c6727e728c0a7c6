import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resourcePath } from '../../resources.js';
import { STARTER_PACK_FILE, starterPackOptions, vocabCompile } from '../cli.js';
import { DEFAULT_KEYS } from './default-keys.js';
import { keysFingerprint } from './keys.js';
import { loadPack } from './load.js';

describe('the committed starter pack', () => {
  const bytes = readFileSync(resourcePath(STARTER_PACK_FILE));
  const pack = loadPack(bytes, { origin: STARTER_PACK_FILE });

  it('is up to date with resources/terminology/starter/*.tsv, the abbreviations and the compiler', async () => {
    const rebuilt = await vocabCompile(starterPackOptions('/dev/null/starter.pack'));
    expect(
      rebuilt.manifest.contentSha256,
      'resources/terminology/starter.pack is stale: run `npm run build && node dist/src/terminology/pack/build-starter.js`',
    ).toBe(pack.manifest.contentSha256);
  });

  it('was built with the term normalization of this version', () => {
    expect(pack.manifest.keysFingerprint).toBe(keysFingerprint(DEFAULT_KEYS));
  });

  it('holds the four main types and codes them', () => {
    const { byType } = pack.manifest.counts;
    for (const type of ['problem', 'medication', 'procedure', 'lab'])
      expect(byType[type] ?? 0).toBeGreaterThan(100);
    expect(pack.manifest.counts.concepts).toBeGreaterThanOrEqual(2000);
    expect(pack.manifest.sources[0]?.name).toBe('starter');
  });
});

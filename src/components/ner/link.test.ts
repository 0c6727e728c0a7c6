import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { DEFAULT_KEYS } from '../../terminology/pack/default-keys.js';
import { loadPackCached } from '../../terminology/pack/load.js';
import { normalizeComponent } from '../normalize/index.js';
import { sectionsComponent } from '../sections/index.js';
import { sentencesComponent } from '../sentences/index.js';
import { tokensComponent } from '../tokens/index.js';
import {
  fuzzyTermKey,
  Linker,
  type LinkMention,
  shortFormDefinitions,
  TermIndex,
  termIndex,
  trigramCodes,
} from './link.js';

const segmentation = createPipelineSync(
  {
    name: 'seg',
    components: [{ name: 'normalize' }, { name: 'sections' }, { name: 'sentences' }, { name: 'tokens' }],
  },
  {
    registry: new Registry()
      .register(normalizeComponent)
      .register(sectionsComponent)
      .register(sentencesComponent)
      .register(tokensComponent),
    context: fileResourceContext(),
  },
);
const starterPath = resourcePath('terminology/starter.pack');
const starter = loadPackCached(new Uint8Array(readFileSync(starterPath)), starterPath);
const linker = new Linker(starter, DEFAULT_KEYS, { types: ['problem', 'medication'] });

function linkIn(text: string, mentions: readonly (readonly [string, string])[]) {
  const doc = segmentation.runSync(new Doc(text, { id: 't' }));
  let from = 0;
  const spans: LinkMention[] = mentions.map(([m, type]) => {
    const start = text.indexOf(m, from);
    if (start < 0) throw new Error(`no '${m}' in the text`);
    from = start + m.length;
    return { start, end: start + m.length, type };
  });
  const layers = {
    text: doc.text,
    tokens: doc.get('tokens'),
    sentences: doc.get('sentences'),
    sections: doc.get('sections'),
  };
  return linker.linkAll(layers, spans);
}

// Synthetic sentences written for these tests; the starter pack is the project's own.
describe('Linker over the starter pack', () => {
  it.each([
    // mention, type, method of the best candidate, its concept
    ['Type 2 diabetes mellitus', 'problem', 'exact', 'starter:type-2-diabetes'],
    ['pneumonias', 'problem', 'exact', 'starter:pneumonia'],
    ['Diabetes type II', 'problem', 'variant', 'starter:diabetes-mellitus'],
    ['progressive dyspnea', 'problem', 'partial', 'starter:dyspnea'],
    ['heart failure, congestive', 'problem', 'fuzzy', 'starter:heart-failure'],
    ['diabetes melitus type 2', 'problem', 'fuzzy', 'starter:type-2-diabetes'],
    ['kidney disease, chronic', 'problem', 'fuzzy', 'starter:chronic-kidney-disease'],
    ['metformin', 'medication', 'exact', 'starter:metformin'],
  ])('%s (%s) -> %s %s', (mention, type, method, id) => {
    const [found] = linkIn(`Seen today for ${mention} again.`, [[mention, type]]);
    expect(found?.[0]).toMatchObject({ method, id, type });
    expect(found?.[0]?.codes.length).toBeGreaterThan(0);
    // ranked, one per concept, scores in (0, 1]
    const scores = (found ?? []).map((c) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(new Set(found?.map((c) => c.id)).size).toBe(found?.length);
    for (const s of scores) expect(s > 0 && s <= 1).toBe(true);
  });

  it.each([
    ['metformin', 'problem'], // a drug is no candidate of a problem mention
    ['pneumonia', 'medication'], // nor a disease of a drug mention
    ['xyzzy plugh', 'problem'], // nothing close
    ['pneumonia', 'anatomy'], // a type the linker does not link
  ])('%s (%s) has no candidate', (mention, type) => {
    const [found] = linkIn(`Seen today for ${mention} again.`, [[mention, type]]);
    expect(found).toEqual([]);
  });

  it('gives a short form defined in the note the candidates of its long form, first', () => {
    const text = 'History of obstructive sleep apnea (OSA). OSA is treated.';
    const found = linkIn(text, [
      ['obstructive sleep apnea', 'problem'],
      ['OSA', 'problem'],
      ['OSA', 'problem'],
    ]);
    expect(found[0]?.[0]).toMatchObject({ method: 'exact', id: 'starter:obstructive-sleep-apnea' });
    for (const k of [1, 2]) {
      expect(found[k]?.[0]).toMatchObject({
        method: 'local-abbreviation',
        id: 'starter:obstructive-sleep-apnea',
        source: 'note',
        term: 'obstructive sleep apnea',
      });
    }
  });

  it('a note definition outranks the pack sense of the short form', () => {
    // "HTN" is a pack term of hypertension; here the note defines it otherwise
    const text = 'Known hypertensive nephropathy (HTN). HTN stable.';
    expect(shortFormDefinitions(text, [{ start: 6, end: 30, type: 'problem' }]).get('HTN')).toBe(0);
    const found = linkIn(text, [
      ['hypertensive nephropathy', 'problem'],
      ['HTN', 'problem'],
    ]);
    expect(found[0]?.[0]?.id).toBe('starter:hypertensive-chronic-kidney-disease');
    expect(found[1]?.[0]).toMatchObject({ method: 'local-abbreviation', id: found[0]?.[0]?.id });
    const pack = found[1]?.find((c) => c.id === 'starter:hypertension');
    expect(pack?.method).toBe('exact');
    expect(pack?.score).toBeLessThan(found[1]?.[0]?.score as number);
  });
});

describe('TermIndex', () => {
  const index = termIndex(starter, ['problem']);

  it('is built once per pack and type set', () => {
    expect(termIndex(starter, ['problem'])).toBe(index);
    expect(termIndex(starter, ['problem', 'medication'])).not.toBe(index);
  });

  it('finds what a scan of every term finds (cosine of trigram sets, at the cutoff)', () => {
    const cosine = (a: string, b: string): number => {
      const x = trigramCodes(a);
      const y = new Set(trigramCodes(b));
      return x.filter((g) => y.has(g)).length / Math.sqrt(x.length * y.size);
    };
    for (const query of [
      'diabetes melitus type 2',
      'chronic kidny disease',
      'astma',
      'heart failure congestive',
    ]) {
      const key = fuzzyTermKey(query);
      const got = index.search(key, 0.6, 1000).map((h) => [h.term, Math.round(h.similarity * 1e6)]);
      const want = index.keys
        .map((k, t) => [t, cosine(key, k)] as const)
        .filter(([, s]) => s >= 0.6)
        .sort((p, q) => q[1] - p[1] || p[0] - q[0])
        .map(([t, s]) => [t, Math.round(s * 1e6)]);
      expect(got).toEqual(want);
    }
  });

  it('keeps only concepts of its types', () => {
    const small = new TermIndex(starter, ['medication']);
    for (const list of small.concepts) for (const c of list) expect(starter.type(c)).toBe('medication');
    expect(small.keys.length).toBeGreaterThan(0);
  });

  it('folds case, diacritics and punctuation in keys', () => {
    expect(fuzzyTermKey("Ménière's Disease, NOS")).toBe('meniere s disease nos');
  });
});

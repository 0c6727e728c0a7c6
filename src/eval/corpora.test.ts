/**
 * The readers and the ner task on the shared public corpora (../shared/data, or CLINOTE_DATA_DIR).
 * Structure and counts only; skipped with a message when the data is absent. Nothing is printed.
 */
import { describe, expect, it } from 'vitest';
import { entityAttributes, readBratDir } from '../corpora/brat.js';
import { readNegexFile } from '../corpora/negex.js';
import { readPubtatorFile } from '../corpora/pubtator.js';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { runEval } from './index.js';
import { NER_PRESETS } from './presets.js';

const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((n, x) => n + f(x), 0);

function corpus(...parts: string[]): { path: string | null; title: string } {
  const path = sharedDataPath(...parts);
  return { path, title: path ? parts.join('/') : missingDataMessage(...parts) };
}

const maccrobat = corpus('maccrobat');
describe.skipIf(!maccrobat.path)(maccrobat.title, () => {
  // Read when a test first needs it: describe bodies run even when the suite is skipped.
  let cached: ReturnType<typeof readBratDir> | undefined;
  const read = (): ReturnType<typeof readBratDir> => (cached ??= readBratDir(maccrobat.path as string));

  it('reads 140 documents whose entity texts all match the .txt', () => {
    const dir = read();
    expect(dir.docs.length).toBe(140);
    expect(dir.unpaired).toEqual([]);
    expect(sum(dir.docs, (d) => d.entities.length)).toBe(17873);
    expect(sum(dir.docs, (d) => d.textMismatches)).toBe(0);
    expect(sum(dir.docs, (d) => d.problems.length)).toBe(0);
  });

  it('reads events, relations and POLARITY attributes on events', () => {
    const dir = read();
    expect(sum(dir.docs, (d) => d.events.length)).toBe(10150);
    expect(sum(dir.docs, (d) => d.relations.length)).toBe(11498);
    const values = new Set<string | true>();
    let onEntities = 0;
    for (const d of dir.docs) {
      for (const a of d.attributes) if (a.name === 'POLARITY') values.add(a.value);
      onEntities += entityAttributes(d).size;
    }
    expect([...values].sort()).toEqual(['MAYBE_NEG', 'MAYBE_POS', 'NEG', 'POS', 'UNCERTAIN']);
    expect(onEntities).toBeGreaterThan(0);
  });

  it('runs the ner preset (first 5 documents) with a well-formed report', async () => {
    const report = await runEval('ner', { data: '', preset: 'maccrobat', limit: 5 });
    expect(report.counts.documents).toBe(5);
    expect(Object.keys(report.byType ?? {}).sort()).toEqual(
      Object.keys(NER_PRESETS.maccrobat?.labels ?? {}).sort(),
    );
    expect((report.strict?.tp ?? 0) + (report.strict?.fn ?? 0)).toBe(report.counts.gold);
    expect((report.strict?.tp ?? 0) + (report.strict?.fp ?? 0)).toBe(report.counts.pred);
    expect(report.counts.goldIgnored).toBeGreaterThan(0);
  });
});

const chia = corpus('chia', 'chia_with_scope');
describe.skipIf(!chia.path)(chia.title, () => {
  it('reads 2000 documents, discontinuous entities included', () => {
    const dir = readBratDir(chia.path as string);
    expect(dir.docs.length).toBe(2000);
    expect(sum(dir.docs, (d) => d.entities.length)).toBe(48870);
    expect(sum(dir.docs, (d) => d.entities.filter((e) => e.fragments.length > 1).length)).toBe(1822);
    // Three entities of the corpus carry a text that differs from the .txt at their offsets.
    expect(sum(dir.docs, (d) => d.textMismatches)).toBe(3);
    expect(sum(dir.docs, (d) => d.problems.length)).toBe(0);
  });
});

const pubtator = corpus('ncbi_disease', 'original', 'NCBIdevelopset_corpus.txt');
describe.skipIf(!pubtator.path)(pubtator.title, () => {
  it('reads 100 abstracts and 787 mentions with MeSH/OMIM ids', () => {
    const c = readPubtatorFile(pubtator.path as string);
    expect(c.docs.length).toBe(100);
    const mentions = c.docs.flatMap((d) => d.mentions);
    expect(mentions.length).toBe(787);
    expect(c.textMismatches).toBe(0);
    expect(c.problems).toEqual([]);
    expect(new Set(mentions.flatMap((m) => m.ids.map((i) => i.system)))).toEqual(new Set(['mesh', 'omim']));
    expect(mentions.filter((m) => m.composite !== null).length).toBe(30);
  });
});

const negex = corpus('negex', 'rsAnnotations-1-120-random.txt');
describe.skipIf(!negex.path)(negex.title, () => {
  it('reads 2376 rows with negation, temporality and experiencer', () => {
    const f = readNegexFile(negex.path as string);
    expect(f.rows.length).toBe(2376);
    expect(f.problems).toEqual([]);
    expect(f.rows.filter((r) => r.negation === 'Negated').length).toBe(491);
    expect(new Set(f.rows.map((r) => r.temporality))).toEqual(
      new Set(['Recent', 'Historical', 'Not particular']),
    );
    expect(new Set(f.rows.map((r) => r.experiencer))).toEqual(new Set(['Patient', 'Family member', 'Other']));
    // A few rows name a condition that runs past the sentence given with it.
    expect(f.conditionNotFound).toBe(11);
  });
});

describe.each([
  // NCBI's CoNLL file has no -DOCSTART-: its abstracts are found by the PubTator titles beside it.
  ['ncbi-disease', 787, 100],
  ['bc5cdr', 5347 + 4246, undefined],
])('ner preset %s on its CoNLL/IOB file', (name, goldMentions, documents) => {
  const preset = NER_PRESETS[name];
  const c = corpus(...(preset?.defaultData ?? []));
  it.skipIf(!c.path)(c.path ? 'reads every gold mention and scores them' : c.title, async () => {
    const report = await runEval('ner', { data: '', preset: name });
    const { gold = 0, goldDuplicates = 0, goldIgnored = 0 } = report.counts;
    expect(gold + goldDuplicates + goldIgnored).toBe(goldMentions);
    expect((report.strict?.tp ?? 0) + (report.strict?.fn ?? 0)).toBe(report.counts.gold);
    expect(report.timing?.unit).toBe('docs');
    if (documents !== undefined) expect(report.counts.documents).toBe(documents);
  });
});

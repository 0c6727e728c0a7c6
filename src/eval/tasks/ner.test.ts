import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../components/index.js';
import { writeTinyTransformerNer } from '../../components/transformer-ner/testing.js';
import { parsePubtator } from '../../corpora/pubtator.js';
import type { Concept } from '../../doc/types.js';
import { defineComponent } from '../../pipeline/component.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { fileResourceContext } from '../../resources.js';
import type { GoldDoc } from '../gold.js';
import { NER_PRESETS, type NerPreset, presetMaps } from '../presets.js';
import {
  conllGold,
  dictionaryPipelineConfig,
  evalPipelineConfig,
  modelPipelineConfig,
  nerPreset,
  normalizationAccuracy,
  pubtatorDocsFor,
  runNer,
  scoreNer,
  tunedCut,
} from './ner.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-ner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in concepts component: a fixed lexicon of [term, type, codes]. */
const LEXICON: [string, string, { system: string; code: string }[]][] = [
  ['chest pain', 'problem', [{ system: 'mesh', code: 'D000010' }]],
  ['gout', 'problem', [{ system: 'mesh', code: 'D000011' }]],
  ['aspirin', 'medication', []],
  ['knee', 'anatomy', []],
  ['x-ray', 'procedure', []],
  ['hemoglobin', 'lab', []],
  ['daily', 'frequency', []],
];

const fakeConcepts = defineComponent({
  name: 'fake-concepts',
  version: '0.0.0-test',
  description: 'test lexicon',
  requires: [],
  assigns: ['concepts'],
  options: Type.Object({ pack: Type.Optional(Type.String()) }, { additionalProperties: false }),
  create() {
    return (doc) => {
      const lower = doc.text.toLowerCase();
      const out: Concept[] = [];
      for (const [term, type, codes] of LEXICON) {
        for (let i = lower.indexOf(term); i >= 0; i = lower.indexOf(term, i + 1)) {
          out.push({
            start: i,
            end: i + term.length,
            text: doc.text.slice(i, i + term.length),
            type,
            codes: codes.map((c) => ({ ...c, display: term, score: 1 })),
            matched: { term, source: 'test' },
            score: 1,
            evidence: { component: 'concepts' },
          });
        }
      }
      doc.set('concepts', out);
    };
  },
});

const pipeline = createPipelineSync(
  {
    name: 'test',
    components: [
      { name: 'normalize' },
      { name: 'sections' },
      { name: 'sentences' },
      { name: 'fake-concepts' },
    ],
  },
  { registry: defaultRegistry().register(fakeConcepts), context: fileResourceContext() },
);

// Synthetic notes written for these tests (not corpus text).
const TEXT = 'Chest pain after aspirin. Knee x-ray normal; hemoglobin 9 daily.';
const gold: GoldDoc = {
  id: 'n1',
  text: TEXT,
  spans: [
    { start: 0, end: 10, type: 'Sign_symptom' }, // chest pain: strict hit
    { start: 17, end: 24, type: 'Medication' }, // aspirin: strict hit
    { start: 26, end: 30, type: 'Biological_structure' }, // knee: strict hit
    { start: 26, end: 36, type: 'Diagnostic_procedure' }, // "Knee x-ray" vs predicted "x-ray": lenient only
    { start: 45, end: 55, type: 'Diagnostic_procedure' }, // hemoglobin, predicted as lab -> procedure label
    { start: 56, end: 57, type: 'Lab_value' }, // not scored
  ],
  sentences: [
    { start: 0, end: 25 },
    { start: 26, end: 64 },
  ],
};

describe('scoreNer', () => {
  const preset = NER_PRESETS.maccrobat as NerPreset;
  const scored = scoreNer(preset, [gold], pipeline, { errors: true });

  it('maps gold and concept types to the preset labels and scores them', () => {
    const r = scored.result;
    expect(r.byType.problem?.strict).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(r.byType.medication?.strict).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(r.byType.anatomy?.strict).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(r.byType.procedure?.strict).toMatchObject({ tp: 1, fp: 1, fn: 1 });
    expect(r.byType.procedure?.lenient).toMatchObject({ tp: 2, fp: 0, fn: 0 });
    expect(r.strict).toMatchObject({ tp: 4, fp: 1, fn: 1 });
    expect(scored.ignoredGold).toEqual({ Lab_value: 1 });
    expect(scored.ignoredPred).toEqual({ frequency: 1 });
    expect(scored.failed).toBe(0);
  });

  it('reports the boundary error with its gold sentence as context', () => {
    expect(scored.result.errors?.map((e) => [e.kind, e.start, e.end, e.context])).toEqual([
      ['boundary', 26, 36, 'Knee x-ray normal; hemoglobin 9 daily.'],
    ]);
  });

  it('scores nothing predicted when the pipeline has no concepts layer', () => {
    const plain = createPipelineSync(
      { name: 'plain', components: [{ name: 'normalize' }] },
      { registry: defaultRegistry(), context: fileResourceContext() },
    );
    const r = scoreNer(preset, [gold], plain).result;
    expect(r.strict).toMatchObject({ tp: 0, fp: 0, fn: 5 });
    expect(r.counts.pred).toBe(0);
  });
});

describe('normalizationAccuracy', () => {
  it('counts matched gold mentions whose id is among the concept codes', () => {
    const corpus = parsePubtator(
      [
        '1|t|Chest pain and gout.',
        '1|a|Gout flares.',
        '1\t0\t10\tChest pain\tSpecificDisease\tMESH:D000010',
        '1\t15\t19\tgout\tSpecificDisease\tD000099|D000011',
        '1\t21\t25\tGout\tSpecificDisease\tOMIM:100000',
        '1\t26\t32\tflares\tModifier\tD000012',
        '',
      ].join('\n'),
    );
    const score = normalizationAccuracy(NER_PRESETS['ncbi-disease'] as NerPreset, corpus.docs, pipeline, [
      'mesh',
      'omim',
    ]);
    expect(score).toEqual({ accuracy: 2 / 3, correct: 2, total: 3, mentions: 4, documents: 1 });
  });
});

describe('conllGold', () => {
  // Synthetic sentences written for these tests.
  const content = [
    '-DOCSTART- (d1)',
    '',
    'Fever\tB-Disease',
    'high\tO',
    '.\tO',
    '',
    'No\tO',
    'gout\tB-Disease',
    'flare\tI-Disease',
    '',
    '-DOCSTART- (d2)',
    '',
    'Rash\tB-Disease',
    '',
  ].join('\n');

  it.each([
    { chunkChars: 1000, ids: ['d1', 'd2'], texts: ['Fever high . No gout flare', 'Rash'] },
    { chunkChars: 12, ids: ['d1#1', 'd1#2', 'd2'], texts: ['Fever high .', 'No gout flare', 'Rash'] },
  ])('documents by -DOCSTART-, split past $chunkChars characters', ({ chunkChars, ids, texts }) => {
    const out = conllGold(content, { chunkChars });
    expect(out.source).toBe('docstart');
    expect(out.sentences).toBe(3);
    expect(out.docs.map((d) => d.id)).toEqual(ids);
    expect(out.docs.map((d) => d.text)).toEqual(texts);
    const spans = out.docs.flatMap((d) =>
      d.spans.map((sp) => `${d.text.slice(sp.start, sp.end)}/${sp.type}`),
    );
    expect(spans).toEqual(['Fever/Disease', 'gout flare/Disease', 'Rash/Disease']);
  });

  it('reads a file without -DOCSTART- as one document', () => {
    const out = conllGold('a\tO\n\nb\tB-X\n');
    expect(out.source).toBe('single');
    expect(out.docs.map((d) => [d.text, d.sentences?.length])).toEqual([['a b', 2]]);
  });
});

describe('presets', () => {
  it.each(Object.entries(NER_PRESETS))('%s maps each gold type to one label', (name, preset) => {
    expect(preset.name).toBe(name);
    const all = Object.values(preset.labels).flatMap((l) => l.gold);
    expect(new Set(all).size).toBe(all.length);
    expect(presetMaps(preset).gold.size).toBe(all.length);
  });

  it('nerPreset refuses a missing preset with a coded error', () => {
    expect(() => nerPreset(undefined)).toThrow(
      expect.objectContaining({ code: 'CLINOTE_E_EVAL_UNKNOWN_PRESET' }),
    );
    expect(nerPreset('chia').format).toBe('brat');
  });
});

describe('evalPipelineConfig', () => {
  it.each([
    {
      name: 'concepts component present',
      components: [{ name: 'normalize' }, { name: 'concepts', options: { x: 1 } }],
      applied: true,
    },
    { name: 'no concepts component', components: [{ name: 'normalize' }], applied: false },
  ])('--pack with $name', ({ components, applied }) => {
    const path = join(dir, 'pipeline.json');
    writeFileSync(path, JSON.stringify({ name: 't', components }));
    const out = evalPipelineConfig({ pipeline: path, pack: 'my.pack' });
    expect(out.packApplied).toBe(applied);
    const cfg = out.config as { components: { name: string; options?: Record<string, unknown> }[] };
    const concepts = cfg.components.find((c) => c.name === 'concepts');
    if (applied) expect(concepts?.options).toEqual({ x: 1, pack: 'my.pack' });
    else expect(concepts).toBeUndefined();
  });
});

describe('runNer on a brat directory (a pipeline without concepts)', () => {
  const data = join(dir, 'brat');
  mkdirSync(data);
  const segmentation = join(dir, 'segmentation.json');
  writeFileSync(
    segmentation,
    JSON.stringify({
      name: 'seg',
      components: ['normalize', 'sections', 'sentences', 'tokens'].map((name) => ({ name })),
    }),
  );
  writeFileSync(join(data, 'a.txt'), TEXT);
  writeFileSync(
    join(data, 'a.ann'),
    'T1\tSign_symptom 0 10\tChest pain\nT2\tMedication 17 24\taspirin\nT3\tLab_value 56 57\t9\nT4\tDisease_disorder 0 5;6 10\tChest pain\n',
  );
  writeFileSync(join(data, 'b.txt'), 'No findings.');
  writeFileSync(join(data, 'b.ann'), '');

  it('reads the gold, counts ignored types and notes the missing concepts layer', async () => {
    const report = await runNer({ data, preset: 'maccrobat', pack: 'some.pack', pipeline: segmentation });
    expect(report).toMatchObject({ task: 'ner', preset: 'maccrobat', data });
    expect(report.counts).toMatchObject({
      documents: 2,
      gold: 2,
      goldDuplicates: 1,
      goldIgnored: 1,
      goldDiscontinuous: 1,
      pred: 0,
      textMismatches: 0,
    });
    expect(report.strict).toMatchObject({ tp: 0, fp: 0, fn: 2 });
    expect(Object.keys(report.byType ?? {}).sort()).toEqual([
      'anatomy',
      'medication',
      'problem',
      'procedure',
    ]);
    const notes = (report.scores?.notes ?? []) as string[];
    expect(notes.some((n) => n.includes("no 'concepts' layer"))).toBe(true);
    expect(notes.some((n) => n.includes('--pack'))).toBe(true);
    expect(report.errors).toBeUndefined();
    expect(report.timing?.unit).toBe('docs');
  });

  it('stops after --limit documents', async () => {
    const report = await runNer({ data, preset: 'maccrobat', limit: 1, pipeline: segmentation });
    expect(report.counts.documents).toBe(1);
  });

  it('refuses a missing default data path (no --data, no shared data dir)', async () => {
    const saved = process.env.CLINOTE_DATA_DIR;
    process.env.CLINOTE_DATA_DIR = join(dir, 'no-shared-data');
    try {
      await expect(runNer({ data: '', preset: 'maccrobat' })).rejects.toMatchObject({
        code: 'CLINOTE_E_EVAL_DATA_MISSING',
      });
    } finally {
      if (saved === undefined) delete process.env.CLINOTE_DATA_DIR;
      else process.env.CLINOTE_DATA_DIR = saved;
    }
  });

  it('refuses a directory without brat pairs', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(runNer({ data: empty, preset: 'chia' })).rejects.toMatchObject({
      code: 'CLINOTE_E_EVAL_DATA_MALFORMED',
    });
  });
});

// Synthetic abstracts written for these tests, laid out like the NCBI corpus (conll/ beside original/).
const ABSTRACTS: { id: string; title: string; abstract: string; mentions: [string, string][] }[] = [
  {
    id: '101',
    title: 'Gout in adults.',
    abstract: 'Gout and asthma were seen.',
    mentions: [
      ['Gout', 'D000011'],
      ['asthma', 'D000012'],
    ],
  },
  {
    id: '102',
    title: 'Asthma in children.',
    abstract: 'Asthma is common.',
    mentions: [['Asthma', 'D000012']],
  },
  {
    id: '103',
    title: 'Pneumonia after surgery.',
    abstract: 'Pneumonia and gout and asthma occurred.',
    mentions: [
      ['Pneumonia', 'OMIM:100001'],
      ['gout', 'D000011'],
      ['asthma', 'D000012'],
    ],
  },
];

function conllOf(docs: typeof ABSTRACTS): string {
  const lines: string[] = [];
  for (const d of docs) {
    for (const sentence of [d.title, d.abstract]) {
      const names = new Set(d.mentions.map(([m]) => m));
      for (const tok of sentence.match(/\w+|[^\s\w]/g) ?? [])
        lines.push(`${tok}\t${names.has(tok) ? 'B-Disease' : 'O'}`);
      lines.push('');
    }
  }
  return `${lines.join('\n')}\n`;
}

function pubtatorOf(docs: typeof ABSTRACTS): string {
  const out: string[] = [];
  for (const d of docs) {
    const text = `${d.title} ${d.abstract}`;
    out.push(`${d.id}|t|${d.title}`, `${d.id}|a|${d.abstract}`);
    let from = 0;
    for (const [m, id] of d.mentions) {
      const start = text.indexOf(m, from);
      from = start + m.length;
      out.push(`${d.id}\t${start}\t${start + m.length}\t${m}\tSpecificDisease\t${id}`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

describe('ner normalization follows --data', () => {
  const root = join(dir, 'ncbi');
  mkdirSync(join(root, 'conll'), { recursive: true });
  mkdirSync(join(root, 'original'), { recursive: true });
  writeFileSync(join(root, 'original', 'corpus.txt'), pubtatorOf(ABSTRACTS));
  const one = join(root, 'conll', 'one.tsv');
  const two = join(root, 'conll', 'two.tsv');
  const none = join(root, 'conll', 'none.tsv');
  writeFileSync(one, conllOf(ABSTRACTS.slice(0, 2)));
  writeFileSync(two, conllOf(ABSTRACTS.slice(2)));
  writeFileSync(
    none,
    conllOf([{ id: 'x', title: 'Unknown title here.', abstract: 'Gout.', mentions: [['Gout', 'D1']] }]),
  );
  const pipelinePath = join(dir, 'dictionary.json');
  writeFileSync(pipelinePath, JSON.stringify(dictionaryPipelineConfig(undefined)));

  it('pubtatorDocsFor reads the PubTator documents of the given ids beside the data file', () => {
    expect(pubtatorDocsFor(one, new Set(['101', '103'])).map((d) => d.id)).toEqual(['101', '103']);
    expect(pubtatorDocsFor(one, new Set(['999']))).toEqual([]);
  });

  it.each([
    [one, 2, 3],
    [two, 1, 3],
  ])('%s: the documents and mentions of that file only', async (data, documents, mentions) => {
    const report = await runNer({ data, preset: 'ncbi-disease', pipeline: pipelinePath });
    expect(report.scores?.documentSource).toBe('pubtator-titles');
    expect(report.scores?.normalization).toMatchObject({ documents, mentions });
  });

  it('says so when no PubTator document matches the documents of --data', async () => {
    const report = await runNer({ data: none, preset: 'ncbi-disease', pipeline: pipelinePath });
    expect(report.scores?.normalization).toBeUndefined();
    expect(
      ((report.scores?.notes ?? []) as string[]).some((n) => n.startsWith('normalization not scored')),
    ).toBe(true);
  });

  it('a transformer model runs in transformer-ner (batched); --ensemble scores the vote too', async () => {
    const model = writeTinyTransformerNer(join(dir, 'tiny-transformer'));
    const report = await runNer({ data: one, preset: 'ncbi-disease', model, ensemble: true });
    const compare = report.scores?.compare as Record<string, { all: { strictF1: number } }>;
    expect(Object.keys(compare)).toEqual(['model-only', 'ensemble']);
    // the same documents without PubTator documents beside them (which share their ids): same scores
    const lonely = join(dir, 'lonely');
    mkdirSync(lonely, { recursive: true });
    writeFileSync(join(lonely, 'one.tsv'), readFileSync(one));
    const alone = await runNer({
      data: join(lonely, 'one.tsv'),
      preset: 'ncbi-disease',
      model,
      ensemble: true,
    });
    expect(alone.scores?.normalization).toBeUndefined();
    const other = alone.scores?.compare as typeof compare;
    for (const k of ['model-only', 'ensemble']) expect(other[k]?.all).toEqual(compare[k]?.all);
    expect(((report.scores?.notes ?? []) as string[]).some((n) => n.includes('failed'))).toBe(false);
    await expect(
      runNer({ data: one, preset: 'ncbi-disease', model: 'm', ensemble: true }),
    ).rejects.toMatchObject({
      code: 'CLINOTE_E_CLI_USAGE',
    });
  }, 60_000);

  it('refuses an unknown merge policy with --model', async () => {
    await expect(
      runNer({ data: one, preset: 'ncbi-disease', model: 'm', merge: 'both' }),
    ).rejects.toMatchObject({
      code: 'CLINOTE_E_CLI_USAGE',
    });
  });
});

describe('model configurations', () => {
  it('model alone: no concepts component; with a policy: concepts first, the ner component merges', () => {
    type Cfg = { components: { name: string; options?: Record<string, unknown> }[] };
    const alone = modelPipelineConfig('dir', 'p.pack', { link: true }) as Cfg;
    expect(alone.components.map((c) => c.name)).toEqual([
      'normalize',
      'sections',
      'sentences',
      'tokens',
      'ner',
    ]);
    expect(alone.components[4]?.options).toEqual({ model: 'dir', link: { pack: 'p.pack' } });
    const merged = modelPipelineConfig('dir', 'p.pack', { link: true, merge: 'model-first' }) as Cfg;
    expect(merged.components.map((c) => c.name)).toEqual([
      'normalize',
      'sections',
      'sentences',
      'tokens',
      'concepts',
      'ner',
    ]);
    expect(merged.components[4]?.options).toEqual({ pack: 'p.pack' });
    expect(merged.components[5]?.options).toEqual({
      model: 'dir',
      link: { pack: 'p.pack' },
      merge: 'model-first',
    });
  });

  it('the tuned part is the first 80% of the documents, as clinote train ner cuts it', () => {
    expect([1, 5, 100, 101].map(tunedCut)).toEqual([1, 4, 80, 81]);
  });
});

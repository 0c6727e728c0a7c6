import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { applyPack } from '../../engine.js';
import { isClinoteError } from '../../errors/error.js';
import { sharedSessionCount } from '../../models/onnx/session.js';
import { createPipeline, type Pipeline } from '../../pipeline/pipeline.js';
import { fileResourceContext } from '../../resources.js';
import { defaultRegistry } from '../index.js';
import { writeTinyTransformerNer } from './testing.js';

const root = mkdtempSync(join(tmpdir(), 'clinote-tner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const model = writeTinyTransformerNer(join(root, 'model'));
const registry = defaultRegistry();

const config = (options: Record<string, unknown> = {}, before: { name: string }[] = []) => ({
  name: 'transformer-test',
  components: [
    { name: 'normalize' },
    { name: 'sections' },
    { name: 'sentences' },
    { name: 'tokens' },
    ...before,
    { name: 'transformer-ner', options: { model, ...options } },
  ],
});
const build = (options: Record<string, unknown> = {}, before: { name: string }[] = []): Promise<Pipeline> =>
  createPipeline(config(options, before), { registry, context: fileResourceContext() });

const NOTES = [
  'HPI: 64 year old man with type 2 diabetes mellitus, hypertension and chronic kidney disease.\nHe denies chest pain.',
  `Assessment: ${Array.from({ length: 40 }, (_, i) => `finding ${i} of the left lung with pleural effusion`).join(', ')}.`,
  'Plan: follow up in two weeks.',
  'Short.',
].map((text, i) => ({ id: `n${i}`, text }));

const json = (o: { ok: boolean; doc?: Doc }) =>
  o.ok && o.doc ? JSON.stringify(o.doc.get('concepts')) : 'failed';

describe('the transformer-ner component', () => {
  it('finds mentions whose offsets reproduce the text, with the model and its probability as evidence', async () => {
    const p = await build();
    expect(p.async).toBe(true);
    const [out] = await p.processMany([NOTES[0]!]);
    expect(out?.ok).toBe(true);
    const concepts = out?.ok ? out.doc.get('concepts') : [];
    expect(concepts.length).toBeGreaterThan(0); // the random head predicts some mentions
    for (const c of concepts) {
      expect(NOTES[0]!.text.slice(c.start, c.end)).toBe(c.text);
      expect(c.type).toBe('problem');
      expect(c.subtype).toBe('Disease');
      expect(c.evidence.component).toBe('transformer-ner');
      expect(c.evidence.model).toMatch(/^tiny-test-transformer@[0-9a-f]{12}$/);
      expect(c.score).toBeGreaterThan(0);
      expect(c.score).toBeLessThanOrEqual(1);
    }
  });

  it.each(['int8', 'fp32'])(
    '%s: batching across notes, dynamic padding and batch size do not change a note result',
    async (precision) => {
      const one = await build({ batchSize: 1, precision });
      const many = await build({ batchSize: 7, precision });
      const alone = await Promise.all(NOTES.map((n) => one.process(n)));
      const together = await many.processMany(NOTES);
      for (const [i, n] of NOTES.entries()) expect(json(together[i]!), n.id).toBe(json(alone[i]!));
    },
  );

  it('fp32 (the default) and int8 mostly agree', async () => {
    const [a] = await (await build({ precision: 'int8' })).processMany([NOTES[1]!]);
    const [b] = await (await build()).processMany([NOTES[1]!]);
    expect(a?.ok && a.doc.get('concepts')[0]?.evidence.model).not.toBe(
      b?.ok && b.doc.get('concepts')[0]?.evidence.model,
    );
    const spans = (o: typeof a) =>
      new Set(o?.ok ? o.doc.get('concepts').map((c) => `${c.start}:${c.end}`) : []);
    const x = spans(a);
    const y = spans(b);
    const shared = [...x].filter((s) => y.has(s)).length;
    expect(shared / Math.max(1, x.size, y.size)).toBeGreaterThan(0.6);
  });

  it('loads one onnxruntime session per model file, however many pipelines use it', async () => {
    await build();
    const n = sharedSessionCount();
    await build({ batchSize: 3 });
    await build({ overlap: 0 });
    expect(sharedSessionCount()).toBe(n);
  });

  it('in an ensemble, votes with the dictionary: a mention needs both sources at threshold 0.75', async () => {
    const dict = await build({ ensemble: { dictionary: true, threshold: 0.75 }, merge: 'model-only' }, [
      { name: 'concepts' },
    ]);
    const plain = await build({}, [{ name: 'concepts' }]);
    const [e] = await dict.processMany([NOTES[0]!]);
    const [m] = await plain.processMany([NOTES[0]!]);
    const ens = e?.ok ? e.doc.get('concepts') : [];
    const mine = new Set(m?.ok ? m.doc.get('concepts').map((c) => `${c.start}:${c.end}`) : []);
    for (const c of ens) {
      expect(mine.has(`${c.start}:${c.end}`)).toBe(true);
      expect(c.evidence.detail).toMatch(/^ensemble [0-9.]+ >= 0.75: transformer [0-9.]+, dictionary 1\.000/);
    }
  });

  it('loads model bytes held on a SharedArrayBuffer (as worker threads get them)', async () => {
    const other = writeTinyTransformerNer(join(root, 'shared'), 11); // other bytes: no cached session
    const files = fileResourceContext();
    const context = {
      readResource: (p: string) => files.readResource(p),
      readResourceBytes: (p: string) => {
        const bytes = files.readResourceBytes(p);
        const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
        shared.set(bytes);
        return shared;
      },
    };
    const p = await createPipeline(config({ model: other }), { registry, context });
    const [out] = await p.processMany([NOTES[0]!]);
    expect(out?.ok).toBe(true);
  });

  it('a damaged ONNX file or a missing model is a clear error with a stable code', async () => {
    const bad = join(root, 'bad');
    writeTinyTransformerNer(bad);
    writeFileSync(
      join(bad, 'model.onnx'),
      Buffer.concat([readFileSync(join(bad, 'model.onnx')), Buffer.from([0])]),
    );
    const codes: string[] = [];
    for (const m of [bad, join(root, 'nope')]) {
      try {
        await build({ model: m });
      } catch (e) {
        codes.push(isClinoteError(e) ? e.code : 'not a ClinoteError');
      }
    }
    expect(codes).toEqual(['CLINOTE_E_MODEL_HASH_MISMATCH', 'CLINOTE_E_MODEL_NOT_FOUND']);
  });

  it('--pack (applyPack) reaches its link, as the ner component', () => {
    type Cfg = { components: { name: string; options?: Record<string, unknown> }[] };
    const linked = applyPack(config({ link: true }, [{ name: 'concepts' }]), 'p.pack').config as Cfg;
    expect(linked.components.find((c) => c.name === 'transformer-ner')?.options?.link).toEqual({
      pack: 'p.pack',
    });
  });

  it('is refused by the synchronous calls', async () => {
    const p = await build();
    expect(() => p.runSync(new Doc('x', { id: 'a' }))).toThrow(/asynchronous|async/i);
  });
});

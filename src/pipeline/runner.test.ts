/**
 * The runner: async and batched components, the run context (deadlines, abort, hooks), layer
 * attributes, optional reads, versions side by side.
 */
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { Doc } from '../doc/doc.js';
import type { Concept } from '../doc/types.js';
import { type ComponentFactory, defineComponent, type FactoryContext } from './component.js';
import { createPipeline, createPipelineSync, type Pipeline, type ProcessOutcome } from './pipeline.js';
import { Registry } from './registry.js';

const ctx: FactoryContext = {
  readResource: (p) => `content of ${p}`,
  readResourceBytes: (p) => new TextEncoder().encode(p),
};
const NoOptions = Type.Object({}, { additionalProperties: false });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const concept = (text: string, start: number): Concept => ({
  start,
  end: start + text.length,
  text,
  type: 'problem',
  codes: [],
  matched: { term: text, source: 'test' },
  score: 1,
  evidence: { component: 'words' },
});

/** Synchronous: every word is a concept. */
const words = defineComponent({
  name: 'words',
  version: '1.0.0',
  description: 'test',
  requires: [],
  assigns: ['concepts'],
  options: NoOptions,
  create: () => (doc) => {
    const found: Concept[] = [];
    for (const m of doc.text.matchAll(/\S+/g)) found.push(concept(m[0], m.index ?? 0));
    doc.set('concepts', found);
  },
});

/** Asynchronous, with a batch form that counts its batches; fails on a note holding "boom". */
const batches: number[] = [];
const asyncTag = defineComponent({
  name: 'tag',
  version: '2.0.0',
  description: 'test',
  requires: ['concepts'],
  assigns: ['concepts.assertion'],
  async: true,
  options: Type.Object({ delayMs: Type.Optional(Type.Integer()) }, { additionalProperties: false }),
  async create(options) {
    await sleep(1);
    const tagOne = (doc: Doc): void => {
      if (doc.text.includes('boom')) throw new Error('kaput');
      doc.set(
        'concepts',
        doc.get('concepts').map((c) => ({
          ...c,
          assertion: { status: 'present', categories: [], temporality: 'recent' } as never,
        })),
      );
    };
    return {
      async run(doc, rc) {
        if (options.delayMs) await sleep(options.delayMs);
        if (rc.signal.aborted) throw new Error('aborted');
        tagOne(doc);
      },
      async runMany(docs) {
        batches.push(docs.length);
        await sleep(1);
        for (const d of docs) tagOne(d);
      },
    };
  },
});

/** Needs assertions to have run. */
const coder = defineComponent({
  name: 'coder',
  version: '1.0.0',
  description: 'test',
  requires: ['concepts', 'concepts.assertion'],
  assigns: ['dates'],
  options: NoOptions,
  create: () => (doc) => {
    doc.set('dates', []);
  },
});

/** Reads dates when present. */
const reader = defineComponent({
  name: 'reader',
  version: '1.0.0',
  description: 'test',
  requires: [],
  reads: ['dates'],
  assigns: ['measurements'],
  options: NoOptions,
  create: () => (doc) => {
    doc.set('measurements', []);
  },
});

/** Slow and synchronous. */
const slow = defineComponent({
  name: 'slow',
  version: '1.0.0',
  description: 'test',
  requires: [],
  assigns: ['sections'],
  options: NoOptions,
  create: () => (doc) => {
    const until = Date.now() + 30;
    while (Date.now() < until) {
      /* busy */
    }
    doc.set('sections', []);
  },
});

const v1 = defineComponent({ ...words, version: '1.4.0' }) as ComponentFactory;
const v2 = defineComponent({ ...words, version: '2.1.0' }) as ComponentFactory;

const registry = () =>
  new Registry().register(words).register(asyncTag).register(coder).register(reader).register(slow);
const config = (...names: (string | { name: string; options?: object; version?: string })[]) => ({
  name: 't',
  components: names.map((n) => (typeof n === 'string' ? { name: n } : n)),
});
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};
const errorOf = (o: ProcessOutcome): string | undefined => (o.ok ? undefined : o.error.code);

describe('async components', () => {
  it('builds asynchronously and runs through process, but not processSync', async () => {
    const p = await createPipeline(config('words', 'tag', 'coder'), { registry: registry(), context: ctx });
    expect(p.async).toBe(true);
    const out = await p.process({ id: 'n', text: 'chest pain' });
    expect(out.ok && out.doc.get('concepts').map((c) => c.assertion?.status)).toEqual(['present', 'present']);
    expect(codeOf(() => p.processSync({ id: 'n', text: 'x' }))).toBe('CLINOTE_E_PIPELINE_ASYNC_COMPONENT');
    expect(codeOf(() => p.runSync(new Doc('x')))).toBe('CLINOTE_E_PIPELINE_ASYNC_COMPONENT');
  });

  it('createPipelineSync refuses a factory that builds asynchronously', () => {
    expect(
      codeOf(() => createPipelineSync(config('words', 'tag'), { registry: registry(), context: ctx })),
    ).toBe('CLINOTE_E_PIPELINE_ASYNC_COMPONENT');
  });

  it('sync and async forms agree on a synchronous pipeline', async () => {
    const p = createPipelineSync(config('words', 'reader'), { registry: registry(), context: ctx });
    expect(p.async).toBe(false);
    const a = p.processSync({ id: 'n', text: 'no fever today' });
    const b = await p.process({ id: 'n', text: 'no fever today' });
    const [c] = await p.processMany([{ id: 'n', text: 'no fever today' }]);
    const json = (o: ProcessOutcome | undefined) => (o?.ok ? JSON.stringify(o.doc) : o);
    expect(json(b)).toBe(json(a));
    expect(json(c)).toBe(json(a));
  });
});

describe('processMany', () => {
  it('uses runMany across notes, keeps input order, and fails only the failing note', async () => {
    const p = await createPipeline(config('words', 'tag'), { registry: registry(), context: ctx });
    batches.length = 0;
    const inputs = ['a b', 'boom here', 'c', 'd e f'].map((text, i) => ({ id: `n${i}`, text }));
    const out = await p.processMany(inputs);
    expect(out.map((o) => (o.ok ? o.doc.id : o.id))).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(out.map(errorOf)).toEqual([
      undefined,
      'CLINOTE_E_PIPELINE_COMPONENT_FAILED',
      undefined,
      undefined,
    ]);
    // the batch was tried whole, then note by note to isolate the failure
    expect(batches).toEqual([4]);
    const one = await Promise.all(inputs.map((i) => p.process(i)));
    expect(out.map((o) => (o.ok ? JSON.stringify(o.doc) : o.error.code))).toEqual(
      one.map((o) => (o.ok ? JSON.stringify(o.doc) : o.error.code)),
    );
  });

  it('checks the size limit per note', async () => {
    const p = await createPipeline(
      { ...config('words'), limits: { maxNoteBytes: 3 } },
      { registry: registry(), context: ctx },
    );
    const out = await p.processMany([
      { id: 'a', text: 'abc' },
      { id: 'b', text: 'abcd' },
    ]);
    expect(out.map(errorOf)).toEqual([undefined, 'CLINOTE_E_INPUT_TOO_LARGE']);
  });
});

describe('run context', () => {
  it('calls the hooks around every component with its time and outcome', async () => {
    const seen: string[] = [];
    const p = await createPipeline(config('words', 'tag'), {
      registry: registry(),
      context: ctx,
      hooks: { onComponent: (name, ms, outcome, n) => seen.push(`${name}:${outcome}:${n}:${ms >= 0}`) },
    });
    await p.process({ id: 'a', text: 'x' });
    await p.process({ id: 'b', text: 'boom' });
    expect(seen).toEqual(['words:ok:1:true', 'tag:ok:1:true', 'words:ok:1:true', 'tag:error:1:true']);
    const perCall: string[] = [];
    await p.processMany(
      [
        { id: 'a', text: 'x' },
        { id: 'b', text: 'y' },
      ],
      { hooks: { onComponent: (name, _ms, outcome, n) => perCall.push(`${name}:${outcome}:${n}`) } },
    );
    expect(perCall).toEqual(['words:ok:1', 'words:ok:1', 'tag:ok:2']);
  });

  it('fails a note past its deadline, between synchronous components', () => {
    const p = createPipelineSync(config('slow', 'words'), {
      registry: registry(),
      context: ctx,
      timeoutMs: 5,
    });
    expect(errorOf(p.processSync({ id: 'a', text: 'x' }))).toBe('CLINOTE_E_PIPELINE_DEADLINE');
    expect(errorOf(p.processSync({ id: 'a', text: 'x' }, { timeoutMs: 10_000 }))).toBeUndefined();
  });

  it('gives an async component the deadline through its signal', async () => {
    const p = await createPipeline(config('words', { name: 'tag', options: { delayMs: 50 } }), {
      registry: registry(),
      context: ctx,
    });
    expect(errorOf(await p.process({ id: 'a', text: 'x' }, { timeoutMs: 10 }))).toBe(
      'CLINOTE_E_PIPELINE_DEADLINE',
    );
    expect(errorOf(await p.process({ id: 'a', text: 'x' }))).toBeUndefined();
  });

  it('fails the notes not done when the caller aborts', async () => {
    const p = await createPipeline(config('words', { name: 'tag', options: { delayMs: 20 } }), {
      registry: registry(),
      context: ctx,
    });
    const controller = new AbortController();
    const run = p.process({ id: 'a', text: 'x' }, { signal: controller.signal });
    controller.abort();
    expect(errorOf(await run)).toBe('CLINOTE_E_PIPELINE_ABORTED');
    const many = await p.processMany([{ id: 'b', text: 'y' }], { signal: controller.signal });
    expect(many.map(errorOf)).toEqual(['CLINOTE_E_PIPELINE_ABORTED']);
  });
});

describe('layer attributes and optional reads', () => {
  const build = (...names: string[]) =>
    createPipeline(config(...names), { registry: registry(), context: ctx });

  it('lets a component require that an attribute was assigned', async () => {
    await expect(build('words', 'coder')).rejects.toMatchObject({ code: 'CLINOTE_E_PIPELINE_MISSING_LAYER' });
    await expect(build('words', 'tag', 'coder')).resolves.toBeDefined();
  });

  it('drops the attributes of a layer assigned again', async () => {
    await expect(build('words', 'tag', 'words', 'coder')).rejects.toMatchObject({
      code: 'CLINOTE_E_PIPELINE_MISSING_LAYER',
    });
  });

  it('refuses an attribute whose layer nothing assigned', async () => {
    await expect(build('tag')).rejects.toMatchObject({ code: 'CLINOTE_E_PIPELINE_MISSING_LAYER' });
  });

  it('refuses an optional read that a later component assigns (order-dependent output)', async () => {
    await expect(build('words', 'reader', 'tag', 'coder')).rejects.toMatchObject({
      code: 'CLINOTE_E_PIPELINE_LAYER_ORDER',
    });
    await expect(build('words', 'tag', 'coder', 'reader')).resolves.toBeDefined();
    // absent altogether is fine: the read is optional
    await expect(build('reader')).resolves.toBeDefined();
  });

  it('lists the layers and attributes it assigns', async () => {
    const p: Pipeline = await build('words', 'tag', 'coder');
    expect(p.layers).toEqual(['concepts', 'concepts.assertion', 'dates']);
  });
});

describe('versions side by side', () => {
  const reg = () => new Registry().register(v1).register(v2);
  const build = (version?: string) =>
    createPipelineSync(config(version ? { name: 'words', version } : { name: 'words' }), {
      registry: reg(),
      context: ctx,
    });

  it('resolves the highest version, or the one a range pins, and stamps it', () => {
    expect(build().stamp.components).toEqual([{ name: 'words', version: '2.1.0' }]);
    expect(build('^1').stamp.components).toEqual([{ name: 'words', version: '1.4.0' }]);
    expect(build('~2.1').stamp.components).toEqual([{ name: 'words', version: '2.1.0' }]);
    expect(build('^1').stamp.version).not.toBe(build('^2').stamp.version);
  });

  it('refuses a range no version satisfies, and a duplicate name@version', () => {
    expect(codeOf(() => build('^3'))).toBe('CLINOTE_E_PIPELINE_VERSION_UNAVAILABLE');
    expect(codeOf(() => reg().register(v1))).toBe('CLINOTE_E_REGISTRY_DUPLICATE');
    expect(reg().versions('words')).toEqual(['2.1.0', '1.4.0']);
  });
});

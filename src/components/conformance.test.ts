/**
 * One conformance suite over every registered component: what the component contract promises,
 * checked the same way for each (options schema closed, resources hashed into the stamp, declared
 * layers set and no others, offsets reproduce the text, sync and async forms agree).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataPath } from '../data.js';
import type { Doc } from '../doc/doc.js';
import { textSpans } from '../doc/testing.js';
import { readConfigFile } from '../engine.js';
import { baseLayer, type FactoryContext } from '../pipeline/component.js';
import { schemaIssues } from '../pipeline/config.js';
import { createPipeline, createPipelineSync, type Pipeline } from '../pipeline/pipeline.js';
import { fileResourceContext, packageRoot, resourcePath } from '../resources.js';
import { defaultRegistry } from './index.js';
import { COMPONENT_LOADERS, registryOf } from './loaders.js';

const registry = defaultRegistry();
const DEFAULT = readConfigFile(resourcePath('pipelines/default.json')) as {
  name: string;
  components: { name: string }[];
};
const NOTES_DIR = join(packageRoot(), 'examples', 'notes');
const NOTES = readdirSync(NOTES_DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => ({ id: f, text: readFileSync(join(NOTES_DIR, f), 'utf8'), meta: { noteDate: '2025-03-04' } }));

/** Components that the default pipeline leaves out, and the shipped pipeline that runs each. */
const OPT_IN: Readonly<Record<string, string>> = {
  ner: 'pipelines/ml.json',
  classify: 'pipelines/ml.json',
  coding: 'pipelines/coding.json',
  'transformer-ner': 'pipelines/transformer.json',
};
/** Components built from files of the shared data dir: their per-component checks skip without them. */
const NEEDS_DATA: Readonly<Record<string, readonly string[]>> = {
  coding: ['icd10cm', 'icd10cm_tabular_2023.xml.gz'],
};
const hasData = (name: string) =>
  !Object.hasOwn(NEEDS_DATA, name) || sharedDataPath(...NEEDS_DATA[name]!) !== null;
const OPT_IN_CONFIGS = new Map(
  Object.entries(OPT_IN).map(([name, path]) => [
    name,
    readConfigFile(resourcePath(path)) as { name: string; components: { name: string }[] },
  ]),
);

/**
 * The default pipeline (or the opt-in component's own pipeline) up to and including `name` (their
 * order satisfies every requirement).
 */
function prefix(name: string): { name: string; components: { name: string }[] } {
  const config = OPT_IN_CONFIGS.get(name) ?? DEFAULT;
  const i = config.components.findIndex((c) => c.name === name);
  return { name: `upto-${name}`, components: config.components.slice(0, i + 1) };
}

/** Built synchronously where every factory is (the fast path), else through the Promise form. */
const build = async (config: unknown, context: FactoryContext = fileResourceContext()): Promise<Pipeline> => {
  try {
    return createPipelineSync(config, { registry, context });
  } catch (e) {
    if ((e as { code?: string }).code !== 'CLINOTE_E_PIPELINE_ASYNC_COMPONENT') throw e;
    return createPipeline(config, { registry, context });
  }
};

describe('every registered component', () => {
  const factories = registry.list();
  const tested = factories.filter((f) => hasData(f.name));

  it('the default pipeline names every registered component but the opt-in ones, which a shipped pipeline runs', () => {
    expect(factories.map((f) => f.name).sort()).toEqual(
      [...DEFAULT.components.map((c) => c.name), ...Object.keys(OPT_IN)].sort(),
    );
    for (const [name, config] of OPT_IN_CONFIGS) expect(config.components.map((c) => c.name)).toContain(name);
  });

  it('each can be loaded on its own, by name (a pipeline imports only what its config names)', async () => {
    expect(Object.keys(COMPONENT_LOADERS).sort()).toEqual(factories.map((f) => f.name).sort());
    const some = await registryOf(['sections', 'tokens', 'nope']);
    expect(some.names()).toEqual(['sections', 'tokens']);
    expect(some.get('sections')).toBe(registry.get('sections'));
  });

  describe.each(tested.map((f) => [`${f.name}@${f.version}`, f] as const))('%s', (_label, factory) => {
    it('has a semantic version and a description', () => {
      expect(factory.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(factory.description.length).toBeGreaterThan(10);
    });

    it('its options schema accepts {} and rejects unknown keys', () => {
      expect(schemaIssues(factory.options, {})).toEqual([]);
      expect(schemaIssues(factory.options, { noSuchOption: true })).toEqual(['noSuchOption: unknown key']);
    });

    it('hashes every resource it reads into the pipeline stamp', async () => {
      const base = fileResourceContext();
      const reads: string[] = [];
      // the same files with a trailing newline: same meaning, other bytes
      const touched: FactoryContext = {
        readResource: (p) => {
          reads.push(p);
          return `${base.readResource(p)}\n`;
        },
        readResourceBytes: (p) => base.readResourceBytes(p),
      };
      const config = prefix(factory.name);
      const a = await build(config);
      const b = await build(config, touched);
      const mine = a.components.find((c) => c.name === factory.name);
      expect(mine).toBeDefined();
      const text = (mine?.resources ?? []).filter((r) => !r.binary);
      if (text.length > 0) expect(b.stamp.version).not.toBe(a.stamp.version);
      for (const r of mine?.resources ?? []) expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    });

    it('sets the layers it declares and no others, with offsets that reproduce the text', async () => {
      const config = prefix(factory.name);
      const before =
        config.components.length > 1
          ? await build({ ...config, components: config.components.slice(0, -1) })
          : undefined;
      const full = await build(config);
      const declared = new Set(factory.assigns.map(baseLayer));
      for (const note of NOTES) {
        const out = await full.process(note);
        expect(out.ok, note.id).toBe(true);
        if (!out.ok) continue;
        const doc: Doc = out.doc;
        const earlier = await before?.process(note);
        const had = new Set(earlier?.ok ? earlier.doc.layerNames() : []);
        for (const layer of doc.layerNames()) {
          if (!had.has(layer))
            expect(declared.has(layer), `${factory.name} set undeclared layer '${layer}'`).toBe(true);
        }
        for (const layer of declared) expect(doc.has(layer)).toBe(true);
        for (const layer of declared) {
          if (layer === 'normalized') continue;
          for (const s of textSpans(doc.get(layer))) {
            expect(doc.text.slice(s.start as number, s.end as number), `${layer} span in ${note.id}`).toBe(
              s.text,
            );
          }
        }
      }
    });

    it('gives the same results through processSync (when synchronous), process and processMany', async () => {
      const config = prefix(factory.name);
      const p = await createPipeline(config, { registry, context: fileResourceContext() });
      const json = (o: { ok: boolean; doc?: Doc }) => (o.ok && o.doc ? JSON.stringify(o.doc) : 'failed');
      const many = await p.processMany(NOTES);
      for (const [i, note] of NOTES.entries()) {
        const one = json(await p.process(note));
        const sync = p.async ? one : json(p.processSync(note));
        expect(one, note.id).toBe(sync);
        expect(json(many[i] as { ok: boolean; doc?: Doc }), note.id).toBe(sync);
      }
    });
  });
});

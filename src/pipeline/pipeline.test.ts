import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { Doc } from '../doc/doc.js';
import { defineComponent, type FactoryContext } from './component.js';
import { createPipelineSync } from './pipeline.js';
import { Registry } from './registry.js';

const ctx: FactoryContext = {
  readResource: (p) => `content of ${p}`,
  readResourceBytes: (p) => new TextEncoder().encode(p),
};

const upper = defineComponent({
  name: 'upper',
  version: '1.0.0',
  description: 'test',
  requires: [],
  assigns: ['normalized'],
  options: Type.Object({ rules: Type.Optional(Type.String()) }, { additionalProperties: false }),
  create(options, c) {
    if (options.rules) c.readResource(options.rules);
    return (doc) => {
      doc.set('normalized', { text: doc.text.toUpperCase() } as never);
    };
  },
});
const needsSections = defineComponent({
  name: 'needs-sections',
  version: '2.0.0',
  description: 'test',
  requires: ['sections'],
  assigns: ['sentences'],
  options: Type.Object({}, { additionalProperties: false }),
  create: () => (doc) => {
    doc.set('sentences', []);
  },
});
const lazy = defineComponent({
  name: 'lazy',
  version: '1.0.0',
  description: 'declares a layer it never assigns',
  requires: [],
  assigns: ['tokens'],
  options: Type.Object({}, { additionalProperties: false }),
  create: () => () => {},
});
const boom = defineComponent({
  name: 'boom',
  version: '1.0.0',
  description: 'throws',
  requires: [],
  assigns: [],
  options: Type.Object({}, { additionalProperties: false }),
  create: () => () => {
    throw new Error('kaput');
  },
});

const registry = () => new Registry().register(upper).register(needsSections).register(lazy).register(boom);
const build = (config: unknown) => createPipelineSync(config, { registry: registry(), context: ctx });
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('createPipelineSync', () => {
  it('builds and runs components in order', () => {
    const p = build({ name: 't', components: [{ name: 'upper' }] });
    const doc = p.runSync(new Doc('abc'));
    expect(doc.get('normalized').text).toBe('ABC');
    expect(doc.text).toBe('abc');
  });

  it('rejects unknown keys naming them', () => {
    expect(() => build({ name: 't', components: [{ name: 'upper' }], colour: 'red' })).toThrowError(
      /colour: unknown key/,
    );
    expect(() => build({ name: 't', components: [{ name: 'upper', option: {} }] })).toThrowError(
      /components\[0\]\.option: unknown key/,
    );
    expect(codeOf(() => build({ name: 't', components: [] }))).toBe('CLINOTE_E_CONFIG_INVALID');
  });

  it('validates component options against the factory schema', () => {
    expect(() => build({ name: 't', components: [{ name: 'upper', options: { rule: 'x' } }] })).toThrowError(
      /components\[0\]\.options\.rule: unknown key/,
    );
  });

  it('refuses a component whose required layer nothing before it assigns', () => {
    expect(codeOf(() => build({ name: 't', components: [{ name: 'needs-sections' }] }))).toBe(
      'CLINOTE_E_PIPELINE_MISSING_LAYER',
    );
  });

  it('refuses unknown components', () => {
    expect(codeOf(() => build({ name: 't', components: [{ name: 'nope' }] }))).toBe(
      'CLINOTE_E_PIPELINE_UNKNOWN_COMPONENT',
    );
  });

  it('stamps a version that changes with config and resources', () => {
    const a = build({ name: 't', components: [{ name: 'upper' }] });
    const b = build({ name: 't', components: [{ name: 'upper' }] });
    const c = build({ name: 't', components: [{ name: 'upper', options: { rules: 'x.json' } }] });
    expect(a.stamp.version).toBe(b.stamp.version);
    expect(a.stamp.version).not.toBe(c.stamp.version);
    expect(a.stamp.components).toEqual([{ name: 'upper', version: '1.0.0' }]);
    expect(c.components[0]?.resources[0]?.path).toBe('x.json');
  });

  it('wraps a failing component with its name and keeps going through process()', () => {
    const p = build({ name: 't', components: [{ name: 'boom' }] });
    expect(() => p.runSync(new Doc('x'))).toThrowError(/component 'boom@1.0.0' failed/);
    const r = p.processSync({ id: 'n1', text: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('CLINOTE_E_PIPELINE_COMPONENT_FAILED');
  });

  it('checks that declared layers were assigned', () => {
    const p = build({ name: 't', components: [{ name: 'lazy' }] });
    expect(() => p.runSync(new Doc('x'))).toThrowError(/did not assign layer 'tokens'/);
  });

  it('enforces the note size limit per note', () => {
    const p = build({ name: 't', limits: { maxNoteBytes: 4 }, components: [{ name: 'upper' }] });
    const big = p.processSync({ id: 'big', text: 'ééé' });
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.error.code).toBe('CLINOTE_E_INPUT_TOO_LARGE');
    expect(p.processSync({ id: 'ok', text: 'abcd' }).ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { Doc } from '../../doc/doc.js';
import { ClinoteError } from '../../errors/error.js';
import { createPipelineSync } from '../../pipeline/pipeline.js';
import { Registry } from '../../pipeline/registry.js';
import { fileResourceContext } from '../../resources.js';
import { normalizeComponent } from '../normalize/index.js';
import { sectionsComponent } from './index.js';

const registry = new Registry().register(normalizeComponent).register(sectionsComponent);

function pipeline(options?: Record<string, unknown>) {
  return createPipelineSync(
    {
      name: 'sections-test',
      components: [{ name: 'normalize' }, options ? { name: 'sections', options } : { name: 'sections' }],
    },
    { registry, context: fileResourceContext() },
  );
}

describe('sections component', () => {
  it('declares its contract', () => {
    expect(sectionsComponent.name).toBe('sections');
    expect(sectionsComponent.version).toBe('1.1.0');
    expect(sectionsComponent.requires).toEqual(['normalized']);
    expect(sectionsComponent.assigns).toEqual(['sections']);
  });

  it('assigns the sections layer in a pipeline and records its rule file', () => {
    const p = pipeline();
    expect(p.components[1]!.resources.map((r) => r.path)).toEqual(['sections/sections.json']);
    const doc = p.runSync(new Doc('CC: cough.\nPLAN: rest.'));
    expect(doc.get('sections').map((s) => s.category)).toEqual(['chief_complaint', 'plan']);
  });

  it('passes its options on', () => {
    const text = 'PHYSICAL EXAM:\nNeck: supple.\nSTRANGE KEY: x.\nPLAN: rest.';
    const split = pipeline().runSync(new Doc(text)).get('sections');
    expect(split.map((s) => s.category)).toEqual(['physical_exam', 'neck', 'other', 'plan']);
    const merged = pipeline({ subsections: 'merge', minHeaderConfidence: 0.9, midLine: false })
      .runSync(new Doc(text))
      .get('sections');
    expect(merged.map((s) => s.category)).toEqual(['physical_exam', 'plan']);
  });

  it('rejects unknown or bad options', () => {
    const codeOf = (options: Record<string, unknown>): string | undefined => {
      try {
        pipeline(options);
      } catch (e) {
        return e instanceof ClinoteError ? e.code : 'not a ClinoteError';
      }
      return undefined;
    };
    expect(codeOf({ colour: 'red' })).toBe('CLINOTE_E_CONFIG_INVALID');
    expect(codeOf({ subsections: 'flatten' })).toBe('CLINOTE_E_CONFIG_INVALID');
    expect(codeOf({ minHeaderConfidence: 2 })).toBe('CLINOTE_E_CONFIG_INVALID');
    expect(codeOf({ rules: 'sections/missing.json' })).toBe('CLINOTE_E_RESOURCE_NOT_FOUND');
  });
});

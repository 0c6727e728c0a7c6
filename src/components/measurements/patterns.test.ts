import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { idsOf, listsOf } from '../../pipeline/testing.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import {
  DEFAULT_MEASUREMENT_PATTERNS,
  DEFAULT_MEASUREMENT_RULES,
  loadMeasurementExtractor,
  type MeasurementPatterns,
  MeasurementPatternsSchema,
  measurementPatternsJsonSchema,
  measurementsOf,
} from './index.js';
import { segmentedDoc } from './testing.js';

const ctx = fileResourceContext();
const file = loadJsonResource(ctx, DEFAULT_MEASUREMENT_PATTERNS, MeasurementPatternsSchema);

/** A context that serves `patterns` as the pattern file and the packaged files otherwise. */
function withPatterns(patterns: unknown): FactoryContext {
  return {
    readResource: (p) => (p === 'test-patterns.json' ? JSON.stringify(patterns) : ctx.readResource(p)),
    readResourceBytes: (p) => ctx.readResourceBytes(p),
  };
}

describe('measurement pattern words (resources/measurements/patterns.json)', () => {
  it('has a JSON Schema file in step with the TypeBox schema', () => {
    const schema = JSON.parse(readFileSync(resourcePath('measurements/patterns.schema.json'), 'utf8'));
    expect(schema).toEqual(JSON.parse(JSON.stringify(measurementPatternsJsonSchema())));
  });

  it('gives every entry a unique rule id', () => {
    const ids = idsOf(file);
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('lists every form once, trimmed', () => {
    for (const [path, words] of listsOf(file)) {
      expect(
        words.filter((w, i) => words.indexOf(w) !== i),
        path,
      ).toEqual([]);
      for (const w of words) expect(w, path).toBe(w.trim());
    }
  });

  it('refuses unknown keys with CLINOTE_E_RESOURCE_INVALID', () => {
    const bad = { ...file, fillers: { ...file.fillers, colour: ['red'] } };
    expect(() =>
      loadMeasurementExtractor(withPatterns(bad), DEFAULT_MEASUREMENT_RULES, 'test-patterns.json'),
    ).toThrow(
      expect.objectContaining({
        code: 'CLINOTE_E_RESOURCE_INVALID',
        message: expect.stringContaining('colour'),
      }),
    );
  });

  it('drives the patterns: a filler word added to the file links a test to its value', () => {
    const text = 'Sodium hovering 131.';
    const values = (patterns: MeasurementPatterns): (string | undefined)[] =>
      measurementsOf(
        segmentedDoc(text),
        loadMeasurementExtractor(withPatterns(patterns), DEFAULT_MEASUREMENT_RULES, 'test-patterns.json'),
      ).map((m) => m.value?.text);
    expect(values(file)).toEqual([]);
    const more = { ...file, fillers: { ...file.fillers, words: [...file.fillers.words, 'hovering'] } };
    expect(values(more)).toEqual(['131']);
  });
});

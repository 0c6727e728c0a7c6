import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FactoryContext } from '../../pipeline/component.js';
import { loadJsonResource } from '../../pipeline/resource-file.js';
import { idsOf, listsOf } from '../../pipeline/testing.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { segmentedDoc } from '../measurements/testing.js';
import {
  type DatePatterns,
  DatePatternsSchema,
  DateRulesSchema,
  DEFAULT_DATE_PATTERNS,
  DEFAULT_DATE_RULES,
  datePatternsJsonSchema,
  dateRulesJsonSchema,
  datesOf,
  loadDateExtractor,
} from './index.js';

const ctx = fileResourceContext();
const words = loadJsonResource(ctx, DEFAULT_DATE_RULES, DateRulesSchema);
const patterns = loadJsonResource(ctx, DEFAULT_DATE_PATTERNS, DatePatternsSchema);

/** A context that serves `value` as `test.json` and the packaged files otherwise. */
function serving(value: unknown): FactoryContext {
  return {
    readResource: (p) => (p === 'test.json' ? JSON.stringify(value) : ctx.readResource(p)),
    readResourceBytes: (p) => ctx.readResourceBytes(p),
  };
}

describe('date word lists and pattern words (resources/dates)', () => {
  it('have JSON Schema files in step with the TypeBox schemas', () => {
    const wordsSchema = JSON.parse(readFileSync(resourcePath('dates/dates.schema.json'), 'utf8'));
    expect(wordsSchema).toEqual(JSON.parse(JSON.stringify(dateRulesJsonSchema())));
    const patternsSchema = JSON.parse(readFileSync(resourcePath('dates/patterns.schema.json'), 'utf8'));
    expect(patternsSchema).toEqual(JSON.parse(JSON.stringify(datePatternsJsonSchema())));
  });

  it('give every entry a unique rule id, across both files', () => {
    const ids = [...idsOf(words), ...idsOf(patterns)];
    expect(ids.length).toBeGreaterThan(40);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(words.months.map((m) => m.id)).toContain('date.month.jan');
  });

  it('list every form once, trimmed; capitalized-only months are written forms', () => {
    for (const [path, list] of [...listsOf(words), ...listsOf(patterns)]) {
      expect(
        list.filter((w, i) => list.indexOf(w) !== i),
        path,
      ).toEqual([]);
      for (const w of list) expect(w, path).toBe(w.trim());
    }
    for (const m of words.months) for (const w of m.capitalizedOnly ?? []) expect(m.written).toContain(w);
  });

  it('refuse unknown keys with CLINOTE_E_RESOURCE_INVALID', () => {
    const err = (message: string) => expect.objectContaining({ code: 'CLINOTE_E_RESOURCE_INVALID', message });
    const badPatterns = { ...patterns, age: { ...patterns.age, colour: ['red'] } };
    expect(() => loadDateExtractor(serving(badPatterns), DEFAULT_DATE_RULES, 'test.json')).toThrow(
      err(expect.stringContaining('colour')),
    );
    const badWords = { ...words, months: words.months.map((m) => ({ ...m, colour: 'red' })) };
    expect(() => loadDateExtractor(serving(badWords), 'test.json', DEFAULT_DATE_PATTERNS)).toThrow(
      err(expect.stringContaining('colour')),
    );
  });

  it('drive the patterns: a deictic phrase added to the file is a relative date', () => {
    const text = 'Fever started the day after tomorrow.';
    const found = (p: DatePatterns): [string, string | undefined][] =>
      datesOf(
        segmentedDoc(text, [], { noteDate: '2025-03-14' }),
        loadDateExtractor(serving(p), DEFAULT_DATE_RULES, 'test.json'),
      ).map((d) => [d.text, d.value]);
    expect(found(patterns)).toEqual([['tomorrow', '2025-03-15']]);
    const more = {
      ...patterns,
      deictic: [
        { id: 'rel.deictic.day-after-tomorrow', days: 2, written: ['the day after tomorrow'] },
        ...patterns.deictic,
      ],
    };
    expect(found(more)).toEqual([['the day after tomorrow', '2025-03-16']]);
  });
});

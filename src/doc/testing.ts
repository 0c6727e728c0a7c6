/** Test helpers for layer schemas (not shipped: `testing.ts` files stay out of dist). */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { expect } from 'vitest';

/** Every object of the schema is closed (`additionalProperties: false`) and every field described. */
export function expectClosedAndDescribed(schema: TSchema, name: string): void {
  const walk = (node: unknown, path: string): void => {
    if (!node || typeof node !== 'object') return;
    const s = node as Record<string, unknown>;
    if (s.type === 'object') {
      expect(s.additionalProperties, path).toBe(false);
      expect(typeof s.description, path).toBe('string');
      for (const [k, v] of Object.entries(s.properties as Record<string, unknown>)) {
        expect(typeof (v as { description?: unknown }).description, `${path}.${k}`).toBe('string');
        walk(v, `${path}.${k}`);
      }
    }
    for (const k of ['items', 'anyOf'] as const) {
      const sub = s[k];
      if (Array.isArray(sub)) for (const [i, x] of sub.entries()) walk(x, `${path}.${k}[${i}]`);
      else walk(sub, `${path}.${k}`);
    }
  };
  walk(JSON.parse(JSON.stringify(schema)), name);
}

/** Fails with the first schema error of the first invalid item; returns how many items were checked. */
export function expectValidItems(schema: TSchema, items: readonly unknown[], label: string): number {
  for (const item of items) {
    if (!Value.Check(schema, item)) {
      const error = Value.Errors(schema, item).First();
      expect.fail(`${label}: ${error?.path} ${error?.message} in ${JSON.stringify(item)}`);
    }
  }
  return items.length;
}

type Item = Record<string, unknown>;

/** Every object with numeric `start`/`end` and a string `text`, anywhere in a value (a layer). */
export function textSpans(value: unknown, out: Item[] = []): Item[] {
  if (Array.isArray(value)) for (const v of value) textSpans(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Item;
    if (typeof o.start === 'number' && typeof o.end === 'number' && typeof o.text === 'string') out.push(o);
    for (const v of Object.values(o)) textSpans(v, out);
  }
  return out;
}

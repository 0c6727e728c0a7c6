/**
 * Every example note (examples/notes/**\/*.txt) through the default pipeline, turned into the JSON
 * result (with and without text and tokens), validated against the GENERATED
 * schemas/result.schema.json: the schema is closed at every level, so a component that emits a
 * field (or a layer) the schema lacks fails here.
 *
 * The check is a small JSON Schema (draft-07) validator of the keywords the generated file uses;
 * a keyword it does not know fails the test rather than being skipped. The results are also
 * checked with TypeBox against `ResultSchema`, which the file is generated from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../doc/decode.js';
import { expectClosedAndDescribed } from '../doc/testing.js';
import { loadPipelineSync } from '../engine-sync.js';
import { packageRoot } from '../resources.js';
import { type ResultOptions, toResult } from './result.js';
import { ResultSchema } from './schema.js';
import { generatedSchemas } from './schemas-files.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonSchema = { readonly [keyword: string]: unknown };

const KEYWORDS = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'items',
  'anyOf',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'minItems',
  'uniqueItems',
  'minLength',
  'pattern',
]);

const isObject = (v: unknown): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOk(type: unknown, v: Json): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      throw new Error(`type '${String(type)}' not supported by this check`);
  }
}

/** Errors of `value` against `schema` (draft-07, the keywords in KEYWORDS), one line each. */
function schemaErrors(schema: JsonSchema, value: Json, path = '$'): string[] {
  const errors: string[] = [];
  for (const k of Object.keys(schema))
    if (!KEYWORDS.has(k)) throw new Error(`${path}: schema keyword '${k}' not supported by this check`);
  if (schema.anyOf !== undefined) {
    const alternatives = schema.anyOf as JsonSchema[];
    if (!alternatives.some((s) => schemaErrors(s, value, path).length === 0)) {
      const why = alternatives.map((s) => schemaErrors(s, value, path)[0]).join(' | ');
      errors.push(`${path}: matches no alternative (${why})`);
    }
  }
  if (schema.const !== undefined && value !== schema.const)
    errors.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  if (schema.type !== undefined && !typeOk(schema.type, value)) {
    errors.push(`${path}: not of type ${String(schema.type)}`);
    return errors;
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      errors.push(`${path}: ${value} < minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      errors.push(`${path}: ${value} > maximum ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      errors.push(`${path}: ${value} <= exclusiveMinimum ${schema.exclusiveMinimum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength)
      errors.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      errors.push(`${path}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.uniqueItems === true && new Set(value.map((x) => JSON.stringify(x))).size !== value.length)
      errors.push(`${path}: items are not unique`);
    if (schema.items !== undefined)
      value.forEach((x, i) => {
        errors.push(...schemaErrors(schema.items as JsonSchema, x, `${path}[${i}]`));
      });
  }
  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, JsonSchema>);
    for (const key of (schema.required ?? []) as string[])
      if (!(key in value)) errors.push(`${path}: missing required '${key}'`);
    for (const [key, v] of Object.entries(value)) {
      const at = `${path}.${key}`;
      const property = properties[key];
      const matching = patterns.filter(([p]) => new RegExp(p, 'u').test(key));
      if (property) errors.push(...schemaErrors(property, v, at));
      for (const [, s] of matching) errors.push(...schemaErrors(s, v, at));
      if (property || matching.length > 0) continue;
      if (schema.additionalProperties === false)
        errors.push(`${at}: not allowed (additionalProperties: false)`);
      else if (isObject(schema.additionalProperties))
        errors.push(...schemaErrors(schema.additionalProperties, v, at));
    }
  }
  return errors;
}

const ROOT = packageRoot();
const NOTES_DIR = join(ROOT, 'examples', 'notes');

function notes(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? notes(join(dir, e.name)) : e.name.endsWith('.txt') ? [join(dir, e.name)] : [],
    )
    .sort();
}

const FILE_SCHEMA = JSON.parse(
  readFileSync(join(ROOT, 'schemas', 'result.schema.json'), 'utf8'),
) as JsonSchema;
const pipeline = loadPipelineSync();

/** The JSON result of a note, as `clinote extract` writes it (through JSON). */
function resultOf(file: string, options: ResultOptions, noteDate?: string): Json {
  const { text, flags } = decodeUtf8(readFileSync(file));
  const outcome = pipeline.processSync({
    id: relative(NOTES_DIR, file),
    text,
    flags,
    ...(noteDate !== undefined ? { meta: { noteDate } } : {}),
  });
  if (!outcome.ok) throw new Error(`${file}: ${outcome.error.code}`);
  return JSON.parse(JSON.stringify(toResult(outcome.doc, pipeline, options))) as Json;
}

const expectValid = (result: Json): void => {
  expect(schemaErrors(FILE_SCHEMA, result).slice(0, 10)).toEqual([]);
  expect([...Value.Errors(ResultSchema, result)].slice(0, 10).map((e) => `${e.path}: ${e.message}`)).toEqual(
    [],
  );
};

describe('schemas/result.schema.json', () => {
  it('closes every object and describes every field, at every level', () => {
    expectClosedAndDescribed(ResultSchema, 'Result');
  });

  it('is the JSON of ResultSchema (npm run generate)', () => {
    expect(FILE_SCHEMA).toEqual(JSON.parse(JSON.stringify(generatedSchemas()['result.schema.json'])));
  });

  it('rejects a field or a layer it does not describe, at any level', () => {
    const result = resultOf(join(NOTES_DIR, 'discharge-summary-01.txt'), { text: true, tokens: true });
    expect(schemaErrors(FILE_SCHEMA, result)).toEqual([]);
    const paths: ((r: { [key: string]: Json }) => { [key: string]: Json })[] = [
      (r) => r,
      (r) => r.pipeline as { [key: string]: Json },
      (r) => (r.sections as { [key: string]: Json }[])[0]!,
      (r) => (r.sentences as { [key: string]: Json }[])[0]!,
      (r) => (r.tokens as { [key: string]: Json }[])[0]!,
      (r) => (r.concepts as { [key: string]: Json }[])[0]!,
      (r) => (r.concepts as { [key: string]: Json }[])[0]!.matched as { [key: string]: Json },
      (r) => (r.concepts as { [key: string]: Json }[])[0]!.assertion as { [key: string]: Json },
      (r) => (r.medications as { [key: string]: Json }[])[0]!,
      (r) => (r.medications as { [key: string]: Json }[])[0]!.drug as { [key: string]: Json },
      (r) => (r.measurements as { [key: string]: Json }[])[0]!,
      (r) => (r.dates as { [key: string]: Json }[])[0]!,
    ];
    for (const at of paths) {
      const copy = structuredClone(result) as { [key: string]: Json };
      at(copy).undocumented = 1;
      expect(schemaErrors(FILE_SCHEMA, copy)).toEqual([expect.stringMatching(/\.undocumented: not allowed/)]);
      expect(Value.Check(ResultSchema, copy)).toBe(false);
    }
  });
});

describe('every example note validates against schemas/result.schema.json', () => {
  const files = notes(NOTES_DIR);
  const seen = new Set<string>();
  const collect = (value: Json, path: string): void => {
    if (Array.isArray(value)) for (const x of value) collect(x, `${path}[]`);
    else if (isObject(value))
      for (const [k, v] of Object.entries(value)) {
        seen.add(`${path}.${k}`);
        collect(v, `${path}.${k}`);
      }
  };

  it('finds the notes', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  for (const file of files) {
    it(relative(NOTES_DIR, file), () => {
      const bare = resultOf(file, {});
      expectValid(bare);
      const full = resultOf(file, { text: true, tokens: true }, '2025-03-14');
      expectValid(full);
      collect(bare, '$');
      collect(full, '$');
    });
  }

  it('covers the layers and the fields components add', () => {
    for (const path of [
      '$.text',
      '$.tokens',
      '$.sections[].parent',
      '$.concepts[].candidates',
      '$.concepts[].assertion',
      '$.concepts[].modifiers',
      '$.medications',
      '$.medications[].frequency.timing',
      '$.measurements',
      '$.dates',
      '$.dates[].value',
    ])
      expect(seen, path).toContain(path);
  });
});

import { describe, expect, it } from 'vitest';
import type { ErrorResult, Result } from './schema.js';
import {
  type FormatWriter,
  formatNames,
  getFormat,
  jsonFormat,
  type OutputSummary,
  registerFormat,
} from './writers.js';

const stamp = { name: 'p', version: '0123456789abcdef', components: [] };
const result = (id: string): Result => ({
  id,
  pipeline: stamp,
  flags: [],
  sections: [],
  sentences: [],
  concepts: [],
});
const error = (id: string): ErrorResult => ({
  id,
  pipeline: stamp,
  error: { code: 'CLINOTE_E_INPUT_TOO_LARGE', message: 'too large' },
});
const summary: OutputSummary = {
  notes: 3,
  ok: 2,
  errors: 1,
  errorsByCode: { CLINOTE_E_INPUT_TOO_LARGE: 1 },
  flagged: 0,
  flagsByCode: {},
  skippedFiles: 0,
  unreadable: 0,
};

function write(w: FormatWriter, records: (Result | ErrorResult)[], s = summary): string {
  let out = w.begin();
  for (const r of records) out += 'error' in r ? w.error(r) : w.result(r);
  const end = w.end(s);
  return out + (typeof end === 'string' ? end : [...end].join(''));
}

describe('output formats', () => {
  it('registry: json, ndjson and fhir, unique names', () => {
    expect(formatNames()).toEqual(expect.arrayContaining(['json', 'ndjson', 'fhir']));
    expect(() => registerFormat(getFormat('json')!)).toThrow(/already registered/);
    expect(getFormat('nope')).toBeUndefined();
    // only fhir makes its own record from the Doc; json and ndjson write toResult()
    expect(getFormat('fhir')?.record).toBeTypeOf('function');
    expect(getFormat('json')?.record).toBeUndefined();
  });

  it('json batch: results streamed, then errors, then the summary', () => {
    const text = write(getFormat('json')!.create({ single: false }), [result('a'), error('b'), result('c')]);
    expect(JSON.parse(text)).toEqual({ results: [result('a'), result('c')], errors: [error('b')], summary });
    expect(text.split('\n')[1]).toBe(`${JSON.stringify(result('a'))},`);
  });

  it('json batch with nothing in it is still a document', () => {
    const empty = { ...summary, notes: 0, ok: 0, errors: 0, errorsByCode: {} };
    const text = write(getFormat('json')!.create({ single: false }), [], empty);
    expect(JSON.parse(text)).toEqual({ results: [], errors: [], summary: empty });
  });

  it('json single: the bare record', () => {
    expect(JSON.parse(write(getFormat('json')!.create({ single: true }), [result('a')]))).toEqual(
      result('a'),
    );
    expect(JSON.parse(write(getFormat('json')!.create({ single: true }), [error('a')]))).toEqual(error('a'));
  });

  it('ndjson: one line per record, in order', () => {
    const text = write(getFormat('ndjson')!.create({ single: false }), [result('a'), error('b')]);
    expect(text.split('\n')).toEqual([JSON.stringify(result('a')), JSON.stringify(error('b')), '']);
  });

  it('json batch: many error records are written in parts, never as one string', () => {
    const w = jsonFormat.create({ single: false });
    const n = 10_000;
    let out = w.begin();
    for (let i = 0; i < n; i++) {
      out += w.error({
        id: `n${i}`,
        pipeline: { name: 'p', version: 'v', components: [] },
        error: { code: 'CLINOTE_E_INPUT_MISSING_FIELD', message: 'no text field' },
      });
    }
    const end = w.end({ ...summary, notes: n, ok: 0, errors: n });
    expect(typeof end).not.toBe('string');
    const parts = [...(end as Iterable<string>)];
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(p.length).toBeLessThan(1 << 20);
    const doc = JSON.parse(out + parts.join('')) as { results: unknown[]; errors: { id: string }[] };
    expect(doc.results).toEqual([]);
    expect(doc.errors.map((e) => e.id)).toEqual(Array.from({ length: n }, (_, i) => `n${i}`));
  });
});

/**
 * The batch runner on this thread (no build needed): order, failures, abort, sources, sinks, and
 * that records serialized elsewhere (as a worker thread sends them) write the same bytes.
 * Worker threads: pool.test.ts (against dist/).
 */
import { Writable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../components/index.js';
import { loadPipeline } from '../engine.js';
import { loadPipelineSync } from '../engine-sync.js';
import { ClinoteError } from '../errors/error.js';
import { OutputSink } from '../io/sink.js';
import { getFormat } from '../output/writers.js';
import { defineComponent } from '../pipeline/component.js';
import type { NoteInput, Pipeline } from '../pipeline/pipeline.js';
import { type BatchRecord, RecordBody } from './records.js';
import { runBatch } from './runner.js';
import { formatSink, memorySink } from './sink.js';
import { memorySource, type SourceEvent } from './source.js';

/** Throws on notes whose text contains FAIL (outside any layer: a component failure). */
const failOn = defineComponent({
  name: 'fail-on',
  version: '1.0.0',
  description: 'test: throws on notes containing FAIL',
  requires: [],
  assigns: [],
  options: Type.Object({}, { additionalProperties: false }),
  create: () => (doc) => {
    if (doc.text.includes('FAIL')) throw new Error('test failure');
  },
});

/** The same, asynchronous (a model): the runner uses processMany. */
const slowFailOn = defineComponent({
  name: 'slow-fail-on',
  version: '1.0.0',
  description: 'test: async, throws on notes containing FAIL',
  requires: [],
  assigns: [],
  async: true,
  options: Type.Object({}, { additionalProperties: false }),
  create: () => async (doc) => {
    await new Promise((r) => setTimeout(r, 1));
    if (doc.text.includes('FAIL')) throw new Error('test failure');
  },
});

const registry = () => defaultRegistry().register(failOn).register(slowFailOn);
const config = (last: string) => ({
  name: 'test',
  components: [{ name: 'normalize' }, { name: 'sections' }, { name: 'sentences' }, { name: last }],
});
const syncPipeline = (): Pipeline => loadPipelineSync({ config: config('fail-on'), registry: registry() });

const notes = (n: number, fail: readonly number[] = []): NoteInput[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    text: `HISTORY:\nNote ${i}${fail.includes(i) ? ' FAIL' : ''}. Aspirin 81 mg daily.\n`,
  }));

const ids = (records: readonly BatchRecord[]): string[] => records.map((r) => r.id);

describe('runBatch on this thread', () => {
  it('writes one record per note in input order, and closes with the summary', async () => {
    const sink = memorySink();
    const stats = await runBatch(memorySource(notes(150)), sink, syncPipeline());
    expect(ids(sink.records)).toEqual(notes(150).map((n) => n.id));
    expect(sink.opened && sink.closed).toBe(true);
    expect(sink.summary).toMatchObject({ notes: 150, ok: 150, errors: 0 });
    expect(stats.interrupted).toBe(false);
    const first = sink.records[0]!.body.value as { id: string; sections: unknown[] };
    expect(first.id).toBe('n0');
    expect(first.sections.length).toBeGreaterThan(0);
  });

  it('a failing note is an error record in its place; the batch goes on', async () => {
    const sink = memorySink();
    const stats = await runBatch(memorySource(notes(10, [3, 7])), sink, syncPipeline());
    expect(ids(sink.records)).toEqual(notes(10).map((n) => n.id));
    expect(sink.records.map((r) => r.type)).toEqual(
      Array.from({ length: 10 }, (_, i) => (i === 3 || i === 7 ? 'error' : 'result')),
    );
    const failed = sink.records[3]!;
    expect(failed.type === 'error' && failed.code).toBe('CLINOTE_E_PIPELINE_COMPONENT_FAILED');
    expect(stats.summary()).toMatchObject({
      notes: 10,
      ok: 8,
      errors: 2,
      errorsByCode: { CLINOTE_E_PIPELINE_COMPONENT_FAILED: 2 },
    });
  });

  it('source errors and unreadable inputs keep their place among the notes', async () => {
    const events: (NoteInput | SourceEvent)[] = [
      { id: 'a', text: 'one' },
      { type: 'error', id: 'b', error: new ClinoteError('CLINOTE_E_INPUT_MALFORMED_JSON', 'line 2') },
      { type: 'progress', bytes: 10 },
      { id: 'c', text: 'three' },
      {
        type: 'unreadable',
        id: 'd',
        path: 'd.txt',
        error: new ClinoteError('CLINOTE_E_INPUT_UNREADABLE', "cannot read 'd.txt'"),
      },
      { id: 'e', text: 'five' },
    ];
    const sink = memorySink();
    const stats = await runBatch(memorySource(events), sink, syncPipeline(), { chunkNotes: 2 });
    expect(ids(sink.records)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(stats).toMatchObject({ ok: 3, errors: 2, unreadable: 1, bytes: 10 });
    const d = sink.records[3]!;
    expect(d.type === 'error' && d.unreadable).toBe(true);
  });

  it('an asynchronous pipeline runs chunks with processMany, in order, failures in place', async () => {
    const pipeline = await loadPipeline({ config: config('slow-fail-on'), registry: registry() });
    expect(pipeline.async).toBe(true);
    const sink = memorySink();
    const calls: number[] = [];
    const stats = await runBatch(memorySource(notes(40, [5])), sink, pipeline, {
      chunkNotes: 8,
      hooks: {
        onComponent: (name, _ms, _outcome, n) => {
          if (name === 'normalize') calls.push(n);
        },
      },
    });
    expect(ids(sink.records)).toEqual(notes(40).map((n) => n.id));
    expect(stats).toMatchObject({ ok: 39, errors: 1 });
    expect(calls.reduce((a, b) => a + b, 0)).toBe(40);
  });

  it('abort: reading stops, the notes read are written once each, the sink is closed', async () => {
    const controller = new AbortController();
    const sink = memorySink();
    const input = notes(100);
    const stats = await runBatch(memorySource(input), sink, syncPipeline(), {
      signal: controller.signal,
      onRecord: (_r, s) => {
        if (s.notes === 30) controller.abort();
      },
    });
    expect(stats.interrupted).toBe(true);
    expect(sink.closed).toBe(true);
    const got = ids(sink.records);
    expect(got.length).toBeGreaterThanOrEqual(30);
    expect(got.length).toBeLessThan(100);
    // a prefix of the input: nothing lost before it, nothing twice
    expect(got).toEqual(input.slice(0, got.length).map((n) => n.id));
    expect(sink.summary?.notes).toBe(got.length);
  });

  it('a sink failure aborts the sink and rejects', async () => {
    const sink = memorySink();
    const failing = {
      ...sink,
      write: () => {
        throw new Error('disk full');
      },
    };
    await expect(runBatch(memorySource(notes(3)), failing, syncPipeline())).rejects.toThrow('disk full');
    expect(sink.failure).toBeInstanceOf(Error);
  });
});

/** Collects what an OutputSink writes. */
function collector(): { out: OutputSink; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { out: new OutputSink(stream, 'test', false), text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('formatSink', () => {
  /** The records as made here, and as a worker sends them: the UTF-8 bytes of their JSON. */
  async function both(format: string): Promise<{ objects: string; bytes: string }> {
    const pipeline = syncPipeline();
    const input = [...notes(5, [2]), { id: 'ü', text: 'Ünïcödé “quotes” 😀 FAIL' }, { id: 'z', text: '😀' }];
    const sink = memorySink();
    await runBatch(memorySource(input), sink, pipeline, { records: { format } });
    const asBytes = (r: BatchRecord): BatchRecord => ({
      ...r,
      body: RecordBody.fromBytes(new TextEncoder().encode(r.body.json)),
    });
    const write = async (records: readonly BatchRecord[]): Promise<string> => {
      const c = collector();
      const s = formatSink(getFormat(format)!, { single: false }, c.out);
      await s.open();
      for (const r of records) await s.write(r);
      await s.close(sink.summary!);
      return c.text();
    };
    return { objects: await write(sink.records), bytes: await write(sink.records.map(asBytes)) };
  }

  for (const format of ['json', 'ndjson', 'fhir']) {
    it(`${format}: records given as JSON bytes write the same bytes as records given as objects`, async () => {
      const { objects, bytes } = await both(format);
      expect(objects.length).toBeGreaterThan(100);
      expect(bytes).toBe(objects);
    });
  }

  it('json: the batch document parses, errors after the results, with the summary', async () => {
    const { bytes } = await both('json');
    const doc = JSON.parse(bytes) as { results: unknown[]; errors: unknown[]; summary: { notes: number } };
    expect(doc.results).toHaveLength(5);
    expect(doc.errors).toHaveLength(2);
    expect(doc.summary.notes).toBe(7);
  });
});

describe('RecordBody', () => {
  it('gives the value, the JSON and the bytes of whichever it was made from', () => {
    const value = { a: 'é', b: [1, 2] };
    const json = JSON.stringify(value);
    const fromBytes = RecordBody.fromBytes(new TextEncoder().encode(json));
    expect(fromBytes.serialized).toBe(true);
    expect(fromBytes.json).toBe(json);
    expect(fromBytes.value).toEqual(value);
    const fromValue = RecordBody.of(value);
    expect(fromValue.serialized).toBe(false);
    expect(fromValue.bytes).toBeUndefined();
    expect(fromValue.json).toBe(json);
    expect(RecordBody.fromJson(json).value).toEqual(value);
  });
});

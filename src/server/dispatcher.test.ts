import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchRecord } from '../batch/records.js';
import { loadPipeline } from '../engine.js';
import type { NoteInput, Pipeline } from '../pipeline/pipeline.js';
import { type ClinoteServer, createServer } from './app.js';
import { parseServerConfig } from './config.js';
import { Dispatcher, type Engine, Overloaded } from './dispatcher.js';
import { localEngine } from './engines.js';

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await loadPipeline({ config: { name: 'tiny', components: [{ name: 'normalize' }] } });
});

/** An engine whose batches wait for `release()`; records what it was given. */
function gatedEngine(threads = 1) {
  const batches: NoteInput[][] = [];
  const timeouts: (number | undefined)[] = [];
  let gates: (() => void)[] = [];
  const inner = localEngine(pipeline);
  const engine: Engine = {
    pipeline,
    threads,
    async run(notes, records, hooks, options) {
      batches.push([...notes]);
      timeouts.push(options?.timeoutMs);
      await new Promise<void>((r) => gates.push(r));
      return inner.run(notes, records, hooks, options);
    },
    async close() {},
  };
  return {
    engine,
    batches,
    timeouts,
    release() {
      const g = gates;
      gates = [];
      for (const f of g) f();
    },
  };
}

const note = (id: string): NoteInput => ({ id, text: `BP 120/80 ${id}.` });
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Dispatcher', () => {
  it('sends a job at once when a thread is free (no added delay by default)', async () => {
    const g = gatedEngine();
    const d = new Dispatcher(g.engine, { maxBatchNotes: 4, maxDelayMs: 0, maxQueuedNotes: 100 });
    const p = d.submit([note('a')], {}, Date.now() + 10_000);
    expect(g.batches.map((b) => b.length)).toEqual([1]);
    g.release();
    const [r] = await p;
    expect(r?.type).toBe('result');
    expect(r?.id).toBe('a');
  });

  it('gathers the jobs that arrive while the threads are busy into micro-batches, records back to their jobs', async () => {
    const g = gatedEngine();
    const sizes: number[] = [];
    const d = new Dispatcher(g.engine, {
      maxBatchNotes: 3,
      maxDelayMs: 0,
      maxQueuedNotes: 100,
      onBatch: (n) => sizes.push(n),
    });
    const first = d.submit([note('a')], {}, Date.now() + 10_000);
    const rest = ['b', 'c', 'd', 'e', 'f'].map((id) => d.submit([note(id)], {}, Date.now() + 10_000));
    expect(d.queuedNotes).toBe(5);
    for (let i = 0; i < 3; i++) {
      g.release();
      await tick();
    }
    const out = await Promise.all([first, ...rest]);
    expect(out.map((r) => r.map((x: BatchRecord) => x.id))).toEqual([
      ['a'],
      ['b'],
      ['c'],
      ['d'],
      ['e'],
      ['f'],
    ]);
    expect(sizes).toEqual([1, 3, 2]);
    await d.idle();
  });

  it('waits up to maxDelayMs to fill a batch', async () => {
    const g = gatedEngine();
    const d = new Dispatcher(g.engine, { maxBatchNotes: 3, maxDelayMs: 30, maxQueuedNotes: 100 });
    const a = d.submit([note('a')], {}, Date.now() + 10_000);
    const b = d.submit([note('b')], {}, Date.now() + 10_000);
    expect(g.batches.length).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(g.batches.map((x) => x.length)).toEqual([2]);
    g.release();
    await Promise.all([a, b]);
  });

  it('refuses at once when the queue is full (Overloaded, 503), unless forced', async () => {
    const g = gatedEngine();
    const d = new Dispatcher(g.engine, { maxBatchNotes: 2, maxDelayMs: 0, maxQueuedNotes: 3 });
    const running = d.submit([note('a')], {}, Date.now() + 10_000);
    const queued = d.submit([note('b'), note('c'), note('d')], {}, Date.now() + 10_000);
    expect(() => d.submit([note('e')], {}, Date.now() + 10_000)).toThrow(Overloaded);
    const forced = d.submit([note('f')], {}, Date.now() + 10_000, true);
    for (let i = 0; i < 4; i++) {
      g.release();
      await tick();
    }
    expect((await Promise.all([running, queued, forced])).flat().length).toBe(5);
  });

  it('passes the remaining deadline to the engine; a job past its deadline in the queue fails without running', async () => {
    const g = gatedEngine();
    const d = new Dispatcher(g.engine, { maxBatchNotes: 2, maxDelayMs: 0, maxQueuedNotes: 10 });
    const a = d.submit([note('a')], {}, Date.now() + 5_000);
    expect(g.timeouts[0]).toBeGreaterThan(4_000);
    const late = d.submit([note('late')], {}, Date.now() + 1);
    await new Promise((r) => setTimeout(r, 10));
    g.release();
    await a;
    const [r] = await late;
    expect(r?.type).toBe('error');
    expect(r?.type === 'error' && r.code).toBe('CLINOTE_E_PIPELINE_DEADLINE');
    expect(g.batches.length).toBe(1);
  });
});

describe('shedding over HTTP', () => {
  let server: ClinoteServer;
  let g: ReturnType<typeof gatedEngine>;
  const logs: string[] = [];
  beforeAll(async () => {
    g = gatedEngine();
    const config = parseServerConfig({
      auth: { required: false },
      limits: { maxQueuedNotes: 2, maxEventLoopDelayMs: 0 },
      pipelines: { default: { name: 'tiny', components: [{ name: 'normalize' }] } },
    });
    server = await createServer(config, {
      engines: new Map([['default', g.engine]]),
      logStream: { write: (l: string) => logs.push(l) },
      processMetrics: false,
    });
  });
  afterAll(async () => {
    g.release();
    await server.shutdown();
  });

  it('503 + Retry-After at once when the queue is full; the others are served', async () => {
    const send = (id: string) =>
      server.app.inject({ method: 'POST', url: '/v1/extract', payload: { id, text: 'BP 120/80.' } });
    const busy = [send('a'), send('b'), send('c')];
    await tick();
    const shed = await send('d');
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(shed.json().code).toBe('CLINOTE_E_SERVER_OVERLOADED');
    expect(shed.headers['retry-after']).toBe('1');
    for (let i = 0; i < 3; i++) {
      g.release();
      await tick();
    }
    expect((await Promise.all(busy)).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const m = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(m.body).toMatch(/clinote_shed_total\{reason="queue"\} 1/);
  });

  it('shutdown: readiness goes false first, in-flight requests drain, then it closes', async () => {
    const inflight = server.app.inject({
      method: 'POST',
      url: '/v1/extract',
      payload: { id: 'x', text: 'BP 120/80.' },
    });
    await tick();
    const stopping = server.shutdown();
    expect(server.state.ready).toBe(false);
    const ready = await server.app.inject({ method: 'GET', url: '/v2/health/ready' }).catch(() => undefined);
    if (ready) expect(ready.statusCode).toBe(503);
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await tick();
    expect(stopped).toBe(false);
    g.release();
    expect((await inflight).statusCode).toBe(200);
    await stopping;
    expect(stopped).toBe(true);
  });
});

describe('shedding under pressure', () => {
  it('sheds API requests (not health checks) with 503 + Retry-After while the event loop lags', async () => {
    const config = parseServerConfig({
      auth: { required: false },
      limits: { maxEventLoopDelayMs: 1, retryAfterSeconds: 2 },
      pipelines: { default: { name: 'tiny', components: [{ name: 'normalize' }] } },
    });
    const server = await createServer(config, {
      engines: new Map([['default', localEngine(pipeline)]]),
      logStream: false,
      processMetrics: false,
    });
    try {
      // block the event loop in slices for longer than under-pressure's sample interval (1 s)
      const end = Date.now() + 1600;
      while (Date.now() < end) {
        const t = Date.now() + 150;
        while (Date.now() < t) {}
        await new Promise((r) => setImmediate(r));
      }
      const r = await server.app.inject({
        method: 'POST',
        url: '/v1/extract',
        payload: { text: 'BP 120/80.' },
      });
      expect(r.statusCode).toBe(503);
      expect(r.json().code).toBe('CLINOTE_E_SERVER_OVERLOADED');
      expect(r.headers['retry-after']).toBe('2');
      expect((await server.app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode).toBe(200);
    } finally {
      await server.shutdown();
    }
  }, 20_000);
});

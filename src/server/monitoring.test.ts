/**
 * Live monitoring through a real server on a real port, with the pipeline on a worker thread (the
 * observation is made there, beside the record): windows closed by hand (a machine under load
 * cannot keep to a 1-s window), a reference window of example notes, then a window of the same
 * notes (quiet) and one of notes of another shape (an alert in the store, the log, `/metrics` and
 * a webhook). No note text reaches a profile, an alert, the
 * webhook or the log (a canary string).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../resources.js';
import { type OpenedStore, openStore } from '../store/index.js';
import { sqliteTestBackend, type TestBackend } from '../store/testing.js';
import { parseServerConfig } from './config.js';
import { type RunningServer, startServer } from './start.js';

const CANARY = 'ZZCANARY-MONITOR-9043';
const dir = join(packageRoot(), 'examples', 'notes');
const NOTES = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));
/** Notes of another template: no headers, digits, upper case, short. */
const OTHER = Array.from(
  { length: 12 },
  (_, i) =>
    `PT ${1000 + i} SEEN ${CANARY} BP 120/80 HR 72 T 36.${i} RR 16 SPO2 98 WT ${60 + i} KG ${i}${i}${i}`,
);

let backend: TestBackend;
let store: OpenedStore;
let running: RunningServer;
let hook: Server;
const hooked: string[] = [];
const logs: string[] = [];

beforeAll(async () => {
  backend = await sqliteTestBackend();
  store = await openStore({ url: backend.url });
  hook = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooked.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const config = {
    ...parseServerConfig({
      threads: 1,
      auth: { required: false },
      limits: { maxEventLoopDelayMs: 0 },
      monitoring: {
        windowSeconds: 3600,
        webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/drift`,
        drift: { minNotes: 20, minObservations: 10 },
      },
    }),
    port: 0,
  };
  running = await startServer(config, {
    store,
    logStream: { write: (l: string) => logs.push(l) },
    notice: () => {},
  });
}, 120_000);

afterAll(async () => {
  await running?.stop();
  await store?.close();
  await backend?.dispose();
  await new Promise((r) => hook?.close(r));
});

/** Sends the notes (one request each), `repeat` times. */
async function send(texts: readonly string[], repeat: number): Promise<void> {
  for (let k = 0; k < repeat; k++)
    await Promise.all(
      texts.map((text, i) =>
        fetch(`${running.url}/v1/extract`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: `n${k}-${i}`, text: `${text}\n${CANARY}` }),
        }).then(async (r) => {
          await r.arrayBuffer();
          expect(r.status).toBe(200);
        }),
      ),
    );
}

/** Closes the window (stored, compared, alerted) as its boundary would. */
const closed = () => running.server.monitor?.rollover();

describe('live monitoring', () => {
  it('profiles every served note on the worker thread; drift only when the shape changes', async () => {
    await send(NOTES, 3); // the reference
    const current = await fetch(`${running.url}/v1/monitoring/current`);
    const profiles = (
      (await current.json()) as {
        profiles: { count: number; key: { deployment: string }; numeric: Record<string, { n: number }> }[];
      }
    ).profiles;
    expect(profiles.map((p) => p.count)).toEqual([NOTES.length * 3]);
    // the features from the worker thread's part, the latency from the main thread: every note once
    expect(profiles[0]?.numeric['input.length_chars']?.n).toBe(NOTES.length * 3);
    expect(profiles[0]?.numeric['ops.latency_ms']?.n).toBe(NOTES.length * 3);
    expect(profiles[0]?.key.deployment).toBe('default');
    await closed();
    await send(NOTES, 3); // the same shape: quiet
    await closed();
    let alerts = (await (await fetch(`${running.url}/v1/monitoring/alerts?limit=20`)).json()) as {
      alerts: unknown[];
    };
    expect(alerts.alerts).toEqual([]);
    await send(OTHER, 3); // another template
    await closed();
    alerts = (await (await fetch(`${running.url}/v1/monitoring/alerts`)).json()) as { alerts: unknown[] };
    expect(alerts.alerts).toHaveLength(1);
    const [alert] = alerts.alerts as { drifted: string[]; share: number; key: { tenant: string } }[];
    expect(alert?.drifted).toEqual(expect.arrayContaining(['input.length_chars']));
    expect(alert?.key.tenant).toBe('anonymous');
    expect(hooked).toHaveLength(1);
    expect(JSON.parse(hooked[0] as string)).toMatchObject({ type: 'clinote.drift', drifted: alert?.drifted });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/clinote_drift_alerts_total\{deployment="default"\} 1/);
    expect(metrics).toMatch(/clinote_monitor_notes_total\{deployment="default",outcome="ok"\} \d+/);
    expect(logs.some((l) => l.includes('CLINOTE_W_MONITOR_DRIFT'))).toBe(true);

    const rows = await store.db.selectFrom('monitor_profile').select(['profile', 'notes']).execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const stored = await store.db.selectFrom('monitor_alert').select('report').execute();
    for (const text of [...rows.map((r) => r.profile), ...stored.map((r) => r.report), ...hooked, ...logs])
      expect(text).not.toContain(CANARY);
  }, 60_000);
});

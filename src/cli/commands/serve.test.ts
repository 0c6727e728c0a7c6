import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { collector } from '../testing.js';

const dir = mkdtempSync(join(tmpdir(), 'clinote-serve-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('clinote serve', () => {
  it('refuses a config with an unknown key, naming it', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ auth: { required: false }, limits: { maxBodyByte: 1 } }));
    const err = collector();
    const code = await runCli(['serve', '--config', path], {
      stdout: collector().stream,
      stderr: err.stream,
      stdin: Readable.from([]),
      env: {},
    });
    expect(code).not.toBe(0);
    expect(err.text()).toMatch(/CLINOTE_E_SERVER_CONFIG_INVALID.*limits\.maxBodyByte: unknown key/);
  });

  it('serves until its signal aborts: readiness off, drain, exit 0', async () => {
    const path = join(dir, 'server.json');
    writeFileSync(
      path,
      JSON.stringify({
        auth: { required: false },
        pipelines: { tiny: { name: 'tiny', components: [{ name: 'normalize' }] } },
      }),
    );
    const controller = new AbortController();
    let url: string | undefined;
    let listening!: () => void;
    const ready = new Promise<void>((r) => {
      listening = r;
    });
    const err = collector((text) => {
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m && !url) {
        url = m[1];
        listening();
      }
    });
    const out = collector();
    const done = runCli(['serve', '--config', path, '--port', '0', '--threads', '0'], {
      stdout: out.stream,
      stderr: err.stream,
      stdin: Readable.from([]),
      env: {},
      signal: controller.signal,
    });
    await ready;
    const r = await fetch(`${url}/v1/extract`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'Denies fever.',
    });
    expect(r.status).toBe(200);
    controller.abort();
    expect(await done).toBe(0);
    expect(err.text()).toMatch(/auth is OFF/);
    expect(err.text()).toMatch(/stopped/);
    expect(out.text()).toMatch(/"route":"\/v1\/extract"/);
  }, 30_000);
});

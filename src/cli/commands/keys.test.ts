import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../store/index.js';
import { type CliRun, runCliForTest } from '../testing.js';

let dir: string;
let env: Record<string, string>;

const run = (argv: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> =>
  runCliForTest(argv, { env: { ...env, ...extraEnv } });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinote-keys-'));
  env = { CLINOTE_HOME: join(dir, 'data') };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('clinote keys', () => {
  it('creates a key in the default store and prints its secret once, on stdout only', async () => {
    const r = await run([
      'keys',
      'create',
      '--tenant',
      'acme',
      '--scopes',
      'extract,admin',
      '--rate-limit',
      '120',
      '--label',
      'portal',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const secret = r.stdout.trim();
    expect(secret).toMatch(/^cln_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).not.toContain(secret.slice(21));
    expect(r.stderr).toMatch(/key [0-9a-f]{16} created for tenant acme \(scopes extract,admin\)/);
    expect(existsSync(join(dir, 'data', 'clinote.db'))).toBe(true);
    const store = await openStore({ env });
    try {
      expect(await store.keys.authenticate(secret)).toMatchObject({
        tenant: 'acme',
        scopes: ['extract', 'admin'],
        rateLimitPerMinute: 120,
        label: 'portal',
      });
    } finally {
      await store.close();
    }
  });

  it('prints the key and its secret as JSON with --json', async () => {
    const r = await run(['keys', 'create', '--tenant', 'acme', '--scopes', 'extract', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { key: { id: string; scopes: string[] }; secret: string };
    expect(out.secret.startsWith(`cln_${out.key.id}_`)).toBe(true);
    expect(out.key.scopes).toEqual(['extract']);
  });

  it('refuses unknown scopes and a missing tenant as usage errors', async () => {
    const bad = await run(['keys', 'create', '--tenant', 'acme', '--scopes', 'extract,root']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('CLINOTE_E_CLI_USAGE');
    expect(bad.stderr).toContain('extract, admin');
    const none = await run(['keys', 'create', '--scopes', 'extract']);
    expect(none.code).toBe(64);
    const tenant = await run(['keys', 'create', '--tenant', 'a b', '--scopes', 'extract']);
    expect(tenant.code).toBe(1);
    expect(tenant.stderr).toContain('CLINOTE_E_STORE_BAD_KEY_INPUT');
  });

  it('lists keys (never secrets) and filters by tenant', async () => {
    const a = await run(['keys', 'create', '--tenant', 'acme', '--scopes', 'extract', '--json']);
    const b = await run(['keys', 'create', '--tenant', 'beta', '--scopes', 'admin', '--json']);
    const ida = (JSON.parse(a.stdout) as { key: { id: string } }).key.id;
    const idb = (JSON.parse(b.stdout) as { key: { id: string } }).key.id;
    const all = await run(['keys', 'list']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^id +tenant +scopes +created +revoked +rate\/min +label/);
    expect(all.stdout).toContain(ida);
    expect(all.stdout).toContain(idb);
    expect(all.stdout).not.toContain('cln_');
    const beta = await run(['keys', 'list', '--tenant', 'beta', '--json']);
    const list = JSON.parse(beta.stdout) as { id: string }[];
    expect(list.map((k) => k.id)).toEqual([idb]);
    expect(beta.stdout).not.toMatch(/hash|secret/);
    const nobody = await run(['keys', 'list', '--tenant', 'nobody']);
    expect(nobody.code).toBe(0);
    expect(nobody.stderr).toContain('no key');
  });

  it('revokes a key, and names an unknown id with its code', async () => {
    const a = await run(['keys', 'create', '--tenant', 'acme', '--scopes', 'extract', '--json']);
    const { key, secret } = JSON.parse(a.stdout) as { key: { id: string }; secret: string };
    const r = await run(['keys', 'revoke', key.id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`revoked ${key.id}\n`);
    const store = await openStore({ env });
    try {
      expect(await store.keys.authenticate(secret)).toBeUndefined();
    } finally {
      await store.close();
    }
    const list = JSON.parse((await run(['keys', 'list', '--json'])).stdout) as { revokedAt?: string }[];
    expect(list[0]!.revokedAt).toMatch(/^\d{4}-/);
    const unknown = await run(['keys', 'revoke', '0000000000000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('CLINOTE_E_STORE_KEY_NOT_FOUND');
  });

  it('uses --store, else $CLINOTE_STORE, else the default path; refuses an unknown scheme', async () => {
    const file = join(dir, 'explicit.db');
    const viaFlag = await run(['keys', 'create', '--tenant', 'acme', '--scopes', 'extract', '--store', file]);
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(join(dir, 'data', 'clinote.db'))).toBe(false);
    const envFile = join(dir, 'from-env.db');
    const viaEnv = await run(['keys', 'list', '--json'], { CLINOTE_STORE: envFile });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(JSON.parse(viaEnv.stdout)).toEqual([]);
    expect(existsSync(envFile)).toBe(true);
    const bad = await run(['keys', 'list', '--store', 'mysql://root:secretpw@db/x']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('CLINOTE_E_STORE_BAD_URL');
    expect(bad.stderr).not.toContain('secretpw');
    const down = await run(['keys', 'list', '--store', 'postgres://u:secretpw@127.0.0.1:1/x']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('CLINOTE_E_STORE_UNREACHABLE');
    expect(down.stderr).not.toContain('secretpw');
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, checkAuditEntry, GENESIS_HASH, recordHash } from './chain.js';
import { defaultStorePath, redactUrl, resolveStoreLocation } from './location.js';
import type { AuditEntry } from './types.js';

const ENTRY: AuditEntry = {
  tenant: 'acme',
  status: 200,
  route: '/v1/extract',
  requestId: 'r1',
  notes: 2,
  method: 'POST',
  at: '2026-01-01T00:00:00.000Z',
  ms: 1.5,
};

describe('audit chain', () => {
  it('writes canonical JSON: fields sorted, no spaces, absent fields left out', () => {
    expect(canonicalJson(ENTRY)).toBe(
      '{"at":"2026-01-01T00:00:00.000Z","method":"POST","ms":1.5,"notes":2,"requestId":"r1","route":"/v1/extract","status":200,"tenant":"acme"}',
    );
    expect(canonicalJson({ ...ENTRY, keyId: undefined } as unknown as AuditEntry)).toBe(canonicalJson(ENTRY));
  });

  it('hashes prevHash + seq + canonical JSON (a pinned vector: changing it breaks every stored log)', () => {
    const expected = createHash('sha256')
      .update(`${GENESIS_HASH}1${canonicalJson(ENTRY)}`)
      .digest('hex');
    expect(recordHash(GENESIS_HASH, 1, ENTRY)).toBe(expected);
    expect(expected).toBe('47bab3b60228ec1f3a6e2ed9862e55211a66124d215092214f7575bbd58881e1');
    expect(recordHash(GENESIS_HASH, 2, ENTRY)).not.toBe(expected);
    expect(recordHash(expected, 1, ENTRY)).not.toBe(expected);
  });

  it('accepts exactly the entry fields, and names a bad field without its value', () => {
    expect(checkAuditEntry({ ...ENTRY, keyId: undefined })).toEqual(ENTRY);
    expect(() => checkAuditEntry({ ...ENTRY, text: 'chest pain' })).toThrow(/"text" is not a field/);
    expect(() => checkAuditEntry({ ...ENTRY, text: 'chest pain' })).not.toThrow(/chest pain/);
    expect(() => checkAuditEntry({ ...ENTRY, 'weird key with spaces': 1 })).toThrow(/a field is not a field/);
    expect(() => checkAuditEntry({ ...ENTRY, [Symbol('s')]: 1 })).toThrow(/a symbol key/);
    expect(() => checkAuditEntry(Object.assign(Object.create({ text: 'x' }), ENTRY))).toThrow(/plain object/);
    expect(() => checkAuditEntry({ ...ENTRY, ms: Number.NaN })).toThrow(/"ms"/);
    expect(() => checkAuditEntry({ ...ENTRY, method: 'post' })).toThrow(/"method"/);
    expect(() => checkAuditEntry({ ...ENTRY, at: '2026-13-45T99:99:99Z' })).toThrow(/"at"/);
  });
});

describe('store location', () => {
  it('defaults to the data folder', () => {
    expect(defaultStorePath({ CLINOTE_HOME: '/d' })).toBe('/d/clinote.db');
    expect(defaultStorePath({ XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/x/clinote/clinote.db');
    expect(defaultStorePath({ XDG_DATA_HOME: 'relative', HOME: '/h' })).toBe(
      '/h/.local/share/clinote/clinote.db',
    );
    expect(defaultStorePath({ HOME: '/h' })).toBe('/h/.local/share/clinote/clinote.db');
  });

  it('reads paths and URLs', () => {
    expect(resolveStoreLocation(undefined, { HOME: '/h' })).toEqual({
      kind: 'sqlite',
      path: '/h/.local/share/clinote/clinote.db',
    });
    expect(resolveStoreLocation('/a/b.db', {})).toEqual({ kind: 'sqlite', path: '/a/b.db' });
    expect(resolveStoreLocation('sqlite:///a/b.db', {})).toEqual({ kind: 'sqlite', path: '/a/b.db' });
    expect(resolveStoreLocation(':memory:', {})).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(resolveStoreLocation('postgres://u@h/db', {})).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
    expect(resolveStoreLocation('POSTGRESQL://u@h/db', {}).kind).toBe('postgres');
    expect(() => resolveStoreLocation('mysql://u:p@h/db', {})).toThrow(/not supported/);
  });

  it('never prints a password', () => {
    expect(redactUrl('postgres://u:hunter2@h:5432/db?password=hunter2')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('postgres://u:hunter2@h:5432/db')).not.toContain('hunter2');
  });
});

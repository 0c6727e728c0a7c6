import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandFiles } from './vocab.js';

describe('vocab build: several files and globs', () => {
  it('expands a quoted glob in name order; keeps plain paths and globs that match nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clinote-vocab-'));
    for (const f of ['b.tsv', 'a.tsv', 'c.csv', '.hidden.tsv']) writeFileSync(join(dir, f), 'x');
    expect(expandFiles([join(dir, '*.tsv')])).toEqual([join(dir, 'a.tsv'), join(dir, 'b.tsv')]);
    expect(expandFiles([join(dir, '?.csv'), 'plain.obo'])).toEqual([join(dir, 'c.csv'), 'plain.obo']);
    expect(expandFiles([join(dir, '*.obo')])).toEqual([join(dir, '*.obo')]);
  });
});

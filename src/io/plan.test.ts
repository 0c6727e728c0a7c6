import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatOfPath, isSingleNoteInput, type PlanItem, planInputs } from './plan.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'clinote-plan-'));
  const files = [
    'b.txt',
    'a.TXT',
    'B2.txt',
    'sub/z.ndjson',
    'sub/y.csv',
    'sub/x.jsonl',
    '.hidden/h.txt',
    '.h.txt',
    'x.pdf',
    'noext',
  ];
  for (const f of files) {
    await mkdir(join(root, f, '..'), { recursive: true });
    await writeFile(join(root, f), 'x');
  }
  await symlink(join(root, 'missing.txt'), join(root, 'dangling.txt'));
  await symlink(join(root, 'missing.pdf'), join(root, 'dangling.pdf'));
  await symlink(root, join(root, 'sub', 'loop')); // a cycle
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const ids = (items: PlanItem[]): string[] => items.map((i) => `${i.kind}:${i.id}`);

describe('planInputs', () => {
  it('walks directories in code-unit order, skips hidden entries, counts unsupported files', async () => {
    const plan = await planInputs([root], { stdinFormat: 'text' });
    expect(ids(plan.items)).toEqual([
      'file:B2.txt',
      'file:a.TXT',
      'file:b.txt',
      'failed:dangling.txt',
      'file:sub/x.jsonl',
      'file:sub/y.csv',
      'file:sub/z.ndjson',
    ]);
    expect(plan.skipped).toBe(3); // x.pdf, noext, dangling.pdf
    expect(plan.totalBytes).toBe(6);
    expect(plan.directories).toBe(1);
    const failed = plan.items[3]!;
    expect(failed.kind === 'failed' && failed.error.code).toBe('CLINOTE_E_INPUT_UNREADABLE');
  });

  it('named files keep the path as given; missing ones fail; - is stdin', async () => {
    const plan = await planInputs([join(root, 'b.txt'), join(root, 'nope.txt'), '-', join(root, 'x.pdf')], {
      stdinFormat: 'ndjson',
    });
    expect(plan.items.map((i) => i.kind)).toEqual(['file', 'failed', 'stdin', 'failed']);
    expect(plan.items[0]!.id).toBe(join(root, 'b.txt'));
    expect(plan.items[2]).toEqual({ kind: 'stdin', id: 'stdin', format: 'ndjson' });
    const unsupported = plan.items[3]!;
    expect(unsupported.kind === 'failed' && unsupported.error.code).toBe('CLINOTE_E_INPUT_UNSUPPORTED');
    expect(plan.stdin).toBe(true);
  });

  it('single-note input depends on the command line only', async () => {
    const single = async (args: string[], stdinFormat: 'text' | 'ndjson' = 'text'): Promise<boolean> =>
      isSingleNoteInput(await planInputs(args, { stdinFormat }), args);
    expect(await single([join(root, 'b.txt')])).toBe(true);
    expect(await single([join(root, 'nope.txt')])).toBe(true);
    expect(await single(['-'])).toBe(true);
    expect(await single(['-'], 'ndjson')).toBe(false);
    expect(await single([join(root, 'sub')])).toBe(false);
    expect(await single([join(root, 'sub', 'y.csv')])).toBe(false);
    expect(await single([join(root, 'b.txt'), join(root, 'a.TXT')])).toBe(false);
  });

  it('formatOfPath', () => {
    expect(formatOfPath('a/b.TXT')).toBe('text');
    expect(formatOfPath('x.jsonl')).toBe('ndjson');
    expect(formatOfPath('x.csv')).toBe('csv');
    expect(formatOfPath('x.json')).toBeNull();
  });
});

/**
 * Expand the inputs of `clinote extract` (files, directories, `-`) into an ordered, deterministic
 * list of things to read. Directories are walked recursively in code-unit order of names; hidden
 * entries (`.name`) are ignored; files with other extensions are skipped and counted; paths that
 * cannot be read become `unreadable` items (the batch goes on).
 */

import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, normalize, relative, sep } from 'node:path';
import { ClinoteError, errorReason } from '../errors/error.js';

export type InputFormat = 'text' | 'ndjson' | 'csv';

export const INPUT_FORMATS: readonly InputFormat[] = ['text', 'ndjson', 'csv'];

const EXTENSIONS: Readonly<Record<string, InputFormat>> = {
  '.txt': 'text',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.csv': 'csv',
};

/** The input format of a file from its extension (case-insensitive), or null. */
export function formatOfPath(path: string): InputFormat | null {
  return EXTENSIONS[extname(path).toLowerCase()] ?? null;
}

export type PlanItem =
  | {
      readonly kind: 'file';
      readonly path: string;
      /** The note id (text files) or the prefix of line/row ids (NDJSON, CSV). */
      readonly id: string;
      readonly format: InputFormat;
      readonly size: number;
    }
  | { readonly kind: 'stdin'; readonly id: string; readonly format: InputFormat }
  /** A file or directory that cannot be read, or a named file of an unsupported type. */
  | { readonly kind: 'failed'; readonly path: string; readonly id: string; readonly error: ClinoteError };

export interface Plan {
  readonly items: PlanItem[];
  /** Files inside directories skipped for their extension or type. */
  readonly skipped: number;
  /** Sum of the file sizes (for progress). */
  readonly totalBytes: number;
  /** True when stdin is among the inputs (its size is unknown). */
  readonly stdin: boolean;
  /** How many arguments were directories. */
  readonly directories: number;
}

export interface PlanOptions {
  readonly stdinFormat: InputFormat;
}

export const STDIN_ID = 'stdin';

/** Ids use forward slashes on every platform. */
const toId = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));

export function unreadable(path: string, id: string, e: unknown): ClinoteError {
  const reason = errorReason(e);
  return new ClinoteError(
    'CLINOTE_E_INPUT_UNREADABLE',
    `cannot read '${path}': ${reason}`,
    { path, id, reason },
    { cause: e },
  );
}

export async function planInputs(args: readonly string[], options: PlanOptions): Promise<Plan> {
  const items: PlanItem[] = [];
  let skipped = 0;
  let totalBytes = 0;
  let stdin = false;
  let directories = 0;

  const walk = async (dir: string, root: string, seen: Set<string>): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      const id = toId(relative(root, dir)) || toId(normalize(dir));
      items.push({ kind: 'failed', path: dir, id, error: unreadable(dir, id, e) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      const id = toId(relative(root, full));
      let st: Stats;
      try {
        st = await stat(full); // follows links: a dangling link is unreadable
      } catch (e) {
        // a file we would skip anyway is not worth a failure (e.g. a dangling `notes.pdf` link)
        if (formatOfPath(entry.name) === null && !entry.isDirectory()) skipped++;
        else items.push({ kind: 'failed', path: full, id, error: unreadable(full, id, e) });
        continue;
      }
      if (st.isDirectory()) {
        let real: string;
        try {
          real = await realpath(full);
        } catch (e) {
          items.push({ kind: 'failed', path: full, id, error: unreadable(full, id, e) });
          continue;
        }
        if (seen.has(real)) continue; // a link back up the tree
        seen.add(real);
        await walk(full, root, seen);
        seen.delete(real);
        continue;
      }
      const format = formatOfPath(entry.name);
      if (!st.isFile() || format === null) {
        skipped++;
        continue;
      }
      items.push({ kind: 'file', path: full, id, format, size: st.size });
      totalBytes += st.size;
    }
  };

  for (const arg of args) {
    if (arg === '-') {
      stdin = true;
      items.push({ kind: 'stdin', id: STDIN_ID, format: options.stdinFormat });
      continue;
    }
    const id = toId(normalize(arg));
    let st: Stats;
    try {
      st = await stat(arg);
    } catch (e) {
      items.push({ kind: 'failed', path: arg, id, error: unreadable(arg, id, e) });
      continue;
    }
    if (st.isDirectory()) {
      directories++;
      const seen = new Set<string>();
      try {
        seen.add(await realpath(arg));
      } catch {
        // walk reports it
      }
      await walk(arg, arg, seen);
      continue;
    }
    const format = formatOfPath(arg);
    if (format === null) {
      items.push({
        kind: 'failed',
        path: arg,
        id,
        error: new ClinoteError(
          'CLINOTE_E_INPUT_UNSUPPORTED',
          `'${arg}': unsupported input type (extract reads .txt, .ndjson, .jsonl, .csv and directories)`,
          { path: arg, id },
        ),
      });
      continue;
    }
    items.push({ kind: 'file', path: arg, id, format, size: st.size });
    totalBytes += st.size;
  }
  return { items, skipped, totalBytes, stdin, directories };
}

/**
 * True when the input is one note by nature: one argument, a `.txt` file (not a directory), or `-`
 * read as text. The `json` format then writes the bare result instead of the batch document. This
 * depends on the command line only, never on how many notes a file turns out to hold.
 */
export function isSingleNoteInput(plan: Plan, args: readonly string[]): boolean {
  if (args.length !== 1 || plan.directories > 0) return false;
  const arg = args[0]!;
  if (arg === '-') return plan.items[0]?.kind === 'stdin' && plan.items[0].format === 'text';
  return formatOfPath(arg) === 'text';
}

/**
 * Where the shared public data lives (gold corpora, official vocabularies). It is never copied into
 * the repository: tests, benchmarks and evaluations read it by path and skip when it is absent.
 *
 * CLINOTE_DATA_DIR overrides the default, `../shared/data` beside the repository.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from './resources.js';

export function sharedDataDir(): string {
  return process.env.CLINOTE_DATA_DIR
    ? resolve(process.env.CLINOTE_DATA_DIR)
    : resolve(packageRoot(), '..', 'shared', 'data');
}

/** Absolute path of a file under the shared data dir, or null when it is absent. */
export function sharedDataPath(...parts: string[]): string | null {
  const p = join(sharedDataDir(), ...parts);
  return existsSync(p) ? p : null;
}

/** Message for a skipped test or benchmark. */
export function missingDataMessage(...parts: string[]): string {
  return `shared data not found: ${join(sharedDataDir(), ...parts)} (set CLINOTE_DATA_DIR); skipped`;
}

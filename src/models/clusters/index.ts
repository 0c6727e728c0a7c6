/**
 * Word classes (see build.ts): reading the committed classes file, and the lookup the sequence
 * labeller's features use (`clusterKey` of a token -> its class id at each level).
 */
import { ClinoteError } from '../../errors/error.js';
import { clusterKey } from './build.js';

export * from './build.js';

/** Word -> class ids by level (coarse to fine). */
export interface ClassLookup {
  readonly levels: number;
  get(word: string): Int32Array | undefined;
}

/** Parses a classes file (`# header`, then `word<TAB>id...` lines); `where` names it in errors. */
export function parseWordClasses(text: string, where: string): ClassLookup {
  const map = new Map<string, Int32Array>();
  let levels = -1;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split('\t');
    const ids = Int32Array.from(parts.slice(1), Number);
    if (levels < 0) levels = ids.length;
    if (ids.length !== levels || ids.length === 0 || ids.some((x) => !Number.isInteger(x) || x < 0)) {
      throw new ClinoteError('CLINOTE_E_MODEL_MANIFEST_INVALID', `${where}: malformed word-class line`, {
        path: where,
      });
    }
    map.set(parts[0] as string, ids);
  }
  const n = Math.max(levels, 0);
  return { levels: n, get: (word: string) => map.get(clusterKey(word)) };
}

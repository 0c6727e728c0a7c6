import type { ImportStats, SourceConcept } from '../../types.js';
import { newStats } from '../../types.js';
import type { Importer, ImportOptions } from '../types.js';

/** Run an importer to the end: its concepts and stats (for tests and small files). */
export async function collectConcepts(
  importer: Importer,
  path: string,
  options: ImportOptions = {},
  source = 'test',
): Promise<{ stats: ImportStats; concepts: SourceConcept[]; byId: Map<string, SourceConcept> }> {
  const stats = newStats(source);
  const concepts: SourceConcept[] = [];
  for await (const c of importer(path, stats, options)) concepts.push(c);
  return { stats, concepts, byId: new Map(concepts.map((c) => [c.id, c])) };
}

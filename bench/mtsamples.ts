/** What several benches share: the first notes of the MTSamples CSV, and the machine a run is on. */
import { cpus, loadavg } from 'node:os';
import { readPlanItems } from '../src/io/notes.js';
import { planInputs } from '../src/io/plan.js';

/** The first `count` non-empty transcriptions of the MTSamples CSV at `csv` (id and text only). */
export async function mtsamplesNotes(csv: string, count: number): Promise<{ id: string; text: string }[]> {
  const notes: { id: string; text: string }[] = [];
  const plan = await planInputs([csv], { stdinFormat: 'text' });
  for await (const e of readPlanItems(plan.items, [], {
    textField: 'transcription',
    idField: 'id',
    dateField: 'noteDate',
    maxNoteBytes: 1 << 20,
  })) {
    if (e.type !== 'note' || e.note.text.trim() === '') continue;
    notes.push({ id: e.note.id, text: e.note.text });
    if (notes.length >= count) break;
  }
  return notes;
}

/** Node, CPU, cores and the load averages now (a busy machine gives slower figures). */
export function machineInfo(): { node: string; cpu: string; cores: number; loadAverage: number[] } {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

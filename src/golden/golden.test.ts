/**
 * Golden files for whole notes: the default pipeline over a few example notes, compared with a
 * compact, reviewable projection kept in __golden__/. A change in any component shows up here as a
 * diff to read. Regenerate on purpose with `UPDATE_GOLDEN=1 npx vitest run src/golden`; a missing
 * file fails the suite (it is never written silently).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../doc/decode.js';
import { loadPipelineSync } from '../engine-sync.js';
import { toResult } from '../output/result.js';
import { packageRoot } from '../resources.js';

const NOTES = [
  'discharge-summary-01.txt',
  'clinic-followup-01.txt',
  'soap-progress-02.txt',
  'ed-note-01.txt',
  'history-physical-03.txt',
];
const DIR = join(packageRoot(), 'src', 'golden', '__golden__');
const pipeline = loadPipelineSync();

type Item = Record<string, unknown>;
const at = (i: Item) => `${i.start}-${i.end} ${JSON.stringify(i.text)}`;

/** Drop evidence and offsets-only noise from attribute objects so the golden stays readable. */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Item)
        .filter(([k]) => k !== 'evidence')
        .map(([k, v]) => [k, strip(v)]),
    );
  }
  return value;
}

function project(result: Item): Item {
  const out: Item = {
    id: result.id,
    flags: result.flags,
    sections: (result.sections as Item[]).map(
      (s) =>
        `${s.category}${s.parent !== undefined ? `<${s.parent}` : ''} ${JSON.stringify((s.header as Item | null)?.text ?? null)} @${s.start}`,
    ),
    sentences: (result.sentences as Item[]).map((s) => `${s.start}-${s.end} ${s.kind} §${s.section}`),
    concepts: (result.concepts as Item[]).map((c) => {
      const codes = (c.codes as Item[]).slice(0, 2).map((k) => `${k.system}:${k.code}`);
      const a = c.assertion as Item | undefined;
      const status = a ? ` [${(a.categories as string[]).join(',') || a.status}]` : '';
      return `${at(c)} ${c.type} ${codes.join(' ')}${status}`;
    }),
  };
  for (const [key, value] of Object.entries(result)) {
    if (key in out || key === 'pipeline' || key === 'text' || key === 'tokens') continue;
    out[key] = strip(value);
  }
  return out;
}

describe('golden whole-note results (default pipeline)', () => {
  for (const note of NOTES) {
    it(note, () => {
      const bytes = readFileSync(join(packageRoot(), 'examples', 'notes', note));
      const { text, flags } = decodeUtf8(bytes);
      const outcome = pipeline.processSync({ id: note, text, flags });
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      // with the text (--text): sections and sentences carry theirs only then
      const result = toResult(outcome.doc, pipeline, { text: true }) as unknown as Item;
      // every span of every layer reproduces the original text
      for (const layer of ['sections', 'sentences', 'concepts'] as const) {
        for (const s of result[layer] as Item[])
          expect(text.slice(s.start as number, s.end as number)).toBe(s.text);
      }
      const actual = `${JSON.stringify(project(result), null, 1)}\n`;
      const file = join(DIR, note.replace(/\.txt$/, '.json'));
      if (process.env.UPDATE_GOLDEN === '1') {
        mkdirSync(DIR, { recursive: true });
        writeFileSync(file, actual);
      }
      // a missing golden file fails: it is written only on purpose, with UPDATE_GOLDEN=1
      expect(existsSync(file), `${file} is missing: write it with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(actual).toBe(readFileSync(file, 'utf8'));
    });
  }
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../engine.js';
import { toFhirBundle } from '../output/fhir/bundle.js';
import { toResult } from '../output/result.js';
import type { Result } from '../output/schema.js';
import { packageRoot } from '../resources.js';
import { redactUrl } from './db.js';
import { docOfResult } from './export.js';
import { contentHash } from './submit.js';

const dir = join(packageRoot(), 'examples', 'notes');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .slice(0, 6);

describe('results export', () => {
  it('a FHIR Bundle made from the stored result and the note text equals the one made from the Doc', async () => {
    const pipeline = await loadPipeline();
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const out = pipeline.processSync({ id: f, text, meta: { noteDate: '2024-03-01' } });
      if (!out.ok) throw out.error;
      const stored = JSON.parse(JSON.stringify(toResult(out.doc, pipeline))) as Result;
      const rebuilt = docOfResult(stored, text, { noteDate: '2024-03-01' });
      expect(toFhirBundle(rebuilt, { stamp: stored.pipeline })).toEqual(toFhirBundle(out.doc, pipeline));
    }
  });
});

describe('submit', () => {
  it('hashes the text and the metadata: the same text with another note date is another note', () => {
    const a = contentHash({ id: 'x', text: 'pain' });
    expect(contentHash({ id: 'y', text: 'pain' })).toEqual(a);
    expect(contentHash({ id: 'x', text: 'pain', meta: { noteDate: '2024-01-01' } })).not.toEqual(a);
    expect(contentHash({ id: 'x', text: 'pain.' })).not.toEqual(a);
  });

  it('never prints a password', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
  });
});

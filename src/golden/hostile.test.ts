/**
 * Notes that once hung or mis-mapped the default pipeline (issue 18): each must finish (a hang fails
 * through the test timeout) and every span must reproduce the original text.
 */
import { describe, expect, it } from 'vitest';
import { textSpans } from '../doc/testing.js';
import { loadPipelineSync } from '../engine-sync.js';

const pipeline = loadPipelineSync();

describe('hostile notes', () => {
  it.each([
    ['a mark NFC expands at the start of a line before a lab name', '\n\u0f75WBC'],
    ['the same before a drug', ' \u0344metformin 500 mg'],
    ['an abbreviation followed by a combining mark', 'metformin 500 mg b.i.d\u0344'],
    ['several expanding marks before lab values', 'WBC 5.0\n\u0f73Hgb 12\n\u0f75Plt 200'],
  ])('%s: finishes, and its spans reproduce the text', (_why, text) => {
    const out = pipeline.processSync({ id: 'h', text });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    for (const layer of out.doc.layerNames()) {
      if (layer === 'normalized') continue;
      for (const s of textSpans(out.doc.get(layer))) {
        expect(text.slice(s.start as number, s.end as number), layer).toBe(s.text);
      }
    }
    const tokens = out.doc.get('tokens');
    for (let i = 1; i < tokens.length; i++) {
      expect((tokens[i] as { start: number }).start).toBeGreaterThanOrEqual(
        (tokens[i - 1] as { end: number }).end,
      );
    }
  });
});

import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../engine.js';
import { toResult } from '../output/result.js';
import { changeTemplate } from './controlled.js';

describe('the injected template change of the controlled tests', () => {
  it('renames every header to an unknown one and keeps the first third', async () => {
    // an invented note
    const text = [
      'CHIEF COMPLAINT: Knee pain.',
      'HISTORY OF PRESENT ILLNESS: Pain after a fall while hiking, worse on stairs.',
      'PHYSICAL EXAMINATION: Mild effusion of the right knee. Range of motion limited.',
      'PLAN: Ice, rest, follow up in two weeks.',
    ].join('\n');
    const pipeline = await loadPipeline();
    const out = pipeline.processSync({ id: 'n', text });
    if (!out.ok) throw out.error;
    const result = toResult(out.doc, pipeline);
    expect(result.sections.filter((s) => s.header !== null).length).toBe(4);

    const renamed = text
      .replace('CHIEF COMPLAINT', 'ZORBLAX NOTES')
      .replace('HISTORY OF PRESENT ILLNESS', 'QUENTARO PART')
      .replace('PHYSICAL EXAMINATION', 'VELMIQ BLOCK')
      .replace('PLAN:', 'DRAXOLIN ITEMS:');
    const changed = changeTemplate(text, result);
    expect(changed).toBe(renamed.slice(0, Math.ceil(renamed.length / 3)));
    const again = pipeline.processSync({ id: 'n2', text: changed });
    if (!again.ok) throw again.error;
    const cats = toResult(again.doc, pipeline)
      .sections.filter((s) => s.header !== null)
      .map((s) => s.category);
    expect(cats.length).toBeGreaterThan(0);
    expect(cats.every((c) => c === 'other')).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPipelineSync } from '../engine-sync.js';
import { Doc } from './doc.js';
import { NormalizedText } from './normalize.js';

const pipeline = loadPipelineSync();
// CRLF and a combining accent: the normalized view keeps a real offset map
const NOTE =
  'HPI:\r\nPatient denies chest pain. Cafe\u0301 worker with type 2 diabetes on metformin 500 mg PO BID.\r\nBP 120/80. Seen 03/02/2025.\r\n';

const processed = (): Doc => {
  const out = pipeline.processSync({ id: 'n1', text: NOTE, meta: { noteDate: '2025-03-04' } });
  if (!out.ok) throw out.error;
  return out.doc;
};

describe('Doc JSON round trip', () => {
  it('keeps every layer, the normalized view and its offset map', () => {
    const doc = processed();
    const view = doc.get('normalized');
    expect(view.isIdentityMap).toBe(false);
    const back = Doc.fromJSON(JSON.parse(JSON.stringify(doc)));
    expect(back.layerNames()).toEqual(doc.layerNames());
    expect(JSON.stringify(back)).toBe(JSON.stringify(doc));
    const v2 = back.get('normalized');
    expect(v2).toBeInstanceOf(NormalizedText);
    for (let i = 0; i <= view.text.length; i++) expect(v2.offsetToOriginal(i)).toBe(view.offsetToOriginal(i));
    expect(back.get('concepts')).toEqual(doc.get('concepts'));
  });

  it('survives a structured clone (worker threads) with its layers, revived by fromJSON', () => {
    const doc = processed();
    const clone = structuredClone(doc) as unknown;
    expect((clone as { layers: Map<string, unknown> }).layers.size).toBe(doc.layerNames().length);
    const back = Doc.fromJSON(clone);
    expect(JSON.stringify(back)).toBe(JSON.stringify(doc));
    expect(back.get('normalized').toOriginal(0, 4)).toEqual(doc.get('normalized').toOriginal(0, 4));
  });

  it('a revived Doc gives the same result as the original when processed again downstream', () => {
    const example = readFileSync(
      new URL('../../examples/notes/discharge-summary-01.txt', import.meta.url),
      'utf8',
    );
    const out = pipeline.processSync({ id: 'x', text: example });
    if (!out.ok) throw out.error;
    expect(JSON.stringify(Doc.fromJSON(out.doc.toJSON()))).toBe(JSON.stringify(out.doc));
  });

  it.each([
    ['not an object', 'text'],
    ['wrong format', { format: 'other', formatVersion: 1, id: 'a', text: 'x', layers: {} }],
    ['no text', { format: 'clinote-doc', formatVersion: 1, id: 'a', layers: {} }],
    [
      'bad map',
      {
        format: 'clinote-doc',
        formatVersion: 1,
        id: 'a',
        text: 'abc',
        layers: { normalized: { text: 'ab', starts: null, ends: null } },
      },
    ],
    ['no layers', { format: 'clinote-doc', formatVersion: 1, id: 'a', text: 'abc' }],
  ])('refuses %s with CLINOTE_E_DOC_INVALID', (_why, value) => {
    expect(() => Doc.fromJSON(value)).toThrowError(
      expect.objectContaining({ code: 'CLINOTE_E_DOC_INVALID' }),
    );
  });

  it('never puts note text in its error', () => {
    const canary = 'CANARY-PATIENT-NAME';
    try {
      Doc.fromJSON({
        format: 'clinote-doc',
        formatVersion: 1,
        id: 'a',
        text: canary,
        layers: { normalized: {} },
      });
    } catch (e) {
      expect(JSON.stringify(e)).not.toContain(canary);
      expect(String(e)).not.toContain(canary);
    }
  });
});

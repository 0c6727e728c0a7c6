import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRxnormRrf } from './rxnorm-rrf.js';
import { collectConcepts } from './util/collect.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('rxnorm-rrf importer', () => {
  it('keeps RXNORM IN/PIN/MIN/BN rows, one concept per RXCUI, and counts the rest by reason', async () => {
    const { stats, byId } = await collectConcepts(importRxnormRrf, fixture('RXNCONSO.RRF'));
    expect(stats).toMatchObject({
      read: 10,
      imported: 4,
      skippedReasons: { 'term-type': 2, source: 1, suppressed: 1, language: 1, malformed: 1 },
    });
    expect(byId.get('rxnorm:29046')).toMatchObject({
      type: 'medication',
      subtype: 'ingredient',
      preferred: 'lisinopril',
      codes: [{ system: 'rxnorm', code: '29046', display: 'lisinopril' }],
    });
    expect(byId.get('rxnorm:203644')).toMatchObject({
      subtype: 'brand',
      preferred: 'Zestril',
      terms: [{ text: 'Zestril', kind: 'preferred' }],
    });
    expect(byId.get('rxnorm:235743')!.subtype).toBe('precise-ingredient');
  });

  it('takes term types and sources from the options', async () => {
    const { byId } = await collectConcepts(importRxnormRrf, fixture('RXNCONSO.RRF'), {
      ttys: ['IN', 'SY', 'SU'],
      sabs: 'all',
    });
    expect(byId.get('rxnorm:29046')!.terms.map((t) => t.text)).toEqual(['lisinopril']);
    expect([...byId.keys()]).toEqual(['rxnorm:29046', 'rxnorm:6809']);
  });
});

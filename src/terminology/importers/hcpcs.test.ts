import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hcpcsType, importHcpcs } from './hcpcs.js';
import { collectConcepts } from './util/collect.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('hcpcs importer', () => {
  it('reads fixed-width records, joins continuation lines, skips modifiers, terminated codes and orphans', async () => {
    const { stats, byId } = await collectConcepts(importHcpcs, fixture('hcpcs_2099.txt'));
    expect(stats).toMatchObject({
      read: 9,
      imported: 6,
      skippedReasons: { modifier: 1, terminated: 1, 'orphan-continuation': 1 },
    });
    expect(stats.version).toBe('2099');
    const strips = byId.get('hcpcs:A4253')!;
    expect(strips).toMatchObject({
      type: 'device',
      subtype: 'supply',
      preferred: 'Blood glucose test or reagent strips for home blood glucose monitor, per 50 strips',
    });
    expect(strips.terms[1]).toEqual({ text: 'Blood glucose/reagent strips', kind: 'synonym' });
    expect(strips.codes[0]).toMatchObject({ system: 'hcpcs', code: 'A4253' });
    expect(byId.get('hcpcs:A0425')).toMatchObject({ type: 'procedure', subtype: 'transport' });
    expect(byId.get('hcpcs:E0100')).toMatchObject({ type: 'device', subtype: 'dme' });
    expect(byId.get('hcpcs:J1100')).toMatchObject({ type: 'medication', subtype: 'drug' });
    expect(byId.get('hcpcs:P9612')!.preferred).toMatch(/all places of service$/);
    expect(byId.get('hcpcs:L3000')!.preferred).toContain('édition'); // latin1 decoded
  });

  it('keeps modifiers and terminated codes when asked', async () => {
    const { byId } = await collectConcepts(importHcpcs, fixture('hcpcs_2099.txt'), {
      includeModifiers: true,
      includeObsolete: true,
    });
    expect(byId.get('hcpcs:LT')).toMatchObject({ type: 'other', subtype: 'modifier' });
    expect(byId.has('hcpcs:G0001')).toBe(true);
  });

  it.each([
    ['A0425', 'procedure', 'transport'],
    ['A4253', 'device', 'supply'],
    ['A9552', 'medication', 'diagnostic-agent'],
    ['A9270', 'device', 'supply'],
    ['B4150', 'device', 'supply'],
    ['C1713', 'device', 'device'],
    ['C9600', 'procedure', 'service'],
    ['E0100', 'device', 'dme'],
    ['G0008', 'procedure', 'service'],
    ['H0001', 'procedure', 'service'],
    ['J1100', 'medication', 'drug'],
    ['K0001', 'device', 'dme'],
    ['L3000', 'device', 'orthotic-prosthetic'],
    ['M0075', 'procedure', 'service'],
    ['P9612', 'lab', 'test'],
    ['Q4001', 'device', 'supply'],
    ['Q5101', 'medication', 'drug'],
    ['Q0091', 'procedure', 'service'],
    ['R0070', 'procedure', 'imaging'],
    ['S0020', 'procedure', 'service'],
    ['T1015', 'procedure', 'service'],
    ['V2020', 'device', 'vision-hearing'],
  ])('hcpcsType(%s) = %s/%s', (code, type, subtype) => {
    expect(hcpcsType(code)).toEqual({ type, subtype });
  });
});

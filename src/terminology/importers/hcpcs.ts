/**
 * HCPCS Level II alpha-numeric file from CMS (`HCPC<year>_ANWEB*.txt`, fixed width, latin1; the
 * record layout of the CMS HCPCS record-layout document, as found in the 2020 file):
 *   cols 1-5 code (modifiers: 2 characters, right-aligned), 6-10 sequence number, 11 record id
 *   (3 = first line of a code, 4 = continuation of its long description, 7/8 = modifier and its
 *   continuation), 12-91 long description, 92-119 short description, 269-276 add date, 277-284
 *   action effective date, 285-292 termination date, 293 action code.
 * Other lines (the disclaimer at the top) are ignored. One concept per code: id `hcpcs:E0100`,
 * long description (continuations joined) preferred, short description a synonym, code hcpcs.
 * Terminated codes (a termination date) are skipped (`terminated`) and modifiers too (`modifier`)
 * unless asked for.
 *
 * Types by code range (HCPCS Level II sections):
 *   A0 (transport) procedure/transport; A4-A8 (medical and surgical supplies) device/supply;
 *   A9 device/supply except A95-A96 (radiopharmaceuticals, contrast) medication/diagnostic-agent;
 *   B (enteral and parenteral therapy) device/supply; C1 (devices, pass-through) device/device,
 *   other C procedure/service; E (durable medical equipment) device/dme; G, H, M, S, T
 *   procedure/service; J (drugs administered other than oral) medication/drug; K (temporary DME)
 *   device/dme; L (orthotics, prosthetics) device/orthotic-prosthetic; P (pathology, laboratory)
 *   lab/test; Q4 (casting supplies, skin substitutes) device/supply, Q5 (biosimilars) and Q9
 *   (contrast) medication/drug, other Q procedure/service; R (diagnostic radiology) procedure/imaging;
 *   V (vision, hearing) device/vision-hearing.
 */
import type { ImportStats, SemanticType, SourceConcept } from '../types.js';
import { skip } from '../types.js';
import type { ImportOptions } from './types.js';
import { ConceptDraft, cleanText } from './util/concept.js';
import { readLines } from './util/text.js';

export const HCPCS_LICENCE =
  'HCPCS Level II (CMS): public domain. CPT (Level I) codes are not included (AMA copyright).';

const RECORD = /^[ A-Z0-9]{5}\d{5}[3478]/;

export function hcpcsType(code: string): { type: SemanticType; subtype: string } {
  const letter = code.charAt(0);
  const two = code.slice(0, 2);
  const num = Number.parseInt(code.slice(1), 10);
  switch (letter) {
    case 'A':
      if (two === 'A0') return { type: 'procedure', subtype: 'transport' };
      if (num >= 9500 && num <= 9699) return { type: 'medication', subtype: 'diagnostic-agent' };
      return { type: 'device', subtype: 'supply' };
    case 'B':
      return { type: 'device', subtype: 'supply' };
    case 'C':
      return two === 'C1' ? { type: 'device', subtype: 'device' } : { type: 'procedure', subtype: 'service' };
    case 'E':
    case 'K':
      return { type: 'device', subtype: 'dme' };
    case 'J':
      return { type: 'medication', subtype: 'drug' };
    case 'L':
      return { type: 'device', subtype: 'orthotic-prosthetic' };
    case 'P':
      return { type: 'lab', subtype: 'test' };
    case 'Q':
      if (two === 'Q4') return { type: 'device', subtype: 'supply' };
      if (two === 'Q5' || two === 'Q9') return { type: 'medication', subtype: 'drug' };
      return { type: 'procedure', subtype: 'service' };
    case 'R':
      return { type: 'procedure', subtype: 'imaging' };
    case 'V':
      return { type: 'device', subtype: 'vision-hearing' };
    default:
      return { type: 'procedure', subtype: 'service' };
  }
}

interface Pending {
  code: string;
  modifier: boolean;
  long: string[];
  short: string;
  terminated: boolean;
}

export async function* importHcpcs(
  path: string,
  stats: ImportStats,
  options: ImportOptions = {},
): AsyncGenerator<SourceConcept> {
  stats.licence = HCPCS_LICENCE;
  const m = /(\d{4})/.exec(path.split(/[\\/]/).pop() ?? '');
  if (m) stats.version = m[1]!;
  let cur: Pending | null = null;

  const finish = (p: Pending): SourceConcept | null => {
    if (p.modifier && !options.includeModifiers) {
      skip(stats, 'modifier');
      return null;
    }
    if (p.terminated && !options.includeObsolete) {
      skip(stats, 'terminated');
      return null;
    }
    const long = cleanText(p.long.join(' '));
    if (long === '') {
      skip(stats, 'no-description');
      return null;
    }
    const { type, subtype } = p.modifier
      ? { type: 'other' as const, subtype: 'modifier' }
      : hcpcsType(p.code);
    const d = new ConceptDraft(`hcpcs:${p.code}`, 'hcpcs', type, subtype);
    d.addTerm(long, 'preferred');
    if (p.short !== '') d.addTerm(p.short, 'synonym');
    d.addCode('hcpcs', p.code, { display: long });
    stats.imported++;
    return d.build();
  };

  for await (const line of readLines(path, { encoding: 'latin1' })) {
    if (!RECORD.test(line)) continue;
    const code = line.slice(0, 5).trim();
    const rec = line.charAt(10);
    const text = line.slice(11, 91);
    if (rec === '3' || rec === '7') {
      if (cur) {
        const c = finish(cur);
        if (c) yield c;
      }
      stats.read++;
      cur = {
        code,
        modifier: rec === '7',
        long: [text],
        short: cleanText(line.slice(91, 119)),
        terminated: line.slice(284, 292).trim() !== '',
      };
    } else if (cur && cur.code === code) {
      cur.long.push(text);
    } else {
      stats.read++;
      skip(stats, 'orphan-continuation');
    }
  }
  if (cur) {
    const c = finish(cur);
    if (c) yield c;
  }
}

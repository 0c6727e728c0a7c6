/**
 * FHIR output over the whole pipeline (segmentation, concepts, assertions, medications,
 * measurements, dates, modifiers) on every example note: each Bundle passes the structural checks,
 * is deterministic, and every resource traces back to a span of its note. Then a sanity check of
 * the codes and units against the synthetic FHIR bundles of the shared data (skipped when absent).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertionsComponent } from '../../components/assertions/index.js';
import { datesComponent } from '../../components/dates/index.js';
import { measurementsComponent } from '../../components/measurements/index.js';
import { exampleNote, fullPipeline } from '../../components/measurements/testing.js';
import { medicationsComponent } from '../../components/medications/index.js';
import { modifiersComponent } from '../../components/modifiers/index.js';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { Doc } from '../../doc/doc.js';
import type { Pipeline } from '../../pipeline/pipeline.js';
import { CLINOTE, checkBundle, SYSTEM, toFhirBundle } from './index.js';
import type { Bundle, FhirResource, Observation } from './types.js';

const notesDir = dirname(exampleNote('x'));
const names = readdirSync(notesDir).filter((f) => f.endsWith('.txt'));

let pipeline: Pipeline;
const bundles = new Map<string, { text: string; bundle: Bundle }>();

beforeAll(async () => {
  pipeline = await fullPipeline([
    { name: 'assertions', factory: assertionsComponent },
    { name: 'medications', factory: medicationsComponent },
    { name: 'measurements', factory: measurementsComponent },
    { name: 'dates', factory: datesComponent },
    { name: 'modifiers', factory: modifiersComponent },
  ]);
  for (const name of names) {
    const text = readFileSync(exampleNote(name), 'utf8');
    const doc = pipeline.runSync(new Doc(text, { id: name, meta: { noteDate: '2025-03-14' } }));
    bundles.set(name, { text, bundle: toFhirBundle(doc, pipeline) });
  }
});

function spanOf(r: FhirResource): { start: number; end: number } | undefined {
  const ext = (r as { extension?: { url: string; extension?: { url: string; valueInteger?: number }[] }[] })
    .extension;
  const s = ext?.find((x) => x.url === CLINOTE.sourceSpan);
  if (!s?.extension) return undefined;
  const get = (u: string) => s.extension!.find((x) => x.url === u)?.valueInteger;
  return { start: get('start')!, end: get('end')! };
}

describe('FHIR bundles of the example notes', () => {
  it('pass the structural checks', () => {
    expect(bundles.size).toBe(names.length);
    for (const [name, { text, bundle }] of bundles) {
      expect([name, checkBundle(bundle, { text })]).toEqual([name, []]);
    }
  });

  it('emit every resource type of the mapping over the set', () => {
    const types = new Set<string>();
    for (const { bundle } of bundles.values())
      for (const e of bundle.entry) types.add(e.resource.resourceType);
    expect([...types].sort()).toEqual([
      'Condition',
      'DocumentReference',
      'FamilyMemberHistory',
      'MedicationStatement',
      'Observation',
      'Patient',
      'Procedure',
    ]);
  });

  it('trace every clinical resource to a span of its note', () => {
    for (const { text, bundle } of bundles.values()) {
      for (const e of bundle.entry) {
        const r = e.resource;
        if (r.resourceType === 'Patient' || r.resourceType === 'DocumentReference') continue;
        const s = spanOf(r);
        expect(s).toBeDefined();
        expect(s!.end).toBeLessThanOrEqual(text.length);
        expect(text.slice(s!.start, s!.end).trim().length).toBeGreaterThan(0);
      }
    }
  });

  it('are deterministic', () => {
    const name = 'discharge-summary-01.txt';
    const text = bundles.get(name)!.text;
    const again = toFhirBundle(
      pipeline.runSync(new Doc(text, { id: name, meta: { noteDate: '2025-03-14' } })),
      pipeline,
    );
    expect(again).toEqual(bundles.get(name)!.bundle);
  });

  it('give the vitals of a discharge summary as vital-signs Observations with LOINC codes', () => {
    const { bundle } = bundles.get('discharge-summary-01.txt')!;
    const vitals = bundle.entry
      .map((e) => e.resource)
      .filter(
        (r): r is Observation =>
          r.resourceType === 'Observation' && r.category?.[0]?.coding?.[0]?.code === 'vital-signs',
      );
    const codes = new Set(vitals.map((v) => v.code.coding?.[0]?.code));
    for (const c of ['85354-9', '8867-4', '9279-1', '8310-5', '59408-5', '29463-7'])
      expect(codes).toContain(c);
  });
});

// ---------------------------------------------------------------------------------------------

const syntheaDir = sharedDataPath('synthea_fhir');
if (!syntheaDir) console.warn(missingDataMessage('synthea_fhir'));

describe.skipIf(!syntheaDir)('FHIR codes and units against the synthetic bundles of the shared data', () => {
  const seen = { systems: new Set<string>(), vitalUnits: new Map<string, Set<string>>() };
  beforeAll(() => {
    for (const f of readdirSync(syntheaDir!).filter((x) => x.endsWith('.json'))) {
      const b = JSON.parse(readFileSync(join(syntheaDir!, f), 'utf8')) as {
        entry?: { resource: Record<string, unknown> }[];
      };
      for (const e of b.entry ?? []) {
        const r = e.resource;
        JSON.stringify(r, (k, v) => {
          if (k === 'system' && typeof v === 'string') seen.systems.add(v);
          return v;
        });
        if (r.resourceType === 'Observation') {
          const code = (r.code as { coding?: { code?: string }[] }).coding?.[0]?.code;
          const unit = (r.valueQuantity as { code?: string } | undefined)?.code;
          if (code && unit) {
            const set = seen.vitalUnits.get(code) ?? new Set();
            set.add(unit);
            seen.vitalUnits.set(code, set);
          }
        }
      }
    }
  });

  it('use the same code system URLs for the status, category, LOINC, SNOMED CT and UCUM codes', () => {
    for (const s of [
      SYSTEM.conditionClinical,
      SYSTEM.conditionVerification,
      SYSTEM.observationCategory,
      SYSTEM.loinc,
      SYSTEM.snomed,
      SYSTEM.ucum,
    ]) {
      expect(seen.systems).toContain(s);
    }
  });

  it('give vital signs the UCUM unit the synthetic records use for the same LOINC code', () => {
    let compared = 0;
    for (const { bundle } of bundles.values()) {
      for (const e of bundle.entry) {
        const r = e.resource;
        if (r.resourceType !== 'Observation' || !r.valueQuantity?.code) continue;
        for (const c of r.code.coding ?? []) {
          const theirs = c.code ? seen.vitalUnits.get(c.code) : undefined;
          if (!theirs || r.category?.[0]?.coding?.[0]?.code !== 'vital-signs') continue;
          // temperature may be in [degF] in a note; the synthetic records use Cel
          if (c.code === '8310-5' && r.valueQuantity.code === '[degF]') continue;
          expect([c.code, theirs.has(r.valueQuantity.code)]).toEqual([c.code, true]);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});

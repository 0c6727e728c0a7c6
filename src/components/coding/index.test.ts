import { describe, expect, it } from 'vitest';
import { missingDataMessage, sharedDataPath } from '../../data.js';
import { loadPipeline, readConfigFile } from '../../engine.js';
import { toFhirBundle } from '../../output/fhir/bundle.js';
import type { Condition } from '../../output/fhir/types.js';
import { resourcePath } from '../../resources.js';
import { noteSetting } from './index.js';

describe('noteSetting', () => {
  it('takes the setting from the note metadata, then the note type, then the option', () => {
    expect(noteSetting({ setting: 'inpatient' }, 'outpatient')).toBe('inpatient');
    expect(noteSetting({ noteType: 'Discharge summary' }, 'outpatient')).toBe('inpatient');
    expect(noteSetting({ noteType: 'Clinic visit' }, 'inpatient')).toBe('outpatient');
    expect(noteSetting({}, 'outpatient')).toBe('outpatient');
  });
});

const missing = sharedDataPath('icd10cm', 'icd10cm_index_2023.xml.gz') === null;
describe.skipIf(missing)(missing ? missingDataMessage('icd10cm') : 'coding component outputs', () => {
  it('codes by note metadata, and FHIR Condition.code carries the suggested code first', async () => {
    const p = await loadPipeline({ config: readConfigFile(resourcePath('pipelines/coding.json')) });
    const text = 'Possible pneumonia. Type 2 diabetes mellitus with chronic kidney disease. No asthma.';
    const out = await p.process({ id: 'n', text });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const codes = out.doc.get('codes');
    expect(codes.filter((k) => k.status === 'suggested').map((k) => k.code)).toEqual(['E11.22']);
    expect(codes.find((k) => k.status === 'review')).toMatchObject({
      code: 'J18.9',
      reason: 'uncertain',
      sequence: 0,
    });
    const inpatient = await p.process({ id: 'n', text, meta: { setting: 'inpatient' } });
    expect(inpatient.ok && inpatient.doc.get('codes').map((k) => k.code)).toEqual(['E11.22', 'J18.9']);

    const bundle = toFhirBundle(out.doc, p);
    const conditions = bundle.entry
      .map((e) => e.resource)
      .filter((r): r is Condition => r.resourceType === 'Condition');
    const diabetes = conditions.find((c) => c.code?.text?.startsWith('Type 2 diabetes'));
    expect(diabetes?.code?.coding?.[0]).toMatchObject({ code: 'E11.22' });
    const asthma = conditions.find((c) => c.code?.text === 'asthma');
    expect(asthma?.code?.coding?.some((c) => c.code === 'E11.22')).not.toBe(true);
  }, 60_000);
});

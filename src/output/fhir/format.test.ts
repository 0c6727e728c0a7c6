import { describe, expect, it } from 'vitest';
import { segmentedDoc } from '../../components/measurements/testing.js';
import type { ErrorResult, Result } from '../schema.js';
import { errorOutcome, fhirFormat } from './format.js';
import { toFhirBundle } from './index.js';

const pipeline = { stamp: { name: 'test', version: '0123456789abcdef', components: [] } };
const bundle = toFhirBundle(
  segmentedDoc('Hypertension.', [{ text: 'Hypertension', type: 'problem' }]),
  pipeline,
);
const failure = {
  id: 'n2',
  pipeline: pipeline.stamp,
  error: { code: 'CLINOTE_E_INPUT_TOO_LARGE', message: 'note is too large' },
} as unknown as ErrorResult;

describe('fhir output format', () => {
  it('writes one Bundle per line, and an OperationOutcome for a failed note', () => {
    const w = fhirFormat.create({ single: false });
    const out = w.begin() + w.result(bundle as unknown as Result) + w.error(failure) + w.end({} as never);
    const lines = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { resourceType: string });
    expect(lines.map((l) => l.resourceType)).toEqual(['Bundle', 'OperationOutcome']);
    expect(lines[1]).toEqual(errorOutcome(failure));
    expect(errorOutcome(failure).issue[0]?.details?.coding?.[0]?.code).toBe('CLINOTE_E_INPUT_TOO_LARGE');
    expect(fhirFormat.mediaType).toBe('application/fhir+ndjson');
  });

  it('pretty-prints the Bundle of a single note, and refuses a JSON result', () => {
    const w = fhirFormat.create({ single: true });
    expect(JSON.parse(w.result(bundle as unknown as Result))).toEqual(bundle);
    expect(() => w.result({ id: 'x' } as unknown as Result)).toThrow(/toFhirBundle/);
  });
});

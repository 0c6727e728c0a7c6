/**
 * MTSamples (the shared data's `mtsamples/mtsamples.csv`) as rows for the classifier tasks, and the
 * seeded hash split both tasks use. Read by path at training time; nothing of it is stored.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { missingDataMessage, sharedDataPath } from '../../../data.js';
import { ClinoteError } from '../../../errors/error.js';
import { parseCsv } from '../../../text/csv.js';
import { fnv1a, mix } from '../../hash.js';

export const MTSAMPLES_FILE = ['mtsamples', 'mtsamples.csv'] as const;
export const MTSAMPLES_SOURCE =
  'MTSamples transcribed medical samples (the Kaggle "Medical Transcriptions" export)';
export const MTSAMPLES_LICENSE = 'CC0 1.0';
export const MTSAMPLES_ATTRIBUTION =
  'Transcribed medical transcription samples from mtsamples.com, as exported to Kaggle (Medical Transcriptions, CC0).';

export interface MtSample {
  /** 0-based row of the CSV (after the header). */
  readonly row: number;
  readonly specialty: string;
  readonly transcription: string;
}

export interface MtSamplesFile {
  readonly path: string;
  /** Name relative to the shared data dir (for the manifest). */
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly samples: readonly MtSample[];
  /** Rows without a transcription (skipped). */
  readonly empty: number;
}

/** The MTSamples CSV at `path` (default: the shared data dir); CLINOTE_E_MODEL_TRAINING_DATA when absent. */
export function readMtSamples(path?: string): MtSamplesFile {
  const p = path ?? sharedDataPath(...MTSAMPLES_FILE);
  if (p === null) {
    throw new ClinoteError('CLINOTE_E_MODEL_TRAINING_DATA', missingDataMessage(...MTSAMPLES_FILE), {
      file: MTSAMPLES_FILE.join('/'),
    });
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(p);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `cannot read the MTSamples CSV '${p}'`,
      { path: p },
      {
        cause: e,
      },
    );
  }
  const records = parseCsv(bytes.toString('utf8'));
  const header = (records[0] ?? []).map((h) => h.replace(/^\uFEFF/, '').trim());
  const si = header.indexOf('medical_specialty');
  const ti = header.indexOf('transcription');
  if (si < 0 || ti < 0) {
    throw new ClinoteError(
      'CLINOTE_E_MODEL_TRAINING_DATA',
      `'${p}' has no medical_specialty and transcription columns`,
      { path: p },
    );
  }
  const samples: MtSample[] = [];
  let empty = 0;
  for (let r = 1; r < records.length; r++) {
    const rec = records[r] as string[];
    const text = rec[ti] ?? '';
    const specialty = (rec[si] ?? '').trim();
    if (!text.trim() || !specialty) {
      empty++;
      continue;
    }
    samples.push({ row: r - 1, specialty, transcription: text });
  }
  return {
    path: p,
    name: path === undefined ? MTSAMPLES_FILE.join('/') : p.split(/[\\/]/).pop() || p,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.byteLength,
    samples,
    empty,
  };
}

export type Split = 'train' | 'dev' | 'heldout';

/** The split of a key: a seeded hash, 70% train, 15% dev (tuned), 15% held out. */
export function splitOf(key: string, seed: number): Split {
  const u = mix(fnv1a(key), seed ^ 0x7f4a7c15) / 4294967296;
  return u < 0.7 ? 'train' : u < 0.85 ? 'dev' : 'heldout';
}

/** Lower-cased word tokens (letters, digits, inner apostrophes). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?|\d+/g) ?? [];
}

/**
 * Task: the medical specialty of a note (MTSamples `medical_specialty`, 40 classes, heavily
 * imbalanced). Features: hashed word unigrams and bigrams of the transcription, lower-cased, and the
 * section categories Clinote's sectionizer finds in it. Split by a seeded hash of the transcription
 * text: a text filed under several specialties lands in one split with all its labels.
 */

import { DEFAULT_SECTION_RULES, loadSectionMatcher } from '../../../components/sections/index.js';
import type { HeaderMatcher } from '../../../components/sections/rules.js';
import { sectionize } from '../../../components/sections/sectionize.js';
import { normalize } from '../../../doc/normalize.js';
import { fileResourceContext } from '../../../resources.js';
import type { ClassifyDataset } from '../experiment.js';
import type { ClassifyExample } from '../logreg.js';
import { type MtSamplesFile, readMtSamples, splitOf, words } from './mtsamples.js';

export const SPECIALTY_FEATURES =
  'lower-cased word unigrams (u=) and bigrams (b=) of the transcription, and the categories of the sections the sectionizer finds (s=), each counted, the vector scaled to unit norm';

export interface SpecialtyOptions {
  /** The MTSamples CSV (default: the shared data dir). */
  readonly path?: string;
  /** Seed of the split hash (default 1). */
  readonly splitSeed?: number;
  /** Add the section categories (default true). */
  readonly sections?: boolean;
  /** Use only the first N samples (tests). */
  readonly limit?: number;
}

/** Features of one note. */
export function specialtyFeatures(text: string, matcher?: HeaderMatcher): string[] {
  const w = words(text);
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) {
    out.push(`u=${w[i]}`);
    if (i > 0) out.push(`b=${w[i - 1]} ${w[i]}`);
  }
  if (matcher) {
    const seen = new Set<string>();
    for (const s of sectionize(normalize(text), matcher)) {
      if (s.category === 'preamble') continue;
      if (!seen.has(s.category)) {
        seen.add(s.category);
        out.push(`s=${s.category}`);
      }
    }
  }
  return out;
}

export interface SpecialtyData extends ClassifyDataset {
  readonly file: MtSamplesFile;
  /** Distinct transcriptions filed under more than one specialty. */
  readonly multiLabelTexts: number;
  /** Samples in each split. */
  readonly sizes: { train: number; dev: number; heldout: number };
  /** Per example of dev and held out, every specialty its text is filed under (label indices). */
  readonly alternatives: {
    readonly dev: readonly (readonly number[])[];
    readonly heldout: readonly (readonly number[])[];
  };
}

/** The specialty dataset: labels sorted, examples split 70/15/15 by a seeded hash of the text. */
export function specialtyDataset(options: SpecialtyOptions = {}): SpecialtyData {
  const file = readMtSamples(options.path);
  const samples = options.limit ? file.samples.slice(0, options.limit) : file.samples;
  const labels = [...new Set(samples.map((s) => s.specialty))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const matcher =
    options.sections === false ? undefined : loadSectionMatcher(fileResourceContext(), DEFAULT_SECTION_RULES);
  const byText = new Map<string, Set<string>>();
  for (const s of samples) {
    const key = s.transcription.trim();
    const set = byText.get(key) ?? new Set<string>();
    set.add(s.specialty);
    byText.set(key, set);
  }
  const split: Record<'train' | 'dev' | 'heldout', ClassifyExample[]> = { train: [], dev: [], heldout: [] };
  const alternatives: Record<'train' | 'dev' | 'heldout', number[][]> = { train: [], dev: [], heldout: [] };
  const seed = options.splitSeed ?? 1;
  for (const s of samples) {
    const ex: ClassifyExample = {
      features: specialtyFeatures(s.transcription, matcher),
      label: index.get(s.specialty) as number,
    };
    const part = splitOf(s.transcription.trim(), seed);
    split[part].push(ex);
    alternatives[part].push(
      [...(byText.get(s.transcription.trim()) ?? [])].map((l) => index.get(l) as number).sort(),
    );
  }
  return {
    file,
    labels,
    train: split.train,
    dev: split.dev,
    heldout: split.heldout,
    multiLabelTexts: [...byText.values()].filter((s) => s.size > 1).length,
    sizes: { train: split.train.length, dev: split.dev.length, heldout: split.heldout.length },
    alternatives: { dev: alternatives.dev, heldout: alternatives.heldout },
  };
}

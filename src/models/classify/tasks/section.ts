/**
 * Task: the category of a section header the rules do not know. Training data: the sections of
 * MTSamples notes whose header Clinote's rules map to a category (label = that category). Features
 * see the header as an unknown string would be seen: its words and word bigrams, character 3- and
 * 4-grams, its length, the first words of the section body, the position of the section in the note
 * and the category of the section before it. The split is by the header string (lower-cased, spaces
 * collapsed, numbering dropped): a header text in dev or held out never occurs in train, so the
 * scores measure generalisation to unseen headers. Occurrences of one header string are capped
 * (seeded choice) so the frequent headers do not drown the rest.
 */
import { DEFAULT_SECTION_RULES, loadSectionMatcher } from '../../../components/sections/index.js';
import { sectionize } from '../../../components/sections/sectionize.js';
import { normalize } from '../../../doc/normalize.js';
import { fileResourceContext } from '../../../resources.js';
import { mulberry32, shuffle } from '../../prng.js';
import type { ClassifyDataset } from '../experiment.js';
import type { ClassifyExample } from '../logreg.js';
import { type MtSamplesFile, readMtSamples, splitOf, words } from './mtsamples.js';

export const SECTION_FEATURES =
  'header words (hw=) and word bigrams (hb=), character 3- and 4-grams of the lower-cased header with boundary marks (hc=), header length in words (hn=), the first 5 words of the body (bw=, bf= for the first), the section index bucket (pos=) and relative position decile (rel=) in the note, the category of the previous section (prev=)';

export interface SectionTaskOptions {
  readonly path?: string;
  readonly splitSeed?: number;
  /** Most examples per distinct header string (default 20). */
  readonly maxPerHeader?: number;
  readonly limit?: number;
}

/** The header string as the split sees it. */
export function headerKey(header: string): string {
  return header
    .toLowerCase()
    .replace(/^\s*\d{1,2}[.)]\s*/, '')
    .replace(/[\s:]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function bucket(i: number): string {
  return i <= 3 ? String(i) : i <= 6 ? '4-6' : i <= 10 ? '7-10' : '11+';
}

/** Features of a header with its context. */
export function sectionFeatures(input: {
  readonly header: string;
  readonly body: string;
  /** Index of the section among the note's sections with a header. */
  readonly index: number;
  /** Header offset / note length, in [0, 1]. */
  readonly relative: number;
  /** Category of the previous section (`none` for the first). */
  readonly previous: string;
}): string[] {
  const out: string[] = [];
  const hw = words(input.header);
  for (let i = 0; i < hw.length; i++) {
    out.push(`hw=${hw[i]}`);
    if (i > 0) out.push(`hb=${hw[i - 1]} ${hw[i]}`);
  }
  out.push(`hn=${Math.min(hw.length, 6)}`);
  const h = `#${hw.join(' ')}#`;
  for (const n of [3, 4]) for (let i = 0; i + n <= h.length; i++) out.push(`hc=${h.slice(i, i + n)}`);
  const bw = words(input.body.slice(0, 200)).slice(0, 5);
  if (bw.length > 0) out.push(`bf=${bw[0]}`);
  for (const w of bw) out.push(`bw=${w}`);
  if (bw.length === 0) out.push('bw=<empty>');
  out.push(`pos=${bucket(input.index)}`);
  out.push(`rel=${Math.min(9, Math.floor(input.relative * 10))}`);
  out.push(`prev=${input.previous}`);
  return out;
}

export interface SectionData extends ClassifyDataset {
  readonly file: MtSamplesFile;
  /** Distinct header strings in each split. */
  readonly headers: { train: number; dev: number; heldout: number };
  readonly sizes: { train: number; dev: number; heldout: number };
  /** Sections with a known header before capping. */
  readonly occurrences: number;
}

/** The section-header dataset from MTSamples. */
export function sectionDataset(options: SectionTaskOptions = {}): SectionData {
  const file = readMtSamples(options.path);
  const samples = options.limit ? file.samples.slice(0, options.limit) : file.samples;
  const matcher = loadSectionMatcher(fileResourceContext(), DEFAULT_SECTION_RULES);
  const seed = options.splitSeed ?? 1;
  const cap = options.maxPerHeader ?? 20;
  const byHeader = new Map<string, { category: string; features: string[] }[]>();
  let occurrences = 0;
  for (const s of samples) {
    const text = s.transcription;
    const sections = sectionize(normalize(text), matcher);
    let index = 0;
    let previous = 'none';
    for (const sec of sections) {
      if (!sec.header) continue;
      const header = sec.header.text;
      const known = sec.category !== 'other' && sec.category !== 'preamble';
      if (known) {
        occurrences++;
        const key = headerKey(header);
        const list = byHeader.get(key) ?? [];
        list.push({
          category: sec.category,
          features: sectionFeatures({
            header,
            body: text.slice(sec.bodyStart, sec.end),
            index,
            relative: text.length ? sec.header.start / text.length : 0,
            previous,
          }),
        });
        byHeader.set(key, list);
      }
      previous = sec.category;
      index++;
    }
  }
  const random = mulberry32(seed);
  const chosen: [string, { category: string; features: string[] }[]][] = [];
  for (const key of [...byHeader.keys()].sort()) {
    const list = byHeader.get(key) as { category: string; features: string[] }[];
    chosen.push([key, list.length > cap ? shuffle([...list], random).slice(0, cap) : list]);
  }
  const labels = [...new Set(chosen.flatMap(([, l]) => l.map((x) => x.category)))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const split: Record<'train' | 'dev' | 'heldout', ClassifyExample[]> = { train: [], dev: [], heldout: [] };
  const headers = { train: 0, dev: 0, heldout: 0 };
  for (const [key, list] of chosen) {
    const part = splitOf(key, seed);
    headers[part]++;
    for (const x of list) split[part].push({ features: x.features, label: index.get(x.category) as number });
  }
  return {
    file,
    labels,
    train: split.train,
    dev: split.dev,
    heldout: split.heldout,
    headers,
    sizes: { train: split.train.length, dev: split.dev.length, heldout: split.heldout.length },
    occurrences,
  };
}

/**
 * `clinote eval coding --preset codiesp [--data DIR] [--pack PACK] [--pipeline CONFIG] [--errors]`:
 * ICD-10-CM diagnosis coding scored against CodiEsp-D (CLEF eHealth 2020), English text
 * (`text_files_en/*.txt`) and gold codes (`devD.tsv`: `articleID<TAB>code`).
 *
 * Scores: micro and macro precision, recall and F1 at the full code and at the 3-character category,
 * mean average precision (the CodiEsp-D metric: predictions ranked by score), micro scores per
 * chapter; for all documents, the tuned part (the first 80% of the documents by id) and the held-out
 * part (the last 20%, only scored). `baseline`: the concepts' own ICD-10-CM codes, without the coder.
 * Review items (uncertain, incomplete) are not predictions. `--errors` lists misses and false codes
 * with the evidence text and rule ids (it quotes corpus text).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCodingPack } from '../../coding/load.js';
import type { CodeItem } from '../../coding/schema.js';
import type { Concept } from '../../doc/types.js';
import { applyPack, loadPipeline, readConfigFile } from '../../engine.js';
import { ClinoteError } from '../../errors/error.js';
import { fileResourceContext, resourcePath } from '../../resources.js';
import { pickPreset, resolveEvalData } from '../resolve.js';
import type { EvalErrorItem, EvalOptions, EvalReport, EvalTask, PRF } from '../types.js';

export interface CodingPreset {
  readonly name: string;
  readonly description: string;
  /** Default data dir, relative to the shared data dir. */
  readonly defaultData: readonly string[];
  /** The text folder inside it, and the gold file. */
  readonly texts: string;
  readonly gold: string;
  /** Share of the documents (sorted by id) in the tuned part; the rest is held out. */
  readonly tunedShare: number;
  /** The training split's gold file, relative to the data dir (rare-code figures). */
  readonly trainGold?: string;
}

/** Codes seen in fewer training documents than this are rare. */
export const RARE_BELOW = 5;

/**
 * Scores restricted to the codes seen in fewer than `RARE_BELOW` training documents (predictions
 * and gold alike): how the long tail fares.
 */
export function rareScores(docs: readonly DocPrediction[], trainCounts: ReadonlyMap<string, number>) {
  const rare = (c: string) => (trainCounts.get(c) ?? 0) < RARE_BELOW;
  const sub = docs.map((d) => ({
    ...d,
    ranked: d.ranked.filter(rare),
    gold: new Set([...d.gold].filter(rare)),
  }));
  const s = scoreCoding(sub);
  return {
    micro: s.micro,
    macro: s.macro,
    gold: sub.reduce((n, d) => n + d.gold.size, 0),
    unseenGold: sub.reduce((n, d) => n + [...d.gold].filter((c) => !trainCounts.has(c)).length, 0),
  };
}

export const CODING_PRESETS: Readonly<Record<string, CodingPreset>> = {
  codiesp: {
    name: 'codiesp',
    description: 'CodiEsp-D development split (250 clinical case reports, English machine translation)',
    defaultData: ['codiesp', 'dev'],
    texts: 'text_files_en',
    gold: 'devD.tsv',
    tunedShare: 0.8,
    trainGold: '../train/trainD.tsv',
  },
  'codiesp-train': {
    name: 'codiesp-train',
    description: 'CodiEsp-D training split (500 case reports, English)',
    defaultData: ['codiesp', 'train'],
    texts: 'text_files_en',
    gold: 'trainD.tsv',
    tunedShare: 0.8,
  },
};

export const CODING_PIPELINE = 'pipelines/coding.json';

/** `q62.11` -> `Q62.11`; `E119` -> `E11.9`. */
export function normCode(raw: string): string {
  const c = raw.trim().toUpperCase().replace('.', '');
  return c.length > 3 ? `${c.slice(0, 3)}.${c.slice(3)}` : c;
}

/** The chapter of a code by its first characters (the structure of ICD-10-CM). */
export function chapterOf(code: string): number {
  const c = normCode(code);
  const l = c[0] ?? '';
  const n = Number.parseInt(c.slice(1, 3), 10);
  switch (l) {
    case 'A':
    case 'B':
      return 1;
    case 'C':
      return 2;
    case 'D':
      return n < 50 ? 2 : 3;
    case 'E':
      return 4;
    case 'F':
      return 5;
    case 'G':
      return 6;
    case 'H':
      return n < 60 ? 7 : 8;
    case 'I':
      return 9;
    case 'J':
      return 10;
    case 'K':
      return 11;
    case 'L':
      return 12;
    case 'M':
      return 13;
    case 'N':
      return 14;
    case 'O':
      return 15;
    case 'P':
      return 16;
    case 'Q':
      return 17;
    case 'R':
      return 18;
    case 'S':
    case 'T':
      return 19;
    case 'V':
    case 'W':
    case 'X':
    case 'Y':
      return 20;
    case 'Z':
      return 21;
    case 'U':
      return 22;
    default:
      return 0;
  }
}

export function prfOf(tp: number, fp: number, fn: number): PRF {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn };
}

export interface DocPrediction {
  readonly id: string;
  /** Predicted codes, best first (ranked by score). */
  readonly ranked: readonly string[];
  readonly gold: ReadonlySet<string>;
}

export interface CodingScores {
  readonly docs: number;
  readonly micro: PRF;
  readonly macro: { precision: number; recall: number; f1: number; labels: number };
  readonly category: { micro: PRF; macro: { precision: number; recall: number; f1: number; labels: number } };
  readonly map: number;
  readonly byChapter: Record<string, PRF>;
}

function macroOf(docs: readonly DocPrediction[], key: (c: string) => string) {
  const stats = new Map<string, { tp: number; fp: number; fn: number }>();
  const get = (l: string) => {
    let s = stats.get(l);
    if (!s) {
      s = { tp: 0, fp: 0, fn: 0 };
      stats.set(l, s);
    }
    return s;
  };
  for (const d of docs) {
    const pred = new Set(d.ranked.map(key));
    const gold = new Set([...d.gold].map(key));
    for (const p of pred) gold.has(p) ? get(p).tp++ : get(p).fp++;
    for (const g of gold) if (!pred.has(g)) get(g).fn++;
  }
  let p = 0;
  let r = 0;
  let f = 0;
  for (const s of stats.values()) {
    const x = prfOf(s.tp, s.fp, s.fn);
    p += x.precision;
    r += x.recall;
    f += x.f1;
  }
  const n = stats.size;
  return { precision: n ? p / n : 0, recall: n ? r / n : 0, f1: n ? f / n : 0, labels: n };
}

function microOf(docs: readonly DocPrediction[], key: (c: string) => string): PRF {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const d of docs) {
    const pred = new Set(d.ranked.map(key));
    const gold = new Set([...d.gold].map(key));
    for (const p of pred) gold.has(p) ? tp++ : fp++;
    for (const g of gold) if (!pred.has(g)) fn++;
  }
  return prfOf(tp, fp, fn);
}

/** Average precision of one ranked list against a gold set (CodiEsp-D). */
export function averagePrecision(ranked: readonly string[], gold: ReadonlySet<string>): number {
  if (gold.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  const seen = new Set<string>();
  let k = 0;
  for (const c of ranked) {
    if (seen.has(c)) continue;
    seen.add(c);
    k++;
    if (gold.has(c)) {
      hits++;
      sum += hits / k;
    }
  }
  return sum / gold.size;
}

/** Every score of a set of documents. */
export function scoreCoding(docs: readonly DocPrediction[]): CodingScores {
  const full = (c: string) => c;
  const cat = (c: string) => c.replace('.', '').slice(0, 3);
  const byChapter: Record<string, PRF> = {};
  const chapters = new Set<number>();
  for (const d of docs) for (const c of [...d.ranked, ...d.gold]) chapters.add(chapterOf(c));
  for (const ch of [...chapters].sort((a, b) => a - b)) {
    const sub = docs.map((d) => ({
      ...d,
      ranked: d.ranked.filter((c) => chapterOf(c) === ch),
      gold: new Set([...d.gold].filter((c) => chapterOf(c) === ch)),
    }));
    byChapter[String(ch)] = microOf(sub, full);
  }
  return {
    docs: docs.length,
    micro: microOf(docs, full),
    macro: macroOf(docs, full),
    category: { micro: microOf(docs, cat), macro: macroOf(docs, cat) },
    map:
      docs.length === 0 ? 0 : docs.reduce((s, d) => s + averagePrecision(d.ranked, d.gold), 0) / docs.length,
    byChapter,
  };
}

/** Gold codes by document from a CodiEsp-D file. */
export function readCodiespGold(path: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_EVAL_DATA_MALFORMED',
      `cannot read the gold file ${path}`,
      { file: path },
      { cause: e },
    );
  }
  for (const line of text.split(/\r?\n/)) {
    const [doc, code] = line.split('\t');
    if (!doc || !code) continue;
    const set = out.get(doc) ?? new Set<string>();
    set.add(normCode(code));
    out.set(doc, set);
  }
  if (out.size === 0)
    throw new ClinoteError('CLINOTE_E_EVAL_DATA_MALFORMED', `no gold codes in ${path}`, { file: path });
  return out;
}

/** The concepts' own first ICD-10-CM code, for present problems: the reference without the coder. */
export function baselineCodes(concepts: readonly Concept[]): string[] {
  const out: string[] = [];
  for (const c of concepts) {
    if (c.type !== 'problem' || (c.assertion && c.assertion.status !== 'present')) continue;
    const code = c.codes.find((x) => x.system === 'icd10cm');
    if (code && !out.includes(normCode(code.code))) out.push(normCode(code.code));
  }
  return out;
}

/**
 * Version-aligned predictions: a predicted FY2023 code counts as the gold code it refines when the
 * gold code is not a complete code in FY2023 (split since the annotators' release, `R51` ->
 * `R51.9`, or written without its seventh character, `T14.8` -> `T14.8XXA`). Reported beside the
 * strict scores, never instead of them.
 */
export function alignToGold(
  ranked: readonly string[],
  gold: ReadonlySet<string>,
  isComplete: (code: string) => boolean,
): string[] {
  return ranked.map((p) => {
    if (gold.has(p)) return p;
    const u = p.replace('.', '');
    for (const g of gold) {
      const gu = g.replace('.', '');
      if (gu.length < u.length && u.startsWith(gu) && !isComplete(g)) return g;
    }
    return p;
  });
}

export const codingTask: EvalTask = {
  name: 'coding',
  description: 'ICD-10-CM coding (CodiEsp-D): micro/macro P/R/F1 at code and category, MAP, per chapter',
  async run(options: EvalOptions): Promise<EvalReport> {
    const preset = pickPreset('coding', CODING_PRESETS, options.preset);
    const dir = resolveEvalData(options.data || undefined, preset.defaultData, {
      preset: preset.name,
      hint: 'DIR',
    });
    const gold = readCodiespGold(join(dir, preset.gold));
    const textDir = join(dir, preset.texts);
    let files: string[];
    try {
      files = readdirSync(textDir)
        .filter((f) => f.endsWith('.txt'))
        .sort();
    } catch (e) {
      throw new ClinoteError(
        'CLINOTE_E_EVAL_DATA_MALFORMED',
        `no text folder ${textDir}`,
        { path: textDir },
        { cause: e },
      );
    }
    if (options.limit !== undefined) files = files.slice(0, options.limit);
    let config = readConfigFile(options.pipeline ?? resourcePath(CODING_PIPELINE));
    if (options.pack !== undefined) config = applyPack(config, options.pack).config;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const pipeline = await loadPipeline({ config });
    const buildSeconds = (performance.now() - t0) / 1000;
    const preds: DocPrediction[] = [];
    const base: DocPrediction[] = [];
    const errors: EvalErrorItem[] = [];
    let review = 0;
    let failed = 0;
    let nonAffirmed = 0;
    const t1 = performance.now();
    for (const f of files) {
      const id = f.replace(/\.txt$/, '');
      const text = readFileSync(join(textDir, f), 'utf8');
      const out = await pipeline.process({ id, text });
      const g = gold.get(id) ?? new Set<string>();
      if (!out.ok) {
        failed++;
        preds.push({ id, ranked: [], gold: g });
        base.push({ id, ranked: [], gold: g });
        continue;
      }
      const codes: readonly CodeItem[] = out.doc.maybe('codes') ?? [];
      const suggested = codes.filter((k) => k.status === 'suggested');
      review += codes.length - suggested.length;
      const ranked = [...suggested].sort((a, b) => b.score - a.score).map((k) => normCode(k.code));
      preds.push({ id, ranked, gold: g });
      // gold codes that only a negated, uncertain, hypothetical or family mention carries: CodiEsp
      // codes every mention; the safety rules never code those as the patient's
      const affirmedCodes = new Set<string>();
      const otherCodes = new Set<string>();
      for (const c of out.doc.maybe('concepts') ?? []) {
        const code = c.codes.find((x) => x.system === 'icd10cm')?.code;
        if (!code) continue;
        (c.assertion?.status === 'present' ? affirmedCodes : otherCodes).add(normCode(code));
      }
      for (const gc of g)
        if (!ranked.includes(gc) && otherCodes.has(gc) && !affirmedCodes.has(gc)) nonAffirmed++;
      base.push({ id, ranked: baselineCodes(out.doc.maybe('concepts') ?? []), gold: g });
      if (options.errors) {
        for (const k of suggested) {
          if (g.has(normCode(k.code))) continue;
          errors.push({
            kind: 'fp',
            doc: id,
            type: k.code,
            text: k.evidence.spans.map((s) => s.text).join(' | '),
            detail: `${k.title} [${k.evidence.rules.join(', ')}]${k.evidence.indexPath ? ` {${k.evidence.indexPath}}` : ''}`,
          });
        }
        for (const c of g) {
          if (ranked.includes(c)) continue;
          errors.push({ kind: 'fn', doc: id, type: c });
        }
      }
    }
    const seconds = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(c0);
    const cut = Math.round(preds.length * preset.tunedShare);
    const { pack } = loadCodingPack(fileResourceContext());
    const aligned = preds.map((d) => ({
      ...d,
      ranked: alignToGold(d.ranked, d.gold, (g) => pack.info(g).billable),
    }));
    // the long tail: codes seen in fewer than RARE_BELOW training documents
    let rare: Record<string, unknown> | undefined;
    if (preset.trainGold && existsSync(join(dir, preset.trainGold))) {
      const counts = new Map<string, number>();
      for (const codes of readCodiespGold(join(dir, preset.trainGold)).values())
        for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
      rare = {
        below: RARE_BELOW,
        all: rareScores(preds, counts),
        tuned: rareScores(preds.slice(0, cut), counts),
        heldOut: rareScores(preds.slice(cut), counts),
      };
    }
    return {
      task: 'coding',
      data: dir,
      preset: preset.name,
      scores: {
        all: scoreCoding(preds),
        tuned: scoreCoding(preds.slice(0, cut)),
        heldOut: scoreCoding(preds.slice(cut)),
        aligned: {
          all: scoreCoding(aligned),
          tuned: scoreCoding(aligned.slice(0, cut)),
          heldOut: scoreCoding(aligned.slice(cut)),
        },
        baseline: { all: scoreCoding(base), heldOut: scoreCoding(base.slice(cut)) },
        ...(rare ? { rare } : {}),
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        buildSeconds,
      },
      counts: {
        docs: preds.length,
        tuned: cut,
        heldOut: preds.length - cut,
        gold: preds.reduce((s, d) => s + d.gold.size, 0),
        predicted: preds.reduce((s, d) => s + d.ranked.length, 0),
        review,
        failed,
        missedNonAffirmed: nonAffirmed,
      },
      timing: { seconds, itemsPerSecond: preds.length / Math.max(seconds, 1e-9), unit: 'notes' },
      ...(options.errors ? { errors } : {}),
    };
  },
};

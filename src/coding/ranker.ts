/**
 * The learned code ranker: a binary logistic regression (src/models/classify, labels `no`/`yes`)
 * scores every candidate code the rule coder proposes, from features of the rules, the evidence
 * and the note; its probability (temperature-calibrated on the tuned part of CodiEsp dev) becomes
 * the code's score, and a code is kept when it reaches the threshold chosen on that part for a
 * target precision. The safety rules are untouched: a candidate only exists when the rules allow
 * the mention to be coded (never negated, family or hypothetical mentions).
 *
 * Model folder (resources/models/code-ranker/, built by scripts/train-code-ranker.ts): a classifier
 * directory (manifest.json of kind `code-ranker`, weights.bin, model-card.md) plus priors.json, the
 * training-split code counts the prior features read.
 */
import { Type } from '@sinclair/typebox';
import { ClinoteError } from '../errors/error.js';
import { readModelResources } from '../models/artifact.js';
import { type ClassifierFiles, classifierFromFiles } from '../models/classify/index.js';
import type { FactoryContext } from '../pipeline/component.js';
import { schemaIssues } from '../pipeline/config.js';

export const RANKER_KIND = 'code-ranker';
export const DEFAULT_CODE_RANKER = 'models/code-ranker';
export const PRIORS_FILE = 'priors.json';
/** Version of the candidate features below; bump when they change (and train again). */
export const RANKER_FEATURES_VERSION = 1;

/** What the coder knows about one candidate code of a note. */
export interface CandidateSignals {
  readonly code: string;
  readonly title: string;
  readonly billable: boolean;
  /** Rule score of the guideline weights (0..1). */
  readonly ruleScore: number;
  readonly rules: readonly string[];
  /** Mentions that support it. */
  readonly mentions: number;
  /** Assertion statuses of those mentions. */
  readonly statuses: readonly string[];
  /** Section categories of those mentions. */
  readonly sections: readonly string[];
  readonly inPrincipalSection: boolean;
  /** Best share of a mention covered by the Index entry (0 without an Index source). */
  readonly coverage: number;
  /** Best match score of the supporting concepts (0..1). */
  readonly conceptScore: number;
  /** The other source's code where concept and Index disagree (`source.alternative`). */
  readonly alternative: boolean;
  /** Another complete code of a proposed code's category (`source.sibling`). */
  readonly sibling: boolean;
  /** Share of the title's own words (beyond its category's title) found in the note; -1: none. */
  readonly distinctOverlap: number;
  /** Offset of the first mention over the note's length (0..1). */
  readonly position: number;
  /** Share of the title's content words found in the note (0..1). */
  readonly titleOverlap: number;
  /** Candidate codes of the note. */
  readonly noteCandidates: number;
}

/** Counts of a code in the training split: gold documents, documents proposing it, proposals right. */
export interface CodePrior {
  readonly gold: number;
  readonly proposed: number;
  readonly correct: number;
}

const NO_PRIOR: CodePrior = { gold: 0, proposed: 0, correct: 0 };

function bucket(x: number, edges: readonly number[]): string {
  let i = 0;
  while (i < edges.length && x >= (edges[i] as number)) i++;
  return String(i);
}

/** Chapter-level group of a code: its letter, and the number range for the shared letters. */
function chapterKey(code: string): string {
  const l = code[0] ?? '?';
  const n = Number.parseInt(code.slice(1, 3), 10);
  if (l === 'D') return n < 50 ? 'D-neo' : 'D-blood';
  if (l === 'H') return n < 60 ? 'H-eye' : 'H-ear';
  return l;
}

/** The feature strings of one candidate (hashed by the classifier). */
export function rankerFeatures(s: CandidateSignals, prior: CodePrior = NO_PRIOR): string[] {
  const f: string[] = ['bias'];
  const cat = s.code.replace('.', '').slice(0, 3);
  const ch = chapterKey(s.code);
  f.push(`code=${s.code}`, `cat=${cat}`, `ch=${ch}`, `len=${s.code.replace('.', '').length}`);
  const sources: string[] = [];
  for (const r of s.rules) {
    f.push(`r=${r}`);
    if (r.startsWith('source.')) sources.push(r.slice(7));
  }
  const src = s.sibling ? 'sibling' : s.alternative ? 'alt' : sources.sort().join('+') || 'none';
  f.push(`src=${src}`, `src=${src}|ch=${ch}`);
  if (s.billable) f.push('billable');
  if (/\bunspecified\b/i.test(s.title)) f.push('title.unspecified', `title.unspecified|ch=${ch}`);
  if (/\bother\b/i.test(s.title)) f.push('title.other');
  const m = bucket(s.mentions, [2, 3, 5]);
  f.push(`mentions=${m}`, `mentions=${m}|ch=${ch}`);
  for (const st of new Set(s.statuses)) f.push(`status=${st}`);
  for (const sec of new Set(s.sections)) f.push(`section=${sec}`);
  if (s.inPrincipalSection) f.push('principal-section');
  f.push(`cov=${bucket(s.coverage, [0.01, 0.5, 0.75, 0.999])}`);
  f.push(`cscore=${bucket(s.conceptScore, [0.01, 0.7, 0.85, 0.95, 0.999])}`);
  const rs = bucket(s.ruleScore, [0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  f.push(`rs=${rs}`, `rs=${rs}|src=${src}`);
  f.push(`pos=${bucket(s.position, [0.1, 0.3, 0.6, 0.85])}`);
  f.push(`overlap=${bucket(s.titleOverlap, [0.01, 0.34, 0.5, 0.67, 0.999])}`);
  const d = s.distinctOverlap < 0 ? 'none' : bucket(s.distinctOverlap, [0.01, 0.34, 0.5, 0.67, 0.999]);
  f.push(`distinct=${d}`, `distinct=${d}|src=${src}`);
  f.push(`cands=${bucket(s.noteCandidates, [3, 6, 10, 16])}`);
  // the training split's prior of the code
  const g = bucket(prior.gold, [1, 2, 5, 10, 25]);
  f.push(`prior=${g}`, `prior=${g}|src=${src}`, `prior=${g}|ch=${ch}`);
  if (prior.proposed > 0) {
    const prec = prior.correct / prior.proposed;
    const pb = `${bucket(prior.proposed, [2, 5])}:${bucket(prec, [0.01, 0.25, 0.5, 0.75, 0.999])}`;
    f.push(`hprec=${pb}`);
  } else f.push('hprec=none');
  return f;
}

const PriorsSchema = Type.Object(
  {
    features: Type.Integer({ minimum: 1 }),
    documents: Type.Integer({ minimum: 0 }),
    source: Type.String(),
    /** code -> [gold documents, documents proposing it, proposals right] */
    codes: Type.Record(Type.String(), Type.Tuple([Type.Integer(), Type.Integer(), Type.Integer()])),
  },
  { additionalProperties: false },
);

/** The training split's counts per code. */
export class CodePriors {
  constructor(
    readonly codes: ReadonlyMap<string, CodePrior>,
    readonly documents: number,
  ) {}

  get(code: string): CodePrior {
    return this.codes.get(code) ?? NO_PRIOR;
  }

  toJSON(source: string): unknown {
    const codes: Record<string, [number, number, number]> = {};
    for (const k of [...this.codes.keys()].sort()) {
      const p = this.codes.get(k)!;
      codes[k] = [p.gold, p.proposed, p.correct];
    }
    return { features: RANKER_FEATURES_VERSION, documents: this.documents, source, codes };
  }

  static parse(text: string, where: string): CodePriors {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new ClinoteError(
        'CLINOTE_E_MODEL_MANIFEST_INVALID',
        `${where}: ${PRIORS_FILE} is not JSON`,
        { path: where },
        { cause: e },
      );
    }
    const issues = schemaIssues(PriorsSchema, raw);
    if (issues.length > 0)
      throw new ClinoteError(
        'CLINOTE_E_MODEL_MANIFEST_INVALID',
        `${where}: ${PRIORS_FILE} is invalid: ${issues.slice(0, 3).join('; ')}`,
        { path: where, issues },
      );
    const v = raw as { features: number; documents: number; codes: Record<string, [number, number, number]> };
    if (v.features !== RANKER_FEATURES_VERSION)
      throw new ClinoteError(
        'CLINOTE_E_MODEL_MANIFEST_INVALID',
        `${where}: ranker features version ${v.features}, this Clinote computes version ${RANKER_FEATURES_VERSION}; train the model again`,
        { path: where },
      );
    const codes = new Map<string, CodePrior>();
    for (const [k, [gold, proposed, correct]] of Object.entries(v.codes))
      codes.set(k, { gold, proposed, correct });
    return new CodePriors(codes, v.documents);
  }
}

/** A loaded ranker: the calibrated classifier, the priors and the decision threshold. */
export class CodeRanker {
  readonly ref: string;
  /** Keep a code whose calibrated probability reaches this (from the manifest, `yes` label). */
  readonly threshold: number;

  constructor(
    readonly files: ClassifierFiles,
    readonly priors: CodePriors,
    threshold?: number,
  ) {
    this.ref = files.classifier.ref;
    const yes = files.manifest.labels.indexOf('yes');
    if (yes < 0 || files.manifest.labels.length !== 2)
      throw new ClinoteError(
        'CLINOTE_E_MODEL_MANIFEST_INVALID',
        `code ranker '${files.manifest.name}' needs the labels no and yes`,
        { labels: files.manifest.labels.length },
      );
    this.#yes = yes;
    // a binary threshold t on p(yes) is stored as per-class thresholds [1 - t, t]
    this.threshold = threshold ?? files.manifest.thresholds?.[yes] ?? 0.5;
  }

  readonly #yes: number;

  /** Calibrated probability that the candidate is one of the note's codes. */
  probability(s: CandidateSignals): number {
    const p = this.files.classifier.probabilities(rankerFeatures(s, this.priors.get(s.code)));
    return p[this.#yes] as number;
  }
}

/** Read the ranker folder through the factory context (a path under resources/ or absolute). */
export function loadCodeRanker(ctx: FactoryContext, dir: string, threshold?: number): CodeRanker {
  const {
    manifest,
    weights,
    extra: [priors],
  } = readModelResources(ctx, dir, 'code ranker', [PRIORS_FILE]);
  const files = classifierFromFiles(manifest, weights, dir, RANKER_KIND);
  return new CodeRanker(files, CodePriors.parse(priors as string, dir), threshold);
}

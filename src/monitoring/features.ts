/**
 * The features of a monitoring profile: their names, kinds and FIXED bins. Bins are part of the
 * code, not of the data: two profiles made by the same Clinote version have the same bins, so they
 * merge exactly (bin counts add up). Every histogram also carries its edges, so a profile made
 * with other bins is refused when merged or compared (CLINOTE_E_MONITOR_PROFILE_INVALID).
 *
 * A numeric feature's bins are `edges` e0 < e1 < ... < ek: bin 0 is (-inf, e0), bin i is
 * [e(i-1), e(i)), bin k+1 is [ek, +inf). See docs/monitoring.md for the table of features.
 */
import { SEMANTIC_TYPES, type SemanticType } from '../terminology/types.js';

/** The semantic types a concept can have (src/terminology/types.ts); any other counts as `other`. */
export const CONCEPT_TYPES: readonly SemanticType[] = SEMANTIC_TYPES;

/** Section categories that mean "the header is not known" (src/doc/schema.ts SectionSchema). */
export const UNKNOWN_SECTION_CATEGORIES: ReadonlySet<string> = new Set(['other', 'unknown']);

/** The bucket that holds the counts of the values a capped categorical feature does not keep. */
export const OTHER_BUCKET = '__other__';

/** Log-spaced edges: `start * factor^i` for i in [0, n), rounded to 4 significant digits. */
function logEdges(start: number, factor: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((start * factor ** i).toPrecision(4)));
  return out;
}

/**
 * The bin sets. `zero` is a tiny first edge so that exact zeros (no digit, no concept of that type)
 * have a bin of their own: [0, 1e-9).
 */
export const BINS = {
  /** Note length in characters: 0, then 32 .. ~92,000 by steps of sqrt(2) (24 edges). */
  chars: [0, ...logEdges(32, Math.SQRT2, 24)],
  /** A share in [0, 1]: its own bin for 0, fine steps below 10%, coarser above. */
  share: [
    0, 1e-9, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1, 0.12, 0.15,
    0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
  ],
  /** A count per note (sections): 0, 1, 2, ... then wider. */
  count: [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100],
  /** A rate per 1,000 chars or tokens: 0, then 0.5 .. ~724 by steps of sqrt(2). */
  rate: [0, 1e-9, ...logEdges(0.5, Math.SQRT2, 22)],
  /** A confidence or probability in [0, 1], finer near 1 where most scores are. */
  confidence: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98, 0.995],
  /** Latency in ms: 0.1 ms .. ~105 s, by steps of 2 (21 edges). */
  latency: [0, ...logEdges(0.1, 2, 21)],
} as const satisfies Record<string, readonly number[]>;

export type BinSetName = keyof typeof BINS;
export type FeatureKind = 'numeric' | 'categorical';

export interface FeatureSpec {
  readonly name: string;
  readonly kind: FeatureKind;
  /** Numeric features: the bin set. */
  readonly bins?: BinSetName;
  /** Categorical features: keep at most this many values (the others go to `__other__`). */
  readonly cap?: number;
  /** One line for docs/monitoring.md and the report. */
  readonly description: string;
  /** A feature whose name ends with `.<type>`, one per concept type. */
  readonly perConceptType?: boolean;
}

/** Default cap of a categorical feature (values beyond it are counted in `__other__`). */
export const DEFAULT_CAP = 100;

/** Every feature a profile can hold. Names are `<group>.<feature>`; groups: input, output, ops. */
export const FEATURES: readonly FeatureSpec[] = [
  // input
  {
    name: 'input.length_chars',
    kind: 'numeric',
    bins: 'chars',
    description: 'Note length in characters (the text, else the end of the last section or sentence)',
  },
  {
    name: 'input.digit_share',
    kind: 'numeric',
    bins: 'share',
    description: 'Share of the characters that are digits (text given)',
  },
  {
    name: 'input.upper_share',
    kind: 'numeric',
    bins: 'share',
    description: 'Share of the characters that are upper-case letters (text given)',
  },
  {
    name: 'input.punct_share',
    kind: 'numeric',
    bins: 'share',
    description: 'Share of the characters that are punctuation (text given)',
  },
  {
    name: 'input.non_ascii_share',
    kind: 'numeric',
    bins: 'share',
    description: 'Share of the characters outside ASCII (text given)',
  },
  {
    name: 'input.section_count',
    kind: 'numeric',
    bins: 'count',
    description: 'Number of sections of the note',
  },
  {
    name: 'input.section_category',
    kind: 'categorical',
    cap: DEFAULT_CAP,
    description: 'Section category mix: one count per section (`other` for unknown headers)',
  },
  {
    name: 'input.unknown_header_share',
    kind: 'numeric',
    bins: 'share',
    description: 'Share of the headed sections whose category is unknown (`other`); notes with headers only',
  },
  {
    name: 'input.oov_rate',
    kind: 'numeric',
    bins: 'share',
    description:
      'Share of the alphabetic words not in the word set of the terminology pack (text and pack given)',
  },
  {
    name: 'input.uncovered_token_share',
    kind: 'numeric',
    bins: 'share',
    description: 'Share of the word tokens not inside any concept (the tokens layer given): the OOV proxy',
  },
  {
    name: 'input.tokenizer_oov_rate',
    kind: 'numeric',
    bins: 'share',
    description: "Share of a model tokenizer's unknown tokens (a hook: only when a tokenizer is given)",
  },
  // output
  {
    name: 'output.concepts_per_1k_chars',
    kind: 'numeric',
    bins: 'rate',
    description: 'Concepts per 1,000 characters, all types',
  },
  {
    name: 'output.concepts_per_1k_chars',
    kind: 'numeric',
    bins: 'rate',
    perConceptType: true,
    description: 'Concepts of one type per 1,000 characters (one feature per type)',
  },
  {
    name: 'output.concepts_per_1k_tokens',
    kind: 'numeric',
    bins: 'rate',
    description: 'Concepts per 1,000 tokens, all types (the tokens layer given)',
  },
  {
    name: 'output.concepts_per_1k_tokens',
    kind: 'numeric',
    bins: 'rate',
    perConceptType: true,
    description: 'Concepts of one type per 1,000 tokens (the tokens layer given; one feature per type)',
  },
  {
    name: 'output.concept_type',
    kind: 'categorical',
    cap: DEFAULT_CAP,
    description: 'Concept type mix: one count per concept',
  },
  {
    name: 'output.assertion_status',
    kind: 'categorical',
    cap: DEFAULT_CAP,
    description:
      'Assertion status of the concepts (present, absent, possible, hypothetical, historical, family, ...)',
  },
  {
    name: 'output.assertion_category',
    kind: 'categorical',
    cap: DEFAULT_CAP,
    description: 'Assertion categories of the concepts (NEGATED, POSSIBLE, ...; `none` when none holds)',
  },
  {
    name: 'output.code',
    kind: 'categorical',
    cap: DEFAULT_CAP,
    description: 'Top codes: `system:code` of the best code of each concept, capped (top 100 + `__other__`)',
  },
  {
    name: 'output.concept_confidence',
    kind: 'numeric',
    bins: 'confidence',
    description: 'The match score of each concept (one value per concept)',
  },
  {
    name: 'output.classification_probability',
    kind: 'numeric',
    bins: 'confidence',
    description: 'The calibrated probability of each classification (one value per classification)',
  },
  // operations
  {
    name: 'ops.latency_ms',
    kind: 'numeric',
    bins: 'latency',
    description: 'Processing time of the note in ms (when the caller gives it)',
  },
  {
    name: 'ops.outcome',
    kind: 'categorical',
    cap: DEFAULT_CAP,
    description: '`ok` for a result, `error` for an error record',
  },
  {
    name: 'ops.error_code',
    kind: 'categorical',
    cap: DEFAULT_CAP,
    description: 'Error records by code',
  },
];

const EXACT = new Map<string, FeatureSpec>();
const PER_TYPE = new Map<string, FeatureSpec>();
for (const f of FEATURES) (f.perConceptType ? PER_TYPE : EXACT).set(f.name, f);

/** The name of a per-type feature: `output.concepts_per_1k_chars.problem`. */
export function typedFeature(base: string, type: string): string {
  return `${base}.${type}`;
}

/** The spec of a feature name, or undefined when the name is not a known feature. */
export function featureSpec(name: string): FeatureSpec | undefined {
  const exact = EXACT.get(name);
  if (exact) return exact;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  const base = PER_TYPE.get(name.slice(0, dot));
  return base && (CONCEPT_TYPES as readonly string[]).includes(name.slice(dot + 1)) ? base : undefined;
}

/** The edges of a numeric feature. */
export function edgesOf(name: string): readonly number[] | undefined {
  const spec = featureSpec(name);
  return spec?.kind === 'numeric' && spec.bins ? BINS[spec.bins] : undefined;
}

/** The cap of a categorical feature. */
export function capOf(name: string): number {
  return featureSpec(name)?.cap ?? DEFAULT_CAP;
}

/** Index of the bin of `x` among `edges` (see the file comment): binary search, O(log k). */
export function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  // the number of edges <= x
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

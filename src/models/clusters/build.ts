/**
 * Word classes learned from unlabelled text: co-occurrence counts in a ±window, positive PMI with
 * context-distribution smoothing (Levy, Goldberg & Dagan 2015), a rank-d truncated SVD by the
 * randomized range finder (Halko, Martinsson & Tropp 2011) with power iterations, unit-length word
 * vectors U·S^½, then hierarchical k-means (cosine): `branching[0]` clusters, each split into
 * `branching[1]`, and so on. A word's class path is its cluster id at each level: a prefix of the
 * path is a coarser class, as the prefixes of a Brown cluster's bit string are.
 * Everything is seeded (mulberry32): the same text and options give the same classes.
 */
import { mulberry32, type Random } from '../prng.js';

export interface ClusterOptions {
  /** Words that get a class: the most frequent ones (default 30,000). */
  readonly vocabulary: number;
  /** Context words (columns of the matrix): the most frequent ones (default 3,000). */
  readonly contexts: number;
  /** Words at distance 1..window on each side count (default 2). */
  readonly window: number;
  /** Dimension of the word vectors (default 64). */
  readonly dimensions: number;
  /** Clusters per level: [16, 8, 8] gives 16, 128 and 1,024 classes. */
  readonly branching: readonly number[];
  /** k-means iterations per split (default 12). */
  readonly iterations: number;
  /** Words seen fewer times get no class (default 3). */
  readonly minCount: number;
  readonly seed: number;
}

export const DEFAULT_CLUSTERS: ClusterOptions = {
  vocabulary: 30_000,
  contexts: 3_000,
  window: 2,
  dimensions: 64,
  branching: [16, 8, 8],
  iterations: 12,
  minCount: 3,
  seed: 1,
};

/**
 * The key of a token for the classes: lower case, every digit as `0`. The model looks words up with
 * the same function.
 */
export function clusterKey(word: string): string {
  return word.toLowerCase().replace(/[0-9]/g, '0');
}

const TOKEN_RE = /[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[^\sA-Za-z0-9]/g;

/** Tokens of a text (runs of letters and digits, other characters alone), as class keys. */
export function clusterTokens(text: string): string[] {
  return (text.match(TOKEN_RE) ?? []).map(clusterKey);
}

export interface WordClasses {
  /** The words, by decreasing frequency (ties: code-unit order). */
  readonly words: readonly string[];
  /** Per word, its cluster id at each level (`paths[w * levels + l]`). */
  readonly paths: Int32Array;
  readonly levels: number;
}

function gaussian(random: Random): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Orthonormalise the k columns of a row-major n x k matrix in place (modified Gram-Schmidt, twice). */
function orthonormalise(m: Float64Array, n: number, k: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (m[i * k + j] as number) * (m[i * k + p] as number);
        for (let i = 0; i < n; i++) m[i * k + j] = (m[i * k + j] as number) - dot * (m[i * k + p] as number);
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += (m[i * k + j] as number) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) m[i * k + j] = (m[i * k + j] as number) / norm;
    }
  }
}

/** Eigen-decomposition of a symmetric k x k matrix (cyclic Jacobi): values and column vectors. */
function symmetricEigen(a: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += (a[p * k + q] as number) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((a[q * k + q] as number) - (a[p * k + p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p] as number;
          const arq = a[r * k + q] as number;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r] as number;
          const aqr = a[q * k + r] as number;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p] as number;
          const vrq = v[r * k + q] as number;
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = a[i * k + i] as number;
  return { values, vectors: v };
}

/** A sparse matrix in compressed rows. */
interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly start: Int32Array;
  readonly col: Int32Array;
  readonly val: Float64Array;
}

/** out (rows x k) = M (rows x cols) * x (cols x k). */
function mulRight(m: Csr, x: Float64Array, k: number): Float64Array {
  const out = new Float64Array(m.rows * k);
  for (let r = 0; r < m.rows; r++) {
    for (let e = m.start[r] as number; e < (m.start[r + 1] as number); e++) {
      const c = m.col[e] as number;
      const v = m.val[e] as number;
      for (let j = 0; j < k; j++) out[r * k + j] = (out[r * k + j] as number) + v * (x[c * k + j] as number);
    }
  }
  return out;
}

/** out (cols x k) = M^T (cols x rows) * x (rows x k). */
function mulLeft(m: Csr, x: Float64Array, k: number): Float64Array {
  const out = new Float64Array(m.cols * k);
  for (let r = 0; r < m.rows; r++) {
    for (let e = m.start[r] as number; e < (m.start[r + 1] as number); e++) {
      const c = m.col[e] as number;
      const v = m.val[e] as number;
      for (let j = 0; j < k; j++) out[c * k + j] = (out[c * k + j] as number) + v * (x[r * k + j] as number);
    }
  }
  return out;
}

/** Unit-length word vectors (rows x d) of the PPMI matrix by randomized SVD. */
function svdVectors(m: Csr, d: number, random: Random): Float64Array {
  const k = d + 10;
  const omega = new Float64Array(m.cols * k);
  for (let i = 0; i < omega.length; i++) omega[i] = gaussian(random);
  let y = mulRight(m, omega, k);
  orthonormalise(y, m.rows, k);
  for (let it = 0; it < 3; it++) {
    const z = mulLeft(m, y, k);
    orthonormalise(z, m.cols, k);
    y = mulRight(m, z, k);
    orthonormalise(y, m.rows, k);
  }
  // B = Q^T M (k x cols); B B^T = U_b S^2 U_b^T; U = Q U_b
  const bt = mulLeft(m, y, k); // cols x k = (Q^T M)^T
  const bbt = new Float64Array(k * k);
  for (let c = 0; c < m.cols; c++) {
    for (let i = 0; i < k; i++) {
      const bi = bt[c * k + i] as number;
      if (bi === 0) continue;
      for (let j = 0; j < k; j++)
        bbt[i * k + j] = (bbt[i * k + j] as number) + bi * (bt[c * k + j] as number);
    }
  }
  const { values, vectors } = symmetricEigen(bbt, k);
  const order = Array.from({ length: k }, (_, i) => i).sort(
    (a, b) => (values[b] as number) - (values[a] as number) || a - b,
  );
  const out = new Float64Array(m.rows * d);
  for (let r = 0; r < m.rows; r++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const e = order[j] as number;
      const sigma = Math.sqrt(Math.max(0, values[e] as number));
      let u = 0;
      for (let i = 0; i < k; i++) u += (y[r * k + i] as number) * (vectors[i * k + e] as number);
      const x = u * Math.sqrt(sigma);
      out[r * d + j] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < d; j++) out[r * d + j] = (out[r * d + j] as number) / norm;
  }
  return out;
}

/** Spherical k-means of the given rows (k-means++ seeding); returns a cluster per row. */
function kmeans(
  vec: Float64Array,
  d: number,
  rows: readonly number[],
  k: number,
  iterations: number,
  random: Random,
): Int32Array {
  const n = rows.length;
  const assign = new Int32Array(n);
  if (n <= k) {
    for (let i = 0; i < n; i++) assign[i] = i;
    return assign;
  }
  const centres = new Float64Array(k * d);
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const dot = (r: number, c: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (vec[r * d + j] as number) * (centres[c * d + j] as number);
    return s;
  };
  let pick = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    const r = rows[pick] as number;
    for (let j = 0; j < d; j++) centres[c * d + j] = vec[r * d + j] as number;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dd = Math.max(0, 1 - dot(rows[i] as number, c));
      if (dd < (dist[i] as number)) dist[i] = dd;
      total += dist[i] as number;
    }
    let target = random() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= dist[i] as number;
      if (target <= 0) {
        pick = i;
        break;
      }
    }
  }
  for (let it = 0; it < iterations; it++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDot = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const s = dot(rows[i] as number, c);
        if (s > bestDot) {
          bestDot = s;
          best = c;
        }
      }
      if (assign[i] !== best || it === 0) moved++;
      assign[i] = best;
    }
    centres.fill(0);
    for (let i = 0; i < n; i++) {
      const r = rows[i] as number;
      const c = assign[i] as number;
      for (let j = 0; j < d; j++)
        centres[c * d + j] = (centres[c * d + j] as number) + (vec[r * d + j] as number);
    }
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let j = 0; j < d; j++) norm += (centres[c * d + j] as number) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < d; j++) centres[c * d + j] = (centres[c * d + j] as number) / norm;
    }
    if (moved === 0) break;
  }
  return assign;
}

/** Word classes of tokenised texts (each text a list of class keys). */
export function buildWordClasses(
  texts: Iterable<readonly string[]>,
  options: Partial<ClusterOptions> = {},
): WordClasses {
  const o = { ...DEFAULT_CLUSTERS, ...options };
  const random = mulberry32(o.seed);
  const docs = [...texts];
  const counts = new Map<string, number>();
  for (const t of docs) for (const w of t) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ranked = [...counts.entries()]
    .filter(([, c]) => c >= o.minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const words = ranked.slice(0, o.vocabulary).map(([w]) => w);
  const V = words.length;
  const C = Math.min(o.contexts, V);
  const index = new Map(words.map((w, i) => [w, i]));
  // co-occurrence pairs as keys w * C + c, counted by sorting
  let keys = new Uint32Array(1 << 20);
  let nk = 0;
  for (const t of docs) {
    const ids = t.map((w) => index.get(w) ?? -1);
    for (let i = 0; i < ids.length; i++) {
      const w = ids[i] as number;
      if (w < 0) continue;
      for (let k = -o.window; k <= o.window; k++) {
        if (k === 0) continue;
        const c = ids[i + k];
        if (c === undefined || c < 0 || c >= C) continue;
        if (nk === keys.length) {
          const bigger = new Uint32Array(keys.length * 2);
          bigger.set(keys);
          keys = bigger;
        }
        keys[nk++] = w * C + c;
      }
    }
  }
  const sorted = keys.subarray(0, nk).sort();
  const start = new Int32Array(V + 1);
  const col: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < nk; ) {
    const key = sorted[i] as number;
    let j = i;
    while (j < nk && sorted[j] === key) j++;
    const w = Math.floor(key / C);
    col.push(key - w * C);
    val.push(j - i);
    start[w + 1] = (start[w + 1] as number) + 1;
    i = j;
  }
  for (let w = 0; w < V; w++) start[w + 1] = (start[w + 1] as number) + (start[w] as number);
  // PPMI with context counts raised to 0.75
  const rowSum = new Float64Array(V);
  const colSum = new Float64Array(C);
  let total = 0;
  for (let w = 0; w < V; w++) {
    for (let e = start[w] as number; e < (start[w + 1] as number); e++) {
      const v = val[e] as number;
      rowSum[w] = (rowSum[w] as number) + v;
      colSum[col[e] as number] = (colSum[col[e] as number] as number) + v;
      total += v;
    }
  }
  let smoothTotal = 0;
  const smooth = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    smooth[c] = (colSum[c] as number) ** 0.75;
    smoothTotal += smooth[c] as number;
  }
  const ppmi = new Float64Array(val.length);
  for (let w = 0; w < V; w++) {
    for (let e = start[w] as number; e < (start[w + 1] as number); e++) {
      const c = col[e] as number;
      const pwc = (val[e] as number) / total;
      const pw = (rowSum[w] as number) / total;
      const pc = (smooth[c] as number) / smoothTotal;
      ppmi[e] = Math.max(0, Math.log(pwc / (pw * pc)));
    }
  }
  const matrix: Csr = { rows: V, cols: C, start, col: Int32Array.from(col), val: ppmi };
  const d = o.dimensions;
  const vec = svdVectors(matrix, d, random);
  // hierarchical k-means
  const levels = o.branching.length;
  const paths = new Int32Array(V * levels);
  let groups: number[][] = [Array.from({ length: V }, (_, i) => i)];
  for (let l = 0; l < levels; l++) {
    const k = o.branching[l] as number;
    const next: number[][] = [];
    groups.forEach((rows, g) => {
      const assign = kmeans(vec, d, rows, k, o.iterations, random);
      const sub: number[][] = Array.from({ length: k }, () => []);
      rows.forEach((r, i) => {
        const a = assign[i] as number;
        paths[r * levels + l] = g * k + a;
        (sub[a] as number[]).push(r);
      });
      for (const s of sub) next.push(s);
    });
    groups = next;
  }
  return { words, paths, levels };
}

/** The classes as text: a header line, then `word<TAB>id1<TAB>id2...` per word, by frequency. */
export function formatWordClasses(c: WordClasses, header: string): string {
  const lines = [`# ${header}`];
  c.words.forEach((w, i) => {
    const ids: number[] = [];
    for (let l = 0; l < c.levels; l++) ids.push(c.paths[i * c.levels + l] as number);
    lines.push(`${w}\t${ids.join('\t')}`);
  });
  return `${lines.join('\n')}\n`;
}

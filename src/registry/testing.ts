/** Test helpers of the registry (not shipped). */
import type { DocScore, SuiteReport } from './evaluate.js';

/** A report of `n` documents whose first `right` documents are all found and the others all missed. */
export function syntheticReport(n: number, right: number, suite = 'ner:ncbi-disease'): SuiteReport {
  const docs: DocScore[] = Array.from({ length: n }, (_, i) => ({
    id: `d${i}`,
    strict: { Disease: i < right ? [3, 0, 0] : [1, 1, 2] },
    lenient: { Disease: i < right ? [3, 0, 0] : [2, 0, 1] },
  }));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const d of docs) {
    const [a, b, c] = d.strict.Disease!;
    tp += a;
    fp += b;
    fn += c;
  }
  const p = tp / (tp + fp);
  const r = tp / (tp + fn);
  const prf = { precision: p, recall: r, f1: (2 * p * r) / (p + r), tp, fp, fn };
  return {
    suite,
    task: 'ner',
    preset: 'ncbi-disease',
    limit: n,
    documents: n,
    docsHash: `h${n}`,
    strict: prf,
    lenient: prf,
    byType: { Disease: { strict: prf, lenient: prf } },
    failedDocuments: 0,
    seconds: 0,
    docs,
  };
}

/** A tiny synthetic NER corpus for tests: sentences with disease mentions marked by brackets. */
import type { NerExample, NerToken, TypedSpan } from './types.js';

/** `[breast cancer]` marks a Disease; `{aspirin}` a Chemical; words are separated by single spaces. */
export function synthetic(id: string, marked: string): NerExample {
  const tokens: NerToken[] = [];
  const gold: TypedSpan[] = [];
  let at = 0;
  let open: { start: number; type: string } | undefined;
  let sentence = 0;
  for (const raw of marked.split(' ')) {
    let w = raw;
    if (w.startsWith('[') || w.startsWith('{')) {
      open = { start: at, type: w[0] === '[' ? 'Disease' : 'Chemical' };
      w = w.slice(1);
    }
    const close = w.endsWith(']') || w.endsWith('}');
    if (close) w = w.slice(0, -1);
    tokens.push({ text: w, start: at, end: at + w.length, sentence });
    if (close && open) {
      gold.push({ start: open.start, end: at + w.length, type: open.type });
      open = undefined;
    }
    at += w.length + 1;
    if (w === '.') sentence++;
  }
  return { id, tokens, dict: tokens.map(() => 'O'), gold };
}

export const SYNTHETIC_TRAIN: readonly NerExample[] = [
  synthetic('s1', 'Patients with [breast cancer] were given {aspirin} daily .'),
  synthetic('s2', 'The [Duchenne muscular dystrophy] gene was cloned .'),
  synthetic('s3', 'No [diabetes] was seen ; {metformin} was stopped .'),
  synthetic('s4', 'A family with [colon cancer] and [diabetes] . Her mother took {insulin} .'),
  synthetic('s5', 'We studied [muscular dystrophy] in mice given {aspirin} .'),
  synthetic('s6', 'The gene causes [breast cancer] and [ovarian cancer] in carriers .'),
];

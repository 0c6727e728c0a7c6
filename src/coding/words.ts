/**
 * Word keys for matching note text against Index titles: lower case, letters and digits, a light
 * stemmer (plural `-s`, possessive `'s`), function words dropped. Both sides go through the same
 * function, so the stems only have to agree with each other.
 */

/** Words that carry no meaning of their own in an Index title or a mention. */
const STOP = new Set([
  'a',
  'an',
  'the',
  'of',
  'and',
  'or',
  'to',
  'in',
  'on',
  'at',
  'by',
  'for',
  'from',
  'as',
  'is',
  'was',
  'were',
  'be',
  'been',
  'has',
  'had',
  'have',
  'this',
  'that',
  'his',
  'her',
  'nos',
  'nec',
  'type',
]);

/** Words that link a subterm to another condition (the Index's connectors). */
export const CONNECTORS = new Set(['with', 'due', 'without', 'in', 'following', 'after', 'during']);

/** Word spellings that differ between the note and the Index (British -> US, forms). */
const VARIANTS: Record<string, string> = {
  haemorrhage: 'hemorrhage',
  anaemia: 'anemia',
  oedema: 'edema',
  tumour: 'tumor',
  oesophagus: 'esophagus',
  oesophageal: 'esophageal',
  diarrhoea: 'diarrhea',
  ischaemic: 'ischemic',
  ischaemia: 'ischemia',
  leukaemia: 'leukemia',
  paediatric: 'pediatric',
  haematuria: 'hematuria',
  haematoma: 'hematoma',
  i: '1',
  ii: '2',
  iii: '3',
  iv: '4',
  one: '1',
  two: '2',
  three: '3',
};

/** One word's key: `Diabetes` -> `diabete`, `kidneys` -> `kidney`, `Charcot's` -> `charcot`. */
export function wordKey(word: string): string {
  let w = word.toLowerCase().replace(/['’]s$/, '');
  w = VARIANTS[w] ?? w;
  // plural -s; not -ss (abscess), -us (mellitus), -is (arthritis)
  if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  return w;
}

/** The raw words of a text (letters and digits), in order. */
export function rawWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’]s)?/gu) ?? [];
}

const shortKeys = new Map<string, readonly string[]>();

/** The content word keys of a text, in order (function words dropped). Short texts are memoized. */
export function contentKeys(text: string): string[] {
  if (text.length <= 80) {
    let k = shortKeys.get(text);
    if (!k) {
      k = computeKeys(text);
      if (shortKeys.size >= 100_000) shortKeys.clear();
      shortKeys.set(text, k);
    }
    return [...k];
  }
  return computeKeys(text);
}

function computeKeys(text: string): string[] {
  const out: string[] = [];
  for (const w of rawWords(text)) {
    const k = wordKey(w);
    if (!STOP.has(k) && !STOP.has(w)) out.push(k);
  }
  return out;
}

/** Whether a word is a function word (dropped by contentKeys). */
export function isStopWord(word: string): boolean {
  return STOP.has(word.toLowerCase());
}

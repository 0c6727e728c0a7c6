/**
 * Features of the assertion classifier: for each concept of a note (after the `assertions`
 * component), the rule engine's verdict and its cue, the negation cues of the sentence (the nearest
 * before and after the concept: their text, rule id, distance, direction, whether their scope reached
 * the concept, the punctuation and conjunctions between), the words around the concept, the
 * concept's own words and type, the section category and the sentence kind.
 *
 * The same function runs at training time (gold entities as the concepts) and in the `classify`
 * component, so the two never drift apart. Features are strings; the learner hashes them.
 * Nothing here is logged: the strings hold note words and stay in memory.
 */
import {
  type ContextEngine,
  type CueMatch,
  conceptPlace,
  sentenceTokenRanges,
} from '../../components/assertions/index.js';
import type { Doc } from '../../doc/doc.js';
import type { Concept, Section, Sentence, Token } from '../../doc/types.js';
import { lastStartingAtOrBefore } from '../../text/offsets.js';

/** Bumped whenever the features change: a model records the version it was trained with. */
export const ASSERTION_FEATURES_VERSION = 1;

/** Words on each side of the concept read as positional features. */
export const WINDOW = 3;

/** Words on each side searched for the word classes of `WORD_CLASSES`. */
export const CLASS_WINDOW = 8;

/** Where a concept's negation evidence comes from, for the component's output. */
export interface NegationCue {
  readonly rule: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The cue's scope reaches the concept (the rule engine applied it). */
  readonly inScope: boolean;
  readonly scope: { readonly start: number; readonly end: number } | null;
}

/** The features of one concept, and the nearest negation cue of its sentence (null when none). */
export interface ConceptFeatures {
  readonly features: string[];
  readonly cue: NegationCue | null;
}

/** Distance in word tokens, bucketed. */
export function distanceBucket(d: number): string {
  if (d <= 0) return '0';
  if (d === 1) return '1';
  if (d === 2) return '2';
  if (d <= 4) return '3-4';
  if (d <= 7) return '5-7';
  if (d <= 12) return '8-12';
  return '13+';
}

const CONJUNCTIONS = new Set(['and', 'or', 'nor', 'but', 'with', 'without', 'as', 'while', 'which', 'that']);

function isWord(t: Token): boolean {
  return t.kind !== 'punct' && t.kind !== 'symbol';
}

function sectionChain(sections: readonly Section[], index: number): string[] {
  const out: string[] = [];
  let i = index;
  for (let guard = 0; guard < 8 && i >= 0 && i < sections.length; guard++) {
    const s = sections[i] as Section;
    out.push(s.category);
    if (s.parent === undefined || s.parent === i) break;
    i = s.parent;
  }
  return out;
}

/** The token range [a, b) of the tokens overlapping [start, end). */
function tokenRange(
  tokens: readonly Token[],
  from: number,
  to: number,
  start: number,
  end: number,
): [number, number] {
  let a = from;
  while (a < to && (tokens[a] as Token).end <= start) a++;
  let b = a;
  while (b < to && (tokens[b] as Token).start < end) b++;
  return [a, b];
}

/** Lower-cased word of a token, digits folded (numbers carry no assertion). */
function word(t: Token): string {
  if (t.kind === 'number' || t.kind === 'measure') return '<num>';
  return t.norm;
}

interface Prepared {
  readonly from: number;
  readonly to: number;
  readonly cues: readonly CueMatch[];
  readonly sections: readonly string[];
  readonly kind: string;
}

/**
 * The features of every concept of `doc` (in the concepts layer's order), with the nearest negation
 * cue. The note needs `tokens`; `sentences`, `sections` and each concept's `assertion` are used when
 * present (without an assertion the rule verdict reads "none").
 */
export function assertionFeatures(
  doc: Doc,
  engine: ContextEngine,
  concepts?: readonly Concept[],
): ConceptFeatures[] {
  const list = concepts ?? doc.maybe('concepts') ?? [];
  if (list.length === 0) return [];
  const text = doc.text;
  const tokens: readonly Token[] = doc.maybe('tokens') ?? [];
  const sentences: readonly Sentence[] = doc.maybe('sentences') ?? [];
  const sections: readonly Section[] = doc.maybe('sections') ?? [];

  const { from, to } = sentenceTokenRanges(tokens, sentences.length);
  const cache = new Map<string, Prepared>();
  const prepare = (key: string, a: number, b: number, sectionIndex: number, kind: string): Prepared => {
    let p = cache.get(key);
    if (!p) {
      const names = sectionChain(sections, sectionIndex);
      const sentence = engine.prepareTokens(text, tokens, a, b, names.length > 0 ? { sections: names } : {});
      p = { from: a, to: b, cues: sentence.cues(), sections: names, kind };
      cache.set(key, p);
    }
    return p;
  };

  return list.map((c) => {
    const { sentence: si, section: sectionIndex } = conceptPlace(c, sentences, sections);
    const sentence = si >= 0 ? sentences[si] : undefined;
    let p: Prepared;
    if (sentence && (from[si] as number) >= 0) {
      p = prepare(`s${si}`, from[si] as number, to[si] as number, sectionIndex, sentence.kind);
    } else {
      const lineStart = text.lastIndexOf('\n', Math.max(0, c.start - 1)) + 1;
      const nl = text.indexOf('\n', c.end);
      const lineEnd = nl < 0 ? text.length : nl;
      let a = lastStartingAtOrBefore(tokens, lineStart - 1) + 1;
      while (a < tokens.length && (tokens[a] as Token).start < lineStart) a++;
      let b = a;
      while (b < tokens.length && (tokens[b] as Token).end <= lineEnd) b++;
      p = prepare(`l${lineStart}`, a, b, sectionIndex, 'none');
    }
    return conceptFeatures(text, tokens, p, c, list);
  });
}

/** How many concepts lie wholly inside [lo, hi) (other than `c`), bucketed 0 / 1 / 2+. */
function conceptsBetween(list: readonly Concept[], c: Concept, lo: number, hi: number): string {
  let n = 0;
  for (const o of list) {
    if (o === c || o.start < lo || o.end > hi) continue;
    if (++n >= 2) break;
  }
  return n >= 2 ? '2+' : String(n);
}

function conceptFeatures(
  text: string,
  tokens: readonly Token[],
  p: Prepared,
  c: Concept,
  list: readonly Concept[],
): ConceptFeatures {
  const f: string[] = ['bias'];
  const type = c.type;
  f.push(`type=${type}`);
  f.push(`sec=${p.sections[0] ?? 'none'}`);
  for (const s of p.sections.slice(1)) f.push(`sec.parent=${s}`);
  f.push(`skind=${p.kind}`);

  // the rule engine's verdict
  const a = c.assertion;
  const ruleNeg = a?.categories.includes('NEGATED') === true;
  f.push(`rule.neg=${ruleNeg ? 1 : 0}`);
  f.push(`rule.neg&type=${ruleNeg ? 1 : 0}&${type}`);
  f.push(`rule.status=${a?.status ?? 'none'}`);
  for (const cat of a?.categories ?? []) f.push(`rule.cat=${cat}`);
  for (const e of a?.evidence ?? []) {
    if (e.category !== 'NEGATED') continue;
    f.push(`rule.neg.src=${e.source}`);
    f.push(`rule.neg.rule=${e.rule}`);
    if (e.cue) f.push(`rule.neg.cue=${text.slice(e.cue.start, e.cue.end).toLowerCase()}`);
  }

  // the concept's tokens and the words around it, within the sentence
  const [ta, tb] = tokenRange(tokens, p.from, p.to, c.start, c.end);
  const inside = tokens.slice(ta, tb).filter(isWord);
  for (const t of inside) f.push(`c.w=${word(t)}`);
  if (inside.length > 0) {
    f.push(`c.first=${word(inside[0] as Token)}`);
    f.push(`c.last=${word(inside[inside.length - 1] as Token)}`);
  }
  f.push(`c.len=${distanceBucket(inside.length)}`);
  for (const o of list) {
    if (o === c) continue;
    if (o.start <= c.start && c.end <= o.end && (o.start < c.start || c.end < o.end)) f.push('c.nested=in');
    else if (c.start <= o.start && o.end <= c.end && (c.start < o.start || o.end < c.end))
      f.push('c.nested=holds');
  }
  // the words on each side, up to WINDOW, stepping away from the concept within its sentence
  const sideWords = (prefix: 'L' | 'R', first: number, step: 1 | -1, edge: string): void => {
    let n = 0;
    for (let i = first; i >= p.from && i < p.to && n < WINDOW; i += step) {
      const t = tokens[i] as Token;
      if (!isWord(t)) {
        if (n < 2) f.push(`${prefix}.punct${n}=${t.norm}`);
        continue;
      }
      n++;
      f.push(`${prefix}${n}=${word(t)}`);
      if (n === 1) f.push(`${prefix}1&type=${word(t)}&${type}`);
    }
    if (n === 0) f.push(edge);
  };
  sideWords('L', ta - 1, -1, 'L.start');
  sideWords('R', tb, 1, 'R.end');
  // past a list of concepts the concept is part of (`fever, rash and cough resolved`): the words
  // after (and before) the list
  coordinated(f, 'RS', tokens, tb, p.to, 1, list, c);
  coordinated(f, 'LS', tokens, ta - 1, p.from - 1, -1, list, c);
  // words of the clause that often deny, stop or resolve something (the project's own short list)
  lexical(f, 'lexR', tokens, tb, p.to, 1);
  lexical(f, 'lexL', tokens, ta - 1, p.from - 1, -1);

  // the negation cues of the sentence: the nearest on each side
  let before: { cue: CueMatch; d: number; a: number; b: number } | undefined;
  let after: { cue: CueMatch; d: number; a: number; b: number } | undefined;
  let covering: CueMatch | undefined;
  let negCues = 0;
  for (const cue of p.cues) {
    if (!cue.categories.includes('NEGATED')) continue;
    negCues++;
    const [ca, cb] = tokenRange(tokens, p.from, p.to, cue.cue.start, cue.cue.end);
    if (cue.cue.start < c.end && c.start < cue.cue.end) {
      covering = cue;
      continue;
    }
    if (cb <= ta) {
      const d = countWords(tokens, cb, ta);
      if (!before || d < before.d) before = { cue, d, a: cb, b: ta };
    } else if (ca >= tb) {
      const d = countWords(tokens, tb, ca);
      if (!after || d < after.d) after = { cue, d, a: tb, b: ca };
    }
  }
  f.push(`neg.cues=${distanceBucket(negCues)}`);
  if (covering) {
    f.push(`neg.inside.rule=${covering.rule}`);
  }
  const side = (name: string, x: { cue: CueMatch; d: number; a: number; b: number }): void => {
    const cueText = x.cue.cue.text.toLowerCase();
    const reaches = scopeReaches(x.cue, c);
    const dist = distanceBucket(x.d);
    f.push(`${name}.rule=${x.cue.rule}`);
    f.push(`${name}.cue=${cueText}`);
    f.push(`${name}.dir=${x.cue.direction}`);
    f.push(`${name}.dist=${dist}`);
    f.push(`${name}.rule&dist=${x.cue.rule}&${dist}`);
    f.push(`${name}.scope=${reaches ? 1 : 0}`);
    f.push(`${name}.scope&rule.neg=${reaches ? 1 : 0}&${ruleNeg ? 1 : 0}`);
    f.push(`${name}.cue&type=${cueText}&${type}`);
    let words = 0;
    for (let i = x.a; i < x.b; i++) {
      const t = tokens[i] as Token;
      if (!isWord(t)) f.push(`${name}.between.punct=${t.norm}`);
      else {
        words++;
        if (CONJUNCTIONS.has(t.norm)) f.push(`${name}.between.conj=${t.norm}`);
      }
    }
    if (words === 0) f.push(`${name}.adjacent`);
    const lo0 = x.cue.cue.end <= c.start ? x.cue.cue.end : c.end;
    const hi0 = x.cue.cue.end <= c.start ? c.start : x.cue.cue.start;
    const between = conceptsBetween(list, c, lo0, hi0);
    f.push(`${name}.concepts=${between}`);
    f.push(`${name}.concepts&scope=${between}&${reaches ? 1 : 0}`);
    // other cues (any category, terminators, pseudo-cues) between the negation cue and the concept
    const lo = tokens[x.a]?.start ?? c.start;
    const hi = x.b > x.a ? (tokens[x.b - 1] as Token).end : lo;
    for (const other of p.cues) {
      if (other === x.cue) continue;
      if (other.cue.start >= lo && other.cue.end <= hi) f.push(`${name}.between.rule=${other.rule}`);
    }
  };
  if (before) side('negB', before);
  else f.push('negB.none');
  if (after) side('negA', after);
  else f.push('negA.none');

  // every cue of the sentence, by category, before or after
  for (const cue of p.cues) {
    if (cue.categories.length === 0 || cue.categories.includes('NEGATED')) continue;
    const where = cue.cue.end <= c.start ? 'B' : cue.cue.start >= c.end ? 'A' : 'I';
    for (const cat of cue.categories) f.push(`cue.${where}=${cat}${scopeReaches(cue, c) ? '.scope' : ''}`);
  }

  const best = before && after ? (before.d <= after.d ? before : after) : (before ?? after);
  const cue: NegationCue | null = covering
    ? cueOf(covering, c, true)
    : best
      ? cueOf(best.cue, c, scopeReaches(best.cue, c))
      : null;
  return { features: f, cue };
}

/** Tokens that join the items of a list. */
const LIST_GLUE = new Set([',', 'and', 'or', 'nor', '/', '(', ')', 'as', 'well']);

/** The concept (other than `c`) holding token `t`, if any. */
function inOtherConcept(t: Token, list: readonly Concept[], c: Concept): boolean {
  for (const o of list) if (o !== c && o.start <= t.start && t.end <= o.end) return true;
  return false;
}

/**
 * Walk from token `i` by `step` over other concepts and list glue; when at least one concept was
 * passed, the next three words are features (`RS1=resolved`).
 */
function coordinated(
  f: string[],
  name: string,
  tokens: readonly Token[],
  i: number,
  stop: number,
  step: 1 | -1,
  list: readonly Concept[],
  c: Concept,
): void {
  let passed = 0;
  let k = i;
  for (; k !== stop; k += step) {
    const t = tokens[k] as Token;
    if (inOtherConcept(t, list, c)) {
      passed++;
      continue;
    }
    if (LIST_GLUE.has(t.norm)) continue;
    break;
  }
  if (passed === 0) return;
  f.push(`${name}.passed`);
  let n = 0;
  for (; k !== stop && n < 3; k += step) {
    const t = tokens[k] as Token;
    if (!isWord(t)) continue;
    n++;
    f.push(`${name}${n}=${word(t)}`);
  }
  if (n === 0) f.push(`${name}.edge`);
}

/**
 * Word classes written for this project (stems, matched at the start of a lower-cased word): words
 * that deny, stop, remove, resolve, exclude or fail something. The learner weighs them; the rule
 * engine's cues are separate features.
 */
const WORD_CLASSES: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    'deny',
    ['no', 'not', 'never', 'without', 'deni', 'none', 'nor', 'neither', 'lack', 'absen', "n't", 'free'],
  ],
  [
    'stop',
    ['stop', 'discontinu', 'withdr', 'wean', 'taper', 'ceas', 'suspend', 'withh', 'halt', 'switch', 'chang'],
  ],
  ['remove', ['remov', 'extubat', 'explant', 'extract']],
  [
    'resolve',
    ['resol', 'reliev', 'cure', 'absorb', 'disappear', 'subsid', 'regress', 'normaliz', 'recover', 'clear'],
  ],
  ['exclude', ['exclud', 'ruled', 'negativ', 'unremarkab', 'normal', 'unaffect', 'unlikely']],
  [
    'fail',
    ['fail', 'unsuccess', 'declin', 'refus', 'cancel', 'defer', 'unable', 'prevent', 'attempt', 'could'],
  ],
];

function wordClass(w: string): string | undefined {
  for (const [name, stems] of WORD_CLASSES) {
    for (const s of stems) if (s.length <= 3 ? w === s : w.startsWith(s)) return name;
  }
  return undefined;
}

/** The word classes among the next CLASS_WINDOW words from token `i` by `step`, with their distance. */
function lexical(
  f: string[],
  name: string,
  tokens: readonly Token[],
  i: number,
  stop: number,
  step: 1 | -1,
): void {
  let n = 0;
  for (let k = i; k !== stop && n < CLASS_WINDOW; k += step) {
    const t = tokens[k] as Token;
    if (!isWord(t)) {
      if (t.norm === ';') break;
      continue;
    }
    n++;
    const cls = wordClass(t.norm);
    if (cls) f.push(`${name}=${cls}`, `${name}=${cls}&${distanceBucket(n - 1)}`);
  }
}

function countWords(tokens: readonly Token[], a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) if (isWord(tokens[i] as Token)) n++;
  return n;
}

function scopeReaches(cue: CueMatch, c: { start: number; end: number }): boolean {
  const hits = (s: { start: number; end: number } | null): boolean =>
    s !== null && s.start < c.end && c.start < s.end;
  return hits(cue.forward) || hits(cue.backward);
}

function cueOf(cue: CueMatch, c: { start: number; end: number }, inScope: boolean): NegationCue {
  const scope =
    cue.forward && cue.forward.start < c.end && c.start < cue.forward.end ? cue.forward : cue.backward;
  return {
    rule: cue.rule,
    start: cue.cue.start,
    end: cue.cue.end,
    text: cue.cue.text,
    inScope,
    scope: scope ? { start: scope.start, end: scope.end } : null,
  };
}

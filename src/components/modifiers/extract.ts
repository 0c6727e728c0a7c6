/**
 * Finding modifiers around problem and procedure concepts. See docs/modifiers.md.
 *
 * 1. One pass of a few regexes over the normalized text finds every modifier word (hits), pain
 *    scores and grades; anatomy concepts are body-site hits with their code.
 * 2. For each problem or procedure concept, hits are taken from three places:
 *    - inside the concept (`acute kidney injury`, `knee pain`);
 *    - to its left, in the same noun phrase: back to the nearest punctuation or stop word
 *      (`severe left knee pain`);
 *    - to its right, as a chain of hits joined by connectors (`pain in the right knee`,
 *      `CKD stage 3a, improving`, `edema to the knees bilaterally`, `HTN: stable`).
 *    A hit inside another problem or procedure concept is never taken (no crossed links), and the
 *    right chain stops at the next one.
 * 3. Of several hits of a kind, the closest to the concept wins.
 */
import type { Concept, Token } from '../../doc/types.js';
import type { CompiledModifierRules, Hit, HitKind } from './rules.js';

export const TARGET_TYPES: ReadonlySet<string> = new Set(['problem', 'procedure']);

export interface RawModifier {
  start: number;
  end: number;
  kind: HitKind;
  value: string;
  rule: string;
  concept?: number;
  code?: { system: string; code: string };
}

export interface ModifierInput {
  readonly text: string;
  readonly concepts: readonly Concept[];
  readonly toNormalized: (o: number) => number;
  /** The tokens layer (original offsets): when given, modifier words are looked for only at word tokens. */
  readonly tokens?: readonly Token[];
}

/** What may stand between two modifiers before a concept: spaces, a hyphen or a comma, and one word. */
const LEFT_GAP_RE = /^[ \t]*(?:[,\-/][ \t]*)?(?:[A-Za-z][A-Za-z'-]*[ \t]+)?$/;

/** Index of the last hit ending at or before `p`, or -1. */
function lastHitEndingBy(hits: readonly Hit[], p: number): number {
  // hits do not overlap and are sorted: the last one starting before p, if it also ends by p
  let k = firstHitFrom(hits, p) - 1;
  while (k >= 0 && hits[k]!.end > p) k--;
  return k;
}

/** Index of the first hit starting at or after p (hits sorted by start). */
function firstHitFrom(hits: readonly Hit[], p: number): number {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hits[mid]!.start < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Words and punctuation that may stand between a concept and the modifiers after it. */
const CONNECTOR_RE =
  /[ \t]*(?:(?:[,:(-]|(?:is|are|was|were|remains?|remained|has[ \t]+been|have[ \t]+been|has|have|had|now|currently|clinically|which[ \t]+is|that[ \t]+is|appears|seems|still|overall|and|stage[ \t]+[0-9a-zA-Z]{1,4}|class[ \t]+[0-9a-zA-Z]{1,4}|of|in|on|at|involving|over|to|around|along|behind|under|above|below|near|the|his|her|their|both|my)(?![A-Za-z0-9]))[ \t]*)*/y;

const PAIN_RE = /pain|ache|tender|discomfort/i;

export class ModifierExtractor {
  readonly #r: CompiledModifierRules;

  constructor(rules: CompiledModifierRules) {
    this.#r = rules;
  }

  /** Modifiers per concept index (only concepts that have some). */
  extract(input: ModifierInput): Map<number, RawModifier[]> {
    const { text, concepts, toNormalized } = input;
    const out = new Map<number, RawModifier[]>();
    const targets: { i: number; start: number; end: number }[] = [];
    const anatomy: { i: number; start: number; end: number; code?: { system: string; code: string } }[] = [];
    concepts.forEach((c, i) => {
      if (TARGET_TYPES.has(c.type))
        targets.push({ i, start: toNormalized(c.start), end: toNormalized(c.end) });
      else if (c.type === 'anatomy') {
        const k = c.codes[0];
        anatomy.push({
          i,
          start: toNormalized(c.start),
          end: toNormalized(c.end),
          ...(k ? { code: { system: k.system, code: k.code } } : {}),
        });
      }
    });
    if (targets.length === 0) return out;
    const hits = this.#hits(text, anatomy, input);
    if (hits.length === 0) return out;
    targets.sort((a, b) => a.start - b.start);
    // a hit inside a target concept belongs to that concept only
    const owner = (h: Hit): number => {
      // the last target starting at or before the hit (targets are sorted and seldom nested)
      let lo = 0;
      let hi = targets.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (targets[mid]!.start <= h.start) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo - 1; k >= 0 && k >= lo - 3; k--) {
        const t = targets[k]!;
        if (h.start >= t.start && h.end <= t.end) return t.i;
      }
      return -1;
    };
    const hitOwner = hits.map(owner);
    for (let k = 0; k < targets.length; k++) {
      const t = targets[k]!;
      const prevEnd = k > 0 ? targets[k - 1]!.end : 0;
      const nextStart = k + 1 < targets.length ? targets[k + 1]!.start : text.length;
      const found = new Map<HitKind, RawModifier>();
      const take = (h: Hit, rule: string, replace: boolean): void => {
        if (h.score && !PAIN_RE.test(text.slice(t.start, t.end))) return;
        if (!replace && found.has(h.kind)) return;
        const m: RawModifier = { start: h.start, end: h.end, kind: h.kind, value: h.value, rule };
        if (h.concept !== undefined) m.concept = h.concept;
        if (h.code) m.code = h.code;
        found.set(h.kind, m);
      };
      // inside (or across the concept's start: `low back` of `back pain`)
      for (let j = Math.max(0, firstHitFrom(hits, t.start) - 2); j < hits.length; j++) {
        const h = hits[j]!;
        if (h.start >= t.end) break;
        if (h.end > t.start && !h.exact && (hitOwner[j] === t.i || hitOwner[j] === -1))
          take(h, 'mod.inside', false);
      }
      // left: hits chained back from the concept, one unknown word at most between two of them
      // (`severe left knee pain`, `moderate functional mitral regurgitation`)
      {
        let p = t.start;
        let j = lastHitEndingBy(hits, p);
        const floor = Math.max(prevEnd, t.start - 60);
        for (let steps = 0; steps < 8 && j >= 0; steps++) {
          const h = hits[j]!;
          if (h.start < floor || hitOwner[j] !== -1) break;
          const gap = text.slice(h.end, p);
          if (!LEFT_GAP_RE.test(gap)) break;
          const words = gap.match(/[A-Za-z][A-Za-z'-]*/g) ?? [];
          if (words.length > 1 || words.some((w) => this.#r.isStopWord(w))) break;
          if (h.exact) {
            // `R knee pain`: a short form right before a body site or the concept
            const next = hits[j + 1];
            const ok =
              /^[ \t]+$/.test(gap) &&
              (p === t.start || (next !== undefined && next.kind === 'bodySite' && next.start === p));
            if (!ok) break;
          }
          take(h, 'mod.left', false);
          p = h.start;
          j--;
        }
      }
      // right: a chain of hits joined by connectors
      let p = t.end;
      const limit = Math.min(nextStart, t.end + 80);
      let j = firstHitFrom(hits, t.end);
      if (j >= hits.length) j = -1;
      for (let steps = 0; steps < 6 && j >= 0 && j < hits.length; steps++) {
        CONNECTOR_RE.lastIndex = p;
        CONNECTOR_RE.exec(text);
        const q = CONNECTOR_RE.lastIndex;
        const between = text.slice(p, q);
        if (between.includes('\n') && /\n[ \t]*\n/.test(between)) break;
        while (j < hits.length && hits[j]!.start < q) j++;
        const h = hits[j];
        if (!h || h.start !== q || h.end > limit || hitOwner[j] !== -1) break;
        if (h.exact) {
          const n2 = hits[j + 1];
          if (
            !(n2 && n2.kind === 'bodySite' && /^[ \t]+$/.test(text.slice(h.end, n2.start))) &&
            !/^(?:OD|OS|OU)$/.test(text.slice(h.start, h.end))
          )
            break;
        }
        // `PND, bilateral leg swelling`: the hit opens the next concept's phrase
        if (
          k + 1 < targets.length &&
          /^[ \t]*[,;]/.test(text.slice(p, q)) &&
          this.#leadsTo(text, hits, j, nextStart)
        )
          break;
        take(h, 'mod.right', false);
        p = h.end;
        j++;
      }
      if (found.size > 0) out.set(t.i, [...found.values()]);
    }
    return out;
  }

  /** Whether hit j starts a chain of hits (and at most one other word between) that reaches `target`. */
  #leadsTo(text: string, hits: readonly Hit[], j: number, target: number): boolean {
    let p = hits[j]!.end;
    for (let k = j + 1; k <= hits.length; k++) {
      const gapEnd = k < hits.length && hits[k]!.start < target ? hits[k]!.start : target;
      const gap = text.slice(p, gapEnd);
      if (!LEFT_GAP_RE.test(gap)) return false;
      if (gapEnd === target) return true;
      p = hits[k]!.end;
    }
    return false;
  }

  #hits(
    text: string,
    anatomy: readonly { i: number; start: number; end: number; code?: { system: string; code: string } }[],
    input: ModifierInput,
  ): Hit[] {
    const r = this.#r;
    const hits: Hit[] = [];
    if (input.tokens) {
      // only where a word token could start a modifier word
      const re = r.wordStickyRe;
      let lastEnd = -1;
      for (const t of input.tokens) {
        if (t.kind !== 'word') continue;
        if (
          !r.firstWords.has(t.norm) &&
          !(/[^a-z0-9]/.test(t.norm) && r.firstWords.has(t.norm.split(/[^a-z0-9]/)[0] ?? ''))
        )
          continue;
        const at = input.toNormalized(t.start);
        if (at < lastEnd) continue;
        re.lastIndex = at;
        const m = re.exec(text);
        if (!m) continue;
        const v = r.word(m[0]);
        if (v) {
          hits.push({ start: at, end: at + m[0].length, kind: v.kind, value: v.value });
          lastEnd = at + m[0].length;
        }
      }
    } else {
      r.wordRe.lastIndex = 0;
      for (let m = r.wordRe.exec(text); m; m = r.wordRe.exec(text)) {
        const v = r.word(m[0]);
        if (v) hits.push({ start: m.index, end: m.index + m[0].length, kind: v.kind, value: v.value });
      }
    }
    r.exactRe.lastIndex = 0;
    for (let m = r.exactRe.exec(text); m; m = r.exactRe.exec(text)) {
      const v = r.exact(m[0]);
      if (v)
        hits.push({
          start: m.index,
          end: m.index + m[0].length,
          kind: v.kind,
          value: v.value,
          exact: !/^O[DSU]$/.test(m[0]),
        });
    }
    r.gradeRe.lastIndex = 0;
    for (let m = r.gradeRe.exec(text); m; m = r.gradeRe.exec(text)) {
      hits.push({ start: m.index, end: m.index + m[0].length, kind: 'severity', value: r.grade(m[1]!) });
    }
    r.scoreRe.lastIndex = 0;
    for (let m = r.scoreRe.exec(text); m; m = r.scoreRe.exec(text)) {
      const n = Number(m[1]);
      if (n <= 10)
        hits.push({
          start: m.index,
          end: m.index + m[0].length,
          kind: 'severity',
          value: `${n}/10`,
          score: true,
        });
    }
    for (const a of anatomy) {
      hits.push({
        start: a.start,
        end: a.end,
        kind: 'bodySite',
        value: text.slice(a.start, a.end).toLowerCase(),
        concept: a.i,
        ...(a.code ? { code: a.code } : {}),
      });
    }
    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    // overlapping hits: keep the longer (an anatomy concept over a lexicon site keeps the concept)
    const out: Hit[] = [];
    for (const h of hits) {
      const last = out[out.length - 1];
      if (last && h.start < last.end) {
        if (
          h.kind === 'bodySite' &&
          h.concept !== undefined &&
          last.kind === 'bodySite' &&
          last.concept === undefined &&
          h.end >= last.end
        ) {
          out[out.length - 1] = h;
        }
        continue;
      }
      out.push(h);
    }
    return out;
  }
}

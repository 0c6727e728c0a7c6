/**
 * Alphabetic Index lookup, as a coder does it: find the main term in the mention (its words, in
 * any order: `femur fracture` finds `Fracture`), then go down the subterms that the mention or its
 * sentence states, nonessential modifiers being optional (they never have to match, and never
 * block a match). Subterms under a connector (`with`, `due to`, `in`) are combination entries: the
 * Index presumes the link, so they match when another affirmed condition of the note (or the
 * mention itself) states them; the lookup says which one, so the coder can drop its separate code.
 * `see` references are followed (two hops at most); `see also` is not needed (the entry has its code).
 */
import type { CodingPack, NodeRow } from './pack.js';
import { CONNECTORS, contentKeys, rawWords, wordKey } from './words.js';

/** Another affirmed condition of the note whose words a connector subterm may use. */
export interface LinkedCondition {
  readonly id: number;
  readonly keys: ReadonlySet<string>;
}

export interface LookupInput {
  /** Word keys of the mention: the main term must be among them. */
  readonly mention: readonly string[];
  /** Keys that ordinary subterms may use: the mention's and its sentence's (not negated parts). */
  readonly context: ReadonlySet<string>;
  /** Other affirmed conditions, for the subterms under `with`, `due to`, `in`. */
  readonly linked?: readonly LinkedCondition[];
  /**
   * Keys a connector subterm may use because the sentence states the link itself (`type 1
   * diabetes with ketoacidosis`): the sentence's keys when it has the connector and no negation.
   */
  readonly stated?: ReadonlySet<string>;
}

export interface LookupHit {
  /** The code as the Index writes it (may end with `-`: more characters needed). */
  readonly code: string;
  /** The manifestation code the Index pairs with it (sequenced after it). */
  readonly manif?: string;
  /** Titles from the main term down. */
  readonly path: readonly string[];
  /** How many distinct mention keys the path covers. */
  readonly covered: number;
  /** Share of the mention's keys covered (0..1). */
  readonly coverage: number;
  readonly depth: number;
  /** Linked conditions consumed by a connector subterm (combination code). */
  readonly linked: readonly number[];
  /** A `see` reference was followed. */
  readonly via: readonly string[];
  /** Keys used by the path (the mention's and the context's). */
  readonly used: readonly string[];
  /** Qualifiers of the main term the note does not state (`traumatic` of `Fracture, traumatic`). */
  readonly misses?: number;
}

interface MainForm {
  readonly keys: readonly string[];
  /** Words of the main term's qualifiers (`traumatic` in `Fracture, traumatic`). */
  readonly qualifiers: readonly string[];
  readonly node: NodeRow;
}

interface Titled {
  /** Alternative key sets of the title (any one must match fully): `femur, femoral`. */
  readonly forms: readonly (readonly string[])[];
  /** The title is a connector (`with`, `due to`, `in`); `without`: never followed. */
  readonly connector: 'link' | 'without' | null;
}

const titledCache = new WeakMap<NodeRow, Titled>();

/** Words that only say "a condition" in a connector subterm: `kidney involvement` = `kidney`. */
const GENERIC = new Set(['involvement', 'disease', 'disorder', 'condition', 'complication', 'specified']);

/**
 * The key forms of a title: comma parts that share a stem with the first part are other forms of it
 * (`Diabetes, diabetic`; `femur, femoral`); the other parts are required qualifiers
 * (`glomerulonephrosis, intracapillary`).
 */
export function titleForms(title: string): string[][] {
  const parts = title.split(',').map((p) => p.trim());
  const first = contentKeys(parts[0] ?? '').filter((k) => !CONNECTORS.has(k));
  const forms: string[][] = [first];
  const qualifiers: string[] = [];
  for (const p of parts.slice(1)) {
    const k = contentKeys(p).filter((x) => !CONNECTORS.has(x));
    const last = first[first.length - 1];
    if (k.length === 1 && last !== undefined && sameStem(k[0]!, last))
      forms.push([...first.slice(0, -1), k[0]!]);
    else qualifiers.push(...k);
  }
  return forms.map((f) => [...f, ...qualifiers]).filter((f) => f.length > 0);
}

function titled(node: NodeRow): Titled {
  let t = titledCache.get(node);
  if (!t) {
    const raw = rawWords(node[0]);
    const isConnector = raw.length > 0 && raw.every((w) => CONNECTORS.has(w) || w === 'to' || w === 'or');
    t = {
      forms: isConnector ? [] : titleForms(node[0]),
      connector: isConnector ? (raw.includes('without') ? 'without' : 'link') : null,
    };
    titledCache.set(node, t);
  }
  return t;
}

const EMPTY: ReadonlySet<string> = new Set();
const linkedKeyCache = new WeakMap<readonly LinkedCondition[], ReadonlySet<string>>();

/** Every word of the linked conditions (cached per list). */
function linkedKeys(input: LookupInput): ReadonlySet<string> {
  if (!input.linked || input.linked.length === 0) return EMPTY;
  let keys = linkedKeyCache.get(input.linked);
  if (!keys) {
    const all = new Set<string>();
    for (const c of input.linked) for (const k of c.keys) all.add(k);
    keys = all;
    linkedKeyCache.set(input.linked, keys);
  }
  return keys;
}

interface ChildIndex {
  /** Children by each word of their title forms, with their position. */
  readonly byKey: Map<string, (readonly [number, NodeRow])[]>;
  /** Connector children (`with`, `due to`, `in`). */
  readonly links: NodeRow[];
}

const childIndexes = new WeakMap<NodeRow, ChildIndex>();

/** The children of a node indexed by their title words (built once per node). */
function childIndex(node: NodeRow): ChildIndex {
  let idx = childIndexes.get(node);
  if (idx) return idx;
  const byKey = new Map<string, (readonly [number, NodeRow])[]>();
  const links: NodeRow[] = [];
  node[6].forEach((child, i) => {
    const t = titled(child);
    if (t.connector === 'link') links.push(child);
    if (t.connector !== null) return;
    for (const k of new Set(t.forms.flat())) {
      const list = byKey.get(k);
      if (list) list.push([i, child]);
      else byKey.set(k, [[i, child]]);
    }
  });
  idx = { byKey, links };
  childIndexes.set(node, idx);
  return idx;
}

interface Below {
  readonly node: NodeRow;
  readonly trail: readonly string[];
  readonly order: number;
}

const descendantIndexes = new WeakMap<NodeRow, Map<string, Below[]>>();

/** The descendants of a node, three levels deep and not under a connector, by their title words. */
function descendantIndex(node: NodeRow): Map<string, Below[]> {
  const idx = descendantIndexes.get(node);
  if (idx) return idx;
  const out = new Map<string, Below[]>();
  let order = 0;
  const walk = (n: NodeRow, trail: readonly string[], depth: number) => {
    for (const child of n[6]) {
      const t = titled(child);
      if (t.connector !== null) continue;
      const below: Below = { node: child, trail: [...trail, child[0]], order: order++ };
      for (const k of new Set(t.forms.flat())) {
        const list = out.get(k);
        if (list) list.push(below);
        else out.set(k, [below]);
      }
      if (depth < 2) walk(child, below.trail, depth + 1);
    }
  };
  walk(node, [], 0);
  descendantIndexes.set(node, out);
  return out;
}

/** Words that share their first letters are forms of one another: `Diabetes, diabetic`; `femur, femoral`. */
function sameStem(a: string, b: string): boolean {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n >= 3 && n * 2 >= Math.min(a.length, b.length);
}

export class IndexLookup {
  readonly #byFirst = new Map<string, MainForm[]>();
  readonly #byTitle = new Map<string, NodeRow>();
  readonly #pack: CodingPack;

  readonly #preferred: ReadonlySet<string>;

  /**
   * `preferredMainTerms`: main terms that are the default when their qualifier is not stated
   * (`Fracture, traumatic`: a fracture not said to be pathological is traumatic).
   */
  constructor(pack: CodingPack, preferredMainTerms: readonly string[] = ['Fracture, traumatic']) {
    this.#pack = pack;
    this.#preferred = new Set(preferredMainTerms);
    for (const node of pack.data.index) {
      const parts = node[0].split(',').map((p) => p.trim());
      this.#byTitle.set(titleKey(parts[0] ?? ''), node);
      this.#byTitle.set(titleKey(node[0]), node);
      // main terms: the qualifiers after the comma are optional (`Fracture, traumatic`), but a
      // main term whose qualifier is not stated ranks below one whose qualifier is
      const first = contentKeys(parts[0] ?? '');
      const forms: string[][] = first.length > 0 ? [first] : [];
      const qualifiers: string[] = [];
      for (const p of parts.slice(1)) {
        const k = contentKeys(p);
        const last = first[first.length - 1];
        if (k.length === 1 && last !== undefined && sameStem(k[0]!, last))
          forms.push([...first.slice(0, -1), k[0]!]);
        else qualifiers.push(...k);
      }
      for (const keys of forms) {
        const list = this.#byFirst.get(keys[0]!);
        const form = { keys, qualifiers, node };
        if (list) list.push(form);
        else this.#byFirst.set(keys[0]!, [form]);
      }
    }
  }

  get pack(): CodingPack {
    return this.#pack;
  }

  /** A main term by its title (`Hypertension`, `History`), or undefined. */
  mainTerm(title: string): NodeRow | undefined {
    return this.#byTitle.get(titleKey(title));
  }

  /** The best Index entry for a mention, or null when no main term is in it. */
  lookup(input: LookupInput): LookupHit | null {
    const mention = new Set(input.mention);
    if (mention.size === 0) return null;
    let best: LookupHit | null = null;
    const seen = new Set<NodeRow>();
    for (const k of mention) {
      for (const form of this.#byFirst.get(k) ?? []) {
        if (seen.has(form.node) || !form.keys.every((x) => mention.has(x))) continue;
        seen.add(form.node);
        const used = new Set(form.keys);
        const misses = this.#preferred.has(form.node[0])
          ? 0
          : form.qualifiers.filter((q) => !input.context.has(q) && !mention.has(q)).length;
        for (const q of form.qualifiers) if (mention.has(q)) used.add(q);
        const found = this.#descend(form.node, input, mention, used, [], [form.node[0]], [], 0);
        const hit = found ? { ...found, misses } : null;
        if (hit && better(hit, best)) best = hit;
      }
    }
    return best;
  }

  /**
   * Follow a path of titles from a main term (`History` > `family` ...) and then match the mention
   * below it: how the Index is entered for family and personal history (Z80-Z87).
   */
  lookupUnder(path: readonly string[], input: LookupInput): LookupHit | null {
    let node = this.mainTerm(path[0] ?? '');
    if (!node) return null;
    for (const title of path.slice(1)) {
      const key = titleKey(title);
      node = node[6].find((c) => titleKey(c[0]) === key || titleKey(c[0].split(',')[0] ?? '') === key);
      if (!node) return null;
    }
    const mention = new Set(input.mention);
    // the condition may sit one or two levels down (`personal` > `infectious disease` > `tuberculosis`)
    let best: LookupHit | null = null;
    const below = descendantIndex(node);
    const tried = new Map<number, Below>();
    for (const k of mention) for (const d of below.get(k) ?? []) tried.set(d.order, d);
    for (const d of [...tried.values()].sort((a, b) => a.order - b.order)) {
      {
        const form = titled(d.node).forms.find((f) => f.every((x) => mention.has(x) || input.context.has(x)));
        if (!form?.some((x) => mention.has(x))) continue;
        const hit = this.#descend(d.node, input, mention, new Set(form), [], [...path, ...d.trail], [], 0);
        if (hit && better(hit, best)) best = hit;
      }
    }
    const found = best as LookupHit | null;
    return found && found.covered > 0 ? found : null;
  }

  #descend(
    node: NodeRow,
    input: LookupInput,
    mention: ReadonlySet<string>,
    used: Set<string>,
    linked: number[],
    path: string[],
    via: string[],
    hops: number,
    needChild = false,
  ): LookupHit | null {
    let best: LookupHit | null = null;
    const own = needChild ? '' : node[2];
    if (own !== '') best = makeHit(own, node[3], path, mention, used, linked, via);
    else if (node[4] !== '' && hops < 2) {
      const target = this.#resolveSee(node[4]);
      if (target) {
        const hit = this.#descend(
          target.node,
          input,
          mention,
          used,
          linked,
          [...path, ...target.path],
          [...via, node[4]],
          hops + 1,
        );
        if (hit) best = hit;
      }
    }
    const idx = childIndex(node);
    for (const child of idx.links) {
      // only the subterms with a word of the mention, the stated sentence or a linked condition
      const gi = childIndex(child);
      const picked = new Map<number, NodeRow>();
      for (const keys of [mention, input.stated ?? EMPTY, linkedKeys(input)]) {
        for (const k of keys) for (const [i, g] of gi.byKey.get(k) ?? []) picked.set(i, g);
      }
      for (const i of [...picked.keys()].sort((a, b) => a - b)) {
        const hit = this.#linkedChild(
          picked.get(i)!,
          input,
          mention,
          used,
          linked,
          [...path, child[0]],
          via,
          hops,
        );
        if (hit && better(hit, best)) best = hit;
      }
    }
    // only the children with a title word in the mention or its context can match (document order)
    const candidates: (readonly [number, NodeRow])[] = [];
    const seen = new Set<number>();
    for (const keys of [mention, input.context]) {
      for (const k of keys) {
        for (const entry of idx.byKey.get(k) ?? []) {
          if (seen.has(entry[0])) continue;
          seen.add(entry[0]);
          candidates.push(entry);
        }
      }
    }
    candidates.sort((a, b) => a[0] - b[0]);
    for (const [, child] of candidates) {
      const t = titled(child);
      const form = t.forms.find((f) => f.every((k) => input.context.has(k) || mention.has(k)));
      if (!form) continue;
      const nextUsed = new Set(used);
      for (const k of form) nextUsed.add(k);
      const hit = this.#descend(child, input, mention, nextUsed, linked, [...path, child[0]], via, hops);
      if (hit && better(hit, best)) best = hit;
    }
    return best;
  }

  /** A subterm under `with` / `due to` / `in`: stated by the mention, or by one linked condition. */
  #linkedChild(
    node: NodeRow,
    input: LookupInput,
    mention: ReadonlySet<string>,
    used: Set<string>,
    linked: number[],
    path: string[],
    via: string[],
    hops: number,
  ): LookupHit | null {
    const t = titled(node);
    if (t.connector !== null) return null;
    let by: number | null = null;
    let form = t.forms.find((f) => f.every((k) => mention.has(k) && !used.has(k)));
    if (!form) {
      // stated in the sentence (`with ketoacidosis`): linked to the condition that states it, if any
      const statedForm = t.forms.find((f) => f.every((k) => input.stated?.has(k) === true && !used.has(k)));
      if (statedForm) {
        form = statedForm;
        const other = input.linked?.find((c) => statedForm.some((k) => c.keys.has(k) && !GENERIC.has(k)));
        if (other) by = other.id;
      }
    }
    if (!form) {
      for (const f of t.forms) {
        const core = f.filter((k) => !GENERIC.has(k));
        if (core.length === 0) continue;
        const other = input.linked?.find((c) => core.every((k) => c.keys.has(k)));
        if (other) {
          by = other.id;
          form = core;
          break;
        }
      }
      if (!form) return null;
    }
    const nextUsed = new Set(used);
    for (const k of form) nextUsed.add(k);
    const nextLinked = by === null ? linked : [...linked, by];
    return this.#descend(node, input, mention, nextUsed, nextLinked, [...path, node[0]], via, hops);
  }

  readonly #seeCache = new Map<string, { node: NodeRow; path: string[] } | null>();

  /** `Disease, heart` -> the node of subterm `heart` under main term `Disease` (cached). */
  #resolveSee(see: string): { node: NodeRow; path: string[] } | null {
    let r = this.#seeCache.get(see);
    if (r === undefined) {
      r = this.#resolveSeeUncached(see);
      this.#seeCache.set(see, r);
    }
    return r;
  }

  #resolveSeeUncached(see: string): { node: NodeRow; path: string[] } | null {
    const parts = see
      .split(/[,-]/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (parts.length === 0 || /^condition$/i.test(parts[0]!)) return null;
    const main = this.mainTerm(parts[0]!);
    if (!main) return null;
    let node: NodeRow = main;
    const path = [node[0]];
    for (const p of parts.slice(1)) {
      const key = titleKey(p);
      const next: NodeRow | undefined =
        node[6].find((c) => titleKey(c[0]) === key) ??
        node[6].find((c) => titleKey(c[0].split(',')[0] ?? '') === key);
      if (!next) {
        if (/^by\b/i.test(p)) continue; // `by type`, `by site`: an instruction, not an entry
        break;
      }
      node = next;
      path.push(next[0]);
    }
    return { node, path };
  }
}

const titleKeys = new Map<string, string>();

/** A title's word keys joined (memoized: Index titles repeat). */
function titleKey(s: string): string {
  let k = titleKeys.get(s);
  if (k === undefined) {
    k = rawWords(s).map(wordKey).join(' ');
    if (titleKeys.size < 200_000) titleKeys.set(s, k);
  }
  return k;
}

function makeHit(
  code: string,
  manif: string,
  path: readonly string[],
  mention: ReadonlySet<string>,
  used: ReadonlySet<string>,
  linked: readonly number[],
  via: readonly string[],
): LookupHit {
  let covered = 0;
  for (const k of mention) if (used.has(k)) covered++;
  return {
    code,
    ...(manif !== '' ? { manif } : {}),
    path: [...path],
    covered,
    coverage: mention.size === 0 ? 0 : covered / mention.size,
    depth: path.length,
    linked: [...linked],
    via: [...via],
    used: [...used],
  };
}

/** More mention words covered wins, then fewer unstated qualifiers, more conditions combined, more words used, fewer `see` hops, a deeper entry. */
function better(a: LookupHit, b: LookupHit | null): boolean {
  if (!b) return true;
  if (a.covered !== b.covered) return a.covered > b.covered;
  if ((a.misses ?? 0) !== (b.misses ?? 0)) return (a.misses ?? 0) < (b.misses ?? 0);
  if (a.linked.length !== b.linked.length) return a.linked.length > b.linked.length;
  if (a.used.length !== b.used.length) return a.used.length > b.used.length;
  if (a.via.length !== b.via.length) return a.via.length < b.via.length;
  return a.depth > b.depth;
}

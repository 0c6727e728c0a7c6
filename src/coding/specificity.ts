/**
 * From a category or subcategory to a complete (billable) code, with what the note says: the
 * children whose distinguishing words the mention or its sentence states (type, site, acuity),
 * laterality from the `modifiers` component, the seventh character of injuries from the episode
 * of care, and the unspecified child when nothing more is said (the Index's NOS default). When no
 * child can be chosen the code is returned incomplete: the coder flags it `needsSpecificity`.
 */

import { withSeventh } from './import/tabular.js';
import type { CodingPack } from './pack.js';
import { contentKeys } from './words.js';

export interface SpecificityContext {
  /** Keys of the mention and its sentence. */
  readonly keys: ReadonlySet<string>;
  /** `left`, `right`, `bilateral` (modifiers.laterality.value). */
  readonly laterality?: string;
  /** `initial` (default), `subsequent`, `sequela`: the 7th character episode. */
  readonly episode?: 'initial' | 'subsequent' | 'sequela';
}

export interface Specified {
  readonly code: string;
  readonly billable: boolean;
  /** The rule ids that made it more specific, in order. */
  readonly rules: readonly string[];
}

const LATERAL = ['right', 'left', 'bilateral'] as const;

const keyCache = new Map<string, readonly string[]>();

function titleKeys(title: string): readonly string[] {
  let k = keyCache.get(title);
  if (!k) {
    k = contentKeys(title);
    if (keyCache.size < 100_000) keyCache.set(title, k);
  }
  return k;
}

/** Words of a title that are not in its parent's title: what tells the child apart. */
function distinguishing(title: string, parentTitle: string): string[] {
  const parent = new Set(titleKeys(parentTitle));
  return titleKeys(title).filter((k) => !parent.has(k));
}

function isUnspecified(title: string): boolean {
  return /\bunspecified\b/i.test(title);
}

function lateralityOf(title: string): string | null {
  const t = title.toLowerCase();
  if (/\bbilateral\b/.test(t)) return 'bilateral';
  if (/\bright\b/.test(t)) return 'right';
  if (/\bleft\b/.test(t)) return 'left';
  return null;
}

/** Pick one child of a code, or null. */
function pickChild(
  pack: CodingPack,
  code: string,
  ctx: SpecificityContext,
): { id: string; rule: string } | null {
  const kids = pack.children(code).filter((k) => !k.includes(':'));
  if (kids.length === 0) return null;
  const parentTitle = pack.entry(code)?.[0] ?? '';
  // laterality
  const lat = kids.map((k) => lateralityOf(pack.entry(k)?.[0] ?? ''));
  if (lat.some((l) => l !== null)) {
    if (ctx.laterality && (LATERAL as readonly string[]).includes(ctx.laterality)) {
      const same = kids.filter((_k, i) => lat[i] === ctx.laterality);
      if (same.length === 1) return { id: same[0]!, rule: 'specificity.laterality' };
      // several of that side (axilla, upper limb, lower limb): the one whose other words are stated
      const stated = same.filter((k) => {
        const words = distinguishing(pack.entry(k)?.[0] ?? '', parentTitle).filter(
          (w) => !LATERAL.includes(w as never),
        );
        return words.length > 0 && words.every((w) => ctx.keys.has(w));
      });
      if (stated.length === 1) return { id: stated[0]!, rule: 'specificity.laterality' };
      if (same.length > 1) return null;
    }
    const u = kids.findIndex((k, i) => lat[i] === null && isUnspecified(pack.entry(k)?.[0] ?? ''));
    if (u >= 0) return { id: kids[u]!, rule: 'specificity.laterality-unspecified' };
    return null;
  }
  // the children whose distinguishing words are all stated; the one stating the most wins
  let best: { id: string; n: number } | null = null;
  let tie = false;
  for (const k of kids) {
    const title = pack.entry(k)?.[0] ?? '';
    if (isUnspecified(title)) continue;
    const words = distinguishing(title, parentTitle).filter((w) => w !== 'other' && w !== 'specified');
    if (words.length === 0 || !words.every((w) => ctx.keys.has(w))) continue;
    if (!best || words.length > best.n) {
      best = { id: k, n: words.length };
      tie = false;
    } else if (words.length === best.n) tie = true;
  }
  if (best && !tie) return { id: best.id, rule: 'specificity.stated' };
  const unspecified = kids.filter((k) => isUnspecified(pack.entry(k)?.[0] ?? ''));
  if (unspecified.length === 1) return { id: unspecified[0]!, rule: 'specificity.unspecified-default' };
  return null;
}

const EPISODE_WORDS: Record<'initial' | 'subsequent' | 'sequela', RegExp> = {
  initial: /\binitial encounter\b/i,
  subsequent: /\bsubsequent encounter\b/i,
  sequela: /\bsequela\b/i,
};

/** The seventh character for the episode of care (closed fracture unless the note says open). */
function pickSeventh(defs: Record<string, string>, ctx: SpecificityContext): string | null {
  const episode = ctx.episode ?? 'initial';
  const chars = Object.keys(defs);
  const byEpisode = chars.filter((c) => EPISODE_WORDS[episode].test(defs[c]!));
  if (byEpisode.length > 0) {
    if (byEpisode.length === 1) return byEpisode[0]!;
    const open = ctx.keys.has('open');
    const fit = byEpisode.find((c) =>
      open ? /\bopen\b/i.test(defs[c]!) : /\bclosed\b|routine healing/i.test(defs[c]!),
    );
    return fit ?? byEpisode[0]!;
  }
  // not an episode axis (laterality of the eye, fetus...): a stated value or the unspecified one
  for (const c of chars) {
    const l = lateralityOf(defs[c]!);
    if (l !== null && l === ctx.laterality) return c;
  }
  const u = chars.filter((c) => isUnspecified(defs[c]!) || /not applicable/i.test(defs[c]!));
  return u.length >= 1 ? u[0]! : null;
}

/** Make a code complete where the note allows; at most six steps down. */
export function specify(pack: CodingPack, raw: string, ctx: SpecificityContext): Specified {
  const rules: string[] = [];
  let code = pack.info(raw).code;
  for (let step = 0; step < 6; step++) {
    const info = pack.info(code);
    if (!info.valid) return { code, billable: false, rules };
    if (info.billable) {
      // an unspecified side when the note states one: the sibling of that side
      if (
        ctx.laterality &&
        step === 0 &&
        /\bunspecified (side|ear|eye|limb|upper limb|lower limb|leg|arm|hand|foot|knee|hip|shoulder|kidney|lung|breast|ovary|testis)\b/i.test(
          info.title,
        )
      ) {
        const parent = pack.entry(code)?.[1];
        const sib = parent ? pickChild(pack, parent, { ...ctx, keys: new Set() }) : null;
        if (sib && sib.rule === 'specificity.laterality' && pack.info(sib.id).billable) {
          rules.push(sib.rule);
          return { code: sib.id, billable: true, rules };
        }
      }
      return { code, billable: true, rules };
    }
    const row = pack.entry(code);
    if (row && (row[2] & 1) === 1) {
      const defs = pack.sevenChr(code);
      if (!defs) return { code, billable: false, rules };
      const c = pickSeventh(defs, ctx);
      if (c === null) return { code, billable: false, rules };
      rules.push('specificity.seventh-character');
      return { code: withSeventh(code, c), billable: true, rules };
    }
    const next = pickChild(pack, code, ctx);
    if (!next) return { code, billable: false, rules };
    rules.push(next.rule);
    code = next.id;
  }
  return { code, billable: pack.info(code).billable, rules };
}

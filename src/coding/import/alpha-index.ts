/**
 * The ICD-10-CM Alphabetic Index to Diseases and Injuries XML (`ICD10CM.index` root, gzip or
 * plain): `letter` > `mainTerm` > `term level=n` (nested). Each has a `title` whose nonessential
 * modifiers are in `nemod` (`Abasia<nemod>(-astasia) (hysterical)</nemod>`), and may have a `code`
 * (`E11.9`, or `S72.0-` when more characters are needed), a `manif` (the manifestation code the
 * Index prints in brackets, sequenced after the etiology), a `see` or `seeAlso` reference
 * (`Maltreatment`, `Disease, heart`), `seecat` / `subcat` (a category to look at; kept as a code).
 *
 * The tree is kept as it is, titles without their nonessential modifiers, the modifiers apart.
 */
import { ClinoteError } from '../../errors/error.js';
import { xmlEvents, xmlText } from './tabular.js';

export interface IndexNode {
  /** The title without its nonessential modifiers: `Diabetes, diabetic`, `with`, `type 2`. */
  readonly title: string;
  /** The nonessential modifiers, without their parentheses: `mellitus`, `sugar`. */
  readonly nemod: string[];
  code?: string;
  manif?: string;
  see?: string;
  seeAlso?: string;
  readonly children: IndexNode[];
}

export interface IndexData {
  readonly version: string;
  readonly mainTerms: IndexNode[];
  readonly counts: Record<string, number>;
}

/** `(mellitus) (sugar)` -> [`mellitus`, `sugar`]. */
export function splitNemod(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') {
      if (depth > 0) cur += ch;
      depth++;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
      if (depth === 0) {
        if (cur.trim() !== '') out.push(cur.trim());
        cur = '';
      } else cur += ch;
    } else if (depth > 0) cur += ch;
    else if (ch.trim() !== '') cur += ch; // a modifier written without parentheses
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function clean(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** What every term of an `ICD10CM.index` tree has, whatever else a source adds to it. */
export interface IndexTreeNode {
  readonly title: string;
  readonly nemod: string[];
  see?: string;
  seeAlso?: string;
  readonly children: this[];
}

/** A source's own elements in the tree walk (codes, manifestations, table cells and headings). */
export interface IndexTreeHooks<N extends IndexTreeNode> {
  /** Every opening tag (after the term bookkeeping). */
  open?(name: string, attrs: Readonly<Record<string, string>>): void;
  /** Every closing tag but the shared ones, with its text and the innermost open term. */
  close(name: string, value: string, top: N | undefined): void;
}

/**
 * The walk the Alphabetic Index and its tables share: the `ICD10CM.index` root, `mainTerm` >
 * `term` nesting (`make` builds a node), titles with their nonessential modifiers (`nemod`, counted
 * when `counts` has a `nemod` entry), `see` and `seeAlso`, the version. CLINOTE_E_CODING_SOURCE_MALFORMED
 * for another root or no main term.
 */
export function walkIndexTree<N extends IndexTreeNode>(
  bytes: Uint8Array,
  source: string,
  counts: Record<string, number>,
  make: () => N,
  hooks: IndexTreeHooks<N>,
): { version: string; mainTerms: N[] } {
  const mainTerms: N[] = [];
  const stack: { node: N; title: string; nemod: string }[] = [];
  const path: string[] = [];
  let version = '';
  let text = '';
  let inTitle = false;
  let inNemod = false;
  for (const ev of xmlEvents(xmlText(bytes), source)) {
    if (ev.type === 'open') {
      if (path.length === 0 && ev.name !== 'ICD10CM.index')
        throw new ClinoteError(
          'CLINOTE_E_CODING_SOURCE_MALFORMED',
          `${source}: root <${ev.name}> is not <ICD10CM.index>`,
          { source },
        );
      path.push(ev.name);
      if (ev.name === 'mainTerm' || ev.name === 'term') {
        counts[ev.name] = (counts[ev.name] ?? 0) + 1;
        const node = make();
        const parent = stack[stack.length - 1];
        if (ev.name === 'mainTerm' || !parent) mainTerms.push(node);
        else parent.node.children.push(node);
        stack.push({ node, title: '', nemod: '' });
      } else if (ev.name === 'title' && stack.length > 0) inTitle = true;
      else if (ev.name === 'nemod' && inTitle) {
        inNemod = true;
        if (counts.nemod !== undefined) counts.nemod += 1;
      }
      hooks.open?.(ev.name, ev.attrs);
      text = '';
      continue;
    }
    if (ev.type === 'text') {
      const top = stack[stack.length - 1];
      if (inTitle && top) {
        if (inNemod) top.nemod += ev.text;
        else top.title += ev.text;
      } else text += ev.text;
      continue;
    }
    const name = path.pop();
    const top = stack[stack.length - 1];
    const value = clean(text);
    text = '';
    if (name === undefined) continue;
    if (name === 'version' && path.length === 1) version = value;
    else if (name === 'nemod') inNemod = false;
    else if (name === 'title' && inTitle && top) {
      inTitle = false;
      (top.node as { title: string }).title = clean(top.title);
      top.node.nemod.push(...splitNemod(clean(top.nemod)));
    } else if (top && name === 'see') {
      counts.see = (counts.see ?? 0) + 1;
      top.node.see = value;
    } else if (top && name === 'seeAlso') {
      counts.seeAlso = (counts.seeAlso ?? 0) + 1;
      top.node.seeAlso = value;
    } else if (name === 'mainTerm' || name === 'term') stack.pop();
    else hooks.close(name, value, top?.node);
  }
  if (mainTerms.length === 0)
    throw new ClinoteError('CLINOTE_E_CODING_SOURCE_MALFORMED', `${source}: no main terms`, { source });
  return { version, mainTerms };
}

/** Parse the Index (bytes of the .xml or .xml.gz). */
export function parseAlphaIndex(bytes: Uint8Array, source = 'index'): IndexData {
  const counts: Record<string, number> = {
    mainTerm: 0,
    term: 0,
    code: 0,
    manif: 0,
    see: 0,
    seeAlso: 0,
    nemod: 0,
  };
  const make = (): IndexNode => ({ title: '', nemod: [], children: [] });
  const { version, mainTerms } = walkIndexTree(bytes, source, counts, make, {
    close(name, value, top) {
      if (top && (name === 'code' || name === 'subcat' || name === 'seecat')) {
        if (value !== '') {
          counts.code! += 1;
          if (top.code === undefined) top.code = value.toUpperCase();
        }
      } else if (top && name === 'manif') {
        counts.manif! += 1;
        if (value !== '') top.manif = value.toUpperCase();
      }
    },
  });
  return { version, mainTerms, counts };
}

/**
 * Build-time filters of source concepts (see docs/terminology.md, "Code and synonym checks"). Each
 * change is counted under a rule id in the pack's `dropped` counts (the build report):
 *
 * - `icd10cm-range-narrowed` / `icd10cm-range-dropped`: an ICD-10-CM chapter or block range from an
 *   ontology cross-reference (`E08-E13`) is never emitted as a code. It is narrowed to the codes of
 *   the range whose title is one of the concept's names (folded), else dropped.
 * - `icd10cm-mark-stripped`: a WHO dagger or asterisk mark after a code (`E74.0+`, `G73.6*`) is
 *   removed, then the code is checked like any other.
 * - `icd10cm-not-in-code-set`: an ICD-10-CM code (from any source but the code set itself) that the
 *   code set does not list is dropped.
 * - `synonym-gene-symbol`: an ontology synonym shaped like a gene or protein symbol (one token of
 *   capitals and digits with at least one digit, like a HGNC symbol) that is not a short form of one
 *   of the concept's other names (`isGeneSymbolSynonym`: `ALS8` on 'amyotrophic lateral sclerosis 8'
 *   stays; `WT1` on 'hereditary Wilms tumor' goes) is dropped.
 */
import { icd10cmRows } from '../importers/icd10cm.js';
import { isShortFormOf } from '../matcher/index.js';
import { foldText } from '../normalize/index.js';
import { ROMAN } from '../normalize/variants.js';
import type { SourceCode, SourceConcept } from '../types.js';

/** ICD-10-CM codes of one release, without dots, upper case, with their titles (folded). */
export class Icd10cmCodeSet {
  readonly #titles = new Map<string, readonly string[]>();
  /** Codes sorted, for range scans. */
  #sorted: string[] | undefined;

  add(code: string, titles: readonly string[]): void {
    const key = codeKey(code);
    if (key === '') return;
    this.#titles.set(
      key,
      titles.map(titleKey).filter((t) => t !== ''),
    );
    this.#sorted = undefined;
  }

  get size(): number {
    return this.#titles.size;
  }

  has(code: string): boolean {
    return this.#titles.has(codeKey(code));
  }

  /** Codes from the category `from` to the category `to` (3 characters each), all levels, sorted. */
  inRange(from: string, to: string): string[] {
    this.#sorted ??= [...this.#titles.keys()].sort();
    const lo = codeKey(from).slice(0, 3);
    const hi = codeKey(to).slice(0, 3);
    return this.#sorted.filter((c) => {
      const cat = c.slice(0, 3);
      return cat >= lo && cat <= hi;
    });
  }

  titles(code: string): readonly string[] {
    return this.#titles.get(codeKey(code)) ?? [];
  }
}

/** The code set of an ICD-10-CM order file (the file `clinote vocab build --icd10cm` reads). */
export async function readIcd10cmCodeSet(path: string): Promise<Icd10cmCodeSet> {
  const set = new Icd10cmCodeSet();
  for await (const row of icd10cmRows(path)) {
    if (row && /^[A-Z][0-9][0-9A-Z]/.test(row.code)) set.add(row.code, [row.short, row.long]);
  }
  return set;
}

/** `E11.9` and `e119` -> `E119`. */
export function codeKey(code: string): string {
  return code.replace(/\./g, '').trim().toUpperCase();
}

/** The dotted form of an undotted code: `E119` -> `E11.9`, `E11` -> `E11`. */
export function dottedCode(key: string): string {
  return key.length > 3 ? `${key.slice(0, 3)}.${key.slice(3)}` : key;
}

/** Title key: folded, words of letters and digits. */
export function titleKey(s: string): string {
  return foldText(s)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const RANGE = /^([A-Z][0-9][0-9A-Z])(?:\.[0-9A-Z]+)?\s*-\s*([A-Z][0-9][0-9A-Z])(?:\.[0-9A-Z]+)?$/;
const MARK = /[+*\u2020]$/;
/** A gene or protein symbol: one token of capitals and digits (and `-`), a letter first, a digit in it. */
const SYMBOL = /^[A-Z][A-Z0-9-]{1,11}$/;

export interface ConceptFilterOptions {
  /** The ICD-10-CM code set; without it, ICD-10-CM codes are not checked. */
  readonly icd10cm?: Icd10cmCodeSet;
  /** Sources whose ICD-10-CM codes are the code set itself (not checked). Default `icd10cm`. */
  readonly codeSetSources?: readonly string[];
  /** Sources whose synonyms are checked for gene symbols (ontologies). Default doid, hpo. */
  readonly symbolSources?: readonly string[];
}

/** The numbers a name writes (`type II` counts as 2) and the initials of its words. */
function nameParts(name: string): { numbers: Set<string>; initials: Set<string> } {
  const numbers = new Set<string>();
  const initials = new Set<string>();
  for (const word of foldText(name).split(/[^\p{L}\p{N}]+/u)) {
    if (word === '') continue;
    initials.add(word.charAt(0));
    for (const n of word.match(/\d+/g) ?? []) numbers.add(String(Number(n)));
    // roman type numbers, with a subtype letter: `II`, `IIb`, `IVB`
    const r = /^(i{1,3}|iv|vi{0,3}|ix|x)[a-h]?$/.exec(word);
    const roman = r ? ROMAN[r[1] as string] : undefined;
    if (roman !== undefined) numbers.add(roman);
  }
  return { numbers, initials };
}

/**
 * Is `text` a gene or protein symbol among the names of a concept? It has the shape of one (one
 * token of capitals, digits and hyphens, a letter first, at least one digit) and is not the
 * concept's own short form: a short form (`ALS8`, `DFNB14`, `MEN2A`) writes numbers that one of the
 * other names writes (`type II` counts as 2) and starts with the initial of one of that name's words,
 * or passes the Schwartz-Hearst letter check. `WT1` on 'hereditary Wilms tumor' and `COL17A1` on
 * 'epithelial recurrent erosion dystrophy' are symbols.
 */
export function isGeneSymbolSynonym(text: string, otherNames: readonly string[]): boolean {
  const t = text.trim();
  if (!SYMBOL.test(t) || !/\d/.test(t) || t.endsWith('-')) return false;
  const digits = (t.match(/\d+/g) ?? []).map((n) => String(Number(n)));
  const first = t.charAt(0).toLowerCase();
  for (const n of otherNames) {
    if (n === t) continue;
    if (isShortFormOf(t, n)) return false;
    const { numbers, initials } = nameParts(n);
    if (initials.has(first) && digits.every((d) => numbers.has(d))) return false;
  }
  return true;
}

/**
 * The filter `compilePack` applies to every concept (option `conceptFilter`): returns the concept
 * with its ICD-10-CM codes checked and its gene-symbol synonyms removed; counts each change.
 */
export function conceptFilter(
  options: ConceptFilterOptions,
): (c: SourceConcept, count: (rule: string) => void) => SourceConcept {
  const codeSetSources = new Set(options.codeSetSources ?? ['icd10cm']);
  const symbolSources = new Set(options.symbolSources ?? ['doid', 'hpo']);
  const set = options.icd10cm;
  return (c, count) => {
    let codes: readonly SourceCode[] = c.codes;
    if (set && !codeSetSources.has(c.source) && codes.some((k) => k.system === 'icd10cm')) {
      codes = checkIcd10cm(c, set, count);
    }
    let terms = c.terms;
    if (symbolSources.has(c.source)) {
      const names = [c.preferred, ...c.terms.map((t) => t.text)];
      const kept = terms.filter((t) => !isGeneSymbolSynonym(t.text, names));
      if (kept.length < terms.length) {
        for (let k = kept.length; k < terms.length; k++) count('synonym-gene-symbol');
        terms = kept;
      }
    }
    return codes === c.codes && terms === c.terms ? c : { ...c, codes, terms };
  };
}

function checkIcd10cm(c: SourceConcept, set: Icd10cmCodeSet, count: (rule: string) => void): SourceCode[] {
  const out: SourceCode[] = [];
  const seen = new Set<string>();
  const push = (k: SourceCode): void => {
    const key = `${k.system}\u0000${k.code}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(k);
    }
  };
  const names = new Set([c.preferred, ...c.terms.map((t) => t.text)].map(titleKey));
  for (const k of c.codes) {
    if (k.system !== 'icd10cm') {
      push(k);
      continue;
    }
    let code = k.code.trim().toUpperCase();
    const range = RANGE.exec(code);
    if (range) {
      const narrowed = set
        .inRange(range[1] as string, range[2] as string)
        .filter((x) => set.titles(x).some((t) => names.has(t)));
      if (narrowed.length === 0) count('icd10cm-range-dropped');
      else {
        count('icd10cm-range-narrowed');
        for (const x of narrowed) push({ system: 'icd10cm', code: dottedCode(x) });
      }
      continue;
    }
    if (MARK.test(code)) {
      code = code.replace(MARK, '');
      count('icd10cm-mark-stripped');
    }
    if (!set.has(code)) {
      count('icd10cm-not-in-code-set');
      continue;
    }
    push(code === k.code ? k : { ...k, code });
  }
  return out;
}

/**
 * Medication mentions of a note: drugs (medication concepts, else drug-like heads before a sig) with
 * the sig elements linked to them. See docs/medications.md for the rules in full.
 *
 * 1. Sentences are read only when they hold a medication concept, a unit word (`mg`, `tabs`,
 *    `units`) or a drug class word; the others cost one Set lookup per token.
 * 2. Drugs: medication concepts (an alias in parentheses is not a drug, two joined by `/` or `-` are
 *    one, salt words extend the name, a leading route is split off), then heads found by rule before a
 *    strength or dose (`head.list`, `head.line`, `head.table`, `head.stem`, `head.paren`,
 *    `head.coord`, `head.route`) or next to a route (`head.class`).
 * 3. Sig elements: the longest element at each token (./sig.ts).
 * 4. Links. Clauses end at `;`, at a new list item, table row or line starting with a drug, and at
 *    `then`/`followed by`. An element goes to the nearest drug before it in its clause while the chain
 *    holds (at most two unrelated words between linked items, none after a separator), or to the drug
 *    right after it when it is written before a drug (`oral prednisone`, `1 g of IV
 *    methylprednisolone`, `continue lisinopril`). A status written before a list of drugs (`continue
 *    A, B and C`) applies to each; an element after `both` or `each` applies to every drug before
 *    it. One value per attribute: the first linked wins (a strength after `to`, as in `increased
 *    from 10 to 20 mg`, replaces the earlier one), and two frequencies merge when one adds a time of
 *    day (`daily at bedtime`, `tid with meals`).
 */
import type { Concept, Section, Sentence, Token } from '../../doc/types.js';
import type { CompiledLexicon, Timing } from './lexicon.js';
import type { Element, SigGrammar } from './sig.js';
import { findTableRows, type TableCell, type TableRow } from './table.js';
import type { Medication, MedicationStatus, TextSpan } from './types.js';

export interface ExtractInput {
  readonly text: string;
  readonly tokens: readonly Token[];
  readonly sentences: readonly Sentence[];
  readonly sections: readonly Section[];
  readonly concepts: readonly Concept[];
}

export interface ExtractOptions {
  /** Find drug heads that are not concepts (default true). */
  readonly heads?: boolean;
  /** Emit drugs that have no sig attribute (default true). */
  readonly bareDrugs?: boolean;
}

interface Drug {
  start: number;
  end: number;
  /** Token range [t0, t1). */
  t0: number;
  t1: number;
  concept?: number;
  rxnorm?: string;
  rules: string[];
}

type Item =
  | { readonly k: 'D'; readonly d: Drug }
  | { readonly k: 'E'; readonly e: Element }
  | { readonly k: 'O'; readonly t: number }
  | { readonly k: 'S'; readonly t: number }
  | { readonly k: 'B' };

/** Unrelated words a backward chain bears between two linked items (and none after a separator). */
const MAX_GAP = 2;
/** Unrelated words between an element and the drug after it. */
const MAX_FORWARD_GAP = 1;
/** Text before a strength that makes it the new dose (`increased from 10 to 20 mg`, `tapered to a maintenance dose of 5 mg`). */
const NEW_DOSE_BEFORE = /\bto\s+(?:(?:a|an|the|new|maintenance|daily|total|dose|dosage|of)\s+)*$/i;
/** Verbs and adverbs are not drug names (`bridged 10 mg`, `tattooed distally`). */
const NOT_A_NAME = /^[a-z]{3,}(?:ed|ly|ing)$/;
/** An abbreviation written in capitals (`VPA`, `INH`, `TAZ/PIPC`). */
const ABBREVIATION = /^[A-Z][A-Z0-9]{1,5}$/;
/**
 * A code name of an investigational drug: letters, a hyphen or none, digits (`ABX-217`, `S-1`,
 * `TQB2450`), checked on the joined text of the tokens.
 */
const CODE_NAME = /^(?:[A-Z]{1,5}-?\d{1,6}|[A-Z]{2,5}-\d{1,6}[A-Za-z]?)$/;
/** The first word of a duration lead and an article after it (`for the`, `x`, `during`): not in the span. */
const DURATION_LEAD =
  /^(?:x|×|for|during|over|throughout|lasting|times)(?![\p{L}\p{N}])\s*(?:(?:the|a|an)\s+)?/iu;
/** Units of volume: an amount per volume is a concentration (`mg/dL`), often a lab value. */
const VOLUME_UNIT = /^(?:d?l|ml|dl|l|ul|µl|μl|cc)$/;
/** Nouns of a dose that a drug name is written before (`the QLB dosage`, rule `head.dosage`). */
const DOSE_NOUN = new Set(['dose', 'dosage', 'doses', 'dosing']);
/** Determiners before `<name> dose` (`the velotrapine dose`). */
const DOSE_DETERMINER = new Set(['the', 'his', 'her', 'its', 'their', 'this', 'that']);
/**
 * Endings of the adjectives, ordinals and nouns written before `dose` that are no drug (`total`,
 * `radiation`, `starting`, `second`, `highest`, `single`).
 */
const NOT_A_DRUG_SUFFIX =
  /(?:al|ic|ive|ed|ly|ing|ous|tion|sion|ary|ent|ant|um|ar|er|ard|ual|ame|get|ble|le|st|nd|rd|th)$/;
/** Heads named by their shape only (not a concept of the pack): their mentions say so in `evidence.detail`. */
const UNKNOWN_DRUG_RULES = new Set(['head.shape', 'head.dosage']);
const UNKNOWN_DRUG_DETAIL =
  'drug not in the terminology pack, named by the shape of the word: lower confidence';
const LIST_MARKER = /^(?:[-*•·▪‣◦]|\d{1,2}[.)]|[a-z][.)]|\(\d{1,2}\))$/i;
const TRANSPARENT_PUNCT = new Set([
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '|',
  ':',
  '.',
  '"',
  "'",
  '®',
  '™',
  '©',
  '*',
  '-',
  '–',
]);

interface Attached {
  readonly drug: Drug;
  readonly els: { e: Element; shared: boolean }[];
}

export class MedicationExtractor {
  readonly #g: SigGrammar;
  readonly #lex: CompiledLexicon;
  readonly #heads: boolean;
  readonly #bare: boolean;

  constructor(grammar: SigGrammar, options: ExtractOptions = {}) {
    this.#g = grammar;
    this.#lex = grammar.lex;
    this.#heads = options.heads !== false;
    this.#bare = options.bareDrugs !== false;
  }

  /** Tokens of the note inside a concept that is not a medication (problems, labs): never a drug head. */
  #otherTokens(input: ExtractInput): Uint8Array {
    if (this.#other !== undefined && this.#other.input === input) return this.#other.marks;
    const { tokens } = input;
    const marks = new Uint8Array(tokens.length);
    for (const c of input.concepts) {
      if (c.type === 'medication') continue;
      for (let i = lowerBound(tokens, c.start); i < tokens.length && (tokens[i] as Token).start < c.end; i++)
        marks[i] = 1;
    }
    this.#other = { input, marks };
    return marks;
  }

  #other: { input: ExtractInput; marks: Uint8Array } | undefined;

  extract(input: ExtractInput): Medication[] {
    this.#other = undefined;
    const { tokens, sentences, sections, text } = input;
    const lex = this.#lex;
    if (tokens.length === 0) return [];

    // candidate sentences: a medication concept, or a unit word
    const candidates = new Set<number>();
    const medConcepts: { idx: number; c: Concept }[] = [];
    input.concepts.forEach((c, idx) => {
      if (c.type === 'medication') medConcepts.push({ idx, c });
    });
    let last = -1;
    const triggers = lex.triggers;
    const triggerFilter = lex.triggerFilter;
    for (let i = 0, n = tokens.length; i < n; i++) {
      const t = tokens[i] as Token;
      const s = t.sentence;
      if (s === last || s < 0) continue;
      if (t.kind === 'measure') {
        if (t.unit === undefined || !triggers.has(t.unit)) continue;
      } else if (
        t.kind !== 'word' ||
        t.norm.length > 16 ||
        !triggerFilter.mayHave(t.norm) ||
        !triggers.has(t.norm)
      )
        continue;
      candidates.add(s);
      last = s;
    }
    const drugsBySentence = new Map<number, Drug[]>();
    for (const { idx, c } of medConcepts) {
      const t0 = lowerBound(tokens, c.start);
      let t1 = lowerBound(tokens, c.end);
      if (t1 <= t0) t1 = t0 + 1;
      const tok = tokens[t0];
      if (!tok || tok.start >= c.end) continue;
      const s = tok.sentence;
      if (s < 0) continue;
      const section = sentences[s] ? sections[(sentences[s] as Sentence).section] : undefined;
      if (section && lex.skipSections.has(section.category)) continue;
      const rx = c.codes.find((x) => x.system === 'rxnorm');
      const d: Drug = {
        start: c.start,
        end: c.end,
        t0,
        t1,
        concept: idx,
        ...(rx ? { rxnorm: rx.code } : {}),
        rules: ['drug.concept'],
      };
      let list = drugsBySentence.get(s);
      if (!list) drugsBySentence.set(s, (list = []));
      list.push(d);
      candidates.add(s);
    }
    if (candidates.size === 0) return [];

    const rows = findTableRows(text, lex.columns);
    const out: Medication[] = [];
    for (const s of [...candidates].sort((a, b) => a - b)) {
      const sentence = sentences[s];
      if (!sentence) continue;
      const section = sections[sentence.section];
      if (section && lex.skipSections.has(section.category)) continue;
      const a = lowerBound(tokens, sentence.start);
      const b = lowerBound(tokens, sentence.end);
      if (b <= a) continue;
      const listContext =
        sentence.kind === 'list-item' || (section !== undefined && lex.listSections.has(section.category));
      const sentRows = rows.filter((r) => r.end > sentence.start && r.start < sentence.end);
      this.#sentence(
        input,
        a,
        b,
        drugsBySentence.get(s) ?? [],
        listContext,
        sentence.kind === 'line',
        sentRows,
        out,
      );
    }
    out.sort((x, y) => x.drug.start - y.drug.start || x.start - y.start);
    return out;
  }

  #sentence(
    input: ExtractInput,
    a: number,
    b: number,
    conceptDrugs: Drug[],
    listContext: boolean,
    lineKind: boolean,
    rows: readonly TableRow[],
    out: Medication[],
  ): void {
    const { text, tokens } = input;
    const drugs = this.#mergeDrugs(text, tokens, conceptDrugs, b);
    // a concept that starts with a route or a form (`IV steroids`, `oral contraceptive`): the route
    // is an element of the mention, the rest is the drug
    const prefixElements: Element[] = [];
    for (const d of drugs) {
      if (d.t1 - d.t0 < 2) continue;
      const el = this.#g.elementAt({ text, tokens, limit: d.t1, isDrugStart: () => false }, d.t0);
      if (
        !el ||
        (el.type !== 'route' && el.type !== 'form' && el.type !== 'intensity') ||
        el.t1 >= d.t1 ||
        el.t1 <= d.t0
      )
        continue;
      prefixElements.push(el);
      d.t0 = el.t1;
      d.start = (tokens[el.t1] as Token).start;
      if (!d.rules.includes('drug.prefix')) d.rules.push('drug.prefix');
    }
    const drugAt = new Map<number, Drug>();
    const inDrug = new Uint8Array(b - a);
    const markDrug = (d: Drug): void => {
      drugAt.set(d.t0, d);
      for (let i = d.t0; i < d.t1 && i < b; i++) if (i >= a) inDrug[i - a] = 1;
    };
    for (const d of drugs) markDrug(d);
    // alias tokens (a concept in parentheses after another) are not scanned either
    const drugConcepts = new Set(drugs.map((x) => x.concept));
    const overlapsDrug = spanFinder(drugs);
    for (const d of conceptDrugs) {
      if (drugConcepts.has(d.concept) || overlapsDrug(d.start, d.end)) continue;
      for (let i = d.t0; i < d.t1 && i < b; i++) if (i >= a) inDrug[i - a] = 1;
    }

    // table cells of the tokens
    const cellOf = (i: number): { row: TableRow; cell: TableCell } | undefined => {
      const t = tokens[i] as Token;
      for (const row of rows) {
        if (t.start < row.start || t.start >= row.end) continue;
        for (const cell of row.cells) if (t.start >= cell.start && t.start < cell.end) return { row, cell };
        return undefined;
      }
      return undefined;
    };

    // elements
    const ctx = {
      text,
      tokens,
      limit: b,
      isDrugStart: (i: number) => drugAt.has(i) || (i >= a && i < b && inDrug[i - a] === 1),
    };
    const elements: Element[] = [...prefixElements];
    const rowStarts = new Set<number>();
    let lastRow: TableRow | undefined;
    for (let i = a; i < b; ) {
      const cell = rows.length > 0 ? cellOf(i) : undefined;
      if (cell && cell.row !== lastRow) {
        rowStarts.add(i);
        lastRow = cell.row;
      }
      const d = drugAt.get(i);
      if (d) {
        i = Math.max(i + 1, d.t1);
        continue;
      }
      if (inDrug[i - a] === 1) {
        i++;
        continue;
      }
      if (cell && (cell.cell.role === 'indication' || cell.cell.role === 'status')) {
        // the whole cell is the indication or the status
        let j = i;
        while (j < b && (tokens[j] as Token).start < cell.cell.end) j++;
        const el = this.#cellElement(text, cell.cell, i, j);
        if (el) elements.push(el);
        i = j;
        continue;
      }
      const el = this.#g.elementAt(ctx, i);
      if (el) {
        elements.push(el);
        i = Math.max(i + 1, el.t1);
        continue;
      }
      i++;
    }

    elements.sort((x, y) => x.t0 - y.t0);
    // drug heads found by rule
    if (this.#heads) {
      // tokens of other concepts (problems, labs): never a drug head
      // (marked once per note: a loop over every concept per sentence was quadratic)
      const other = this.#otherTokens(input);
      const otherConcept = (i: number): boolean => i >= a && i < b && other[i] === 1;
      const added = this.#findHeads(
        input,
        a,
        b,
        elements,
        drugAt,
        inDrug,
        listContext,
        lineKind,
        rows,
        cellOf,
        otherConcept,
      );
      for (const d of added) {
        drugs.push(d);
        markDrug(d);
      }
      drugs.sort((x, y) => x.t0 - y.t0);
    }
    if (drugs.length === 0) return;
    // elements inside a head (a unit word taken into a table drug cell) are dropped
    const els = elements.filter((e) => !(e.t0 >= a && e.t0 < b && inDrug[e.t0 - a] === 1));

    const items = this.#items(text, tokens, a, b, drugs, els, inDrug, rowStarts);
    const attached = this.#attach(items, text, tokens);
    const byStart = attached.map((x) => x.drug).sort((x, y) => x.start - y.start);
    for (const at of attached) {
      const m = this.#build(text, at, byStart);
      if (m) out.push(m);
    }
  }

  /** Aliases in parentheses, combinations joined by `/` or `-`, salt words after a name. */
  #mergeDrugs(text: string, tokens: readonly Token[], list: readonly Drug[], limit: number): Drug[] {
    const sorted = [...list].sort((x, y) => x.start - y.start || y.end - x.end);
    const out: Drug[] = [];
    for (const d of sorted) {
      const prev = out[out.length - 1];
      if (prev && d.start < prev.end) continue; // overlapping: the longer one is kept
      if (prev) {
        const between = text.slice(prev.end, d.start);
        if (/^\s*[([]\s*$/.test(between)) continue; // alias: `cholecalciferol (vitamin D3)`
        if (/^[/-]$/.test(between)) {
          prev.end = d.end;
          prev.t1 = d.t1;
          delete prev.rxnorm;
          if (!prev.rules.includes('drug.combination')) prev.rules.push('drug.combination');
          continue;
        }
      }
      out.push({ ...d, rules: [...d.rules] });
    }
    // salt words right after the name: `metoprolol tartrate`
    for (const d of out) {
      let j = d.t1;
      while (j < limit) {
        const t = tokens[j] as Token;
        if (!this.#lex.salts.has(t.norm) || !/^\s{1,2}$/.test(text.slice(d.end, t.start))) break;
        if (out.some((o) => o !== d && o.t0 === j)) break;
        d.end = t.end;
        d.t1 = j + 1;
        if (!d.rules.includes('drug.salt')) d.rules.push('drug.salt');
        j++;
      }
    }
    return out;
  }

  /** An indication or status element made of a whole table cell. */
  #cellElement(text: string, cell: TableCell, t0: number, t1: number): Element | null {
    const raw = text.slice(cell.start, cell.end);
    if (!/\p{L}/u.test(raw) || /^(?:n\/?a|none|-+|—|unknown|\?)$/i.test(raw.trim())) return null;
    if (cell.role === 'status') {
      const st = this.#g.tableStatus(text, cell.start);
      if (!st) return null;
      return {
        type: 'status',
        start: cell.start,
        end: st.end,
        t0,
        t1,
        rule: 'table.status',
        status: st.status,
      };
    }
    return {
      type: 'indication',
      start: cell.start,
      end: cell.end,
      t0,
      t1,
      rule: 'table.indication',
      reason: { start: cell.start, end: cell.end },
    };
  }

  #wordOk(t: Token): boolean {
    const lex = this.#lex;
    if (t.kind !== 'word' || !/\p{L}/u.test(t.norm)) return false;
    if (lex.nonDrug.has(t.norm) || lex.connectors.has(t.norm) || lex.separators.has(t.norm)) return false;
    if (lex.sigWords.has(t.norm) && !lex.salts.has(t.norm)) return false;
    return t.norm.length >= 2;
  }

  #findHeads(
    input: ExtractInput,
    a: number,
    b: number,
    elements: readonly Element[],
    drugAt: ReadonlyMap<number, Drug>,
    inDrug: Uint8Array,
    listContext: boolean,
    lineKind: boolean,
    rows: readonly TableRow[],
    cellOf: (i: number) => { row: TableRow; cell: TableCell } | undefined,
    otherConcept: (i: number) => boolean,
  ): Drug[] {
    const { text, tokens } = input;
    const lex = this.#lex;
    const out: Drug[] = [];
    // tokens of the heads found so far, marked as they are pushed (out is only appended to)
    const inOut = new Uint8Array(b - a);
    let marked = 0;
    const taken = (i: number): boolean => {
      if (i < a || i >= b || inDrug[i - a] === 1) return true;
      for (; marked < out.length; marked++) {
        const d = out[marked] as Drug;
        for (let x = Math.max(a, d.t0); x < d.t1 && x < b; x++) inOut[x - a] = 1;
      }
      return inOut[i - a] === 1;
    };
    const elementEndingAt = new Set(elements.map((e) => e.t1));
    // tokens covered by an element, marked once (elements do not change here)
    const covered = new Uint8Array(b - a);
    let outside = false;
    for (const e of elements) {
      if (e.t0 < a || e.t1 > b) outside = true;
      for (let x = Math.max(a, e.t0); x < e.t1 && x < b; x++) covered[x - a] = 1;
    }
    const elementCovers = (i: number): boolean =>
      i >= a && i < b ? covered[i - a] === 1 : outside && elements.some((e) => i >= e.t0 && i < e.t1);
    // the first element of some types ending at a token (elements.find in element order)
    const endingAt = (types: readonly string[]): Map<number, Element> => {
      const m = new Map<number, Element>();
      for (const e of elements) if (types.includes(e.type) && !m.has(e.t1)) m.set(e.t1, e);
      return m;
    };
    const formEndingAt = endingAt(['form']);
    const routeOrFormEndingAt = endingAt(['route', 'form']);
    const preEndingAt = endingAt(['route', 'form', 'intensity']);
    const seenRows = new Set<TableRow>();
    // `the QLB dosage was changed to 400 mg`, `the velotrapine dose was raised from 150 mg/day`:
    // the word that names a dose, when an amount follows in the sentence
    let lastAmount = -1;
    for (const e of elements)
      if ((e.type === 'strength' || e.type === 'dose') && e.t0 > lastAmount) lastAmount = e.t0;
    for (let x = a + 1; x < lastAmount; x++) {
      if (!DOSE_NOUN.has((tokens[x] as Token).norm)) continue;
      const w = tokens[x - 1] as Token;
      if (taken(x - 1) || elementCovers(x - 1) || otherConcept(x - 1) || !this.#wordOk(w)) continue;
      const written = text.slice(w.start, w.end);
      const det = x - 2 >= a ? (tokens[x - 2] as Token).norm : '';
      const named =
        ABBREVIATION.test(written) ||
        lex.hasDrugStem(w.norm) ||
        (DOSE_DETERMINER.has(det) &&
          /^[a-z]{6,}$/.test(written) &&
          !NOT_A_DRUG_SUFFIX.test(written) &&
          !lex.drugClasses.match(text, w.start, w.norm));
      if (named) out.push(this.#head(tokens, x - 1, x, 'head.dosage'));
    }
    // drug classes written with a route or a form: `IV antibiotics`, `oral corticosteroids`, `steroids IV`
    for (const e of elements) {
      if (e.type !== 'route' && e.type !== 'form' && e.type !== 'intensity') continue;
      const after = this.#classAfter(text, tokens, e.t1, b, taken, elementCovers);
      if (after) {
        out.push(this.#head(tokens, after[0], after[1], 'head.class'));
        continue;
      }
      const before = this.#classBefore(text, tokens, e.t0, a, taken, elementCovers);
      if (before) out.push(this.#head(tokens, before[0], before[1], 'head.class'));
    }
    for (const e of elements) {
      if (e.type !== 'strength' && e.type !== 'dose') continue;
      // a percentage after a word is a measurement more often than a drug (`LVEF 25-30%`)
      if (e.quantity?.unit === '%') continue;
      // table rows: the drug cell of the row
      const cell = rows.length > 0 ? cellOf(e.t0) : undefined;
      if (cell) {
        if (seenRows.has(cell.row)) continue;
        seenRows.add(cell.row);
        const drugCell = cell.row.cells.find((c) => c.role === 'drug');
        if (!drugCell) continue;
        let t0 = lowerBound(tokens, drugCell.start);
        let t1 = lowerBound(tokens, drugCell.end);
        if (t1 <= t0 || t0 < a) continue;
        let hasDrug = false;
        for (let i = t0; i < t1; i++) if (taken(i)) hasDrug = true;
        if (hasDrug) continue;
        // the name: up to a parenthesis
        let k = t0;
        while (k < t1 && (tokens[k] as Token).norm !== '(') k++;
        t1 = k;
        while (t0 < t1 && !this.#wordOk(tokens[t0] as Token)) t0++;
        if (t1 <= t0) continue;
        out.push(this.#head(tokens, t0, t1, 'head.table'));
        continue;
      }
      // the token before the quantity (a `(` or `:` may sit between)
      let k = e.t0 - 1;
      const paren = k >= a && (tokens[k] as Token).norm === '(';
      if (k >= a && (paren || (tokens[k] as Token).norm === ':')) k--;
      // over a form written between the name and the strength (`Velorab ER 200 mg`)
      const formBefore = formEndingAt.get(k + 1);
      if (formBefore) k = formBefore.t0 - 1;
      // `N mg of <stem word>`
      const ofStem = (): void => {
        const of = tokens[e.t1];
        const w = tokens[e.t1 + 1];
        if (
          of &&
          w &&
          e.t1 + 1 < b &&
          of.norm === 'of' &&
          !taken(e.t1 + 1) &&
          !otherConcept(e.t1 + 1) &&
          this.#wordOk(w) &&
          (lex.hasDrugStem(w.norm) || ABBREVIATION.test(text.slice(w.start, w.end)))
        ) {
          out.push(this.#head(tokens, e.t1 + 1, e.t1 + 2, 'head.stem'));
        }
      };
      if (
        k < a ||
        taken(k) ||
        elementEndingAt.has(k + 1) ||
        elementCovers(k) ||
        (tokens[k] as Token).norm === ','
      ) {
        // over routes, forms and joining words to a stem word: `remifentanil in continuous infusion 0.25 mcg/kg/min`
        let x = k;
        for (let step = 0; step < 4 && x >= a; step++) {
          const el = routeOrFormEndingAt.get(x + 1);
          if (el) x = el.t0 - 1;
          else if (lex.connectors.has((tokens[x] as Token).norm) || (tokens[x] as Token).norm === ',') x--;
          else break;
        }
        const w = tokens[x];
        if (
          x < k &&
          x >= a &&
          w &&
          !taken(x) &&
          !elementCovers(x) &&
          this.#wordOk(w) &&
          lex.hasDrugStem(w.norm)
        ) {
          out.push(this.#head(tokens, x, x + 1, 'head.stem'));
          continue;
        }
        ofStem();
        continue;
      }
      // collect drug-like words backwards
      let start = k + 1;
      for (let x = k; x >= a; x--) {
        const t = tokens[x] as Token;
        if (taken(x) || elementCovers(x)) break;
        if (x < k && gapBreaks(text, t.end, (tokens[x + 1] as Token).start)) break;
        if (this.#wordOk(t)) {
          start = x;
          continue;
        }
        if ((t.norm === '-' || t.norm === '/') && x > a && x < k) {
          const p = tokens[x - 1] as Token;
          const n = tokens[x + 1] as Token;
          if (p.end === t.start && t.end === n.start) continue;
        }
        break;
      }
      if (start > k) {
        // a code name ending in digits: `TQB-2450 200 mg`, `S-1 80 mg/m2`
        const code = this.#shapedName(text, tokens, Math.max(a, k - 2), k + 1, otherConcept);
        if (code && !taken(code[0]) && !elementCovers(code[0])) {
          out.push(this.#head(tokens, code[0], code[1], 'head.shape'));
          continue;
        }
        ofStem();
        continue;
      }
      // a medication list line starts with the drug name: `1. Zyrtexa 10 mg PO daily`, `Meds: Fexorvin 180 mg`
      if (
        (listContext || lineKind) &&
        k - start <= 3 &&
        (isLineStart(text, tokens, start, a) || afterColon(tokens, start, a))
      ) {
        const first = tokens[start] as Token;
        const words = tokens.slice(start, k + 1).filter((t) => t.kind === 'word');
        if (
          /\p{L}{3}/u.test(text.slice(first.start, (tokens[k] as Token).end)) &&
          !words.some((t) => NOT_A_NAME.test(t.norm) && !lex.salts.has(t.norm))
        ) {
          out.push(this.#head(tokens, start, k + 1, listContext ? 'head.list' : 'head.line'));
          continue;
        }
      }
      // prose: one word with a drug-name stem, and the salt words after it
      let w = k;
      while (w > start && lex.salts.has((tokens[w] as Token).norm)) w--;
      if (otherConcept(w)) continue;
      if (lex.hasDrugStem((tokens[w] as Token).norm)) {
        out.push(this.#head(tokens, w, k + 1, 'head.stem'));
        continue;
      }
      // a name written with hyphens whose part has a stem (`zanoparin-beta`, `Dorvotinib-X`) or a code
      // name (`ABX-217`, `S-1`): the joined tokens before the amount
      const shaped = this.#shapedName(text, tokens, start, k + 1, otherConcept);
      if (shaped) {
        out.push(this.#head(tokens, shaped[0], shaped[1], 'head.shape'));
        continue;
      }
      // a word between a route, form or intensity and the amount: `oral ribavirin 400 mg`
      const pre = preEndingAt.get(start);
      if (pre && k - start <= 1) {
        out.push(this.#head(tokens, start, k + 1, 'head.route'));
        continue;
      }
      // a word with the amount in parentheses after it: `Xarelto (30 mg daily)`
      if (paren && k === start && !lex.nonDrug.has((tokens[k] as Token).norm)) {
        out.push(this.#head(tokens, k, k + 1, 'head.paren'));
        continue;
      }
      // one word after a separator in a clause that lists other drugs: `paracetamol 1 g, metamizole 1 g`
      const sep = tokens[k - 1];
      if (
        k === start &&
        sep &&
        k - 1 >= a &&
        (sep.norm === ',' || sep.norm === 'and' || sep.norm === ';' || sep.norm === '(') &&
        (drugAt.size > 0 || out.length > 0) &&
        !lex.nonDrug.has((tokens[k] as Token).norm)
      ) {
        out.push(this.#head(tokens, k, k + 1, 'head.coord'));
        continue;
      }
      ofStem();
    }
    return out;
  }

  /** A drug class right after token j (at most two words before it): [t0, t1) of the head, or null. */
  #classAfter(
    text: string,
    tokens: readonly Token[],
    j: number,
    b: number,
    taken: (i: number) => boolean,
    covered: (i: number) => boolean,
  ): [number, number] | null {
    for (let x = j; x < b && x <= j + 2; x++) {
      const t = tokens[x] as Token;
      if (taken(x) || covered(x) || (x > j && gapBreaks(text, (tokens[x - 1] as Token).end, t.start)))
        return null;
      const m = this.#lex.drugClasses.match(text, t.start, t.norm);
      if (m) {
        const end = lowerBound(tokens, m.end);
        for (let y = j; y < end; y++) if (taken(y) || covered(y)) return null;
        return [j, end];
      }
      if (!this.#wordOk(t) && !(t.norm === '-' && x > j)) return null;
    }
    return null;
  }

  /** A drug class ending right before token j: [t0, t1) of the head, or null. */
  #classBefore(
    text: string,
    tokens: readonly Token[],
    j: number,
    a: number,
    taken: (i: number) => boolean,
    covered: (i: number) => boolean,
  ): [number, number] | null {
    const last = j - 1;
    if (last < a || taken(last) || covered(last)) return null;
    for (let x = last; x >= a && x >= last - 2; x--) {
      const t = tokens[x] as Token;
      const m = this.#lex.drugClasses.match(text, t.start, t.norm);
      if (m && lowerBound(tokens, m.end) === j) {
        for (let y = x; y < j; y++) if (taken(y) || covered(y)) return null;
        return [x, j];
      }
    }
    return null;
  }

  /**
   * The drug-shaped name that ends at token t1 - 1 (tokens [t0, t1) are candidate words): tokens joined
   * by hyphens with no space (`zanoparin-beta`, `ABX-217`), where a part has a drug stem or the whole is
   * a code name. Null when none.
   */
  #shapedName(
    text: string,
    tokens: readonly Token[],
    t0: number,
    t1: number,
    otherConcept: (i: number) => boolean,
  ): [number, number] | null {
    let s = t1 - 1;
    // back over `x-y-z` written with no space
    while (s - 2 >= t0) {
      const h = tokens[s - 1] as Token;
      const p = tokens[s - 2] as Token;
      if (h.norm !== '-' || p.end !== h.start || h.end !== (tokens[s] as Token).start) break;
      s -= 2;
    }
    // the codes start with a capital letter: `ABX-217`; or a name with a stem among its parts
    const first = tokens[s] as Token;
    const last = tokens[t1 - 1] as Token;
    const joined = text.slice(first.start, last.end);
    for (let i = s; i < t1; i++) if (otherConcept(i)) return null;
    if (CODE_NAME.test(joined) && /[A-Z]/.test(joined) && /\d/.test(joined)) return [s, t1];
    if (s === t1 - 1) return null;
    for (let i = s; i < t1; i += 2) {
      const t = tokens[i] as Token;
      // a part with a stem, or a part that is a whole stem of six letters or more (`epoetin`, `filgrastim`)
      if (
        t.kind === 'word' &&
        (this.#lex.hasDrugStem(t.norm) || (t.norm.length >= 6 && this.#lex.stems.includes(t.norm)))
      )
        return [s, t1];
    }
    return null;
  }

  #head(tokens: readonly Token[], t0: number, t1: number, rule: string): Drug {
    return {
      start: (tokens[t0] as Token).start,
      end: (tokens[t1 - 1] as Token).end,
      t0,
      t1,
      rules: [rule],
    };
  }

  /** The sentence as items: drugs, elements, unrelated words (O), separators (S), clause breaks (B). */
  #items(
    text: string,
    tokens: readonly Token[],
    a: number,
    b: number,
    drugs: readonly Drug[],
    els: readonly Element[],
    inDrug: Uint8Array,
    rowStarts: ReadonlySet<number>,
  ): Item[] {
    const lex = this.#lex;
    const items: Item[] = [];
    const drugAt = new Map(drugs.map((d) => [d.t0, d]));
    const elAt = new Map(els.map((e) => [e.t0, e]));
    for (let i = a; i < b; ) {
      const t = tokens[i] as Token;
      const d = drugAt.get(i);
      // a new list item, table row, or line that starts with a drug begins a new clause
      if (
        i > a &&
        (rowStarts.has(i) ||
          this.#newItemAt(text, tokens, i) ||
          (d !== undefined && lineStartsAt(text, tokens, i)))
      ) {
        items.push({ k: 'B' });
      }
      if (d) {
        items.push({ k: 'D', d });
        i = Math.max(i + 1, d.t1);
        continue;
      }
      const e = elAt.get(i);
      if (e) {
        if (e.type === 'seq') items.push({ k: 'B' });
        else items.push({ k: 'E', e });
        i = Math.max(i + 1, e.t1);
        continue;
      }
      if (inDrug[i - a] === 1) {
        i++;
        continue;
      }
      const n = t.norm;
      // `infusion with noradrenaline`: `with` after a route or form joins it to the drug after it
      const prev = items[items.length - 1];
      if (
        n === 'with' &&
        prev?.k === 'E' &&
        (prev.e.type === 'route' || prev.e.type === 'form') &&
        prev.e.t1 === i
      ) {
        i++;
        continue;
      }
      // a short parenthesis right after a drug, without numbers, is its alias: `amphotericin B (L-AMB)`
      if (n === '(' && drugs.some((d) => d.t1 === i)) {
        let j = i + 1;
        while (
          j < b &&
          j - i <= 5 &&
          (tokens[j] as Token).norm !== ')' &&
          (tokens[j] as Token).kind !== 'number' &&
          (tokens[j] as Token).kind !== 'measure' &&
          !elAt.has(j)
        )
          j++;
        if (j < b && (tokens[j] as Token).norm === ')') {
          i = j + 1;
          continue;
        }
      }
      if (n === ';') items.push({ k: 'B' });
      else if (lex.separators.has(n)) items.push({ k: 'S', t: i });
      else if (TRANSPARENT_PUNCT.has(n) || lex.connectors.has(n)) {
        // nothing
      } else if (
        (t.kind === 'number' && t.value === undefined) ||
        (lex.units.has(n) && i > a && (tokens[i - 1] as Token).kind === 'number')
      ) {
        // an amount the grammar does not read (`250/50 mcg`): part of the sig, not an unrelated word
      } else items.push({ k: 'O', t: i });
      i++;
    }
    return items;
  }

  /** An amount (strength or dose) right after `(`, not a concentration per volume (`mg/dL`). */
  #opensParen(e: Element, tokens: readonly Token[]): boolean {
    if (e.type !== 'strength' && e.type !== 'dose') return false;
    if ((tokens[e.t0 - 1] as Token | undefined)?.norm !== '(') return false;
    const per = e.quantity?.per?.unit?.toLowerCase();
    return per === undefined || !VOLUME_UNIT.test(per);
  }

  /** A new list item starts at token i: a line break, then a list marker. */
  #newItemAt(text: string, tokens: readonly Token[], i: number): boolean {
    const t = tokens[i] as Token;
    const p = tokens[i - 1] as Token;
    if (!text.slice(p.end, t.start).includes('\n')) return false;
    if (t.norm === '|') return true;
    if (LIST_MARKER.test(t.norm)) return true;
    const n = tokens[i + 1];
    return (
      n !== undefined && /^\d{1,2}$/.test(t.norm) && (n.norm === '.' || n.norm === ')') && n.start === t.end
    );
  }

  /** Decide the drug of each element. */
  #attach(items: readonly Item[], text: string, tokens: readonly Token[]): Attached[] {
    const n = items.length;
    // backward: the drug whose chain reaches the element
    const back: (Drug | null)[] = new Array(n).fill(null);
    const backSep: boolean[] = new Array(n).fill(false);
    const backGap: number[] = new Array(n).fill(0);
    let cur: Drug | null = null;
    let last: Drug | null = null;
    let gap = 0;
    let sep = false;
    for (let x = 0; x < n; x++) {
      const it = items[x] as Item;
      if (it.k === 'D') {
        cur = it.d;
        last = it.d;
        gap = 0;
        sep = false;
      } else if (it.k === 'B') {
        cur = null;
        last = null;
      } else if (it.k === 'O') {
        gap++;
        // too far, or a new phrase after a separator (`ondansetron 4 mg IV, LR 1 L`)
        if (gap > MAX_GAP || sep) cur = null;
      } else if (it.k === 'S') {
        sep = true;
      } else {
        // a status reaches back to the last drug of the clause (`prednisone ... and was later tapered to`)
        if (cur === null && it.e.type === 'status' && last !== null) {
          cur = last;
          sep = false;
        }
        // an amount that opens a parenthesis reaches back to the last drug of the clause, across the
        // words of its noun phrase (`zorbitrexate for early arthritis (15 mg weekly)`); not a
        // concentration of a body fluid (`(3.4 mg/dL)`)
        if (cur === null && last !== null && !sep && this.#opensParen(it.e, tokens)) {
          cur = last;
        }
        back[x] = cur;
        backSep[x] = sep;
        backGap[x] = gap;
        gap = 0;
        sep = false;
      }
    }
    // forward: the drug right after the element (through other elements)
    const fwd: (Drug | null)[] = new Array(n).fill(null);
    const fwdGap: number[] = new Array(n).fill(0);
    let next: Drug | null = null;
    gap = 0;
    for (let x = n - 1; x >= 0; x--) {
      const it = items[x] as Item;
      if (it.k === 'D') {
        next = it.d;
        gap = 0;
      } else if (it.k === 'B' || it.k === 'S') {
        next = null;
      } else if (it.k === 'O') {
        gap++;
        if (gap > MAX_FORWARD_GAP) next = null;
      } else {
        fwd[x] = next;
        fwdGap[x] = gap;
        gap = 0;
      }
    }

    const owner = new Map<Drug, Attached>();
    const get = (d: Drug): Attached => {
      let at = owner.get(d);
      if (!at) owner.set(d, (at = { drug: d, els: [] }));
      return at;
    };
    for (const it of items) if (it.k === 'D') get(it.d);

    const forwardStatus: { x: number; e: Element; d: Drug }[] = [];
    const backwardStatus: { x: number; e: Element; d: Drug }[] = [];
    let distributeNext = false;
    for (let x = 0; x < n; x++) {
      const it = items[x] as Item;
      if (it.k !== 'E') continue;
      const e = it.e;
      if (e.type === 'dist') {
        distributeNext = true;
        continue;
      }
      if (e.type === 'skip') continue;
      const bk = back[x] ?? null;
      const fw = fwd[x] ?? null;
      let target: Drug | null = null;
      if (e.type === 'status') {
        const changeTo = e.status?.value === 'changed' ? this.#drugAfterTo(items, x, tokens) : null;
        const imperative = !/(?:ed|ing|held|began|begun|kept|d\/c)$/i.test(text.slice(e.start, e.end).trim());
        const direct = fw !== null && fwdGap[x] === 0 && this.#onlyForwardWords(text.slice(e.end, fw.start));
        if (changeTo) target = changeTo;
        else if (direct && (imperative || !bk || backSep[x] || (backGap[x] as number) > 0)) target = fw;
        else if (bk) target = bk;
        else if (fw) target = fw;
        if (target && target === fw && target !== bk) forwardStatus.push({ x, e, d: target });
        if (target && target === bk) backwardStatus.push({ x, e, d: target });
      } else if (e.type === 'indication') {
        const prev = items[x - 1];
        const afterStop =
          prev?.k === 'E' &&
          prev.e.type === 'status' &&
          prev.e.status?.value !== 'started' &&
          prev.e.status?.value !== 'continued';
        if (!afterStop) target = bk;
      } else {
        // durations, as-needed, a single dose (`once`) and bare counts are written after the drug
        const canPrecede =
          e.type !== 'duration' &&
          e.type !== 'prn' &&
          !(e.type === 'frequency' && e.timing?.count !== undefined);
        const f = canPrecede ? fw : null;
        const preferForward =
          f !== null && fwdGap[x] === 0 && (!bk || backSep[x] || (backGap[x] as number) > 0);
        if (preferForward) target = f;
        else if (bk) target = bk;
        else if (f) target = f;
      }
      if (!target) {
        distributeNext = false;
        continue;
      }
      get(target).els.push({ e, shared: false });
      if (distributeNext) {
        // `A 20 mg and B 100 mcg, both once daily`: every drug of the clause before it
        for (let y = x - 1; y >= 0; y--) {
          const p = items[y] as Item;
          if (p.k === 'B') break;
          if (p.k === 'D' && p.d !== target) get(p.d).els.push({ e, shared: true });
        }
        distributeNext = false;
      }
    }
    // a status written before a list of drugs applies to each (`continue A, B and C`)
    for (const { x, e, d } of forwardStatus) {
      let passed = false;
      for (let y = x + 1; y < n; y++) {
        const p = items[y] as Item;
        if (p.k === 'B') break;
        if (p.k === 'E' && p.e.type === 'status') break;
        if (p.k === 'D') {
          if (p.d === d) {
            passed = true;
            continue;
          }
          if (!passed) continue;
          const at = get(p.d);
          if (!at.els.some((z) => z.e.type === 'status')) at.els.push({ e, shared: true });
        }
      }
    }
    // a status after coordinated bare drugs applies to each (`zolpidem and diphenhydramine - stopped`)
    for (const { e, d } of backwardStatus) {
      const y0 = items.findIndex((p) => p.k === 'D' && p.d === d);
      for (let y = y0 - 1; y >= 0; y--) {
        const p = items[y] as Item;
        if (p.k === 'S') continue;
        if (p.k !== 'D') break;
        const at = get(p.d);
        if (at.els.length > 0) break;
        at.els.push({ e, shared: true });
      }
    }
    return [...owner.values()];
  }

  /** Only whitespace and the words that join a status to the drug after it (`started on`, `switch to`). */
  #onlyForwardWords(between: string): boolean {
    const words = between
      .trim()
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w !== '');
    return words.every((w) => this.#lex.statusForward.has(w));
  }

  /** For `switched from A to B`: the drug written right after `to` (or `with`, `by`) later in the clause. */
  #drugAfterTo(items: readonly Item[], x: number, tokens: readonly Token[]): Drug | null {
    for (let y = x + 1; y < items.length; y++) {
      const p = items[y] as Item;
      if (p.k === 'B') return null;
      if (p.k === 'D') {
        const before = tokens[p.d.t0 - 1];
        if (before && (before.norm === 'to' || before.norm === 'with' || before.norm === 'by')) return p.d;
      }
    }
    return null;
  }

  /** The Medication of a drug and its elements. */
  /** `drugs`: every drug of the sentence, sorted by start. */
  #build(text: string, at: Attached, drugs: readonly Drug[]): Medication | null {
    const d = at.drug;
    const rules: string[] = [...d.rules];
    let strength: Element | undefined;
    let dose: Element | undefined;
    let form: Element | undefined;
    let route: { e: Element; code: string; display: string; rule: string } | undefined;
    let frequency: { start: number; end: number; timing: Timing; rule: string } | undefined;
    let prn: Element | undefined;
    let duration: Element | undefined;
    let status: Element | undefined;
    let indication: Element | undefined;
    let intensity: Element | undefined;
    let spanStart = d.start;
    let spanEnd = d.end;
    // another drug inside [lo, hi): the drugs starting in it, by binary search on the starts
    const containsOther = (lo: number, hi: number): boolean => {
      for (let k = firstAtOrAfter(drugs, lo); k < drugs.length; k++) {
        const o = drugs[k] as Drug;
        if (o.start > hi) break;
        if (o !== d && o.end <= hi) return true;
      }
      return false;
    };
    const used: Element[] = [];
    let lastEnd = d.end;
    const els = [...at.els].sort((x, y) => x.e.start - y.e.start);
    for (const { e, shared } of els) {
      let took = false;
      switch (e.type) {
        case 'strength':
          if (!strength) took = !!(strength = e);
          else if (
            NEW_DOSE_BEFORE.test(text.slice(Math.max(0, e.start - 40), e.start)) &&
            e.start > strength.start
          ) {
            // the new dose replaces the old regimen: its own dose and frequency come after it
            strength = e;
            took = true;
            if (frequency && frequency.start < e.start) frequency = undefined;
            if (dose && dose.start < e.start) dose = undefined;
          }
          break;
        case 'dose':
          if (!dose) took = !!(dose = e);
          break;
        case 'form': {
          if (e.form?.adjacent && !/^\s*$/.test(text.slice(lastEnd, e.start))) break;
          if (!form) took = !!(form = e);
          if (e.route && !route) {
            route = { e, code: e.route.code, display: e.route.display, rule: e.route.id };
            took = true;
          }
          break;
        }
        case 'route':
          if (!route && e.route) {
            route = { e, code: e.route.code, display: e.route.display, rule: e.rule };
            took = true;
          }
          break;
        case 'frequency':
          if (!frequency) {
            frequency = { start: e.start, end: e.end, timing: { ...(e.timing as Timing) }, rule: e.rule };
            took = true;
          } else {
            const merged = mergeTiming(frequency.timing, e.timing as Timing);
            const between = text.slice(frequency.end, e.start);
            if (merged && between.length <= 12 && !/[;\n]/.test(between)) {
              frequency = {
                start: Math.min(frequency.start, e.start),
                end: Math.max(frequency.end, e.end),
                timing: merged,
                rule: `${frequency.rule}+${e.rule}`,
              };
              took = true;
            }
          }
          break;
        case 'prn':
          if (!prn) took = !!(prn = e);
          break;
        case 'duration':
          if (!duration) took = !!(duration = e);
          break;
        case 'status':
          if (!status) took = !!(status = e);
          break;
        case 'intensity':
          if (!intensity) took = !!(intensity = e);
          break;
        case 'indication':
          if (!indication && !(prn?.reason && e.start === prn.reason.start)) took = !!(indication = e);
          break;
        default:
          break;
      }
      if (!took) continue;
      used.push(e);
      rules.push(e.rule);
      lastEnd = Math.max(lastEnd, e.end);
      // the mention covers its own elements; shared ones only when no other drug lies between
      const lo = Math.min(e.start, d.start);
      const hi = Math.max(e.end, d.end);
      const crosses = containsOther(lo, hi);
      if (!shared || !crosses) {
        if (!crosses) {
          spanStart = Math.min(spanStart, e.start);
          spanEnd = Math.max(spanEnd, e.end);
        }
      }
    }
    // routes that need a form (`OD`/`OS` for eye drops)
    if (route?.e.type === 'route' && route.e.route?.requiresForm) {
      const forms = route.e.route.requiresForm;
      const ok = (form?.form && forms.includes(form.form.code)) || dose?.quantity?.unit === '{drop}';
      if (!ok) {
        rules.splice(rules.indexOf(route.rule), 1);
        route = undefined;
      }
    }
    const hasSig = used.length > 0;
    if (!hasSig && !this.#bare) return null;
    if (!hasSig && d.concept === undefined) return null;
    const span = (s: number, e: number): TextSpan => ({ start: s, end: e, text: text.slice(s, e) });
    const q = (e: Element) => e.quantity as NonNullable<Element['quantity']>;
    // built by assignment, in the key order of the JSON result (a literal of conditional spreads
    // was most of the cost of a medication on a long list)
    type Out = Record<string, unknown>;
    const m: Out = { start: spanStart, end: spanEnd };
    const drug = span(d.start, d.end) as unknown as Out;
    if (d.concept !== undefined) drug.concept = d.concept;
    if (d.rxnorm !== undefined) drug.rxnorm = d.rxnorm;
    m.drug = drug;
    if (strength) m.strength = Object.assign(span(strength.start, strength.end), q(strength));
    if (dose) {
      const x = span(dose.start, dose.end) as unknown as Out;
      const dq = q(dose);
      x.value = dq.value;
      if (dq.valueHigh !== undefined) x.valueHigh = dq.valueHigh;
      x.unit = dq.unit;
      m.dose = x;
    }
    if (form?.form)
      m.form = Object.assign(span(form.start, form.end), {
        code: form.form.code,
        display: form.form.display,
      });
    if (route)
      m.route = Object.assign(span(route.e.start, route.e.end), { code: route.code, display: route.display });
    if (frequency)
      m.frequency = Object.assign(span(frequency.start, frequency.end), { timing: frequency.timing });
    if (prn) {
      const x = span(prn.start, prn.end) as unknown as Out;
      if (prn.reason) x.reason = span(prn.reason.start, prn.reason.end);
      m.asNeeded = x;
    }
    if (duration?.duration) {
      // the span leaves out the lead and an article after it, as TimeML does: `for [7 days]`,
      // `x [5 days]`, `for a [period of 3 weeks]`
      const lead = DURATION_LEAD.exec(text.slice(duration.start, duration.end));
      const from =
        lead && lead[0].length < duration.end - duration.start
          ? duration.start + lead[0].length
          : duration.start;
      m.duration = Object.assign(span(from, duration.end), duration.duration);
    }
    if (status?.status) {
      m.status = Object.assign(span(status.start, status.end), {
        value: status.status.value,
      }) satisfies MedicationStatus;
    }
    if (indication?.reason) m.indication = span(indication.reason.start, indication.reason.end);
    if (intensity?.intensity) {
      m.intensity = Object.assign(span(intensity.start, intensity.end), { value: intensity.intensity.value });
    }
    m.evidence = {
      component: 'medications',
      rule: [...new Set(rules)].join(' '),
      ...(rules.some((r) => UNKNOWN_DRUG_RULES.has(r)) ? { detail: UNKNOWN_DRUG_DETAIL } : {}),
    };
    return m as unknown as Medication;
  }
}

/** Merge two timings when one adds a time of day to the other; null when they disagree. */
export function mergeTiming(a: Timing, b: Timing): Timing | null {
  const hasRate = (t: Timing): boolean => t.frequency !== undefined || t.period !== undefined;
  const onlyWhen = (t: Timing): boolean =>
    !hasRate(t) && t.count === undefined && (t.when !== undefined || t.timeOfDay !== undefined);
  const when = (x: Timing, y: Timing): string[] | undefined => {
    const w = [...(x.when ?? []), ...(y.when ?? [])];
    return w.length > 0 ? [...new Set(w)] : undefined;
  };
  const tod = (x: Timing, y: Timing): string[] | undefined => {
    const w = [...(x.timeOfDay ?? []), ...(y.timeOfDay ?? [])];
    return w.length > 0 ? [...new Set(w)].sort() : undefined;
  };
  const combine = (base: Timing, other: Timing): Timing => {
    const w = when(base, other);
    const t = tod(base, other);
    const out: Timing = { ...base };
    if (w) out.when = w;
    if (t) out.timeOfDay = t;
    if (other.dayOfWeek && !base.dayOfWeek) out.dayOfWeek = other.dayOfWeek;
    return out;
  };
  if (onlyWhen(b)) return combine(a, b);
  if (onlyWhen(a)) return combine(b, a);
  if (a.count !== undefined || b.count !== undefined) return null;
  const daily = (t: Timing): boolean => t.frequency === 1 && t.period === 1 && t.periodUnit === 'd';
  if (daily(a) && daily(b)) {
    // `daily at bedtime`: one event; `qam and qhs`: two
    if (a.when && b.when) {
      const w = when(a, b) as string[];
      return { ...a, frequency: w.length, when: w };
    }
    return combine(a, b);
  }
  if (
    a.frequency === b.frequency &&
    a.period === b.period &&
    a.periodUnit === b.periodUnit &&
    (a.when === undefined || b.when === undefined)
  ) {
    return combine(a, b);
  }
  return null;
}

/** First index of a token starting at or after `offset`. */
export function lowerBound(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tokens[mid] as Token).start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function gapBreaks(text: string, a: number, b: number): boolean {
  if (b - a < 2) return false;
  const gap = text.slice(a, b);
  return gap.includes('\n') || gap.includes('\t') || gap.includes('  ') || gap.includes('|');
}

/** Only whitespace lies between the start of its line and token i. */
function lineStartsAt(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  const p = tokens[i - 1];
  return p !== undefined && text.slice(p.end, t.start).includes('\n');
}

/** Token `start` comes right after a `Key:` at the start of its sentence (`Meds: Fexorvin 180 mg`). */
function afterColon(tokens: readonly Token[], start: number, a: number): boolean {
  const c = tokens[start - 1];
  return c !== undefined && start - 1 > a && start - 1 - a <= 3 && c.norm === ':';
}

/** Token `start` begins its line, after an optional list marker, within the sentence. */
function isLineStart(text: string, tokens: readonly Token[], start: number, a: number): boolean {
  let k = start - 1;
  if (k > a && /^[.)]$/.test((tokens[k] as Token).norm) && /^\d{1,2}$/.test((tokens[k - 1] as Token).norm))
    k -= 2;
  else if (k >= a && LIST_MARKER.test((tokens[k] as Token).norm)) k--;
  if (k < a) return true;
  const prev = tokens[k] as Token;
  return text.slice(prev.end, (tokens[k + 1] as Token).start).includes('\n');
}

/** The first index of `spans` (sorted by start) whose start is >= `at`. */
function firstAtOrAfter(spans: readonly { start: number }[], at: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((spans[mid] as { start: number }).start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether a span overlaps one of `spans` (sorted by start, not overlapping each other: their ends
 * ascend too), by binary search. Falls back to a scan when they are not so ordered.
 */
function spanFinder(spans: readonly { start: number; end: number }[]): (s: number, e: number) => boolean {
  let ordered = true;
  for (let k = 1; k < spans.length; k++) {
    const p = spans[k - 1] as { start: number; end: number };
    const q = spans[k] as { start: number; end: number };
    if (q.start < p.end || q.start < p.start) ordered = false;
  }
  if (!ordered) return (s, e) => spans.some((x) => s < x.end && x.start < e);
  return (s, e) => {
    // the first span ending after s
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((spans[mid] as { end: number }).end <= s) lo = mid + 1;
      else hi = mid;
    }
    const x = spans[lo];
    return x !== undefined && x.start < e;
  };
}

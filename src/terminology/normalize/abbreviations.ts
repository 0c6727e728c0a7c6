/**
 * Clinical abbreviations and acronyms: the project's own list (resources/terminology/
 * abbreviations.tsv), its loader, and sense lookup and ranking by context cue words.
 *
 * File format (tab-separated, header required, `#` comments): abbr, expansion, type, ambiguous
 * (y/n), context (space-separated cue words). An abbreviation with several senses has one row per
 * sense, most common first.
 */

import { readFileSync } from 'node:fs';
import { ClinoteError } from '../../errors/error.js';
import { resourcePath } from '../../resources.js';
import type { SemanticType } from '../types.js';
import { isSemanticType } from '../types.js';
import { termKeys } from './term-keys.js';
import { foldText, tokenKey } from './token-key.js';

export interface AbbreviationEntry {
  /** As written in the list, e.g. `MS`, `N/V`, `AFib`. */
  readonly abbr: string;
  /** Lookup key: abbreviationKey(abbr), e.g. `ms`, `nv`, `afib`. */
  readonly key: string;
  readonly expansion: string;
  /** Token keys of the expansion (termKeys), to find the concepts it names. */
  readonly expansionKeys: readonly string[];
  readonly type: SemanticType;
  readonly ambiguous: boolean;
  /** Cue words as written. */
  readonly context: readonly string[];
  /** Token keys of the cue words (tokenKey), to compare with note token keys. */
  readonly contextKeys: readonly string[];
  /** 1-based line in the file. */
  readonly line: number;
}

/** The shape the pack compiler takes (src/terminology/pack/keys.ts `Abbreviation`). */
export interface AbbreviationGroup {
  readonly abbreviation: string;
  readonly senses: readonly { readonly expansion: string; readonly cues: readonly string[] }[];
}

export const ABBREVIATIONS_RESOURCE = 'terminology/abbreviations.tsv';
export const ABBREVIATION_COLUMNS = ['abbr', 'expansion', 'type', 'ambiguous', 'context'] as const;

/** Lookup key of an abbreviation or a note token: folded, letters and digits only (`N/V` -> `nv`). */
export function abbreviationKey(s: string): string {
  return foldText(s).replace(/[^\p{L}\p{N}]+/gu, '');
}

function bad(line: number, message: string): never {
  throw new ClinoteError('CLINOTE_E_TERMINOLOGY_ABBREVIATIONS', `abbreviations line ${line}: ${message}`, {
    line,
  });
}

/**
 * Parse an abbreviation file. Throws CLINOTE_E_TERMINOLOGY_ABBREVIATIONS (with the line) on a
 * missing header, a row with too few columns, an unknown type or an ambiguous flag other than y/n.
 */
export function loadAbbreviations(text: string): AbbreviationEntry[] {
  const out: AbbreviationEntry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const cells = raw.split('\t').map((c) => c.trim());
    if (!header) {
      const names = cells.map((c) => c.toLowerCase());
      if (ABBREVIATION_COLUMNS.some((c, j) => names[j] !== c)) {
        bad(lineNo, `the header must be ${ABBREVIATION_COLUMNS.join(', ')} (tab-separated)`);
      }
      header = true;
      continue;
    }
    const [abbr = '', expansion = '', type = '', ambiguous = '', context = ''] = cells;
    if (cells.length < 4) bad(lineNo, `expected ${ABBREVIATION_COLUMNS.length} tab-separated columns`);
    if (abbr === '' || expansion === '') bad(lineNo, 'abbr and expansion are required');
    if (!isSemanticType(type)) bad(lineNo, `unknown type '${type}'`);
    const amb = ambiguous.toLowerCase();
    if (amb !== 'y' && amb !== 'n') bad(lineNo, `ambiguous must be y or n, not '${ambiguous}'`);
    const cues = context === '' ? [] : context.split(/\s+/);
    out.push({
      abbr,
      key: abbreviationKey(abbr),
      expansion,
      expansionKeys: termKeys(expansion),
      type: type as SemanticType,
      ambiguous: amb === 'y',
      context: cues,
      contextKeys: [...new Set(cues.flatMap((c) => termKeys(c)))],
      line: lineNo,
    });
  }
  if (!header) bad(1, 'no header row');
  return out;
}

let defaults: readonly AbbreviationEntry[] | undefined;
let defaultIndex: Map<string, AbbreviationEntry[]> | undefined;

/** The built-in list (resources/terminology/abbreviations.tsv), loaded once. */
export function defaultAbbreviations(): readonly AbbreviationEntry[] {
  defaults ??= loadAbbreviations(readFileSync(resourcePath(ABBREVIATIONS_RESOURCE), 'utf8'));
  return defaults;
}

/** Entries by key; spellings of one abbreviation (`AFib`, `A-fib`) give each sense once. */
function indexOf(entries: readonly AbbreviationEntry[]): Map<string, AbbreviationEntry[]> {
  const m = new Map<string, AbbreviationEntry[]>();
  for (const e of entries) {
    const list = m.get(e.key);
    if (!list) m.set(e.key, [e]);
    else if (!list.some((x) => x.expansion.toLowerCase() === e.expansion.toLowerCase())) list.push(e);
  }
  return m;
}

const indexes = new WeakMap<readonly AbbreviationEntry[], Map<string, AbbreviationEntry[]>>();

/**
 * Senses of an abbreviation or a note token (`MS`, `ms`, `N/V`), in file order (most common first);
 * [] when unknown. Looks in `entries` (default: the built-in list).
 */
export function abbreviationSenses(
  keyOrToken: string,
  entries?: readonly AbbreviationEntry[],
): readonly AbbreviationEntry[] {
  let index: Map<string, AbbreviationEntry[]>;
  if (entries === undefined) {
    defaultIndex ??= indexOf(defaultAbbreviations());
    index = defaultIndex;
  } else {
    let i = indexes.get(entries);
    if (!i) {
      i = indexOf(entries);
      indexes.set(entries, i);
    }
    index = i;
  }
  return index.get(abbreviationKey(keyOrToken)) ?? [];
}

/**
 * Senses ranked by the number of their cue words among `contextKeys` (token keys of the words
 * around the abbreviation); ties keep file order. Each sense comes with its cue hit count.
 */
export function rankAbbreviationSenses(
  senses: readonly AbbreviationEntry[],
  contextKeys: Iterable<string>,
): { entry: AbbreviationEntry; hits: number }[] {
  const ctx = new Set<string>();
  for (const k of contextKeys) ctx.add(tokenKey(k));
  return senses
    .map((entry, order) => ({ entry, hits: entry.contextKeys.filter((k) => ctx.has(k)).length, order }))
    .sort((a, b) => b.hits - a.hits || a.order - b.order)
    .map(({ entry, hits }) => ({ entry, hits }));
}

/** Entries grouped by the abbreviation as written, senses in file order (the pack compiler's shape). */
export function groupAbbreviations(entries: readonly AbbreviationEntry[]): AbbreviationGroup[] {
  const groups = new Map<string, { expansion: string; cues: string[] }[]>();
  for (const e of entries) {
    const list = groups.get(e.abbr) ?? [];
    if (list.length === 0) groups.set(e.abbr, list);
    list.push({ expansion: e.expansion, cues: [...e.context] });
  }
  return [...groups].map(([abbreviation, senses]) => ({ abbreviation, senses }));
}

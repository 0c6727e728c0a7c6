/**
 * RxTerms (NLM), pipe-delimited with a header; the layout is detected from the header.
 *
 * - Ingredients file `RxTermsIngredients*.txt` (`RXCUI|INGREDIENT|ING_RXCUI`): one row per
 *   (clinical drug, ingredient); one concept per ingredient RxCUI: id `rxterms:<ING_RXCUI>`,
 *   medication/ingredient, the name as preferred term, code rxnorm ING_RXCUI. Rows repeat the same
 *   ingredient for each drug: they are folded (the ingredients are kept in memory, a few thousand).
 * - Main file `RxTerms*.txt` (`RXCUI|GENERIC_RXCUI|TTY|FULL_NAME|RXN_DOSE_FORM|FULL_GENERIC_NAME|
 *   BRAND_NAME|DISPLAY_NAME|ROUTE|NEW_DOSE_FORM|STRENGTH|SUPPRESS_FOR|DISPLAY_NAME_SYNONYM|
 *   IS_RETIRED|SXDG_RXCUI|SXDG_TTY|SXDG_NAME|PSN`): rows with SUPPRESS_FOR or IS_RETIRED are
 *   skipped. One concept per generic drug name (DISPLAY_NAME of the generic rows without the route,
 *   `amlodipine (Oral-pill)` -> `amlodipine`); branded rows (SBD, BPCK) add BRAND_NAME as a brand
 *   term to their generic's concept; DISPLAY_NAME_SYNONYM adds abbreviations (`MOM`). With the
 *   `ingredients` option, a single-ingredient generic gets id `rxterms:<ING_RXCUI>` and that code
 *   (so brands land on the ingredient concept), else id `rxterms:name:<generic name>` with the
 *   SCDG codes (SXDG_RXCUI) of its rows; subtype `ingredient` or `combination`.
 */
import { ClinoteError } from '../../errors/error.js';
import type { ImportStats, SourceConcept } from '../types.js';
import { skip } from '../types.js';
import type { ImportOptions } from './types.js';
import { ConceptDraft, cleanText } from './util/concept.js';
import { readLines, splitPipe } from './util/text.js';

export const RXTERMS_LICENCE =
  'RxTerms (U.S. National Library of Medicine): free to use; RxNorm-derived content, see https://lhncbc.nlm.nih.gov/RxNav/.';

async function* records(path: string): AsyncGenerator<{ header: string[]; cells: string[] }> {
  let header: string[] | null = null;
  for await (const line of readLines(path)) {
    if (line.trim() === '') continue;
    const cells = splitPipe(line);
    if (header === null) {
      header = cells.map((h) => h.trim().toUpperCase());
      continue;
    }
    yield { header, cells };
  }
}

async function headerOf(path: string): Promise<string[]> {
  for await (const line of readLines(path)) {
    if (line.trim() !== '') return splitPipe(line).map((h) => h.trim().toUpperCase());
  }
  return [];
}

function unknown(path: string, header: string[]): never {
  throw new ClinoteError(
    'CLINOTE_E_TERMINOLOGY_UNKNOWN_FORMAT',
    `${path}: not an RxTerms file (expected RXCUI|INGREDIENT|ING_RXCUI or the RxTerms columns with DISPLAY_NAME)`,
    { path, header: header.slice(0, 10) },
  );
}

/** RXCUI -> ingredient RxCUIs and ING_RXCUI -> name, from an ingredients file. */
export async function readIngredientMap(
  path: string,
): Promise<{ byDrug: Map<string, string[]>; names: Map<string, string> }> {
  const byDrug = new Map<string, string[]>();
  const names = new Map<string, string>();
  for await (const { header, cells } of records(path)) {
    const [drug = '', name = '', ing = ''] = pick(header, cells, ['RXCUI', 'INGREDIENT', 'ING_RXCUI']);
    if (drug === '' || ing === '') continue;
    const list = byDrug.get(drug);
    if (list) {
      if (!list.includes(ing)) list.push(ing);
    } else byDrug.set(drug, [ing]);
    if (name !== '' && !names.has(ing)) names.set(ing, name);
  }
  return { byDrug, names };
}

function pick(header: readonly string[], cells: readonly string[], names: readonly string[]): string[] {
  return names.map((n) => {
    const i = header.indexOf(n);
    return i >= 0 ? (cells[i] ?? '').trim() : '';
  });
}

async function* importIngredients(path: string, stats: ImportStats): AsyncGenerator<SourceConcept> {
  const ingredients = new Map<string, { name: string; drugs: number }>();
  for await (const { header, cells } of records(path)) {
    stats.read++;
    const [, name = '', ing = ''] = pick(header, cells, ['RXCUI', 'INGREDIENT', 'ING_RXCUI']);
    if (!/^\d+$/.test(ing) || name === '') {
      skip(stats, 'malformed');
      continue;
    }
    const prev = ingredients.get(ing);
    if (prev) prev.drugs++;
    else ingredients.set(ing, { name: cleanText(name), drugs: 1 });
  }
  for (const [rxcui, { name }] of ingredients) {
    const d = new ConceptDraft(`rxterms:${rxcui}`, 'rxterms', 'medication', 'ingredient');
    d.addTerm(name, 'preferred');
    d.addCode('rxnorm', rxcui, { display: name });
    stats.imported++;
    yield d.build();
  }
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** `amlodipine (Oral-pill)` -> `amlodipine`. */
export function stripRoute(displayName: string): string {
  return cleanText(displayName.replace(/\s*\([^()]*\)\s*$/, ''));
}

async function* importMain(
  path: string,
  stats: ImportStats,
  options: ImportOptions,
): AsyncGenerator<SourceConcept> {
  const ing = options.ingredients ? await readIngredientMap(options.ingredients) : null;
  const genericName = new Map<string, string>(); // generic RXCUI -> generic display name
  const pending: { generic: string; brand: string; synonym: string }[] = [];
  const groups = new Map<
    string,
    {
      name: string;
      synonyms: Set<string>;
      brands: Set<string>;
      codes: Map<string, string>;
      rxcuis: Set<string>;
    }
  >();
  const group = (name: string) => {
    const key = name.toLowerCase();
    let g = groups.get(key);
    if (!g) {
      g = { name, synonyms: new Set(), brands: new Set(), codes: new Map(), rxcuis: new Set() };
      groups.set(key, g);
    }
    return g;
  };
  const COLS = [
    'RXCUI',
    'GENERIC_RXCUI',
    'TTY',
    'BRAND_NAME',
    'DISPLAY_NAME',
    'SUPPRESS_FOR',
    'DISPLAY_NAME_SYNONYM',
    'IS_RETIRED',
    'SXDG_RXCUI',
    'SXDG_NAME',
  ];
  for await (const { header, cells } of records(path)) {
    stats.read++;
    const [
      rxcui = '',
      generic = '',
      tty = '',
      brand = '',
      display = '',
      suppress = '',
      synonym = '',
      retired = '',
      sxdg = '',
      sxdgName = '',
    ] = pick(header, cells, COLS);
    if (rxcui === '' || display === '') {
      skip(stats, 'malformed');
      continue;
    }
    if (suppress !== '' && !options.includeObsolete) {
      skip(stats, 'suppressed');
      continue;
    }
    if (retired !== '' && !options.includeObsolete) {
      skip(stats, 'retired');
      continue;
    }
    const branded = tty === 'SBD' || tty === 'BPCK' || (brand !== '' && generic !== '');
    if (!branded) {
      const name = stripRoute(display);
      genericName.set(rxcui, name);
      const g = group(name);
      g.rxcuis.add(rxcui);
      if (sxdg !== '') g.codes.set(sxdg, sxdgName);
      if (synonym !== '') g.synonyms.add(synonym);
    } else {
      pending.push({ generic, brand: brand !== '' ? brand : stripRoute(display), synonym });
    }
  }
  for (const p of pending) {
    const name = genericName.get(p.generic);
    if (name === undefined) {
      skip(stats, 'brand-without-generic');
      continue;
    }
    const g = group(name);
    g.brands.add(p.brand);
    if (p.synonym !== '') g.synonyms.add(p.synonym);
  }
  const emitted = new Map<string, ConceptDraft>();
  for (const g of groups.values()) {
    const ingredients = new Set<string>();
    if (ing) for (const r of g.rxcuis) for (const i of ing.byDrug.get(r) ?? []) ingredients.add(i);
    const single = ingredients.size === 1 ? [...ingredients][0]! : null;
    const id = single ? `rxterms:${single}` : `rxterms:name:${slug(g.name)}`;
    let d = emitted.get(id);
    if (!d) {
      d = new ConceptDraft(
        id,
        'rxterms',
        'medication',
        ingredients.size > 1 || g.name.includes('/') ? 'combination' : 'ingredient',
      );
      const ingName = single ? ing?.names.get(single) : undefined;
      d.addTerm(ingName ?? g.name, 'preferred');
      emitted.set(id, d);
    }
    d.addTerm(g.name, 'synonym');
    for (const s of g.synonyms) d.addTerm(s, 'abbreviation');
    for (const b of g.brands) d.addTerm(b, 'brand');
    if (single) d.addCode('rxnorm', single, { display: ing?.names.get(single) ?? g.name });
    else for (const i of ingredients) d.addCode('rxnorm', i, { display: ing?.names.get(i) ?? '' });
    if (!single) for (const [code, display] of g.codes) d.addCode('rxnorm', code, { display });
  }
  for (const d of emitted.values()) {
    stats.imported++;
    yield d.build();
  }
}

export async function* importRxterms(
  path: string,
  stats: ImportStats,
  options: ImportOptions = {},
): AsyncGenerator<SourceConcept> {
  stats.licence = RXTERMS_LICENCE;
  const m = /(\d{6})/.exec(path.split(/[\\/]/).pop() ?? '');
  if (m) stats.version = m[1]!;
  const header = await headerOf(path);
  if (header.includes('ING_RXCUI') && header.includes('INGREDIENT')) {
    yield* importIngredients(path, stats);
  } else if (header.includes('DISPLAY_NAME') && header.includes('RXCUI')) {
    yield* importMain(path, stats, options);
  } else {
    unknown(path, header);
  }
}

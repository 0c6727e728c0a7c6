/**
 * Load the coding pack through the factory context: the two source files are read as bytes (their
 * hashes become part of the pipeline version), the compiled pack is cached by the hashes of the
 * sources, in memory and on disk (the compiled-resource cache, decision 0006), and the runtime view
 * (`CodingPack` + `IndexLookup`) is built once per process.
 */
import { isAbsolute, resolve } from 'node:path';
import { missingDataMessage, sharedDataPath } from '../data.js';
import { ClinoteError } from '../errors/error.js';
import type { FactoryContext } from '../pipeline/component.js';
import { IndexLookup } from './lookup.js';
import { CODING_PACK_FORMAT, CodingPack, type CodingPackData, compileCodingPack, sha256 } from './pack.js';

/** Bump when the compiler's output changes: old cache entries are then never read. */
export const CODING_PACK_KIND = `coding-pack:${CODING_PACK_FORMAT}:4`;

/** The FY2023 sources under the shared data dir. */
export const DEFAULT_SOURCES = {
  tabular: ['icd10cm', 'icd10cm_tabular_2023.xml.gz'],
  index: ['icd10cm', 'icd10cm_index_2023.xml.gz'],
} as const;

/**
 * The Neoplasm Table and the Table of Drugs (FY2026) under the shared data dir: optional; without
 * them the pack has no table codes. Their codes are kept only when valid in the FY2023 Tabular List.
 */
export const DEFAULT_TABLE_SOURCES = {
  neoplasm: ['icd10cm', 'icd10cm-neoplasm-April-1-2026-XML.xml'],
  drugs: ['icd10cm', 'icd10cm-drug-April-1-2026-XML.xml'],
} as const;

export interface CodingSourcePaths {
  readonly tabular?: string;
  readonly index?: string;
  /** A path, or `false` for none; default: the shared data dir's file when present. */
  readonly neoplasm?: string | false;
  readonly drugs?: string | false;
}

/** The tables' paths: the options, else the shared data dir's files when present, else none. */
export function resolveTableSources(paths: CodingSourcePaths = {}): { neoplasm?: string; drugs?: string } {
  const out: { neoplasm?: string; drugs?: string } = {};
  for (const kind of ['neoplasm', 'drugs'] as const) {
    const given = paths[kind];
    if (given === false) continue;
    const p =
      given !== undefined
        ? isAbsolute(given)
          ? given
          : resolve(given)
        : sharedDataPath(...DEFAULT_TABLE_SOURCES[kind]);
    if (p !== null) out[kind] = p;
  }
  return out;
}

/** Absolute paths of the sources: the options, else the shared data dir; throws when absent. */
export function resolveSources(paths: CodingSourcePaths = {}): { tabular: string; index: string } {
  const one = (given: string | undefined, dflt: readonly string[]): string => {
    if (given !== undefined) return isAbsolute(given) ? given : resolve(given);
    const p = sharedDataPath(...dflt);
    if (p === null)
      throw new ClinoteError(
        'CLINOTE_E_CODING_SOURCES_MISSING',
        `ICD-10-CM coding sources not found: ${missingDataMessage(...dflt)}`,
        { file: dflt.join('/') },
      );
    return p;
  };
  return {
    tabular: one(paths.tabular, DEFAULT_SOURCES.tabular),
    index: one(paths.index, DEFAULT_SOURCES.index),
  };
}

export interface LoadedCodingPack {
  readonly pack: CodingPack;
  readonly lookup: IndexLookup;
}

function readBytes(ctx: FactoryContext, path: string): Uint8Array {
  try {
    return ctx.readResourceBytes(path);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_CODING_SOURCES_MISSING',
      `ICD-10-CM coding source cannot be read: ${path}`,
      { file: path },
      { cause: e },
    );
  }
}

/** The coding pack from the Tabular List and the Index (cached by their content). */
export function loadCodingPack(ctx: FactoryContext, paths: CodingSourcePaths = {}): LoadedCodingPack {
  const files = resolveSources(paths);
  const tab = readBytes(ctx, files.tabular);
  const idx = readBytes(ctx, files.index);
  const tables = resolveTableSources(paths);
  const neo = tables.neoplasm ? readBytes(ctx, tables.neoplasm) : undefined;
  const drugs = tables.drugs ? readBytes(ctx, tables.drugs) : undefined;
  const key = [sha256(tab), sha256(idx), neo ? sha256(neo) : '-', drugs ? sha256(drugs) : '-'].join('\n');
  const build = (): CodingPackData =>
    compileCodingPack({
      tabular: { file: baseName(files.tabular), bytes: tab },
      index: { file: baseName(files.index), bytes: idx },
      ...(neo && tables.neoplasm ? { neoplasm: { file: baseName(tables.neoplasm), bytes: neo } } : {}),
      ...(drugs && tables.drugs ? { drugs: { file: baseName(tables.drugs), bytes: drugs } } : {}),
    });
  const compiled = ctx.compiled?.bind(ctx);
  if (!compiled) {
    const pack = new CodingPack(build());
    return { pack, lookup: new IndexLookup(pack) };
  }
  return compiled(`${CODING_PACK_KIND}:runtime`, key, () => {
    const data = compiled(CODING_PACK_KIND, key, build, { persist: true });
    if (data.format !== CODING_PACK_FORMAT) {
      const pack = new CodingPack(build());
      return { pack, lookup: new IndexLookup(pack) };
    }
    const pack = new CodingPack(data);
    return { pack, lookup: new IndexLookup(pack) };
  });
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

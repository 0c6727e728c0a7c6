/**
 * `clinote vocab build|info`: the functions the CLI calls. They return printable lines (counts,
 * versions, licences, timings; never term text) and the manifest; the CLI prints them.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sharedDataPath } from '../data.js';
import { ClinoteError } from '../errors/error.js';
import { packageRoot, resourcePath } from '../resources.js';
import { IMPORTERS, type ImporterName } from './importers/index.js';
import type { ImportOptions } from './importers/types.js';
import { ABBREVIATIONS_RESOURCE, loadAbbreviations } from './normalize/index.js';
import { type CompileResult, compilePack, type PackSource } from './pack/compile.js';
import { DEFAULT_KEYS } from './pack/default-keys.js';
import { conceptFilter, readIcd10cmCodeSet } from './pack/filters.js';
import type { PackManifest } from './pack/format.js';
import type { Abbreviation, AbbreviationSense } from './pack/keys.js';
import { loadPack, readManifest, readPackFile } from './pack/load.js';
import { type ImportStats, newStats, type SourceConcept } from './types.js';

export interface VocabBuildOptions {
  /** ICD-10-CM order file (CSV or the CMS fixed-width text). */
  readonly icd10cm?: string;
  /**
   * ICD-10-CM order file whose codes every other source's ICD-10-CM codes are checked against
   * (./pack/filters.ts). Default: `icd10cm`; without either, codes are not checked.
   */
  readonly icd10cmCodeSet?: string;
  /** ICD-10-CM index files (alphabetic index, drug table, neoplasm table XML). */
  readonly icd10cmIndex?: readonly string[];
  /** OBO ontologies (DOID, HPO; .obo or .obo.gz). */
  readonly obo?: readonly string[];
  /** RxTerms (the ingredients file, or the main file). */
  readonly rxterms?: string;
  /** RxNorm RRF directory or RXNCONSO.RRF. */
  readonly rxnormRrf?: string;
  /** LOINC table (Loinc.csv or the Top 2000 file). */
  readonly loinc?: string;
  /** HCPCS Level II file. */
  readonly hcpcs?: string;
  /** UMLS MRCONSO.RRF (licensed; bring your own). */
  readonly umls?: string;
  /** Dictionaries in Clinote's TSV/CSV format (see docs/terminology.md). */
  readonly csv?: readonly string[];
  /** Source name and id prefix of the csv dictionaries (default `custom`). */
  readonly csvSource?: string;
  /**
   * Include the authored starter dictionaries (resources/terminology/starter/*.tsv, source
   * `starter`) in the pack, whatever else is given. Default true (`--no-starter`: false). Starter
   * files also listed in `csv` are read once, as the starter source.
   */
  readonly starter?: boolean;
  /** Abbreviation list (TSV), or false for none. Default: the built-in list. */
  readonly abbreviations?: string | false;
  /** Synthesize code-less generic findings for pathology heads (default true; see compilePack). */
  readonly genericHeads?: boolean;
  /** Options passed to every importer (each reads its own). */
  readonly importOptions?: ImportOptions;
  readonly out: string;
  /** Pack name (default: the output file name without extension). */
  readonly name?: string;
  readonly builtAt?: string;
  /** Progress lines while building (counts only). */
  readonly log?: (line: string) => void;
}

export interface VocabBuildResult {
  readonly out: string;
  readonly bytes: number;
  readonly manifest: PackManifest;
  readonly timings: {
    readonly totalMs: number;
    readonly importMs: number;
    readonly indexMs: number;
    readonly writeMs: number;
    readonly sources: readonly { readonly name: string; readonly ms: number }[];
  };
  /** The printable summary. */
  readonly lines: readonly string[];
}

/** Importer order: curated dictionaries first (they win ties), then ontologies, then code sets. */
const ORDER: readonly (readonly [keyof VocabBuildOptions, ImporterName])[] = [
  ['csv', 'csv'],
  ['obo', 'obo'],
  ['icd10cm', 'icd10cm'],
  ['icd10cmIndex', 'icd10cm-index'],
  ['rxterms', 'rxterms'],
  ['rxnormRrf', 'rxnorm-rrf'],
  ['loinc', 'loinc'],
  ['hcpcs', 'hcpcs'],
  ['umls', 'umls'],
];

/** The importer names, with descriptions and licences, for `vocab build --help`. */
export function vocabImporters(): { name: string; description: string; licence: string }[] {
  return Object.entries(IMPORTERS).map(([name, i]) => ({
    name,
    description: i.description,
    licence: i.licence,
  }));
}

/** One source per file; csv files sharing a source name are read as one source. */
function packSources(options: VocabBuildOptions): PackSource[] {
  const out: PackSource[] = [];
  const base = options.importOptions ?? {};
  const csvSource = (paths: readonly string[], source: string): PackSource => {
    const imp = IMPORTERS.csv;
    const stats = newStats(source);
    const opts: ImportOptions = { ...base, source };
    async function* chain(): AsyncIterable<SourceConcept> {
      for (const p of paths) yield* imp.importer(p, stats, opts);
    }
    return { stats, concepts: chain() };
  };
  // the authored starter dictionaries come first (they win ties), unless left out
  const starterFiles = starterSourceFiles();
  const isStarter = new Set(starterFiles.map((f) => resolve(f)));
  const userCsv = (options.csv ?? []).filter((p) => !isStarter.has(resolve(p)));
  const listedStarter = (options.csv ?? []).some((p) => isStarter.has(resolve(p)));
  if (options.starter !== false || listedStarter) out.push(csvSource(starterFiles, 'starter'));
  for (const [key, name] of ORDER) {
    if (name === 'csv') {
      if (userCsv.length > 0) out.push(csvSource(userCsv, options.csvSource ?? base.source ?? 'custom'));
      continue;
    }
    const value = options[key];
    if (value === undefined) continue;
    const paths = (Array.isArray(value) ? value : [value]) as string[];
    if (paths.length === 0) continue;
    const imp = IMPORTERS[name];
    for (const p of paths) {
      const stats = newStats(name);
      out.push({ stats, concepts: imp.importer(p, stats, base) });
    }
  }
  return out;
}

/** The abbreviation list in the compiler's shape: senses grouped by abbreviation, in file order. */
export function abbreviationsFromTsv(text: string): Abbreviation[] {
  const groups = new Map<string, AbbreviationSense[]>();
  for (const e of loadAbbreviations(text)) {
    let senses = groups.get(e.abbr);
    if (!senses) groups.set(e.abbr, (senses = []));
    senses.push({ expansion: e.expansion, cues: e.context, type: e.type });
  }
  return [...groups].map(([abbreviation, senses]) => ({ abbreviation, senses }));
}

function statsLine(s: ImportStats, concepts: number | undefined, ms: number | undefined): string {
  const reasons = Object.entries(s.skippedReasons)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  return (
    `  ${s.source}${s.version ? ` ${s.version}` : ''}: ` +
    `read ${s.read}, imported ${s.imported}, skipped ${s.skipped}${reasons ? ` (${reasons})` : ''}` +
    (concepts !== undefined ? `, in pack ${concepts}` : '') +
    (ms !== undefined ? `, ${(ms / 1000).toFixed(1)} s` : '')
  );
}

/** Compile a pack from source files in memory (vocabBuild writes it). `out` names the pack only. */
export async function vocabCompile(
  options: VocabBuildOptions,
): Promise<CompileResult & { readonly sources: readonly { name: string; ms: number }[] }> {
  const log = options.log ?? (() => {});
  const sources = packSources(options);
  // the starter dictionaries alone are a build only when asked for (starterPackOptions)
  if (
    sources.length === 0 ||
    (sources.length === 1 && options.starter === undefined && !options.csv?.length)
  ) {
    throw new ClinoteError('CLINOTE_E_PACK_BUILD_FAILED', 'vocab build: give at least one source file', {});
  }
  const abbreviations =
    options.abbreviations === false
      ? []
      : abbreviationsFromTsv(readText(options.abbreviations ?? resourcePath(ABBREVIATIONS_RESOURCE)));
  const name = options.name ?? (resolve(options.out).split(/[\\/]/).pop() ?? 'pack').replace(/\.[^.]*$/, '');
  const sourceTimes: { name: string; ms: number }[] = [];
  // ICD-10-CM codes of every other source are checked against the code set of the build (./pack/filters.ts)
  const codeSetPath = options.icd10cmCodeSet ?? options.icd10cm;
  const icd10cm = codeSetPath !== undefined ? await readIcd10cmCodeSet(codeSetPath) : undefined;
  const result = await compilePack(sources, {
    conceptFilter: conceptFilter(icd10cm ? { icd10cm } : {}),
    name,
    keys: DEFAULT_KEYS,
    abbreviations,
    curatedSources: ['starter', options.csvSource ?? options.importOptions?.source ?? 'custom'],
    ...(options.genericHeads !== undefined ? { genericHeads: options.genericHeads } : {}),
    ...(options.builtAt !== undefined ? { builtAt: options.builtAt } : {}),
    builder: `clinote ${clinoteVersion()}`,
    onSource: (stats, ms) => {
      sourceTimes.push({ name: stats.source, ms });
      log(statsLine(stats, undefined, ms));
    },
  });
  return { ...result, sources: sourceTimes };
}

/** Build a pack from source files and write it to `out`. */
export async function vocabBuild(options: VocabBuildOptions): Promise<VocabBuildResult> {
  const started = performance.now();
  const result = await vocabCompile(options);
  const sourceTimes = result.sources;
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, result.bytes);
  renameSync(tmp, out);
  const totalMs = performance.now() - started;
  const lines = [
    `wrote ${out} (${mb(result.bytes.length)}) in ${(totalMs / 1000).toFixed(1)} s`,
    ...manifestLines(result.manifest, sourceTimes),
  ];
  return {
    out,
    bytes: result.bytes.length,
    manifest: result.manifest,
    timings: { totalMs, ...result.timings, sources: sourceTimes },
    lines,
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClinoteError('CLINOTE_E_PACK_BUILD_FAILED', `cannot read '${path}'`, { path }, { cause: e });
  }
}

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

function clinoteVersion(): string {
  try {
    return (
      (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string })
        .version ?? ''
    );
  } catch {
    return '';
  }
}

/** The manifest as printable lines: versions, licences, counts and skips per source; no term text. */
export function manifestLines(
  m: PackManifest,
  times: readonly { name: string; ms: number }[] = [],
): string[] {
  const lines = [
    `pack ${m.name} version ${m.version} (format ${m.formatVersion}), built ${m.builtAt} by ${m.builder}`,
    `content sha256 ${m.contentSha256}`,
    `concepts ${m.counts.concepts}, terms ${m.counts.terms}, entries ${m.counts.entries}, codes ${m.counts.codes}, token keys ${m.counts.tokens}, trie nodes ${m.counts.nodes}, abbreviations ${m.counts.abbreviations}`,
    `by type: ${Object.entries(m.counts.byType)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}`,
    'sources:',
  ];
  for (const s of m.sources) {
    const ms = times.find((t) => t.name === s.name)?.ms;
    lines.push(
      statsLine(
        {
          source: s.name,
          ...(s.version !== undefined ? { version: s.version } : {}),
          read: s.read,
          imported: s.imported,
          skipped: s.skipped,
          skippedReasons: s.skippedReasons,
        },
        s.concepts,
        ms,
      ),
    );
    if (s.licence) lines.push(`    licence: ${s.licence}`);
  }
  const dropped = Object.entries(m.counts.dropped);
  if (dropped.length > 0)
    lines.push(`dropped while compiling: ${dropped.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  return lines;
}

export interface VocabInfo {
  readonly path: string;
  readonly bytes: number;
  readonly manifest: PackManifest;
  /** The content hash was checked and the pack loads. */
  readonly verified: boolean;
  readonly loadMs: number;
  readonly lines: readonly string[];
}

/** `vocab info <path>`: the manifest, checked (throws CLINOTE_E_PACK_NOT_FOUND / _CORRUPT / _VERSION_UNSUPPORTED). */
export function vocabInfo(path: string): VocabInfo {
  const bytes = readPackFile(path);
  const manifest = readManifest(bytes, path);
  const t0 = performance.now();
  loadPack(bytes, { origin: path, verify: true });
  const loadMs = performance.now() - t0;
  return {
    path,
    bytes: bytes.length,
    manifest,
    verified: true,
    loadMs,
    lines: [
      `${path} (${mb(bytes.length)}), content hash verified, loads in ${loadMs.toFixed(0)} ms`,
      ...manifestLines(manifest),
    ],
  };
}

/** The built-in starter pack: its TSV sources and its file. */
export const STARTER_SOURCES = 'terminology/starter';
export const STARTER_PACK_FILE = 'terminology/starter.pack';

export function starterSourceFiles(): string[] {
  const dir = resourcePath(STARTER_SOURCES);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tsv'))
    .sort()
    .map((f) => join(dir, f));
}

/** Options that build the starter pack (resources/terminology/starter.pack) from its TSV files. */
export function starterPackOptions(out = resourcePath(STARTER_PACK_FILE)): VocabBuildOptions {
  return { starter: true, out, name: 'starter' };
}

/** The shared public vocabularies of the full pack (../shared/data), and which are missing. */
export const SHARED_SOURCES = {
  icd10cm: ['icd10cm', 'icd10cm_order_FY2022_from_icd10us.csv'],
  doid: ['ontologies', 'doid.obo.gz'],
  hpo: ['ontologies', 'hp_2016-04-01.obo.gz'],
  rxterms: ['drugs', 'RxTermsIngredients202304.txt'],
  loinc: ['loinc', 'LOINC_1.6_Top2000CommonLabResultsUS.csv'],
  hcpcs: ['hcpcs', 'HCPC2020_ANWEB_w_disclaimer.txt'],
} as const;

/** Options that build the full pack from the shared files plus the starter dictionaries. */
export function fullPackOptions(out: string): { options: VocabBuildOptions; missing: string[] } {
  const missing: string[] = [];
  const path = (k: keyof typeof SHARED_SOURCES): string | undefined => {
    const p = sharedDataPath(...SHARED_SOURCES[k]);
    if (!p) missing.push(SHARED_SOURCES[k].join('/'));
    return p ?? undefined;
  };
  const icd10cm = path('icd10cm');
  const obo = [path('doid'), path('hpo')].filter((p): p is string => p !== undefined);
  const rxterms = path('rxterms');
  const loinc = path('loinc');
  const hcpcs = path('hcpcs');
  return {
    options: {
      starter: true,
      ...(obo.length > 0 ? { obo } : {}),
      ...(icd10cm ? { icd10cm } : {}),
      ...(rxterms ? { rxterms } : {}),
      ...(loinc ? { loinc } : {}),
      ...(hcpcs ? { hcpcs } : {}),
      out,
      name: 'full',
    },
    missing,
  };
}

/**
 * The pack compiler: SourceConcept streams from any importers in, one binary pack out.
 *
 * - one concept per source id (later duplicates are counted and dropped; obsolete concepts too);
 * - every term expands to its variants (`termVariants`), each a token-key sequence with a penalty;
 * - one-token terms that are common words are dropped, or kept as capitals-only acronyms;
 * - abbreviations from the abbreviation list attach to the concepts whose term equals a sense;
 * - concepts that share a code (a DOID xref to an ICD-10-CM code) are linked, so a match on one
 *   reports the codes of the other;
 * - the entries of each term sequence are ranked (penalty, term kind, source order) and capped.
 *
 * Deterministic: the same inputs give the same body bytes, so the same content hash.
 */

import { createHash } from 'node:crypto';
import { ClinoteError } from '../../errors/error.js';
import type { ImportStats, SourceConcept, SourceTerm, TermKind } from '../types.js';
import {
  ARRAYS,
  CODE_BILLABLE,
  CODE_LINKED,
  CODE_SYSTEMS,
  ENTRY_ABBREV,
  ENTRY_AMBIGUOUS,
  ENTRY_CAPS,
  ENTRY_SINGLE,
  NO_STRING,
  PACK_FORMAT_VERSION,
  PACK_MAGIC,
  type PackManifest,
  type PackSourceInfo,
  PREAMBLE_BYTES,
  SECTION_BYTES,
  SECTIONS,
  SEMANTIC_TYPES,
  type SectionInfo,
  type SectionName,
  TERM_KINDS,
  TOKEN_CUE,
  TOKEN_STOP,
} from './format.js';
import { hashKey, pow2AtLeast } from './hash.js';
import { type Abbreviation, type AbbreviationSense, type KeyFunctions, keysFingerprint } from './keys.js';
import { STOPWORDS } from './stoplist.js';

export interface PackSource {
  /** The importer's stats object: filled while `concepts` is read. */
  readonly stats: ImportStats;
  readonly concepts: AsyncIterable<SourceConcept> | Iterable<SourceConcept>;
}

export interface CompileOptions {
  readonly name: string;
  readonly keys: KeyFunctions;
  readonly abbreviations?: readonly Abbreviation[];
  /** ISO time written in the manifest (default: now). Not part of the content hash. */
  readonly builtAt?: string;
  readonly builder?: string;
  /** Variants longer than this (in tokens) are dropped: they never occur in notes. Default 10. */
  readonly maxTermTokens?: number;
  /** Most entries kept per term sequence (best ranked). Default 24. */
  readonly maxEntriesPerSequence?: number;
  /**
   * Sources written by hand (the starter and custom dictionaries): a term of several words that
   * are all common words ("drug use") is kept for them, dropped for the others. Default none.
   */
  readonly curatedSources?: readonly string[];
  /** Common words (default: STOPWORDS). */
  readonly stopwords?: Iterable<string>;
  /**
   * Synthesize a code-less generic finding ("stenosis", "hematoma", "nodule") for each pathology
   * head noun that ends the names of several problem concepts but has no concept of its own.
   * Default true.
   */
  readonly genericHeads?: boolean;
  /** Called after each source with its stats (progress). */
  readonly onSource?: (stats: ImportStats, ms: number) => void;
  /**
   * Applied to every concept before it is compiled (./filters.ts: ICD-10-CM code checks, gene-symbol
   * synonyms); `count(rule)` adds to the pack's dropped counts under the rule id.
   */
  readonly conceptFilter?: (c: SourceConcept, count: (rule: string) => void) => SourceConcept;
}

export interface CompileResult {
  readonly bytes: Uint8Array;
  readonly manifest: PackManifest;
  readonly timings: { readonly importMs: number; readonly indexMs: number; readonly writeMs: number };
}

/** Rank of term kinds: lower is better. */
const KIND_RANK: Record<TermKind, number> = {
  preferred: 0,
  exact: 1,
  synonym: 2,
  index: 3,
  brand: 4,
  lay: 5,
  abbreviation: 6,
  related: 7,
  narrow: 8,
  broad: 9,
};
const KIND_INDEX = new Map<string, number>(TERM_KINDS.map((k, i) => [k, i]));
const TYPE_INDEX = new Map<string, number>(SEMANTIC_TYPES.map((t, i) => [t, i]));
const SYSTEM_INDEX = new Map<string, number>(CODE_SYSTEMS.map((s, i) => [s, i]));

/** Systems whose codes link concepts of different sources. */
const LINK_SYSTEMS = new Set(['icd10cm', 'doid', 'hpo', 'mesh', 'omim', 'umls', 'snomed', 'rxnorm', 'loinc']);
/** Systems that reach a concept through ontology cross-references: their display is never guessed. */
const CROSS_REFERENCE_SYSTEMS = new Set(['mesh', 'omim', 'umls', 'snomed']);
/** A code shared by more concepts than this is too broad to link them (an ICD chapter, say). */
const MAX_LINK_GROUP = 6;
const MAX_LINKS = 8;
const ABBREVIATION_PENALTY = 0.1;
/** Added to a synonym that is the preferred name of another concept of the same source. */
const HOMONYM_PENALTY = 0.3;
const MAX_CONCEPTS_PER_SENSE = 4;

const MIN_HEAD_CONCEPTS = 3;
const GENERIC_HEAD_PENALTY = 0.3;
/** Pathology head nouns (morphologic abnormalities) that name a finding on their own. */
const PATHOLOGY_HEADS = new Set(
  `lesion nodule mass cyst ulcer abscess effusion edema thrombus embolus embolism aneurysm dissection
  obstruction perforation rupture calcification fracture tear infiltrate infiltration consolidation
  opacity hemorrhage bleeding infection inflammation injury stricture fistula polyp plaque scar hernia
  prolapse occlusion dilatation dilation enlargement thickening deformity malformation insufficiency
  regurgitation spasm seizure tumor neoplasm metastasis granuloma ischemia infarction
  infarct laceration contusion wound burn erosion`.split(/\s+/),
);
/** Suffixes of pathology words: -osis, -itis, -oma, -emia, -pathy, -algia, -plasia, -trophy... */
const PATHOLOGY_SUFFIX =
  /(?:osis|itis|oma|emia|pathy|algia|plasia|trophy|ectasia|rrhage|rrhea|megaly|penia|iasis)$/;
const HEAD_STOP = new Set([
  'of',
  'in',
  'with',
  'without',
  'due',
  'to',
  'and',
  'or',
  'by',
  'from',
  'after',
  'for',
]);

/** The pathology head of a problem term ("aortic stenosis" -> stenosis; "stenosis of aorta" -> stenosis). */
function pathologyHead(keys: readonly string[] | undefined): string | undefined {
  if (!keys || keys.length < 2) return undefined;
  const isHead = (k: string): boolean =>
    k.length >= 4 && /^\p{L}+$/u.test(k) && (PATHOLOGY_HEADS.has(k) || PATHOLOGY_SUFFIX.test(k));
  if (keys[1] === 'of' && isHead(keys[0]!)) return keys[0];
  if (keys.some((k) => HEAD_STOP.has(k))) return undefined;
  const last = keys[keys.length - 1]!;
  return isHead(last) ? last : undefined;
}

export function isCapsAcronym(text: string): boolean {
  return (
    /^[A-Z0-9][A-Z0-9&/+-]*$/.test(text) && /[A-Z]/.test(text) && text.replace(/[^A-Z]/g, '').length <= 6
  );
}

const hasLetter = (s: string): boolean => /\p{L}/u.test(s);

function codeKey(system: string, code: string): string {
  const c = code.trim().toUpperCase();
  return system === 'icd10cm' || system === 'icd10pcs'
    ? `${system}:${c.replace(/\./g, '')}`
    : `${system}:${c}`;
}

class Strings {
  readonly list: string[] = [];
  readonly #ids = new Map<string, number>();
  id(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }
}

const now = (): number => performance.now();

/** `computed tomography` -> `computed-tomography`; `N/V` -> `n-v`. */
function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x'
  );
}

/** Compile concept streams into a pack. Throws CLINOTE_E_PACK_BUILD_FAILED. */
export async function compilePack(
  sources: readonly PackSource[],
  options: CompileOptions,
): Promise<CompileResult> {
  if (sources.length === 0) {
    throw new ClinoteError('CLINOTE_E_PACK_BUILD_FAILED', 'no source given to the pack build', {});
  }
  const { keys } = options;
  const maxTokens = options.maxTermTokens ?? 10;
  const maxPerSeq = options.maxEntriesPerSequence ?? 24;
  const stop = new Set<string>();
  for (const w of options.stopwords ?? STOPWORDS) {
    const k = keys.tokenKey(w);
    if (k) stop.add(k);
    stop.add(w);
  }
  const curated = new Set(options.curatedSources ?? []);
  const t0 = now();
  const strings = new Strings();
  strings.id(''); // string 0 is the empty string

  const sourceNames: string[] = [];
  const sourceInfos: PackSourceInfo[] = [];
  const subtypes: string[] = [];
  const subtypeIndex = new Map<string, number>();
  const rules: string[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleId = (r: string): number => {
    let i = ruleIndex.get(r);
    if (i === undefined) {
      i = rules.length;
      rules.push(r);
      ruleIndex.set(r, i);
    }
    return i;
  };
  const dropped: Record<string, number> = {};
  const drop = (reason: string): void => {
    dropped[reason] = (dropped[reason] ?? 0) + 1;
  };

  // concepts
  const seenIds = new Set<string>();
  const cId: number[] = [];
  const cPreferred: number[] = [];
  const cSource: number[] = []; // index into conceptSources (the concept's own source name)
  const cOrder: number[] = []; // index of the PackSource: ranks ties
  const conceptSources: string[] = [];
  const conceptSourceIndex = new Map<string, number>();
  const cType: number[] = [];
  const cSubtype: number[] = [];
  const cCodeStart: number[] = [0];
  // codes
  const kSystem: number[] = [];
  const kValue: number[] = [];
  const kDisplay: number[] = [];
  const kFlags: number[] = [];
  const kKey: string[] = [];
  const displayByKey = new Map<string, number>();
  // term sequences and entries
  const seqIndex = new Map<string, number>();
  const seqKeys: (readonly string[])[] = [];
  const eSeq: number[] = [];
  const eConcept: number[] = [];
  const eTerm: number[] = [];
  const eRule: number[] = [];
  const ePenalty: number[] = [];
  const eFlags: number[] = [];
  const eKind: number[] = [];
  let termCount = 0;
  const byType: Record<string, number> = {};

  const heads = (options.genericHeads ?? true) ? new Map<string, Set<number>>() : undefined;
  const seqId = (k: readonly string[]): number => {
    const joined = k.join('\u0001');
    let id = seqIndex.get(joined);
    if (id === undefined) {
      id = seqKeys.length;
      seqKeys.push(k);
      seqIndex.set(joined, id);
    }
    return id;
  };

  const addConcept = (source: SourceConcept, sourceNo: number): boolean => {
    if (source.obsolete) {
      drop('obsolete');
      return false;
    }
    const c = options.conceptFilter && !seenIds.has(source.id) ? options.conceptFilter(source, drop) : source;
    if (c.obsolete) {
      drop('obsolete');
      return false;
    }
    if (seenIds.has(c.id)) {
      drop('duplicate-id');
      return false;
    }
    const typeNo = TYPE_INDEX.get(c.type);
    if (typeNo === undefined) {
      drop('unknown-type');
      return false;
    }
    const ci = cId.length;
    // terms: the preferred term first, then the others, each text once
    const terms: SourceTerm[] = [];
    const seenText = new Set<string>();
    for (const t of [{ text: c.preferred, kind: 'preferred' as const }, ...c.terms]) {
      const text = t.text.trim();
      if (!text || seenText.has(text)) continue;
      seenText.add(text);
      terms.push(text === t.text ? t : { text, kind: t.kind });
    }
    const local = new Map<number, number>(); // seq -> entry index, for this concept
    let added = 0;
    for (const term of terms) {
      termCount++;
      let variants = keys.termVariants(c, term);
      if (variants.length === 0) variants = [{ keys: keys.termKeys(term.text), penalty: 0, rule: 'term' }];
      if (heads && c.type === 'problem' && term.kind !== 'abbreviation') {
        const head = pathologyHead(variants.find((v) => v.penalty === 0)?.keys);
        if (head !== undefined && !stop.has(head)) {
          let set = heads.get(head);
          if (!set) heads.set(head, (set = new Set()));
          set.add(ci);
        }
      }
      const termString = strings.id(term.text);
      const kindNo = KIND_INDEX.get(term.kind) ?? KIND_INDEX.get('synonym')!;
      for (const v of variants) {
        const k = v.keys.filter((x) => x.length > 0);
        if (k.length === 0 || !k.some(hasLetter)) {
          drop('no-word');
          continue;
        }
        if (k.length > maxTokens) {
          drop('too-long');
          continue;
        }
        let flags = 0;
        if (k.length === 1) {
          flags |= ENTRY_SINGLE;
          // a one-token acronym must be written in capitals (FACE, MARCH, ALL); a common word or a
          // one- or two-letter term that is not an acronym is never matched alone
          const key = k[0]!;
          if (isCapsAcronym(term.text)) flags |= ENTRY_CAPS;
          else if (stop.has(key) || key.length <= 2) {
            drop(stop.has(key) ? 'common-word' : 'short');
            continue;
          }
        } else if (k.every((x) => stop.has(x) || !hasLetter(x)) && !curated.has(c.source)) {
          // a curated dictionary's phrase of common words is kept ("drug use", "Down syndrome")
          drop('common-words');
          continue;
        }
        const penalty = Math.round(Math.min(1, Math.max(0, v.penalty)) * 100);
        const s = seqId(k);
        const prev = local.get(s);
        if (prev !== undefined) {
          // same concept, same sequence: keep the better one
          if (
            penalty < ePenalty[prev]! ||
            (penalty === ePenalty[prev]! && KIND_RANK[term.kind] < KIND_RANK[TERM_KINDS[eKind[prev]!]!])
          ) {
            eTerm[prev] = termString;
            eRule[prev] = ruleId(v.rule);
            ePenalty[prev] = penalty;
            eFlags[prev] = flags;
            eKind[prev] = kindNo;
          }
          continue;
        }
        local.set(s, eSeq.length);
        eSeq.push(s);
        eConcept.push(ci);
        eTerm.push(termString);
        eRule.push(ruleId(v.rule));
        ePenalty.push(penalty);
        eFlags.push(flags);
        eKind.push(kindNo);
        added++;
      }
    }
    seenIds.add(c.id);
    if (added === 0) drop('concept-without-terms');
    cId.push(strings.id(c.id));
    cPreferred.push(strings.id(c.preferred));
    let src = conceptSourceIndex.get(c.source);
    if (src === undefined) {
      src = conceptSources.length;
      conceptSources.push(c.source);
      conceptSourceIndex.set(c.source, src);
    }
    cSource.push(src);
    cOrder.push(sourceNo);
    cType.push(typeNo);
    let st = 0;
    if (c.subtype) {
      let i = subtypeIndex.get(c.subtype);
      if (i === undefined) {
        i = subtypes.length;
        subtypes.push(c.subtype);
        subtypeIndex.set(c.subtype, i);
      }
      st = i + 1;
    }
    cSubtype.push(st);
    const seenCodes = new Set<string>();
    for (const code of c.codes) {
      const sys = SYSTEM_INDEX.get(code.system);
      const key = codeKey(code.system, code.code);
      if (sys === undefined || !code.code.trim() || seenCodes.has(key)) continue;
      seenCodes.add(key);
      kSystem.push(sys);
      kValue.push(strings.id(code.code.trim()));
      const display = code.display?.trim();
      const d = display ? strings.id(display) : NO_STRING;
      if (display && !displayByKey.has(key)) displayByKey.set(key, d);
      kDisplay.push(d);
      kFlags.push(code.billable ? CODE_BILLABLE : 0);
      kKey.push(key);
    }
    cCodeStart.push(kSystem.length);
    byType[c.type] = (byType[c.type] ?? 0) + 1;
    return true;
  };

  for (const [sourceNo, source] of sources.entries()) {
    const ts = now();
    let kept = 0;
    const names = new Set<string>();
    try {
      for await (const c of source.concepts) {
        names.add(c.source);
        if (addConcept(c, sourceNo)) kept++;
      }
    } catch (e) {
      if (e instanceof ClinoteError) throw e;
      const name = source.stats.source;
      throw new ClinoteError(
        'CLINOTE_E_PACK_BUILD_FAILED',
        `source '${name}' failed: ${e instanceof Error ? e.message : String(e)}`,
        { source: name },
        { cause: e },
      );
    }
    const st = source.stats;
    // an importer of several vocabularies (obo) names the source by what it read (doid, hpo)
    const name = names.size === 1 ? [...names][0]! : st.source;
    sourceNames.push(name);
    sourceInfos.push({
      name,
      ...(st.version !== undefined ? { version: st.version } : {}),
      ...(st.licence !== undefined ? { licence: st.licence } : {}),
      read: st.read,
      imported: st.imported,
      skipped: st.skipped,
      skippedReasons: { ...st.skippedReasons },
      concepts: kept,
    });
    options.onSource?.({ ...st, source: name }, now() - ts);
  }
  if (cId.length === 0) {
    throw new ClinoteError('CLINOTE_E_PACK_BUILD_FAILED', 'no concept was imported from the sources', {
      sources: sourceNames,
    });
  }
  const t1 = now();

  // generic findings for pathology heads without a concept of their own
  if (heads) {
    let made = 0;
    const problem = TYPE_INDEX.get('problem')!;
    const hasProblemEntry = new Set<number>();
    for (let e = 0; e < eSeq.length; e++) if (cType[eConcept[e]!] === problem) hasProblemEntry.add(eSeq[e]!);
    for (const [head, set] of [...heads].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (set.size < MIN_HEAD_CONCEPTS) continue;
      const existing = seqIndex.get(head);
      if (existing !== undefined && hasProblemEntry.has(existing)) continue;
      const ci = cId.length;
      cId.push(strings.id(`generic:${head}`));
      cPreferred.push(strings.id(head));
      let src = conceptSourceIndex.get('generic');
      if (src === undefined) {
        src = conceptSources.length;
        conceptSources.push('generic');
        conceptSourceIndex.set('generic', src);
      }
      cSource.push(src);
      cOrder.push(sources.length);
      cType.push(problem);
      let st = subtypeIndex.get('finding');
      if (st === undefined) {
        st = subtypes.length;
        subtypes.push('finding');
        subtypeIndex.set('finding', st);
      }
      cSubtype.push(st + 1);
      cCodeStart.push(kSystem.length);
      eSeq.push(seqId([head]));
      eConcept.push(ci);
      eTerm.push(strings.id(head));
      eRule.push(ruleId('generic-head'));
      ePenalty.push(Math.round(GENERIC_HEAD_PENALTY * 100));
      eFlags.push(ENTRY_SINGLE);
      eKind.push(KIND_INDEX.get('preferred')!);
      byType.problem = (byType.problem ?? 0) + 1;
      made++;
    }
    if (made > 0) {
      sourceNames.push('generic');
      sourceInfos.push({
        name: 'generic',
        licence: 'derived by the pack compiler from the problem terms of the sources above',
        read: heads.size,
        imported: made,
        skipped: heads.size - made,
        skippedReasons: {},
        concepts: made,
      });
    }
  }

  // code displays and billable flags from other concepts; links between concepts sharing a code
  const billableKeys = new Set<string>();
  for (let k = 0; k < kKey.length; k++) if (kFlags[k]! & CODE_BILLABLE) billableKeys.add(kKey[k]!);
  const conceptsByCode = new Map<string, number[]>();
  for (let ci = 0; ci < cId.length; ci++) {
    for (let k = cCodeStart[ci]!; k < cCodeStart[ci + 1]!; k++) {
      if (billableKeys.has(kKey[k]!)) kFlags[k]! |= CODE_BILLABLE;
      if (kDisplay[k] === NO_STRING) {
        // the code's title from another concept of the pack, else the concept's own name
        const d = displayByKey.get(kKey[k]!);
        if (d !== undefined) {
          kDisplay[k] = d;
          kFlags[k]! |= CODE_LINKED;
        } else if (!CROSS_REFERENCE_SYSTEMS.has(CODE_SYSTEMS[kSystem[k]!]!)) kDisplay[k] = cPreferred[ci]!;
      }
      if (!LINK_SYSTEMS.has(CODE_SYSTEMS[kSystem[k]!]!)) continue;
      const list = conceptsByCode.get(kKey[k]!);
      if (list) list.push(ci);
      else conceptsByCode.set(kKey[k]!, [ci]);
    }
  }
  const links: Set<number>[] = [];
  for (const group of conceptsByCode.values()) {
    if (group.length < 2 || group.length > MAX_LINK_GROUP) continue;
    for (const a of group) {
      for (const b of group) {
        if (a === b || cOrder[a] === cOrder[b]) continue;
        let set = links[a];
        if (!set) links[a] = set = new Set();
        if (set.size < MAX_LINKS) set.add(b);
      }
    }
  }

  // abbreviations: attach each sense to the concepts whose term sequence equals the expansion
  const abbrevEntries: { entry: number; cues: number[]; prior: number }[] = [];
  const cueKeys: string[][] = [];
  let abbreviationCount = 0;
  let senseConcepts = 0;
  if (options.abbreviations && options.abbreviations.length > 0) {
    const wanted = new Map<number, number[]>(); // expansion seq -> entries
    // the sequences a sense's expansion names: as written, else its variants ("antibiotics" -> plural keys)
    const senseSeqs = new Map<AbbreviationSense, number[]>();
    const lookup = (k: readonly string[]): number | undefined =>
      seqIndex.get(k.filter((x) => x).join('\u0001'));
    for (const a of options.abbreviations) {
      for (const s of a.senses) {
        const exact = lookup(keys.termKeys(s.expansion));
        let seqs: number[] = [];
        if (exact !== undefined) seqs = [exact];
        else {
          const probe: SourceConcept = {
            id: '',
            source: '',
            type: s.type ?? 'problem',
            preferred: s.expansion,
            terms: [],
            codes: [],
          };
          for (const v of keys.termVariants(probe, { text: s.expansion, kind: 'preferred' })) {
            const q = lookup(v.keys);
            if (q !== undefined && !seqs.includes(q)) seqs.push(q);
          }
        }
        senseSeqs.set(s, seqs);
        for (const q of seqs) wanted.set(q, []);
      }
    }
    for (let e = 0; e < eSeq.length; e++) wanted.get(eSeq[e]!)?.push(e);
    const rank = entryRank(ePenalty, eKind, cOrder, eConcept);
    const senseIds = new Map<string, number>();
    const addSenseConcept = (abbreviation: string, s: AbbreviationSense): number => {
      const id = `abbreviation:${slug(abbreviation)}/${slug(s.expansion)}`;
      const known = senseIds.get(id);
      if (known !== undefined) return known;
      const ci = cId.length;
      senseIds.set(id, ci);
      cId.push(strings.id(id));
      cPreferred.push(strings.id(s.expansion));
      let src = conceptSourceIndex.get('abbreviations');
      if (src === undefined) {
        src = conceptSources.length;
        conceptSources.push('abbreviations');
        conceptSourceIndex.set('abbreviations', src);
      }
      cSource.push(src);
      cOrder.push(sources.length + 1);
      const type = s.type ?? 'other';
      cType.push(TYPE_INDEX.get(type) ?? TYPE_INDEX.get('other')!);
      let st = subtypeIndex.get('abbreviation-sense');
      if (st === undefined) {
        st = subtypes.length;
        subtypes.push('abbreviation-sense');
        subtypeIndex.set('abbreviation-sense', st);
      }
      cSubtype.push(st + 1);
      cCodeStart.push(kSystem.length);
      byType[type] = (byType[type] ?? 0) + 1;
      senseConcepts++;
      return ci;
    };
    for (const a of options.abbreviations) {
      const aKeys = keys.termKeys(a.abbreviation).filter((x) => x);
      if (aKeys.length === 0 || aKeys.length > maxTokens) {
        drop('abbreviation-without-keys');
        continue;
      }
      const senses: { concepts: number[]; cues: number[]; prior: number }[] = [];
      // a sense of an ambiguous abbreviation with no concept in the pack (`PE` physical exam, `CT`
      // computed tomography, `ED` emergency department) is still a sense: it gets a code-less
      // concept of its own (source `abbreviations`), so that its cue words can outweigh the other
      // senses and, when it wins, the mention is not read as a disease
      const ambiguousList = a.senses.length > 1;
      const single = aKeys.length === 1;
      // ambiguous or word-like abbreviations (MS, PE, SOB) must be written in capitals
      const caps =
        isCapsAcronym(a.abbreviation) && (ambiguousList || aKeys.every((k) => stop.has(k) || k.length <= 2));
      if (single && !caps && (stop.has(aKeys[0]!) || aKeys[0]!.length <= 2)) {
        drop('abbreviation-common-word');
        continue;
      }
      for (const [order, s] of a.senses.entries()) {
        let entries = (senseSeqs.get(s) ?? []).flatMap((q) => wanted.get(q) ?? []).sort(rank);
        if (s.type !== undefined) {
          const typeNo = TYPE_INDEX.get(s.type);
          const typed = entries.filter((e) => cType[eConcept[e]!] === typeNo);
          if (typed.length > 0) entries = typed;
        }
        const concepts: number[] = [];
        for (const e of entries) {
          const ci = eConcept[e]!;
          if (!concepts.includes(ci) && concepts.length < MAX_CONCEPTS_PER_SENSE) concepts.push(ci);
        }
        if (concepts.length === 0) {
          if (!ambiguousList) {
            drop('abbreviation-sense-unmatched');
            continue;
          }
          concepts.push(addSenseConcept(a.abbreviation, s));
        }
        // cue words are taken as listed, common words included: "seen" or "taken" tell the
        // emergency room and the operating room from the other senses of ER and OR
        const cues: number[] = [];
        for (const cue of s.cues) {
          for (const k of keys.termKeys(cue)) {
            if (k) {
              cues.push(cueKeys.length);
              cueKeys.push([k]);
            }
          }
        }
        // the prior (list order) is kept in the pack; the matcher resolves by cue words alone
        senses.push({
          concepts,
          cues,
          prior: s.prior ?? (0.5 * (a.senses.length - order)) / a.senses.length,
        });
      }
      if (senses.length === 0) continue;
      abbreviationCount++;
      const ambiguous = senses.length > 1;
      const flags =
        ENTRY_ABBREV |
        (ambiguous ? ENTRY_AMBIGUOUS : 0) |
        (single ? ENTRY_SINGLE : 0) |
        (caps ? ENTRY_CAPS : 0);
      const seq = seqId(aKeys);
      const termString = strings.id(a.abbreviation);
      for (const sense of senses) {
        for (const ci of sense.concepts) {
          abbrevEntries.push({ entry: eSeq.length, cues: sense.cues, prior: sense.prior });
          eSeq.push(seq);
          eConcept.push(ci);
          eTerm.push(termString);
          eRule.push(ruleId('abbreviation'));
          ePenalty.push(Math.round(ABBREVIATION_PENALTY * 100));
          eFlags.push(flags);
          eKind.push(KIND_INDEX.get('abbreviation')!);
        }
      }
    }
  }

  if (senseConcepts > 0) {
    sourceNames.push('abbreviations');
    sourceInfos.push({
      name: 'abbreviations',
      licence: 'senses of the abbreviation list that no source names: code-less, made by the pack compiler',
      read: senseConcepts,
      imported: senseConcepts,
      skipped: 0,
      skippedReasons: {},
      concepts: senseConcepts,
    });
  }

  // a synonym that is another concept's preferred name in the same source ranks below it
  {
    const preferredKind = KIND_INDEX.get('preferred')!;
    const owners = new Map<number, Set<number>>(); // seq -> source orders with a preferred name there
    for (let e = 0; e < eSeq.length; e++) {
      if (eKind[e] !== preferredKind || ePenalty[e] !== 0) continue;
      let set = owners.get(eSeq[e]!);
      if (!set) owners.set(eSeq[e]!, (set = new Set()));
      set.add(cOrder[eConcept[e]!]!);
    }
    for (let e = 0; e < eSeq.length; e++) {
      if (eKind[e] === preferredKind || eFlags[e]! & ENTRY_ABBREV) continue;
      if (owners.get(eSeq[e]!)?.has(cOrder[eConcept[e]!]!)) {
        ePenalty[e] = Math.min(100, ePenalty[e]! + Math.round(HOMONYM_PENALTY * 100));
      }
    }
  }

  // token dictionary: every key of every sequence, plus cue words
  const tokenSet = new Set<string>();
  for (const k of seqKeys) for (const x of k) tokenSet.add(x);
  const cueOnly = new Set<string>();
  for (const [k] of cueKeys) {
    if (k !== undefined && !tokenSet.has(k)) cueOnly.add(k);
  }
  const tokens = [...tokenSet, ...cueOnly].sort();
  const tokenIndex = new Map<string, number>(tokens.map((t, i) => [t, i]));

  // sequences as token ids, sorted: the trie is built in one pass
  const seqTokens: Uint32Array[] = seqKeys.map((k) => Uint32Array.from(k, (x) => tokenIndex.get(x)!));
  const order = Array.from(seqTokens.keys()).sort((a, b) => compareSeq(seqTokens[a]!, seqTokens[b]!));
  const totalTokens = seqTokens.reduce((n, s) => n + s.length, 0);
  const maxNodes = totalTokens + 1;
  const nodeToken = new Uint32Array(maxNodes);
  const nodeDepth = new Uint8Array(maxNodes);
  const firstChild = new Int32Array(maxNodes).fill(-1);
  const lastChild = new Int32Array(maxNodes).fill(-1);
  const nextSibling = new Int32Array(maxNodes).fill(-1);
  const seqNode = new Uint32Array(seqTokens.length);
  let nodeCount = 1;
  const path: number[] = [0];
  let prev: Uint32Array = new Uint32Array(0);
  for (const s of order) {
    const seq = seqTokens[s]!;
    let common = 0;
    while (common < seq.length && common < prev.length && seq[common] === prev[common]) common++;
    path.length = common + 1;
    for (let d = common; d < seq.length; d++) {
      const parent = path[d]!;
      const n = nodeCount++;
      nodeToken[n] = seq[d]!;
      nodeDepth[n] = d + 1;
      if (firstChild[parent] === -1) firstChild[parent] = n;
      else nextSibling[lastChild[parent]!] = n;
      lastChild[parent] = n;
      path.push(n);
    }
    seqNode[s] = path[seq.length]!;
    prev = seq;
  }
  const childStart = new Uint32Array(nodeCount + 1);
  const edgeToken = new Uint32Array(nodeCount - 1);
  const edgeNode = new Uint32Array(nodeCount - 1);
  const rootChild = new Uint32Array(tokens.length);
  let edges = 0;
  for (let n = 0; n < nodeCount; n++) {
    childStart[n] = edges;
    for (let c = firstChild[n]!; c !== -1; c = nextSibling[c]!) {
      edgeToken[edges] = nodeToken[c]!;
      edgeNode[edges] = c;
      edges++;
      if (n === 0) rootChild[nodeToken[c]!] = c;
    }
  }
  childStart[nodeCount] = edges;

  // entries grouped by node, ranked, capped
  const rank = entryRank(ePenalty, eKind, cOrder, eConcept);
  const entryOrder = Array.from(eSeq.keys()).sort((a, b) => {
    const na = seqNode[eSeq[a]!]!;
    const nb = seqNode[eSeq[b]!]!;
    return na - nb || rank(a, b);
  });
  const kept: number[] = [];
  const entryStart = new Uint32Array(nodeCount + 1);
  {
    let i = 0;
    for (let n = 0; n < nodeCount; n++) {
      entryStart[n] = kept.length;
      let count = 0;
      while (i < entryOrder.length && seqNode[eSeq[entryOrder[i]!]!] === n) {
        if (count < maxPerSeq) {
          kept.push(entryOrder[i]!);
          count++;
        } else drop('entry-over-cap');
        i++;
      }
    }
    entryStart[nodeCount] = kept.length;
  }
  const newIndex = new Map<number, number>();
  for (const [i, e] of kept.entries()) newIndex.set(e, i);
  const abbrevs = abbrevEntries
    .filter((a) => newIndex.has(a.entry))
    .map((a) => ({ ...a, entry: newIndex.get(a.entry)! }))
    .sort((a, b) => a.entry - b.entry);

  // token hash table and flags
  const hashSize = pow2AtLeast(Math.max(2, tokens.length * 2));
  const mask = hashSize - 1;
  const tokenHash = new Uint32Array(hashSize);
  const tokenChars: number[] = [];
  const tokenOffsets = new Uint32Array(tokens.length + 1);
  const tokenFlags = new Uint8Array(tokens.length);
  tokens.forEach((t, i) => {
    tokenOffsets[i] = tokenChars.length;
    for (let j = 0; j < t.length; j++) tokenChars.push(t.charCodeAt(j));
    let slot = hashKey(t) & mask;
    while (tokenHash[slot] !== 0) slot = (slot + 1) & mask;
    tokenHash[slot] = i + 1;
    if (stop.has(t)) tokenFlags[i]! |= TOKEN_STOP;
    if (cueOnly.has(t)) tokenFlags[i]! |= TOKEN_CUE;
  });
  tokenOffsets[tokens.length] = tokenChars.length;

  const linkStart = new Uint32Array(cId.length + 1);
  const linkList: number[] = [];
  for (let ci = 0; ci < cId.length; ci++) {
    linkStart[ci] = linkList.length;
    const set = links[ci];
    if (set) linkList.push(...[...set].sort((a, b) => a - b));
  }
  linkStart[cId.length] = linkList.length;

  const abbrevCueStart = new Uint32Array(abbrevs.length + 1);
  const abbrevCues: number[] = [];
  abbrevs.forEach((a, i) => {
    abbrevCueStart[i] = abbrevCues.length;
    for (const c of a.cues) abbrevCues.push(tokenIndex.get(cueKeys[c]![0]!)!);
  });
  abbrevCueStart[abbrevs.length] = abbrevCues.length;
  const t2 = now();

  // strings
  const encoder = new TextEncoder();
  const encoded = strings.list.map((s) => encoder.encode(s));
  const blob = new Uint8Array(encoded.reduce((n, b) => n + b.length, 0));
  const stringOffsets = new Uint32Array(encoded.length + 1);
  {
    let o = 0;
    encoded.forEach((b, i) => {
      stringOffsets[i] = o;
      blob.set(b, o);
      o += b.length;
    });
    stringOffsets[encoded.length] = o;
  }

  const pick = <T extends number>(src: readonly T[], idx: readonly number[]): number[] =>
    idx.map((i) => src[i]!);
  const data: Record<SectionName, ArrayLike<number>> = {
    'strings.blob': blob,
    'strings.offsets': stringOffsets,
    'tokens.chars': tokenChars,
    'tokens.offsets': tokenOffsets,
    'tokens.hash': tokenHash,
    'tokens.flags': tokenFlags,
    'concepts.id': cId,
    'concepts.preferred': cPreferred,
    'concepts.source': cSource,
    'concepts.type': cType,
    'concepts.subtype': cSubtype,
    'concepts.codeStart': cCodeStart,
    'concepts.linkStart': linkStart,
    'links.concept': linkList,
    'codes.system': kSystem,
    'codes.value': kValue,
    'codes.display': kDisplay,
    'codes.flags': kFlags,
    'trie.rootChild': rootChild,
    'trie.childStart': childStart,
    'trie.edgeToken': edgeToken,
    'trie.edgeNode': edgeNode,
    'trie.entryStart': entryStart,
    'trie.depth': nodeDepth.subarray(0, nodeCount),
    'entries.concept': pick(eConcept, kept),
    'entries.term': pick(eTerm, kept),
    'entries.rule': pick(eRule, kept),
    'entries.penalty': pick(ePenalty, kept),
    'entries.flags': pick(eFlags, kept),
    'entries.kind': pick(eKind, kept),
    'abbrevs.entry': abbrevs.map((a) => a.entry),
    'abbrevs.cueStart': abbrevCueStart,
    'abbrevs.cueToken': abbrevCues,
    'abbrevs.prior': abbrevs.map((a) => Math.round(Math.min(1, Math.max(0, a.prior)) * 100)),
  };
  const { body, sections } = writeBody(data);
  const contentSha256 = createHash('sha256').update(body).digest('hex');
  const manifest: PackManifest = {
    format: 'clinote-pack',
    formatVersion: PACK_FORMAT_VERSION,
    name: options.name,
    version: contentSha256.slice(0, 12),
    builtAt: options.builtAt ?? new Date().toISOString(),
    builder: options.builder ?? 'clinote',
    sources: sourceInfos,
    conceptSources,
    counts: {
      concepts: cId.length,
      codes: kSystem.length,
      terms: termCount,
      entries: kept.length,
      tokens: tokens.length,
      nodes: nodeCount,
      abbreviations: abbreviationCount,
      byType: sortKeys(byType),
      dropped: sortKeys(dropped),
    },
    subtypes,
    rules,
    codeSystems: CODE_SYSTEMS,
    keysFingerprint: keysFingerprint(keys),
    contentSha256,
    bodyBytes: body.length,
    sections,
  };
  const bytes = assemble(manifest, body);
  const t3 = now();
  return { bytes, manifest, timings: { importMs: t1 - t0, indexMs: t2 - t1, writeMs: t3 - t2 } };
}

function compareSeq(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function entryRank(
  penalty: readonly number[],
  kind: readonly number[],
  source: readonly number[],
  concept: readonly number[],
): (a: number, b: number) => number {
  return (a, b) =>
    penalty[a]! - penalty[b]! ||
    KIND_RANK[TERM_KINDS[kind[a]!]!] - KIND_RANK[TERM_KINDS[kind[b]!]!] ||
    source[concept[a]!]! - source[concept[b]!]! ||
    concept[a]! - concept[b]!;
}

function sortKeys(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function writeBody(data: Record<SectionName, ArrayLike<number>>): {
  body: Uint8Array;
  sections: SectionInfo[];
} {
  const sections: SectionInfo[] = [];
  let offset = 0;
  for (const name of Object.keys(SECTIONS) as SectionName[]) {
    const type = SECTIONS[name];
    const count = data[name].length;
    sections.push({ name, type, offset, count });
    offset += align8(count * SECTION_BYTES[type]);
  }
  const body = new Uint8Array(offset);
  for (const s of sections) {
    const values = data[s.name];
    const view = new ARRAYS[s.type](body.buffer, s.offset, s.count);
    if (s.type === 'u32' || s.type === 'u16' || s.type === 'u8') {
      const max = s.type === 'u32' ? 0xffffffff : s.type === 'u16' ? 0xffff : 0xff;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!(v >= 0 && v <= max)) {
          throw new ClinoteError('CLINOTE_E_PACK_BUILD_FAILED', `pack section ${s.name} overflows (${v})`, {
            section: s.name,
          });
        }
      }
    }
    view.set(values);
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new ClinoteError('CLINOTE_E_PACK_BUILD_FAILED', 'big-endian machines cannot build packs', {});
  }
  return { body, sections };
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}

function assemble(manifest: PackManifest, body: Uint8Array): Uint8Array {
  let header = JSON.stringify(manifest);
  const headerBytes = new TextEncoder().encode(header);
  const padded = align8(PREAMBLE_BYTES + headerBytes.length) - PREAMBLE_BYTES;
  header += ' '.repeat(padded - headerBytes.length);
  const out = new Uint8Array(PREAMBLE_BYTES + padded + body.length);
  out.set(new TextEncoder().encode(PACK_MAGIC), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, PACK_FORMAT_VERSION, true);
  dv.setUint32(12, padded, true);
  out.set(new TextEncoder().encode(header), PREAMBLE_BYTES);
  out.set(body, PREAMBLE_BYTES + padded);
  return out;
}

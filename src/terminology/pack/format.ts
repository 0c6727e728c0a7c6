/**
 * The binary layout of a terminology pack (format 1). See docs/decisions/0002-pack-format.md.
 *
 *   bytes 0..7    magic "CLNPACK\0"
 *   bytes 8..11   format version (u32 little-endian)
 *   bytes 12..15  header length H (u32 little-endian)
 *   bytes 16..    header: the manifest as UTF-8 JSON, padded with spaces to a multiple of 8
 *   then          body: named sections, each a little-endian typed array starting on an 8-byte boundary
 *
 * The manifest lists the sections (name, element type, offset into the body, element count) and the
 * sha256 of the body (`contentSha256`): two packs with the same content hash hold the same data,
 * whatever their build time.
 */
import type { CodeSystem } from '../types.js';

export const PACK_MAGIC = 'CLNPACK\0';
export const PACK_FORMAT_VERSION = 1;
/** Bytes before the header: magic, format version, header length. */
export const PREAMBLE_BYTES = 16;

export type SectionType = 'u8' | 'u16' | 'u32' | 'i32' | 'f32';

export const SECTION_BYTES: Record<SectionType, number> = { u8: 1, u16: 2, u32: 4, i32: 4, f32: 4 };

export interface SectionInfo {
  readonly name: SectionName;
  readonly type: SectionType;
  /** Byte offset into the body (a multiple of 8). */
  readonly offset: number;
  /** Number of elements. */
  readonly count: number;
}

/** Every section of format 1, with its element type. */
export const SECTIONS = {
  /** UTF-8 bytes of every string, concatenated. */
  'strings.blob': 'u8',
  /** Start of string i in the blob; n+1 entries. */
  'strings.offsets': 'u32',
  /** UTF-16 code units of every token key, concatenated (tokens sorted). */
  'tokens.chars': 'u16',
  /** Start of token i in tokens.chars; k+1 entries. */
  'tokens.offsets': 'u32',
  /** Open-addressing hash table of token keys: slot -> token id + 1 (0 = empty). Size: power of 2. */
  'tokens.hash': 'u32',
  /** Token flags (TOKEN_FLAG_*). */
  'tokens.flags': 'u8',
  /** Concept table, one row per concept. */
  'concepts.id': 'u32',
  'concepts.preferred': 'u32',
  'concepts.source': 'u16',
  'concepts.type': 'u8',
  /** 0 = none, else 1 + index into manifest.subtypes. */
  'concepts.subtype': 'u8',
  /** Codes of concept i: codes[codeStart[i] .. codeStart[i+1]); n+1 entries. */
  'concepts.codeStart': 'u32',
  /** Concepts linked to concept i (they share a code): links[linkStart[i] .. linkStart[i+1]). */
  'concepts.linkStart': 'u32',
  'links.concept': 'u32',
  /** Code table: system (index into manifest.codeSystems), value and display (string ids). */
  'codes.system': 'u8',
  'codes.value': 'u32',
  'codes.display': 'u32',
  'codes.flags': 'u8',
  /** Trie over token ids. Node 0 is the root; root children are a direct table by token id. */
  'trie.rootChild': 'u32',
  /** Children of node i: edges[childStart[i] .. childStart[i+1]), sorted by token id; N+1 entries. */
  'trie.childStart': 'u32',
  'trie.edgeToken': 'u32',
  'trie.edgeNode': 'u32',
  /** Entries ending at node i: entries[entryStart[i] .. entryStart[i+1]), best ranked first. */
  'trie.entryStart': 'u32',
  /** Number of tokens of the path to node i. */
  'trie.depth': 'u8',
  /** Entry table: a term variant of a concept ending at a trie node. */
  'entries.concept': 'u32',
  /** The source term (string id) the variant comes from: `matched.term`. */
  'entries.term': 'u32',
  /** Index into manifest.rules. */
  'entries.rule': 'u16',
  /** Variant penalty in hundredths (0 = exact term). */
  'entries.penalty': 'u8',
  'entries.flags': 'u8',
  /** Index into TERM_KINDS. */
  'entries.kind': 'u8',
  /** Abbreviation senses: entry index (sorted), their cue words and prior. */
  'abbrevs.entry': 'u32',
  'abbrevs.cueStart': 'u32',
  'abbrevs.cueToken': 'u32',
  /** Prior of the sense in hundredths. */
  'abbrevs.prior': 'u8',
} as const satisfies Record<string, SectionType>;

export type SectionName = keyof typeof SECTIONS;

/** The type index stored in a pack is the position in this list (part of the format). */
export { SEMANTIC_TYPES } from '../types.js';

/** Typed-array constructors of the pack's sections, by the section's element type. */
export const ARRAYS = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
} as const;

export const TERM_KINDS = [
  'preferred',
  'synonym',
  'exact',
  'related',
  'narrow',
  'broad',
  'abbreviation',
  'brand',
  'lay',
  'index',
] as const;

export const CODE_SYSTEMS: readonly CodeSystem[] = [
  'icd10cm',
  'icd10pcs',
  'rxnorm',
  'loinc',
  'doid',
  'hpo',
  'mesh',
  'omim',
  'umls',
  'snomed',
  'hcpcs',
  'custom',
];

/** Entry flags. */
export const ENTRY_CAPS = 1; // the note must write the matched text in capitals (acronyms like MS, PE)
export const ENTRY_ABBREV = 2; // an abbreviation sense from the abbreviation list
export const ENTRY_SINGLE = 4; // one-token variant
export const ENTRY_AMBIGUOUS = 8; // abbreviation with more than one sense

/** Token flags. */
export const TOKEN_STOP = 1; // a common English word: never a one-token term
export const TOKEN_CUE = 2; // only present as an abbreviation cue word

/** Code flags. */
export const CODE_BILLABLE = 1;
export const CODE_LINKED = 2; // display filled from another concept of the pack

export const NO_STRING = 0xffffffff;

export interface PackSourceInfo {
  readonly name: string;
  readonly version?: string;
  readonly licence?: string;
  readonly read: number;
  readonly imported: number;
  readonly skipped: number;
  readonly skippedReasons: Record<string, number>;
  /** Concepts kept in the pack from this source. */
  readonly concepts: number;
}

export interface PackManifest {
  readonly format: 'clinote-pack';
  readonly formatVersion: number;
  readonly name: string;
  /** Content version: the first 12 hex digits of contentSha256. */
  readonly version: string;
  readonly builtAt: string;
  readonly builder: string;
  /** One per importer run, in build order. */
  readonly sources: readonly PackSourceInfo[];
  /** Source names of the concepts (SourceConcept.source): `concepts.source` indexes this list. */
  readonly conceptSources: readonly string[];
  readonly counts: {
    readonly concepts: number;
    readonly codes: number;
    readonly terms: number;
    readonly entries: number;
    readonly tokens: number;
    readonly nodes: number;
    readonly abbreviations: number;
    readonly byType: Readonly<Record<string, number>>;
    readonly dropped: Readonly<Record<string, number>>;
  };
  readonly subtypes: readonly string[];
  readonly rules: readonly string[];
  readonly codeSystems: readonly string[];
  /** Hash of the token-key function over fixed probe words: the matcher warns when it differs. */
  readonly keysFingerprint: string;
  readonly contentSha256: string;
  readonly bodyBytes: number;
  readonly sections: readonly SectionInfo[];
}

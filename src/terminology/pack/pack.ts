/**
 * A loaded pack: typed-array views over the pack bytes (no copy, no parsing) and lazy accessors.
 * Strings are decoded on first use and kept.
 */
import {
  CODE_BILLABLE,
  CODE_SYSTEMS,
  NO_STRING,
  type PackManifest,
  type SECTIONS,
  SEMANTIC_TYPES,
  type SectionName,
  TERM_KINDS,
} from './format.js';
import { hashKey } from './hash.js';

type ArrayFor<T> = T extends 'u8'
  ? Uint8Array
  : T extends 'u16'
    ? Uint16Array
    : T extends 'u32'
      ? Uint32Array
      : T extends 'i32'
        ? Int32Array
        : Float32Array;

export type PackArrays = { readonly [K in SectionName]: ArrayFor<(typeof SECTIONS)[K]> };

export interface PackCode {
  readonly system: string;
  readonly code: string;
  readonly display: string;
  /** Order of the code among equally scored ones: billing code sets first, billable before header codes. */
  readonly rank: number;
}

/** Code systems by usefulness to a user coding a note. */
const SYSTEM_RANK: Readonly<Record<string, number>> = {
  icd10cm: 0,
  rxnorm: 1,
  loinc: 2,
  hcpcs: 3,
  icd10pcs: 4,
  snomed: 5,
  doid: 6,
  hpo: 7,
  mesh: 8,
  omim: 9,
  umls: 10,
  custom: 11,
};

export class Pack {
  readonly manifest: PackManifest;
  readonly a: PackArrays;
  readonly #blob: Buffer;
  readonly #strings: (string | undefined)[];
  readonly #codes: (readonly PackCode[] | undefined)[];
  readonly #hashMask: number;
  readonly #sourceNames: readonly string[];

  constructor(manifest: PackManifest, arrays: PackArrays) {
    this.manifest = manifest;
    this.a = arrays;
    const b = arrays['strings.blob'];
    this.#blob = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    this.#strings = new Array(Math.max(0, arrays['strings.offsets'].length - 1));
    this.#codes = new Array(this.conceptCount);
    this.#hashMask = arrays['tokens.hash'].length - 1;
    this.#sourceNames = manifest.conceptSources;
  }

  get name(): string {
    return this.manifest.name;
  }

  get version(): string {
    return this.manifest.version;
  }

  get conceptCount(): number {
    return this.a['concepts.id'].length;
  }

  get tokenCount(): number {
    return this.a['tokens.flags'].length;
  }

  string(id: number): string {
    if (id === NO_STRING) return '';
    let s = this.#strings[id];
    if (s === undefined) {
      const o = this.a['strings.offsets'];
      s = this.#blob.toString('utf8', o[id]!, o[id + 1]!);
      this.#strings[id] = s;
    }
    return s;
  }

  /** Token id of a key, or -1. */
  tokenId(key: string): number {
    const table = this.a['tokens.hash'];
    const chars = this.a['tokens.chars'];
    const offsets = this.a['tokens.offsets'];
    const mask = this.#hashMask;
    const len = key.length;
    for (let slot = hashKey(key) & mask; ; slot = (slot + 1) & mask) {
      const v = table[slot]!;
      if (v === 0) return -1;
      const t = v - 1;
      const start = offsets[t]!;
      if (offsets[t + 1]! - start !== len) continue;
      let i = 0;
      while (i < len && chars[start + i] === key.charCodeAt(i)) i++;
      if (i === len) return t;
    }
  }

  tokenKey(id: number): string {
    const offsets = this.a['tokens.offsets'];
    return String.fromCharCode(...this.a['tokens.chars'].subarray(offsets[id]!, offsets[id + 1]!));
  }

  /** Child of `node` along token `token`, or 0 when there is none. */
  child(node: number, token: number): number {
    if (node === 0) return this.a['trie.rootChild'][token] ?? 0;
    const starts = this.a['trie.childStart'];
    const edges = this.a['trie.edgeToken'];
    let lo = starts[node]!;
    let hi = starts[node + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = edges[mid]!;
      if (t === token) return this.a['trie.edgeNode'][mid]!;
      if (t < token) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  hasEntries(node: number): boolean {
    const s = this.a['trie.entryStart'];
    return s[node + 1]! > s[node]!;
  }

  conceptId(c: number): string {
    return this.string(this.a['concepts.id'][c]!);
  }

  preferred(c: number): string {
    return this.string(this.a['concepts.preferred'][c]!);
  }

  source(c: number): string {
    return this.#sourceNames[this.a['concepts.source'][c]!] ?? '';
  }

  type(c: number): string {
    return SEMANTIC_TYPES[this.a['concepts.type'][c]!] ?? 'other';
  }

  subtype(c: number): string | undefined {
    const s = this.a['concepts.subtype'][c]!;
    return s === 0 ? undefined : this.manifest.subtypes[s - 1];
  }

  /** The codes of a concept (cached). */
  codes(c: number): readonly PackCode[] {
    let list = this.#codes[c];
    if (!list) {
      const start = this.a['concepts.codeStart'][c]!;
      const end = this.a['concepts.codeStart'][c + 1]!;
      const out: PackCode[] = [];
      for (let k = start; k < end; k++) {
        const system = CODE_SYSTEMS[this.a['codes.system'][k]!] ?? 'custom';
        const billable = (this.a['codes.flags'][k]! & CODE_BILLABLE) !== 0;
        out.push({
          system,
          code: this.string(this.a['codes.value'][k]!),
          display: this.string(this.a['codes.display'][k]!),
          rank: (SYSTEM_RANK[system] ?? 12) * 2 + (billable ? 0 : 1),
        });
      }
      list = out;
      this.#codes[c] = list;
    }
    return list;
  }

  links(c: number): Uint32Array {
    const s = this.a['concepts.linkStart'];
    return this.a['links.concept'].subarray(s[c]!, s[c + 1]!);
  }

  rule(entry: number): string {
    return this.manifest.rules[this.a['entries.rule'][entry]!] ?? '';
  }

  termKind(entry: number): string {
    return TERM_KINDS[this.a['entries.kind'][entry]!] ?? 'synonym';
  }

  /** Index of an abbreviation entry in the abbrevs table, or -1. */
  abbrevIndex(entry: number): number {
    const list = this.a['abbrevs.entry'];
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = list[mid]!;
      if (v === entry) return mid;
      if (v < entry) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  abbrevCues(index: number): Uint32Array {
    const s = this.a['abbrevs.cueStart'];
    return this.a['abbrevs.cueToken'].subarray(s[index]!, s[index + 1]!);
  }

  abbrevPrior(index: number): number {
    return (this.a['abbrevs.prior'][index] ?? 0) / 100;
  }

  /** Byte size of the typed arrays (the pack's memory). */
  get byteLength(): number {
    let n = 0;
    for (const v of Object.values(this.a) as ArrayBufferView[]) n += v.byteLength;
    return n;
  }
}

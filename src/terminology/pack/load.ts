/**
 * Pack loading: check the preamble and the manifest, wrap each section in a typed array over the
 * same bytes. No source is re-parsed and nothing is copied (unless the bytes are misaligned).
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ClinoteError } from '../../errors/error.js';
import {
  ARRAYS,
  PACK_FORMAT_VERSION,
  PACK_MAGIC,
  type PackManifest,
  PREAMBLE_BYTES,
  SECTION_BYTES,
  SECTIONS,
  type SectionName,
} from './format.js';
import { Pack, type PackArrays } from './pack.js';

export interface LoadOptions {
  /** Check the body against the manifest's sha256 (default true; ~25 ms per 10 MB). */
  readonly verify?: boolean;
  /** Name of the pack's origin in error messages (a path). */
  readonly origin?: string;
}

function corrupt(origin: string, why: string): ClinoteError {
  return new ClinoteError('CLINOTE_E_PACK_CORRUPT', `${origin}: not a valid terminology pack (${why})`, {
    path: origin,
    reason: why,
  });
}

/** Read the manifest only (for `vocab info`): preamble and header, no body check. */
export function readManifest(bytes: Uint8Array, origin = 'pack'): PackManifest {
  return parseHeader(bytes, origin).manifest;
}

function parseHeader(bytes: Uint8Array, origin: string): { manifest: PackManifest; bodyStart: number } {
  if (bytes.length < PREAMBLE_BYTES) throw corrupt(origin, 'file too short');
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== PACK_MAGIC) throw corrupt(origin, 'bad magic bytes');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = dv.getUint32(8, true);
  if (format !== PACK_FORMAT_VERSION) {
    throw new ClinoteError(
      'CLINOTE_E_PACK_VERSION_UNSUPPORTED',
      `${origin}: pack format ${format} is not supported (this Clinote reads format ${PACK_FORMAT_VERSION})`,
      { path: origin, format, supported: PACK_FORMAT_VERSION },
    );
  }
  const headerLength = dv.getUint32(12, true);
  const bodyStart = PREAMBLE_BYTES + headerLength;
  if (bodyStart > bytes.length || bodyStart % 8 !== 0) throw corrupt(origin, 'header out of bounds');
  let manifest: PackManifest;
  try {
    manifest = JSON.parse(
      new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, bodyStart)),
    ) as PackManifest;
  } catch {
    throw corrupt(origin, 'header is not JSON');
  }
  if (manifest?.format !== 'clinote-pack' || !Array.isArray(manifest.sections)) {
    throw corrupt(origin, 'header is not a pack manifest');
  }
  if (manifest.formatVersion !== format) throw corrupt(origin, 'format versions disagree');
  if (bytes.length - bodyStart !== manifest.bodyBytes)
    throw corrupt(origin, 'body size differs from the manifest');
  return { manifest, bodyStart };
}

/** Load a pack from its bytes. Throws CLINOTE_E_PACK_CORRUPT or CLINOTE_E_PACK_VERSION_UNSUPPORTED. */
export function loadPack(input: Uint8Array, options: LoadOptions = {}): Pack {
  const origin = options.origin ?? 'pack';
  // typed arrays need aligned offsets: copy only when the caller's view is misaligned
  const bytes = input.byteOffset % 8 === 0 ? input : new Uint8Array(input);
  const { manifest, bodyStart } = parseHeader(bytes, origin);
  const body = bytes.subarray(bodyStart);
  if (options.verify ?? true) {
    const sha = createHash('sha256').update(body).digest('hex');
    if (sha !== manifest.contentSha256) throw corrupt(origin, 'content hash mismatch');
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw corrupt(origin, 'packs are little-endian; this machine is not');
  }
  const arrays: Partial<Record<SectionName, ArrayBufferView>> = {};
  for (const s of manifest.sections) {
    const type = SECTIONS[s.name];
    if (type === undefined || type !== s.type) throw corrupt(origin, `unexpected section ${String(s.name)}`);
    const size = SECTION_BYTES[type];
    if (s.offset % 8 !== 0 || s.count < 0 || s.offset + s.count * size > body.length) {
      throw corrupt(origin, `section ${s.name} out of bounds`);
    }
    arrays[s.name] = new ARRAYS[type](
      bytes.buffer as ArrayBuffer,
      bytes.byteOffset + bodyStart + s.offset,
      s.count,
    );
  }
  for (const name of Object.keys(SECTIONS) as SectionName[]) {
    if (!arrays[name]) throw corrupt(origin, `missing section ${name}`);
  }
  const a = arrays as PackArrays;
  checkShape(a, origin);
  return new Pack(manifest, a);
}

/** Cheap consistency checks, so a damaged pack fails at load and not in the middle of a note. */
function checkShape(a: PackArrays, origin: string): void {
  const concepts = a['concepts.id'].length;
  const nodes = a['trie.depth'].length;
  const tokens = a['tokens.flags'].length;
  const ok =
    a['strings.offsets'].length >= 1 &&
    a['strings.offsets'][a['strings.offsets'].length - 1] === a['strings.blob'].length &&
    a['tokens.offsets'].length === tokens + 1 &&
    a['tokens.offsets'][tokens] === a['tokens.chars'].length &&
    a['tokens.hash'].length > tokens &&
    (a['tokens.hash'].length & (a['tokens.hash'].length - 1)) === 0 &&
    a['concepts.codeStart'].length === concepts + 1 &&
    a['concepts.codeStart'][concepts] === a['codes.system'].length &&
    a['concepts.linkStart'].length === concepts + 1 &&
    a['concepts.linkStart'][concepts] === a['links.concept'].length &&
    a['trie.childStart'].length === nodes + 1 &&
    a['trie.childStart'][nodes] === a['trie.edgeToken'].length &&
    a['trie.entryStart'].length === nodes + 1 &&
    a['trie.entryStart'][nodes] === a['entries.concept'].length &&
    a['trie.rootChild'].length === tokens &&
    a['abbrevs.cueStart'].length === a['abbrevs.entry'].length + 1;
  if (!ok) throw corrupt(origin, 'tables disagree');
}

const cache = new Map<string, Pack>();

/**
 * Load a pack once per process: the cache key is the origin and the content hash read from the
 * header, so a rebuilt file at the same path is loaded again.
 */
export function loadPackCached(bytes: Uint8Array, origin: string, options: LoadOptions = {}): Pack {
  const { manifest } = parseHeader(bytes, origin);
  const key = `${origin}\u0000${manifest.contentSha256}`;
  let pack = cache.get(key);
  if (!pack) {
    pack = loadPack(bytes, { ...options, origin });
    cache.set(key, pack);
  }
  return pack;
}

/** Read a pack file. Throws CLINOTE_E_PACK_NOT_FOUND when it cannot be read. */
export function readPackFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_PACK_NOT_FOUND',
      `terminology pack '${path}' cannot be read`,
      { path },
      { cause: e },
    );
  }
}

export function loadPackFile(path: string, options: LoadOptions = {}): Pack {
  return loadPackCached(readPackFile(path), path, options);
}

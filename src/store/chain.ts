/**
 * The audit chain, pure: entry validation (no unknown field, ever: an entry has no place for note
 * text), canonical JSON and the record hash.
 *
 *   hash(seq) = SHA-256 hex of the UTF-8 string  prevHash + seq + canonicalJson(entry)
 *
 * `prevHash` is the previous record's hash (64 hex digits; 64 zeros for seq 1), `seq` the decimal
 * sequence number (1, 2, 3...), and the canonical JSON has the entry's fields only (not seq, prevHash
 * or hash), keys sorted, no spaces, absent optional fields left out. The concatenation is unambiguous:
 * prevHash has a fixed length and the JSON starts with `{`.
 */
import { createHash } from 'node:crypto';
import { ClinoteError } from '../errors/error.js';
import type { AuditEntry } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

type Check = (v: unknown) => boolean;

const CONTROL = /[\u0000-\u001f\u007f]/;
const text =
  (max: number, pattern?: RegExp): Check =>
  (v) =>
    typeof v === 'string' &&
    v.length > 0 &&
    v.length <= max &&
    !CONTROL.test(v) &&
    (pattern === undefined || pattern.test(v));
const int =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Every field an entry may have, with its check; `true`: required. */
const FIELDS: Readonly<Record<keyof AuditEntry, readonly [required: boolean, check: Check, what: string]>> = {
  at: [true, (v) => text(40, ISO_8601)(v) && !Number.isNaN(Date.parse(v as string)), 'an ISO 8601 date-time'],
  requestId: [true, text(128), 'a string of 1 to 128 characters'],
  tenant: [true, text(128), 'a string of 1 to 128 characters'],
  keyId: [false, text(64), 'a string of 1 to 64 characters'],
  method: [true, text(16, /^[A-Z]+$/), 'an upper-case HTTP method'],
  route: [true, text(256, /^\/[^\s?#]*$/), 'a route pattern starting with / (no query, no spaces)'],
  status: [true, int(100, 599), 'an HTTP status (100 to 599)'],
  pipeline: [false, text(128), 'a string of 1 to 128 characters'],
  pipelineVersion: [false, text(128), 'a string of 1 to 128 characters'],
  notes: [true, int(0, 2_147_483_647), 'a non-negative integer'],
  errorCode: [false, text(80, /^[A-Za-z][A-Za-z0-9_.:-]*$/), 'an error code'],
  ms: [
    false,
    (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1e12,
    'a non-negative number of milliseconds',
  ],
};

export const AUDIT_ENTRY_FIELDS: readonly (keyof AuditEntry)[] = Object.keys(
  FIELDS,
).sort() as (keyof AuditEntry)[];

/** A field name safe to print (a key could be anything a caller spread in). */
const printable = (key: string): string => (/^[A-Za-z_$][\w$]{0,40}$/.test(key) ? `"${key}"` : 'a field');

/**
 * The entry with its own fields only (optional fields set to undefined dropped), or a
 * CLINOTE_E_STORE_AUDIT_ENTRY_INVALID naming the first bad field (never its value).
 */
export function checkAuditEntry(entry: unknown): AuditEntry {
  const invalid = (why: string) =>
    new ClinoteError('CLINOTE_E_STORE_AUDIT_ENTRY_INVALID', `audit entry refused: ${why}`);
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw invalid('not an object');
  const proto = Object.getPrototypeOf(entry);
  if (proto !== Object.prototype && proto !== null) throw invalid('not a plain object');
  const source = entry as Record<string, unknown>;
  for (const key of Reflect.ownKeys(source)) {
    if (typeof key !== 'string' || !Object.hasOwn(FIELDS, key))
      throw invalid(
        `${typeof key === 'string' ? printable(key) : 'a symbol key'} is not a field of an audit entry (the audit log never holds note text or request data)`,
      );
  }
  const out: Record<string, unknown> = {};
  for (const key of AUDIT_ENTRY_FIELDS) {
    const [required, check, what] = FIELDS[key];
    const value = source[key];
    if (value === undefined) {
      if (required) throw invalid(`"${key}" is missing`);
      continue;
    }
    if (!check(value)) throw invalid(`"${key}" must be ${what}`);
    out[key] = value;
  }
  return out as unknown as AuditEntry;
}

/** Keys sorted, no spaces, undefined fields left out (entries hold strings and numbers only). */
export function canonicalJson(entry: AuditEntry): string {
  const source = entry as unknown as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of AUDIT_ENTRY_FIELDS) {
    const value = source[key];
    if (value === undefined || value === null) continue;
    parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  return `{${parts.join(',')}}`;
}

export function recordHash(prevHash: string, seq: number, entry: AuditEntry): string {
  return createHash('sha256')
    .update(`${prevHash}${seq}${canonicalJson(entry)}`, 'utf8')
    .digest('hex');
}

/**
 * Profiles of a batch output: the NDJSON of `clinote extract --format ndjson` (one result or error
 * record per line), with the note texts from the notes NDJSON when given. Used by `clinote monitor
 * profile`; reads lines from any iterable, so the batch and the server can reuse it.
 *
 * A line that is not JSON, or JSON that is not a result or an error record, is
 * CLINOTE_E_MONITOR_BAD_INPUT with its line number, never its content.
 */
import { ClinoteError } from '../errors/error.js';
import type { ErrorResult, Result } from '../output/schema.js';
import { observeResult, type WordSet } from './observe.js';
import { type Profile, ProfileBuilder, type ProfileKey, type ProfileWindow } from './profile.js';

export interface ProfileLinesOptions {
  /** The file name, for the error details. */
  readonly file?: string;
  /** Key fields given by the user; `version` defaults to the results' pipeline version when they share one. */
  readonly key?: Partial<ProfileKey>;
  readonly window?: ProfileWindow | null;
  /** Note texts by id (from the notes NDJSON). */
  readonly texts?: ReadonlyMap<string, string>;
  /** The OOV word set (used when a text is known). */
  readonly words?: WordSet;
}

export interface ProfileLinesResult {
  readonly profile: Profile;
  readonly results: number;
  readonly errors: number;
  /** Results whose text was known (from `texts` or the result's own `text`). */
  readonly withText: number;
}

function badLine(file: string | undefined, line: number, why: string): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_MONITOR_BAD_INPUT',
    `${file ?? 'the input'}: line ${line} ${why}`,
    file === undefined ? { line } : { file, line },
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed line as a result or an error record, or a reason why it is neither. */
function classify(v: unknown): Result | ErrorResult | string {
  if (!isObject(v) || typeof v.id !== 'string') return 'is not a JSON object with an id';
  if (isObject(v.error)) {
    return typeof v.error.code === 'string'
      ? (v as unknown as ErrorResult)
      : 'is an error record without a code';
  }
  if (!Array.isArray(v.sections) || !Array.isArray(v.sentences) || !Array.isArray(v.concepts))
    return 'is not a Clinote result (sections, sentences and concepts arrays) nor an error record';
  if (v.text !== undefined && typeof v.text !== 'string') return 'has a text that is not a string';
  return v as unknown as Result;
}

/** The profile of the results and error records of an NDJSON (blank lines are skipped). */
export async function profileResultLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: ProfileLinesOptions = {},
): Promise<ProfileLinesResult> {
  const builder = new ProfileBuilder({ window: options.window ?? null });
  const versions = new Set<string>();
  let n = 0;
  let results = 0;
  let errors = 0;
  let withText = 0;
  for await (const raw of lines) {
    n++;
    const line = raw.trim();
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw badLine(options.file, n, 'is not JSON');
    }
    const r = classify(parsed);
    if (typeof r === 'string') throw badLine(options.file, n, r);
    const stamp = (r as { pipeline?: { version?: unknown } }).pipeline?.version;
    if (typeof stamp === 'string') versions.add(stamp);
    if ('error' in r) {
      errors++;
      builder.add(observeResult(r));
      continue;
    }
    results++;
    const text = options.texts?.get(r.id) ?? r.text;
    if (text !== undefined) withText++;
    try {
      builder.add(
        observeResult(r, text === undefined ? {} : { text }, options.words ? { words: options.words } : {}),
      );
    } catch {
      throw badLine(options.file, n, 'has a layer that is not as the result schema says');
    }
  }
  if (results + errors === 0)
    throw new ClinoteError(
      'CLINOTE_E_MONITOR_BAD_INPUT',
      `${options.file ?? 'the input'} has no result (the file is empty)`,
      options.file === undefined ? {} : { file: options.file },
    );
  const key: ProfileKey = {
    deployment: options.key?.deployment ?? '',
    version: options.key?.version ?? (versions.size === 1 ? [...versions][0]! : ''),
    tenant: options.key?.tenant ?? '',
  };
  const { format, ...rest } = builder.toProfile();
  return { profile: { format, key, ...rest }, results, errors, withText };
}

/**
 * The texts of a notes NDJSON by id (`idField`, `textField`: default `id` and `text`). A line
 * that is not a JSON object is CLINOTE_E_MONITOR_BAD_INPUT (line number only); a line without a
 * string id or text is skipped.
 */
export async function readNoteTexts(
  lines: AsyncIterable<string> | Iterable<string>,
  options: { readonly file?: string; readonly idField?: string; readonly textField?: string } = {},
): Promise<Map<string, string>> {
  const idField = options.idField ?? 'id';
  const textField = options.textField ?? 'text';
  const out = new Map<string, string>();
  let n = 0;
  for await (const raw of lines) {
    n++;
    if (raw.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      throw badLine(options.file, n, 'is not JSON');
    }
    if (!isObject(v)) throw badLine(options.file, n, 'is not a JSON object');
    const id = v[idField];
    const text = v[textField];
    if (typeof id === 'string' && typeof text === 'string') out.set(id, text);
  }
  return out;
}

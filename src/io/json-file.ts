/** Reading a JSON file (a config) with the caller's error codes: one message shape everywhere. */
import { readFileSync } from 'node:fs';
import type { ErrorCode } from '../errors/catalogue.js';
import { ClinoteError, jsonErrorReason } from '../errors/error.js';

/**
 * The parsed content of the JSON file at `path`. `what` names it in the messages ("pipeline
 * config"); `unreadable` is thrown when it cannot be read, `malformed` when it is not JSON (default:
 * `unreadable`). Messages carry the path and the parser's reason, never the content.
 */
export function readJsonFile(
  path: string,
  what: string,
  codes: { readonly unreadable: ErrorCode; readonly malformed?: ErrorCode },
): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClinoteError(codes.unreadable, `cannot read ${what} '${path}'`, { path }, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ClinoteError(
      codes.malformed ?? codes.unreadable,
      `${what} '${path}' is not valid JSON (${jsonErrorReason(e)})`,
      { path },
    );
  }
}

/**
 * FHIR in: a DocumentReference with an inline text/plain attachment (base64), or a Bundle of them,
 * as notes. Never echoes the content in an error.
 */
import { decodeUtf8 } from '../doc/decode.js';
import { ClinoteError } from '../errors/error.js';
import type { NoteInput } from '../pipeline/pipeline.js';

interface Attachment {
  contentType?: unknown;
  data?: unknown;
}

const invalid = (message: string): ClinoteError =>
  new ClinoteError('CLINOTE_E_SERVER_INVALID_REQUEST', message);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function noteOf(resource: unknown, at: string, index: number): NoteInput {
  if (
    typeof resource !== 'object' ||
    resource === null ||
    (resource as { resourceType?: unknown }).resourceType !== 'DocumentReference'
  ) {
    throw invalid(`${at}: not a DocumentReference`);
  }
  const r = resource as {
    id?: unknown;
    date?: unknown;
    content?: unknown;
    context?: { period?: { start?: unknown } };
  };
  const content = Array.isArray(r.content) ? (r.content as { attachment?: Attachment }[]) : [];
  const attachment = content
    .map((c) => c?.attachment)
    .find(
      (a) =>
        typeof a?.contentType === 'string' &&
        /^text\/plain\b/i.test(a.contentType) &&
        typeof a.data === 'string',
    );
  if (!attachment)
    throw invalid(`${at}: no inline text/plain attachment (content[].attachment.data, base64)`);
  const data = (attachment.data as string).replace(/\s+/g, '');
  if (!BASE64.test(data) || data.length % 4 === 1) {
    throw new ClinoteError('CLINOTE_E_SERVER_MALFORMED_REQUEST', `${at}: the attachment data is not base64`);
  }
  const bytes = Buffer.from(data, 'base64');
  const { text, flags } = decodeUtf8(bytes);
  const id =
    typeof r.id === 'string' && r.id.length > 0 && r.id.length <= 256 ? r.id : `DocumentReference/${index}`;
  const start = r.context?.period?.start;
  const date = typeof r.date === 'string' ? r.date : typeof start === 'string' ? start : undefined;
  const noteDate = date !== undefined && /^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(0, 10) : undefined;
  return {
    id,
    text,
    byteLength: bytes.byteLength,
    ...(flags.length > 0 ? { flags } : {}),
    ...(noteDate !== undefined ? { meta: { noteDate } } : {}),
  };
}

/** The notes of a DocumentReference or of a Bundle of them. */
export function notesOfFhir(body: unknown): NoteInput[] {
  const type = (body as { resourceType?: unknown } | null)?.resourceType;
  if (type === 'DocumentReference') return [noteOf(body, 'DocumentReference', 0)];
  if (type === 'Bundle') {
    const entries = (body as { entry?: unknown }).entry;
    if (!Array.isArray(entries) || entries.length === 0) throw invalid('Bundle: no entry');
    return entries.map((e: unknown, i) =>
      noteOf((e as { resource?: unknown } | null)?.resource, `Bundle.entry[${i}]`, i),
    );
  }
  throw invalid('the body is not a DocumentReference or a Bundle of them');
}

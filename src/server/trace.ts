/** W3C Trace Context: the `traceparent` of a request, continued (or started) and echoed. */
import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface TraceContext {
  readonly traceId: string;
  /** The caller's span (the parent of ours), when it sent one. */
  readonly parentId?: string;
  /** Our span. */
  readonly spanId: string;
  readonly flags: string;
}

/** Continue the caller's trace (a valid `traceparent`), else start one. */
export function traceOf(header: string | string[] | undefined): TraceContext {
  const spanId = randomBytes(8).toString('hex');
  const value = Array.isArray(header) ? header[0] : header;
  const m = value === undefined ? null : TRACEPARENT.exec(value.trim().toLowerCase());
  if (m && m[1] !== 'ff' && !/^0+$/.test(m[2] as string) && !/^0+$/.test(m[3] as string)) {
    return { traceId: m[2] as string, parentId: m[3] as string, spanId, flags: m[4] as string };
  }
  return { traceId: randomBytes(16).toString('hex'), spanId, flags: '01' };
}

/** The `traceparent` of our span (the response header, and what a downstream call would send). */
export function traceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.flags}`;
}

/**
 * ONNX Runtime sessions shared by the whole process: a model file's bytes are loaded into one
 * `InferenceSession` however many pipelines (or pipeline rebuilds) use it, keyed by the bytes'
 * SHA-256 and the session options. `onnxruntime-node` is imported on first use, so that importing
 * this module loads no native code.
 */
import { createHash } from 'node:crypto';
import type { InferenceSession } from 'onnxruntime-node';
import { ClinoteError } from '../../errors/error.js';

export type OnnxRuntime = typeof import('onnxruntime-node');

export interface SessionOptions {
  /** Threads of one operator (onnxruntime's default: the machine's cores). */
  readonly intraOpThreads?: number;
}

let runtime: Promise<OnnxRuntime> | undefined;
const sessions = new Map<string, Promise<InferenceSession>>();

/** The onnxruntime module, imported once; CLINOTE_E_MODEL_RUNTIME when it cannot be loaded. */
export function onnxRuntime(): Promise<OnnxRuntime> {
  runtime ??= import('onnxruntime-node').catch((e: unknown) => {
    runtime = undefined;
    throw new ClinoteError('CLINOTE_E_MODEL_RUNTIME', 'onnxruntime-node could not be loaded', {
      reason: e instanceof Error ? e.message : String(e),
    });
  });
  return runtime;
}

/**
 * The process's session for a model file's bytes (created on the first call). `name` (a path, never
 * note text) goes into the error when the bytes are not a model onnxruntime can load.
 */
export async function sharedSession(
  bytes: Uint8Array,
  name: string,
  options: SessionOptions = {},
): Promise<{ readonly ort: OnnxRuntime; readonly session: InferenceSession }> {
  const ort = await onnxRuntime();
  const key = `${createHash('sha256').update(bytes).digest('hex')}:${options.intraOpThreads ?? 0}`;
  let session = sessions.get(key);
  if (!session) {
    // worker threads get resource bytes on a SharedArrayBuffer, which onnxruntime does not read
    const own = bytes.buffer instanceof ArrayBuffer ? bytes : new Uint8Array(bytes);
    session = ort.InferenceSession.create(own, {
      graphOptimizationLevel: 'all',
      ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    }).catch((e: unknown) => {
      sessions.delete(key);
      throw new ClinoteError('CLINOTE_E_MODEL_RUNTIME', `onnxruntime could not load the model ${name}`, {
        model: name,
        reason: e instanceof Error ? e.message.slice(0, 300) : String(e),
      });
    });
    sessions.set(key, session);
  }
  return { ort, session: await session };
}

/** How many distinct sessions this process holds (for tests and metrics). */
export function sharedSessionCount(): number {
  return sessions.size;
}

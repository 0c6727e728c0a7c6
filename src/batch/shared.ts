/**
 * Binary resources (the terminology pack) read once into SharedArrayBuffers, so every worker thread
 * wraps the same bytes instead of reading and holding its own copy.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Pipeline } from '../pipeline/pipeline.js';
import { resourcePath } from '../resources.js';

/** Read a file into a new SharedArrayBuffer; the view starts at offset 0 (typed arrays over it stay aligned). */
export function readShared(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const view = new Uint8Array(new SharedArrayBuffer(size));
    let at = 0;
    while (at < size) {
      const n = readSync(fd, view, at, size - at, at);
      if (n === 0) throw new Error(`'${path}' became shorter while it was read`);
      at += n;
    }
    return view;
  } finally {
    closeSync(fd);
  }
}

/**
 * A `sharedBytes` map for `loadPipeline` that reads each binary resource into a SharedArrayBuffer
 * the first time the pipeline asks for it. A file that cannot be read is left to the resource
 * context, which reports it (CLINOTE_E_RESOURCE_NOT_FOUND, CLINOTE_E_PACK_NOT_FOUND).
 */
export class SharedBytes extends Map<string, Uint8Array> {
  override get(path: string): Uint8Array | undefined {
    const known = super.get(path);
    if (known) return known;
    let bytes: Uint8Array;
    try {
      bytes = readShared(path);
    } catch {
      return undefined;
    }
    this.set(path, bytes);
    return bytes;
  }
}

/** The binary resources of a pipeline (`binary: true`), by absolute path, from `shared`. */
export function binaryResources(
  pipeline: Pipeline,
  shared: ReadonlyMap<string, Uint8Array>,
): [string, Uint8Array][] {
  const out = new Map<string, Uint8Array>();
  for (const c of pipeline.components) {
    for (const r of c.resources) {
      if (r.binary !== true) continue;
      const path = resourcePath(r.path);
      const bytes = shared.get(path);
      if (bytes && !out.has(path)) out.set(path, bytes);
    }
  }
  return [...out];
}

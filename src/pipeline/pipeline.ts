import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { TSchema } from '@sinclair/typebox';
import { Doc } from '../doc/doc.js';
import type { DocMeta, Flag } from '../doc/types.js';
import { ClinoteError, toClinoteError } from '../errors/error.js';
import {
  baseLayer,
  type Component,
  type ComponentFactory,
  type ComponentOutcome,
  type ComponentRunner,
  type FactoryContext,
  type LayerRef,
  type ResourceRef,
  type RunContext,
  type RunFn,
  type RunHooks,
} from './component.js';
import {
  type ComponentConfig,
  DEFAULT_MAX_NOTE_BYTES,
  type PipelineConfig,
  parsePipelineConfig,
  schemaIssues,
} from './config.js';
import type { Registry } from './registry.js';

export interface PipelineStamp {
  readonly name: string;
  /** sha256 (first 16 hex) of the config, the component versions and the resource files. */
  readonly version: string;
  /** Each component with the version the registry resolved. */
  readonly components: readonly { readonly name: string; readonly version: string }[];
}

export interface NoteInput {
  readonly id: string;
  readonly text: string;
  readonly meta?: DocMeta;
  /** Flags found while decoding (invalid UTF-8, binary). */
  readonly flags?: readonly Flag[];
  /** Byte length of the source, when it came as bytes (for the size limit). */
  readonly byteLength?: number;
}

export type ProcessOutcome = { ok: true; doc: Doc } | { ok: false; id: string; error: ClinoteError };

/** Per call: a deadline, a caller's abort signal, hooks. */
export interface ProcessOptions {
  /** Aborting it fails the notes not yet done with CLINOTE_E_PIPELINE_ABORTED. */
  readonly signal?: AbortSignal;
  /** Deadline in ms: per note in `process`, per batch in `processMany` (default: the config's `limits.timeoutMs`). */
  readonly timeoutMs?: number;
  /** Called around every component, besides the pipeline's own hooks. */
  readonly hooks?: RunHooks;
}

export interface Pipeline {
  readonly name: string;
  readonly stamp: PipelineStamp;
  readonly components: readonly Component[];
  readonly maxNoteBytes: number;
  /** Default deadline per note, when the config sets one. */
  readonly timeoutMs: number | undefined;
  /** Layers and layer attributes the pipeline assigns, in order. */
  readonly layers: readonly LayerRef[];
  /** True when a component is asynchronous: `runSync` and `processSync` refuse it. */
  readonly async: boolean;
  /** Run every component on a Doc. Rejects with CLINOTE_E_PIPELINE_COMPONENT_FAILED naming the component. */
  run(doc: Doc, options?: ProcessOptions): Promise<Doc>;
  /** `run` for pipelines whose components are all synchronous; throws CLINOTE_E_PIPELINE_ASYNC_COMPONENT otherwise. */
  runSync(doc: Doc, options?: ProcessOptions): Doc;
  /** Check limits, build the Doc and run it. Never rejects: failures are results. */
  process(input: NoteInput, options?: ProcessOptions): Promise<ProcessOutcome>;
  /** `process` on the synchronous fast path (throws CLINOTE_E_PIPELINE_ASYNC_COMPONENT on an async pipeline). */
  processSync(input: NoteInput, options?: ProcessOptions): ProcessOutcome;
  /**
   * Several notes at once, one outcome per input in input order. Components with a batch form
   * (`runMany`) get the notes together; a failure fails only its own note. Never rejects.
   */
  processMany(inputs: readonly NoteInput[], options?: ProcessOptions): Promise<ProcessOutcome[]>;
}

export interface CreatePipelineOptions {
  readonly registry: Registry;
  readonly context: FactoryContext & { readonly resources?: () => readonly ResourceRef[] };
  /** Override of limits.maxNoteBytes. */
  readonly maxNoteBytes?: number;
  /** Override of limits.timeoutMs. */
  readonly timeoutMs?: number;
  /** Hooks called around every component of every run. */
  readonly hooks?: RunHooks;
}

/** A component checked against the config, ready to be created. */
interface Planned {
  readonly index: number;
  readonly factory: ComponentFactory<TSchema>;
  readonly options: unknown;
  readonly ctx: FactoryContext;
  readonly recorded: ResourceRef[];
}

/**
 * Build a pipeline from a config: validates it, resolves component versions, checks what each
 * component requires and reads against what the ones before it assign, builds each component
 * (factories may be asynchronous: loading a model).
 */
export async function createPipeline(
  configInput: unknown,
  options: CreatePipelineOptions,
): Promise<Pipeline> {
  const { config, planned } = plan(configInput, options);
  const components: Component[] = [];
  for (const p of planned) components.push(built(p, await p.factory.create(p.options as never, p.ctx)));
  return assemble(config, components, options);
}

/**
 * `createPipeline` for configs whose factories all build synchronously (every rule component).
 * Throws CLINOTE_E_PIPELINE_ASYNC_COMPONENT when a factory returns a Promise.
 */
export function createPipelineSync(configInput: unknown, options: CreatePipelineOptions): Pipeline {
  const { config, planned } = plan(configInput, options);
  const components = planned.map((p) => {
    const made = p.factory.create(p.options as never, p.ctx);
    if (isPromise(made)) {
      // the factory's work goes on; its result is not wanted
      made.catch(() => {});
      throw new ClinoteError(
        'CLINOTE_E_PIPELINE_ASYNC_COMPONENT',
        `components[${p.index}] '${p.factory.name}' builds asynchronously: use createPipeline (a Promise)`,
        { component: p.factory.name },
      );
    }
    return built(p, made);
  });
  return assemble(config, components, options);
}

function resolveFactory(cc: ComponentConfig, index: number, registry: Registry): ComponentFactory<TSchema> {
  const factory = registry.get(cc.name, cc.version);
  if (factory) return factory;
  const versions = registry.versions(cc.name);
  if (versions.length === 0) {
    throw new ClinoteError(
      'CLINOTE_E_PIPELINE_UNKNOWN_COMPONENT',
      `components[${index}].name: unknown component '${cc.name}' (registered: ${registry.names().join(', ')})`,
      { component: cc.name },
    );
  }
  throw new ClinoteError(
    'CLINOTE_E_PIPELINE_VERSION_UNAVAILABLE',
    `components[${index}].version: no version of '${cc.name}' satisfies '${cc.version}' (registered: ${versions.join(', ')})`,
    { component: cc.name, range: cc.version, registered: versions },
  );
}

function plan(
  configInput: unknown,
  options: CreatePipelineOptions,
): { config: PipelineConfig; planned: Planned[] } {
  const config: PipelineConfig = parsePipelineConfig(configInput);
  const factories = config.components.map((cc, index) => resolveFactory(cc, index, options.registry));
  checkLayers(factories);
  const planned = config.components.map((cc, index): Planned => {
    const factory = factories[index] as ComponentFactory<TSchema>;
    const opts = cc.options ?? {};
    const issues = schemaIssues(factory.options, opts);
    if (issues.length > 0) {
      throw new ClinoteError(
        'CLINOTE_E_CONFIG_INVALID',
        `pipeline config: ${issues.map((i) => `components[${index}].options.${i}`).join('; ')}`,
        { component: cc.name, issues },
      );
    }
    const recorded: ResourceRef[] = [];
    const base = options.context;
    const ctx: FactoryContext = {
      readResource: (path) => {
        const text = base.readResource(path);
        recorded.push({ path, sha256: sha256(text) });
        return text;
      },
      readResourceBytes: (path) => {
        const bytes = base.readResourceBytes(path);
        recorded.push({ path, sha256: sha256(bytes), binary: true });
        return bytes;
      },
      compiled: (kind, text, compile, o) =>
        base.compiled ? base.compiled(kind, text, compile, o) : compile(),
    };
    return { index, factory, options: opts, ctx, recorded };
  });
  return { config, planned };
}

/**
 * What each component requires must be assigned before it; what it reads optionally must not be
 * assigned only after it. Assigning a whole layer again drops the attributes assigned before.
 */
function checkLayers(factories: readonly ComponentFactory<TSchema>[]): void {
  const provided = new Set<LayerRef>();
  factories.forEach((f, index) => {
    for (const ref of f.requires) {
      if (!provided.has(ref)) {
        throw new ClinoteError(
          'CLINOTE_E_PIPELINE_MISSING_LAYER',
          `components[${index}] '${f.name}' requires ${describeRef(ref)}, which no component before it assigns`,
          { component: f.name, layer: ref },
        );
      }
    }
    for (const ref of f.reads ?? []) {
      if (provided.has(ref)) continue;
      const later = factories.findIndex((g, j) => j > index && g.assigns.includes(ref));
      if (later >= 0) {
        throw new ClinoteError(
          'CLINOTE_E_PIPELINE_LAYER_ORDER',
          `components[${index}] '${f.name}' reads ${describeRef(ref)}, which components[${later}] '${(factories[later] as ComponentFactory<TSchema>).name}' assigns after it: move '${f.name}' after it`,
          { component: f.name, layer: ref },
        );
      }
    }
    for (const ref of f.assigns) {
      const layer = baseLayer(ref);
      if (ref === layer) {
        for (const p of [...provided]) if (p !== layer && baseLayer(p) === layer) provided.delete(p);
      } else if (!provided.has(layer) && !f.assigns.includes(layer)) {
        throw new ClinoteError(
          'CLINOTE_E_PIPELINE_MISSING_LAYER',
          `components[${index}] '${f.name}' assigns ${describeRef(ref)}, but no component before it assigns layer '${layer}'`,
          { component: f.name, layer },
        );
      }
      provided.add(ref);
    }
  });
}

const describeRef = (ref: LayerRef): string => (ref.includes('.') ? `attribute '${ref}'` : `layer '${ref}'`);

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function built(p: Planned, made: RunFn | ComponentRunner): Component {
  const runner: ComponentRunner = typeof made === 'function' ? { run: made } : made;
  const f = p.factory;
  return {
    name: f.name,
    version: f.version,
    requires: f.requires,
    reads: f.reads ?? [],
    assigns: f.assigns,
    async: f.async === true,
    resources: p.recorded,
    outputs: f.outputs ?? [],
    run: runner.run,
    ...(runner.runMany ? { runMany: runner.runMany } : {}),
  };
}

const NEVER: AbortSignal = new AbortController().signal;

/** The signal a run sees, and what to say when it fires. */
class Deadline {
  readonly signal: AbortSignal;
  readonly #at: number;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #caller: AbortSignal | undefined;

  constructor(timeoutMs: number | undefined, caller: AbortSignal | undefined, timers: boolean) {
    this.#caller = caller;
    this.#at = timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeoutMs;
    if (timeoutMs === undefined || !timers) {
      this.signal = caller ?? NEVER;
      this.#timer = undefined;
      return;
    }
    // asynchronous runs: components awaiting a model see the deadline through the signal
    const controller = new AbortController();
    this.#timer = setTimeout(() => controller.abort(new Error('deadline')), timeoutMs);
    this.#timer.unref?.();
    caller?.addEventListener('abort', () => controller.abort(caller.reason), { once: true });
    this.signal = controller.signal;
  }

  /** The error to fail a note with, or undefined while it may go on. */
  expired(id: string, during?: string): ClinoteError | undefined {
    if (this.#caller?.aborted) {
      return new ClinoteError(
        'CLINOTE_E_PIPELINE_ABORTED',
        `note '${id}': the run was aborted${during ? ` during '${during}'` : ''}`,
        { note: id, ...(during ? { component: during } : {}) },
      );
    }
    // no clock read per component when there is no deadline (the common, synchronous case)
    if (this.signal.aborted || (this.#at !== Number.POSITIVE_INFINITY && performance.now() > this.#at)) {
      return new ClinoteError(
        'CLINOTE_E_PIPELINE_DEADLINE',
        `note '${id}' ran past its deadline${during ? ` in '${during}'` : ''}`,
        { note: id, ...(during ? { component: during } : {}) },
      );
    }
    return undefined;
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}

function componentFailed(c: Component, doc: Doc, e: unknown, deadline: Deadline): ClinoteError {
  if (
    e instanceof ClinoteError &&
    (e.code === 'CLINOTE_E_PIPELINE_DEADLINE' || e.code === 'CLINOTE_E_PIPELINE_ABORTED')
  )
    return e;
  const expired = deadline.expired(doc.id, c.name);
  if (expired) return expired;
  return new ClinoteError(
    'CLINOTE_E_PIPELINE_COMPONENT_FAILED',
    `component '${c.name}@${c.version}' failed on note '${doc.id}': ${e instanceof Error ? e.message : String(e)}`,
    { component: c.name, note: doc.id },
    { cause: e },
  );
}

function checkAssigned(c: Component, doc: Doc): void {
  for (const ref of c.assigns) {
    if (!doc.has(baseLayer(ref))) {
      throw new ClinoteError(
        'CLINOTE_E_PIPELINE_COMPONENT_FAILED',
        `component '${c.name}@${c.version}' did not assign ${describeRef(ref)} on note '${doc.id}'`,
        { component: c.name, note: doc.id, layer: ref },
      );
    }
  }
}

function asyncRefused(c: Component): ClinoteError {
  return new ClinoteError(
    'CLINOTE_E_PIPELINE_ASYNC_COMPONENT',
    `component '${c.name}@${c.version}' is asynchronous: use process/processMany, not processSync`,
    { component: c.name },
  );
}

function assemble(config: PipelineConfig, components: Component[], options: CreatePipelineOptions): Pipeline {
  const stamp: PipelineStamp = {
    name: config.name,
    version: sha256(
      JSON.stringify({
        config: canonical(config),
        components: components.map((c) => `${c.name}@${c.version}`),
        resources: components.flatMap((c) => c.resources.map((r) => `${r.path}:${r.sha256}`)),
      }),
    ).slice(0, 16),
    components: components.map((c) => ({ name: c.name, version: c.version })),
  };
  const maxNoteBytes = options.maxNoteBytes ?? config.limits?.maxNoteBytes ?? DEFAULT_MAX_NOTE_BYTES;
  const defaultTimeout = options.timeoutMs ?? config.limits?.timeoutMs;
  const firstAsync = components.find((c) => c.async);
  const isAsync = firstAsync !== undefined;
  const layers: LayerRef[] = [];
  for (const c of components) for (const ref of c.assigns) if (!layers.includes(ref)) layers.push(ref);
  const pipelineHooks = options.hooks;

  const hooksOf = (
    o: ProcessOptions | undefined,
  ): ((c: Component, ms: number, out: ComponentOutcome, n: number) => void) | undefined => {
    const a = pipelineHooks?.onComponent;
    const b = o?.hooks?.onComponent;
    if (!a && !b) return undefined;
    return (c, ms, out, n) => {
      a?.(c.name, ms, out, n);
      b?.(c.name, ms, out, n);
    };
  };

  const deadlineOf = (o: ProcessOptions | undefined, timers: boolean): Deadline =>
    new Deadline(o?.timeoutMs ?? defaultTimeout, o?.signal, timers);

  /** Synchronous runner: throws on the first failure, and refuses an async component. */
  const runAllSync = (doc: Doc, deadline: Deadline, hook: ReturnType<typeof hooksOf>): Doc => {
    const ctx: RunContext = { signal: deadline.signal };
    for (const c of components) {
      const expired = deadline.expired(doc.id);
      if (expired) throw expired;
      if (c.async) throw asyncRefused(c);
      const t0 = hook ? performance.now() : 0;
      try {
        const r = c.run(doc, ctx);
        if (isPromise(r)) {
          r.catch(() => {});
          throw asyncRefused(c);
        }
      } catch (e) {
        hook?.(c, performance.now() - t0, 'error', 1);
        if (e instanceof ClinoteError && e.code === 'CLINOTE_E_PIPELINE_ASYNC_COMPONENT') throw e;
        throw componentFailed(c, doc, e, deadline);
      }
      hook?.(c, performance.now() - t0, 'ok', 1);
      checkAssigned(c, doc);
    }
    return doc;
  };

  /** One component on one note, awaited when it returns a Promise. */
  const runOne = async (
    c: Component,
    doc: Doc,
    deadline: Deadline,
    hook: ReturnType<typeof hooksOf>,
  ): Promise<void> => {
    const expired = deadline.expired(doc.id);
    if (expired) throw expired;
    const t0 = hook ? performance.now() : 0;
    try {
      const r = c.run(doc, { signal: deadline.signal });
      if (isPromise(r)) await r;
    } catch (e) {
      const err = componentFailed(c, doc, e, deadline);
      hook?.(
        c,
        performance.now() - t0,
        err.code === 'CLINOTE_E_PIPELINE_COMPONENT_FAILED' ? 'error' : 'aborted',
        1,
      );
      throw err;
    }
    hook?.(c, performance.now() - t0, 'ok', 1);
    checkAssigned(c, doc);
  };

  const runAll = async (doc: Doc, deadline: Deadline, hook: ReturnType<typeof hooksOf>): Promise<Doc> => {
    for (const c of components) await runOne(c, doc, deadline, hook);
    return doc;
  };

  /** The Doc of an input, or the error that stops it before any component (size). */
  const toDoc = (input: NoteInput): Doc | ClinoteError => {
    const bytes = input.byteLength ?? Buffer.byteLength(input.text, 'utf8');
    if (bytes > maxNoteBytes) {
      return new ClinoteError(
        'CLINOTE_E_INPUT_TOO_LARGE',
        `note '${input.id}' is ${bytes} bytes, over the limit of ${maxNoteBytes}`,
        { id: input.id, bytes, limit: maxNoteBytes },
      );
    }
    return new Doc(input.text, {
      id: input.id,
      ...(input.meta ? { meta: input.meta } : {}),
      ...(input.flags ? { flags: [...input.flags] } : {}),
    });
  };

  const failed = (id: string, e: unknown): ProcessOutcome => ({ ok: false, id, error: toClinoteError(e) });

  return {
    name: config.name,
    stamp,
    components,
    maxNoteBytes,
    timeoutMs: defaultTimeout,
    layers,
    async: isAsync,
    async run(doc, o) {
      const deadline = deadlineOf(o, true);
      try {
        return await runAll(doc, deadline, hooksOf(o));
      } finally {
        deadline.dispose();
      }
    },
    runSync(doc, o) {
      return runAllSync(doc, deadlineOf(o, false), hooksOf(o));
    },
    processSync(input, o) {
      if (firstAsync) throw asyncRefused(firstAsync);
      try {
        const doc = toDoc(input);
        if (doc instanceof ClinoteError) return { ok: false, id: input.id, error: doc };
        return { ok: true, doc: runAllSync(doc, deadlineOf(o, false), hooksOf(o)) };
      } catch (e) {
        return failed(input.id, e);
      }
    },
    async process(input, o) {
      const deadline = deadlineOf(o, true);
      try {
        const doc = toDoc(input);
        if (doc instanceof ClinoteError) return { ok: false, id: input.id, error: doc };
        return { ok: true, doc: await runAll(doc, deadline, hooksOf(o)) };
      } catch (e) {
        return failed(input.id, e);
      } finally {
        deadline.dispose();
      }
    },
    async processMany(inputs, o) {
      const deadline = deadlineOf(o, true);
      const hook = hooksOf(o);
      const outcomes: (ProcessOutcome | undefined)[] = new Array(inputs.length);
      const docs: (Doc | undefined)[] = inputs.map((input, i) => {
        try {
          const d = toDoc(input);
          if (d instanceof ClinoteError) {
            outcomes[i] = { ok: false, id: input.id, error: d };
            return undefined;
          }
          return d;
        } catch (e) {
          outcomes[i] = failed(input.id, e);
          return undefined;
        }
      });
      const fail = (i: number, e: unknown): void => {
        outcomes[i] = failed((inputs[i] as NoteInput).id, e);
        docs[i] = undefined;
      };
      const runEach = async (c: Component, alive: number[]): Promise<void> => {
        for (const i of alive) {
          try {
            await runOne(c, docs[i] as Doc, deadline, hook);
          } catch (e) {
            fail(i, e);
          }
        }
      };
      try {
        for (const c of components) {
          const alive: number[] = [];
          docs.forEach((d, i) => {
            if (d) alive.push(i);
          });
          if (alive.length === 0) break;
          if (!c.runMany || alive.length === 1) {
            await runEach(c, alive);
            continue;
          }
          const expired = deadline.expired(`${alive.length} notes`);
          if (expired) {
            for (const i of alive) fail(i, deadline.expired((docs[i] as Doc).id, c.name));
            break;
          }
          const batch = alive.map((i) => docs[i] as Doc);
          const t0 = performance.now();
          try {
            const r = c.runMany(batch, { signal: deadline.signal });
            if (isPromise(r)) await r;
          } catch {
            // the batch failed: run its notes one by one, so a failure fails only its own note
            hook?.(c, performance.now() - t0, 'error', batch.length);
            await runEach(c, alive);
            continue;
          }
          hook?.(c, performance.now() - t0, 'ok', batch.length);
          for (const i of alive) {
            try {
              checkAssigned(c, docs[i] as Doc);
            } catch (e) {
              fail(i, e);
            }
          }
        }
      } finally {
        deadline.dispose();
      }
      return inputs.map((input, i) => {
        const d = docs[i];
        return (
          outcomes[i] ?? (d ? { ok: true, doc: d } : failed(input.id, new Error('note was not processed')))
        );
      });
    },
  };
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with sorted keys, so equal configs hash equally. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => k !== '$schema' && k !== 'description')
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

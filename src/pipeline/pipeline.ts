import { createHash } from 'node:crypto';
import type { TSchema } from '@sinclair/typebox';
import { Doc } from '../doc/doc.js';
import type { DocMeta, Flag, LayerName } from '../doc/types.js';
import { ClinoteError, toClinoteError } from '../errors/error.js';
import type { Component, FactoryContext, ResourceRef } from './component.js';
import { DEFAULT_MAX_NOTE_BYTES, type PipelineConfig, parsePipelineConfig, schemaIssues } from './config.js';
import type { Registry } from './registry.js';

export interface PipelineStamp {
  readonly name: string;
  /** sha256 (first 16 hex) of the config, the component versions and the resource files. */
  readonly version: string;
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

export interface Pipeline {
  readonly name: string;
  readonly stamp: PipelineStamp;
  readonly components: readonly Component[];
  readonly maxNoteBytes: number;
  /** Layers the pipeline assigns, in order. */
  readonly layers: readonly LayerName[];
  /** Run every component on a Doc. Throws CLINOTE_E_PIPELINE_COMPONENT_FAILED naming the component. */
  run(doc: Doc): Doc;
  /** Check limits, build the Doc and run it. Never throws: failures are results. */
  process(input: NoteInput): ProcessOutcome;
}

export interface CreatePipelineOptions {
  readonly registry: Registry;
  readonly context: FactoryContext & { readonly resources?: () => readonly ResourceRef[] };
  /** Override of limits.maxNoteBytes. */
  readonly maxNoteBytes?: number;
}

/** Build a pipeline from a config: validates it, checks requires/assigns, builds each component. */
export function createPipeline(configInput: unknown, options: CreatePipelineOptions): Pipeline {
  const config: PipelineConfig = parsePipelineConfig(configInput);
  const { registry } = options;
  const provided = new Set<LayerName>();
  const components: Component[] = [];

  config.components.forEach((cc, index) => {
    const factory = registry.get(cc.name);
    if (!factory) {
      throw new ClinoteError(
        'CLINOTE_E_PIPELINE_UNKNOWN_COMPONENT',
        `components[${index}].name: unknown component '${cc.name}' (registered: ${registry.names().join(', ')})`,
        { component: cc.name },
      );
    }
    for (const layer of factory.requires) {
      if (!provided.has(layer)) {
        throw new ClinoteError(
          'CLINOTE_E_PIPELINE_MISSING_LAYER',
          `components[${index}] '${cc.name}' requires layer '${layer}', which no component before it assigns`,
          { component: cc.name, layer },
        );
      }
    }
    const opts = cc.options ?? {};
    const issues = schemaIssues(factory.options as TSchema, opts);
    if (issues.length > 0) {
      throw new ClinoteError(
        'CLINOTE_E_CONFIG_INVALID',
        `pipeline config: ${issues.map((i) => `components[${index}].options.${i}`).join('; ')}`,
        { component: cc.name, issues },
      );
    }
    const recorded: ResourceRef[] = [];
    const ctx: FactoryContext = {
      readResource: (path) => {
        const text = options.context.readResource(path);
        recorded.push({ path, sha256: sha256(text) });
        return text;
      },
      readResourceBytes: (path) => {
        const bytes = options.context.readResourceBytes(path);
        recorded.push({ path, sha256: sha256(bytes) });
        return bytes;
      },
    };
    const runFn = factory.create(opts as never, ctx);
    components.push({
      name: factory.name,
      version: factory.version,
      requires: factory.requires,
      assigns: factory.assigns,
      resources: recorded,
      outputs: factory.outputs ?? [],
      run: (doc) => {
        runFn(doc);
        return doc;
      },
    });
    for (const layer of factory.assigns) provided.add(layer);
  });

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

  const run = (doc: Doc): Doc => {
    for (const c of components) {
      try {
        c.run(doc);
      } catch (e) {
        throw new ClinoteError(
          'CLINOTE_E_PIPELINE_COMPONENT_FAILED',
          `component '${c.name}@${c.version}' failed on note '${doc.id}': ${e instanceof Error ? e.message : String(e)}`,
          { component: c.name, note: doc.id },
          { cause: e },
        );
      }
      for (const layer of c.assigns) {
        if (!doc.has(layer)) {
          throw new ClinoteError(
            'CLINOTE_E_PIPELINE_COMPONENT_FAILED',
            `component '${c.name}@${c.version}' did not assign layer '${layer}' on note '${doc.id}'`,
            { component: c.name, note: doc.id, layer },
          );
        }
      }
    }
    return doc;
  };

  return {
    name: config.name,
    stamp,
    components,
    maxNoteBytes,
    layers: [...provided],
    run,
    process(input: NoteInput): ProcessOutcome {
      try {
        const bytes = input.byteLength ?? Buffer.byteLength(input.text, 'utf8');
        if (bytes > maxNoteBytes) {
          return {
            ok: false,
            id: input.id,
            error: new ClinoteError(
              'CLINOTE_E_INPUT_TOO_LARGE',
              `note '${input.id}' is ${bytes} bytes, over the limit of ${maxNoteBytes}`,
              { id: input.id, bytes, limit: maxNoteBytes },
            ),
          };
        }
        const doc = new Doc(input.text, {
          id: input.id,
          ...(input.meta ? { meta: input.meta } : {}),
          ...(input.flags ? { flags: [...input.flags] } : {}),
        });
        return { ok: true, doc: run(doc) };
      } catch (e) {
        return { ok: false, id: input.id, error: toClinoteError(e) };
      }
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

/**
 * The server config (`clinote serve --config server.json`, docs/server.md): validated like the
 * pipeline config (TypeBox; unknown keys refused; every error names its key). Named pipelines only:
 * a request names one of `pipelines`, it never sends a config or a path.
 */

import { dirname, isAbsolute, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { ClinoteError } from '../errors/error.js';
import { readJsonFile } from '../io/json-file.js';
import { schemaIssues } from '../pipeline/config.js';

const PipelineRef = Type.Union(
  [
    Type.String({
      minLength: 1,
      description: 'Path of a pipeline config (JSON), relative to the server config',
    }),
    Type.Object(
      { components: Type.Array(Type.Unknown()) },
      { additionalProperties: true, description: 'A pipeline config object (checked when it is built)' },
    ),
  ],
  { description: 'A pipeline config, inline or by path' },
);

const PipelineSpecSchema = Type.Object(
  {
    config: PipelineRef,
    pack: Type.Optional(
      Type.String({ minLength: 1, description: 'Terminology pack for its concepts component' }),
    ),
    threads: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Worker threads of this pipeline (0: the main thread)' }),
    ),
  },
  { additionalProperties: false },
);

const PipelineEntry = Type.Union([PipelineRef, PipelineSpecSchema]);

export const ServerConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Listen address (default 127.0.0.1)' })),
    port: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 65535, description: 'Listen port (default 8080)' }),
    ),
    pipelines: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }), PipelineEntry, {
        description:
          'Named pipelines; `default` serves requests that name none (default: the built-in pipeline)',
      }),
    ),
    defaultPipeline: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Pipeline of requests that name none (default `default`, else the first)',
      }),
    ),
    threads: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 256,
        description: 'Worker threads per pipeline (default: cores; 0: the main thread)',
      }),
    ),
    store: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Key store and audit log: a SQLite path or a postgres:// URL',
      }),
    ),
    auth: Type.Optional(
      Type.Object(
        {
          required: Type.Optional(Type.Boolean({ description: 'Require an API key (default true)' })),
          rateLimitPerMinute: Type.Optional(
            Type.Integer({ minimum: 1, description: 'Per key, when the key sets none (default 6000)' }),
          ),
          cacheTtlMs: Type.Optional(
            Type.Integer({
              minimum: 0,
              description: 'How long an authenticated key is cached (default 5000)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    limits: Type.Optional(
      Type.Object(
        {
          maxBodyBytes: Type.Optional(
            Type.Integer({ minimum: 1024, description: 'Largest request body (default 16 MiB)' }),
          ),
          maxBatchNotes: Type.Optional(
            Type.Integer({ minimum: 1, description: 'Most notes per batch request (default 1000)' }),
          ),
          maxQueuedNotes: Type.Optional(
            Type.Integer({
              minimum: 1,
              description: 'Notes waiting for a thread before requests are shed with 503 (default 512)',
            }),
          ),
          requestTimeoutMs: Type.Optional(
            Type.Integer({
              minimum: 1,
              description: 'Deadline per request, through the run context (default 30000)',
            }),
          ),
          maxEventLoopDelayMs: Type.Optional(
            Type.Integer({
              minimum: 0,
              description: 'Shed when the event loop lags more (default 1000; 0: off)',
            }),
          ),
          maxRssBytes: Type.Optional(
            Type.Integer({ minimum: 0, description: 'Shed when RSS is higher (default 0: off)' }),
          ),
          retryAfterSeconds: Type.Optional(
            Type.Integer({ minimum: 1, description: 'Retry-After of a 503 (default 1)' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    batching: Type.Optional(
      Type.Object(
        {
          maxBatchNotes: Type.Optional(
            Type.Integer({
              minimum: 1,
              description: 'Most notes of concurrent requests run together (default 32)',
            }),
          ),
          maxDelayMs: Type.Optional(
            Type.Number({
              minimum: 0,
              description: 'Longest a note waits for others to fill a batch (default 0: none)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    shutdown: Type.Optional(
      Type.Object(
        {
          graceMs: Type.Optional(
            Type.Integer({
              minimum: 0,
              description: 'After SIGTERM: readiness false for this long before closing (default 0)',
            }),
          ),
          drainTimeoutMs: Type.Optional(
            Type.Integer({ minimum: 0, description: 'Longest wait for in-flight requests (default 30000)' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    log: Type.Optional(
      Type.Object(
        {
          level: Type.Optional(
            Type.Union(
              ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    docs: Type.Optional(Type.Boolean({ description: 'Serve /openapi.json and /docs (default true)' })),
    registry: Type.Optional(
      Type.Object(
        {
          store: Type.Optional(
            Type.String({
              minLength: 1,
              description: 'The registry store (default: `store`, else the default store)',
            }),
          ),
          artifacts: Type.Optional(
            Type.String({
              minLength: 1,
              description: 'The artifact folder (default: beside the SQLite store)',
            }),
          ),
          pollMs: Type.Optional(
            Type.Integer({
              minimum: 0,
              description: 'How often aliases and stored deployments are read (default 2000; 0: never)',
            }),
          ),
          windowMs: Type.Optional(
            Type.Integer({ minimum: 1000, description: 'Online comparison window (default 60000)' }),
          ),
          shadowQueueMax: Type.Optional(
            Type.Integer({
              minimum: 1,
              description: 'Mirrored notes pending at most; more are dropped and counted (default 256)',
            }),
          ),
        },
        { additionalProperties: false, description: 'The model registry (docs/registry.md)' },
      ),
    ),
    monitoring: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(
            Type.Boolean({ description: 'Profile every served result and watch for drift (default true)' }),
          ),
          windowSeconds: Type.Optional(
            Type.Integer({ minimum: 1, description: 'Length of a monitoring window (default 300)' }),
          ),
          webhook: Type.Optional(
            Type.String({ pattern: '^https?://', description: 'POST each drift alert here (JSON)' }),
          ),
          drift: Type.Optional(
            Type.Unknown({
              description: 'Drift settings (docs/monitoring.md): minNotes, driftShare, features...',
            }),
          ),
        },
        { additionalProperties: false, description: 'Live monitoring and drift alerts (docs/monitoring.md)' },
      ),
    ),
    deployments: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }), Type.Unknown(), {
        description:
          'Deployments: champion, canary, shadow (docs/registry.md); requests name one as their pipeline. A deployment stored in the registry with the same name wins',
      }),
    ),
  },
  { additionalProperties: false, $id: 'https://clinote.dev/schemas/server-config.json' },
);

export type ServerConfigInput = Static<typeof ServerConfigSchema>;

/** One named pipeline as the server loads it. */
export interface PipelineSpec {
  readonly name: string;
  /** The config object, or an absolute path. */
  readonly config: unknown;
  readonly configPath?: string;
  readonly pack?: string;
  readonly threads: number;
  /** A registered pipeline (`models:/NAME@ALIAS`, `models:/NAME/VERSION`), resolved when the engine starts. */
  readonly modelUri?: string;
  /** The registry that resolves `modelUri` (docs/registry.md). */
  readonly registry?: { readonly store?: string; readonly artifacts?: string };
}

/** The config with every default applied. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly pipelines: readonly PipelineSpec[];
  readonly defaultPipeline: string;
  readonly store: string | undefined;
  readonly auth: {
    readonly required: boolean;
    readonly rateLimitPerMinute: number;
    readonly cacheTtlMs: number;
  };
  readonly limits: {
    readonly maxBodyBytes: number;
    readonly maxBatchNotes: number;
    readonly maxQueuedNotes: number;
    readonly requestTimeoutMs: number;
    readonly maxEventLoopDelayMs: number;
    readonly maxRssBytes: number;
    readonly retryAfterSeconds: number;
  };
  readonly batching: { readonly maxBatchNotes: number; readonly maxDelayMs: number };
  readonly shutdown: { readonly graceMs: number; readonly drainTimeoutMs: number };
  readonly logLevel: string;
  readonly docs: boolean;
  /** The model registry, when configured (`registry`); deployments need it. */
  readonly registry?: {
    readonly store?: string;
    readonly artifacts?: string;
    readonly pollMs: number;
    readonly windowMs: number;
    readonly shadowQueueMax: number;
  };
  /** Deployments by name, as given (validated when the server starts: src/registry/deployment.ts). */
  readonly deployments?: Readonly<Record<string, unknown>>;
  /** Live monitoring (docs/monitoring.md); `drift` is checked when the server starts. */
  readonly monitoring: {
    readonly enabled: boolean;
    readonly windowMs: number;
    readonly webhook?: string;
    readonly drift?: unknown;
  };
}

export interface ResolveOptions {
  /** Directory that relative pipeline paths are resolved against. */
  readonly baseDir?: string;
  /** Threads per pipeline when the config sets none (default 1; the CLI: cores). */
  readonly threads?: number;
  /** Threads per pipeline whatever the config's `threads` says (`--threads`); a pipeline's own `threads` still wins. */
  readonly threadsOverride?: number;
}

function invalid(source: string, issues: string[]): ClinoteError {
  return new ClinoteError('CLINOTE_E_SERVER_CONFIG_INVALID', `${source}: ${issues.join('; ')}`, { issues });
}

/** Validate a parsed server config and apply the defaults; throws CLINOTE_E_SERVER_CONFIG_INVALID naming every bad key. */
export function parseServerConfig(
  value: unknown,
  options: ResolveOptions = {},
  source = 'server config',
): ServerConfig {
  const issues = schemaIssues(ServerConfigSchema, value);
  // a `{ config, ... }` entry: name its own bad keys (a union's error names only the entry)
  const raw = (value as { pipelines?: unknown } | null)?.pipelines;
  if (typeof raw === 'object' && raw !== null) {
    for (const [name, entry] of Object.entries(raw)) {
      if (typeof entry !== 'object' || entry === null || !('config' in entry)) continue;
      for (const issue of schemaIssues(PipelineSpecSchema, entry)) {
        issues.push(
          issue.startsWith('(root)') ? `pipelines.${name}${issue.slice(6)}` : `pipelines.${name}.${issue}`,
        );
      }
    }
  }
  if (issues.length > 0) throw invalid(source, [...new Set(issues)]);
  const c = value as ServerConfigInput;
  const baseDir = options.baseDir ?? process.cwd();
  const threads = options.threadsOverride ?? c.threads ?? options.threads ?? 1;
  const entries = Object.entries(c.pipelines ?? { default: 'builtin:default' });
  if (entries.length === 0) throw invalid(source, ['pipelines: at least one pipeline is needed']);
  const pipelines = entries.map(([name, entry]): PipelineSpec => {
    const isSpec = typeof entry === 'object' && entry !== null && 'config' in entry;
    const ref = isSpec ? (entry as { config: unknown }).config : entry;
    const extra = isSpec ? (entry as { pack?: string; threads?: number }) : {};
    const base = {
      name,
      threads: extra.threads ?? threads,
      ...(extra.pack !== undefined
        ? { pack: isAbsolute(extra.pack) ? extra.pack : resolve(baseDir, extra.pack) }
        : {}),
    };
    if (ref === 'builtin:default') return { ...base, config: undefined };
    if (typeof ref === 'string' && ref.startsWith('models:/')) {
      const store = c.registry?.store ?? c.store;
      const registry = {
        ...(store !== undefined ? { store } : {}),
        ...(c.registry?.artifacts !== undefined ? { artifacts: c.registry.artifacts } : {}),
      };
      return { ...base, config: undefined, modelUri: ref, registry };
    }
    if (typeof ref === 'string') {
      const path = isAbsolute(ref) ? ref : resolve(baseDir, ref);
      return { ...base, config: undefined, configPath: path };
    }
    return { ...base, config: ref };
  });
  const names = pipelines.map((p) => p.name);
  const defaultPipeline = c.defaultPipeline ?? (names.includes('default') ? 'default' : (names[0] as string));
  const deployments = c.deployments ?? {};
  const clash = Object.keys(deployments).filter((d) => names.includes(d));
  if (clash.length > 0 && c.pipelines !== undefined)
    throw invalid(
      source,
      clash.map((d) => `deployments.${d}: a pipeline has the same name`),
    );
  if (!names.includes(defaultPipeline) && !Object.hasOwn(deployments, defaultPipeline))
    throw invalid(source, ['defaultPipeline: not one of pipelines']);
  return {
    host: c.host ?? '127.0.0.1',
    port: c.port ?? 8080,
    pipelines,
    defaultPipeline,
    store: c.store,
    auth: {
      required: c.auth?.required ?? true,
      rateLimitPerMinute: c.auth?.rateLimitPerMinute ?? 6000,
      cacheTtlMs: c.auth?.cacheTtlMs ?? 5000,
    },
    limits: {
      maxBodyBytes: c.limits?.maxBodyBytes ?? 16 * 1024 * 1024,
      maxBatchNotes: c.limits?.maxBatchNotes ?? 1000,
      maxQueuedNotes: c.limits?.maxQueuedNotes ?? 512,
      requestTimeoutMs: c.limits?.requestTimeoutMs ?? 30_000,
      maxEventLoopDelayMs: c.limits?.maxEventLoopDelayMs ?? 1000,
      maxRssBytes: c.limits?.maxRssBytes ?? 0,
      retryAfterSeconds: c.limits?.retryAfterSeconds ?? 1,
    },
    batching: { maxBatchNotes: c.batching?.maxBatchNotes ?? 32, maxDelayMs: c.batching?.maxDelayMs ?? 0 },
    shutdown: { graceMs: c.shutdown?.graceMs ?? 0, drainTimeoutMs: c.shutdown?.drainTimeoutMs ?? 30_000 },
    logLevel: c.log?.level ?? 'info',
    docs: c.docs ?? true,
    ...(c.registry !== undefined
      ? {
          registry: {
            ...(c.registry.store !== undefined ? { store: c.registry.store } : {}),
            ...(c.registry.artifacts !== undefined
              ? {
                  artifacts: isAbsolute(c.registry.artifacts)
                    ? c.registry.artifacts
                    : resolve(baseDir, c.registry.artifacts),
                }
              : {}),
            pollMs: c.registry.pollMs ?? 2000,
            windowMs: c.registry.windowMs ?? 60_000,
            shadowQueueMax: c.registry.shadowQueueMax ?? 256,
          },
        }
      : {}),
    deployments,
    monitoring: {
      enabled: c.monitoring?.enabled ?? true,
      windowMs: (c.monitoring?.windowSeconds ?? 300) * 1000,
      ...(c.monitoring?.webhook !== undefined ? { webhook: c.monitoring.webhook } : {}),
      ...(c.monitoring?.drift !== undefined ? { drift: c.monitoring.drift } : {}),
    },
  };
}

/** Read and validate a server config file; relative paths in it are resolved against its directory. */
export function readServerConfig(path: string, options: Omit<ResolveOptions, 'baseDir'> = {}): ServerConfig {
  const value = readJsonFile(path, 'server config', { unreadable: 'CLINOTE_E_SERVER_CONFIG_INVALID' });
  return parseServerConfig(value, { ...options, baseDir: dirname(resolve(path)) }, `server config '${path}'`);
}

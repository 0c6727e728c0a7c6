/**
 * The HTTP server of `clinote serve` (docs/server.md): fastify 5 with TypeBox route schemas, API
 * keys with scopes and rate limits, Prometheus metrics, problem+json errors, the Open Inference
 * Protocol v2, micro-batches of notes on worker threads, load shedding and a graceful drain.
 *
 * PHI: no log line, metric label, audit record or error body carries note text, extracted values
 * or request bodies. Logs carry the route pattern (never a URL), the request id, the tenant,
 * statuses, timings, counts and codes.
 */
import { Readable } from 'node:stream';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import underPressure from '@fastify/under-pressure';
import { type Static, Type } from '@sinclair/typebox';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { BatchRecord, RecordOptions } from '../batch/records.js';
import { errorRecord } from '../batch/records.js';
import { errorSpec } from '../errors/catalogue.js';
import { ClinoteError, jsonErrorReason } from '../errors/error.js';
import { parseDriftConfig } from '../monitoring/drift.js';
import { FeedbackStore } from '../monitoring/feedback.js';
import { LiveMonitor } from '../monitoring/live.js';
import type { ProfileKey } from '../monitoring/profile.js';
import { errorOutcome } from '../output/fhir/format.js';
import type { ErrorResult } from '../output/schema.js';
import type { NoteInput } from '../pipeline/pipeline.js';
import type { Registry } from '../registry/registry.js';
import type { Scope, Store } from '../store/types.js';
import { ANONYMOUS, Authenticator, type Caller } from './auth.js';
import type { ServerConfig } from './config.js';
import { Deployments, type Routed } from './deployments.js';
import { Dispatcher, type Engine, Overloaded } from './dispatcher.js';
import { feedbackRoutes } from './feedback-routes.js';
import { notesOfFhir } from './fhir-input.js';
import { ServerMetrics } from './metrics.js';
import { monitoringRoutes } from './monitoring-routes.js';
import { serverError, toProblem } from './problem.js';
import { registryRoutes } from './registry-routes.js';
import { type TraceContext, traceOf, traceparent } from './trace.js';
import { uiPlugin } from './ui.js';

/** A named pipeline the server loaded. */
export interface LoadedPipeline {
  readonly name: string;
  readonly engine: Engine;
  readonly dispatcher: Dispatcher;
}

export interface ServerState {
  /** False while starting and from SIGTERM on: readiness fails, API requests get 503. */
  ready: boolean;
}

export interface CreateServerOptions {
  /** The engine of each named pipeline (already started), by name. */
  readonly engines: ReadonlyMap<string, Engine>;
  /** Keys and audit log; required when auth is on. */
  readonly store?: Store;
  /** Where the JSON log lines go (default stdout); `false`: no logging. */
  readonly logStream?: { write(line: string): unknown } | false;
  /** Default true: process metrics (RSS, event loop lag, GC) in /metrics. */
  readonly processMetrics?: boolean;
  /** Server version for `GET /v2`. */
  readonly version?: string;
  /**
   * The model registry (deployments, /v1/registry/...). Default: opened from `config.registry` when
   * set or when there are deployments, else built on `store` when it is a real store.
   */
  readonly registry?: Registry;
}

export interface ClinoteServer {
  readonly app: FastifyInstance;
  readonly config: ServerConfig;
  readonly state: ServerState;
  readonly metrics: ServerMetrics;
  readonly pipelines: ReadonlyMap<string, LoadedPipeline>;
  /** The deployments (champion, canary, shadow), when a registry is open (docs/registry.md). */
  readonly deployments: Deployments | undefined;
  /** Live monitoring (docs/monitoring.md), unless `monitoring.enabled` is false. */
  readonly monitor: LiveMonitor | undefined;
  /** Readiness false, wait `graceMs`, stop taking connections, drain in-flight requests, close. */
  shutdown(): Promise<void>;
}

interface RouteConfig {
  /** The scope an API key needs (absent: a public route: health, docs). */
  readonly scope?: Scope;
  /** Content types the route reads. */
  readonly accepts?: readonly string[];
  /** Written to the audit log. */
  readonly audit?: boolean;
  /** Open Inference Protocol route: errors also carry `error`. */
  readonly oip?: boolean;
}

interface RequestContext {
  readonly trace: TraceContext;
  readonly start: number;
  caller: Caller | undefined;
  notes: number;
  bytes: number;
  readonly codes: Set<string>;
  pipeline: LoadedPipeline | undefined;
  /** The deployment route of the request (docs/registry.md). */
  served: Routed | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    clinote: RequestContext;
  }
  interface FastifyContextConfig {
    scope?: Scope;
    accepts?: readonly string[];
    audit?: boolean;
    oip?: boolean;
  }
}

const NoteId = Type.String({
  minLength: 1,
  maxLength: 256,
  description: 'The note id, echoed in the result',
});
const NoteDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}',
  description: 'ISO date the note was written (relative dates are normalized against it)',
});
const PipelineName = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'A pipeline the server loaded',
});

const ExtractBody = Type.Union(
  [
    Type.Object(
      {
        id: Type.Optional(NoteId),
        text: Type.String(),
        noteDate: Type.Optional(NoteDate),
        pipeline: Type.Optional(PipelineName),
      },
      { additionalProperties: false },
    ),
    Type.String({ description: 'text/plain: the note text' }),
  ],
  { description: 'application/json `{ id?, text, noteDate?, pipeline? }`, or text/plain' },
);
const FormatQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('fhir')], { description: 'json (default) or fhir' }),
    ),
    pipeline: Type.Optional(PipelineName),
  },
  { additionalProperties: false },
);
const FhirBody = Type.Object(
  { resourceType: Type.Union([Type.Literal('DocumentReference'), Type.Literal('Bundle')]) },
  {
    additionalProperties: true,
    description: 'A DocumentReference (inline base64 text/plain attachment) or a Bundle of them',
  },
);
const InferTensor = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    shape: Type.Array(Type.Integer({ minimum: -1 })),
    datatype: Type.String(),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    data: Type.Array(Type.Unknown()),
  },
  { additionalProperties: false },
);
const InferBody = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 256 })),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    inputs: Type.Array(InferTensor, { minItems: 1 }),
    outputs: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Type.String(), parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
const ModelParams = Type.Object({ name: Type.String(), version: Type.Optional(Type.String()) });

const JSON_TYPES = ['application/json'];

/** The `at ...` frames of a stack, without its first lines (the message). */
function framesOf(stack: string): string {
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .join('\n');
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

function jsonParser(
  _req: FastifyRequest,
  body: string | Buffer,
  done: (err: Error | null, body?: unknown) => void,
): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') {
    done(new ClinoteError('CLINOTE_E_SERVER_MALFORMED_REQUEST', 'the JSON body is empty'));
    return;
  }
  try {
    done(null, JSON.parse(text));
  } catch (e) {
    done(
      new ClinoteError(
        'CLINOTE_E_SERVER_MALFORMED_REQUEST',
        `the JSON body does not parse (${jsonErrorReason(e)})`,
      ),
    );
  }
}

/** A record's compact JSON as a Buffer (the worker's bytes as they are, when it came from a thread). */
function recordBytes(r: BatchRecord): Buffer | string {
  const b = r.body.bytes;
  return b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : r.body.json;
}

/** The FHIR form of a record: its Bundle, or an OperationOutcome for an error. */
function fhirRecordJson(r: BatchRecord): Buffer | string {
  return r.type === 'result' ? recordBytes(r) : JSON.stringify(errorOutcome(r.body.value as ErrorResult));
}

function splitChunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Build the server (not listening): routes, hooks, metrics. */
export async function createServer(
  config: ServerConfig,
  options: CreateServerOptions,
): Promise<ClinoteServer> {
  const metrics = new ServerMetrics({ processMetrics: options.processMetrics !== false });
  const state: ServerState = { ready: false };
  if (config.auth.required && !options.store) {
    throw new ClinoteError(
      'CLINOTE_E_SERVER_CONFIG_INVALID',
      'auth.required is true but no key store is open',
    );
  }
  const auth = options.store
    ? new Authenticator(options.store.keys, {
        rateLimitPerMinute: config.auth.rateLimitPerMinute,
        cacheTtlMs: config.auth.cacheTtlMs,
      })
    : undefined;

  const pipelines = new Map<string, LoadedPipeline>();
  const newDispatcher = (name: string, engine: Engine): Dispatcher =>
    new Dispatcher(engine, {
      maxBatchNotes: config.batching.maxBatchNotes,
      maxDelayMs: config.batching.maxDelayMs,
      maxQueuedNotes: config.limits.maxQueuedNotes,
      hooks: {
        onComponent(component, ms, outcome, notes) {
          // from a worker: the sum over a chunk; observed once, per note
          metrics.component.observe({ pipeline: name, component, outcome }, ms / 1000 / Math.max(1, notes));
        },
      },
      onDepth(queued, inFlight) {
        metrics.queueDepth.set({ pipeline: name }, queued);
        metrics.inFlight.set({ pipeline: name }, inFlight);
      },
      onBatch(notes) {
        metrics.batchSize.observe({ pipeline: name }, notes);
      },
    });
  for (const spec of config.pipelines) {
    const engine = options.engines.get(spec.name);
    if (!engine) throw new ClinoteError('CLINOTE_E_INTERNAL', `no engine for pipeline '${spec.name}'`);
    const name = spec.name;
    pipelines.set(name, { name, engine, dispatcher: newDispatcher(name, engine) });
  }

  // ---- the model registry and the deployments (docs/registry.md)
  let registry = options.registry;
  let ownRegistry = false;
  if (!registry && (config.registry !== undefined || Object.keys(config.deployments ?? {}).length > 0)) {
    const { openRegistry } = await import('../registry/registry.js');
    const url = config.registry?.store ?? config.store;
    registry = await openRegistry({
      ...(url !== undefined ? { url } : {}),
      ...(config.registry?.artifacts !== undefined ? { artifacts: config.registry.artifacts } : {}),
    });
    ownRegistry = true;
  } else if (!registry && options.store && 'db' in options.store && 'location' in options.store) {
    const { Registry: RegistryClass } = await import('../registry/registry.js');
    const { ArtifactStore, defaultArtifactRoot } = await import('../registry/artifacts.js');
    registry = new RegistryClass(
      options.store as import('../store/index.js').OpenedStore,
      new ArtifactStore(defaultArtifactRoot(config.store)),
    );
  }
  let deployments: Deployments | undefined;
  let warnLater = (_what: string, _code: string): void => {};
  if (registry) {
    const { startEngine } = await import('./engines.js');
    deployments = new Deployments({
      registry,
      configured: config.deployments ?? {},
      metrics: metrics.registry,
      requestTimeoutMs: config.limits.requestTimeoutMs,
      ...(config.registry !== undefined
        ? {
            pollMs: config.registry.pollMs,
            windowMs: config.registry.windowMs,
            shadowQueueMax: config.registry.shadowQueueMax,
          }
        : {}),
      // background failures (a variant that does not load, a store write): codes only, once the logger exists
      warn: (what, code) => warnLater(what, code),
      async load(label, pipelineConfig, threads) {
        const engine = await startEngine({
          name: label,
          config: pipelineConfig,
          threads: threads ?? config.pipelines[0]?.threads ?? 1,
        });
        return { name: label, engine, dispatcher: newDispatcher(label, engine) };
      },
    });
    try {
      await deployments.start();
    } catch (e) {
      await deployments.close().catch(() => {});
      if (ownRegistry) await registry.close().catch(() => {});
      throw e;
    }
  }

  const logStream = options.logStream;
  const app = Fastify({
    logger:
      logStream === false
        ? false
        : {
            level: config.logLevel,
            ...(logStream ? { stream: logStream } : {}),
            // never the URL (a query string may carry anything), headers or bodies
            serializers: {
              req: (req: FastifyRequest) => ({
                method: req.method,
                route: req.routeOptions?.url ?? 'unmatched',
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              // an error's type, code and stack frames: never its message (it may quote input)
              err: (err: { code?: unknown; name?: unknown; stack?: unknown }) => ({
                type: typeof err?.name === 'string' ? err.name : 'Error',
                message: '',
                stack: typeof err?.stack === 'string' ? framesOf(err.stack) : '',
                ...(typeof err?.code === 'string' ? { code: err.code } : {}),
              }),
            },
          },
    // no 'incoming request' / 'request completed' lines: ours (onResponse) has the route pattern, never the URL
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given)
        ? given
        : `req-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    },
    bodyLimit: config.limits.maxBodyBytes,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  warnLater = (what, code) => app.log.warn({ code }, what);

  // ---- live monitoring (docs/monitoring.md): profiles per window, drift against the reference
  const monitorStore =
    options.store && 'db' in options.store && 'location' in options.store
      ? (options.store as import('../store/index.js').OpenedStore)
      : registry?.store;
  const monitor = config.monitoring.enabled
    ? new LiveMonitor(
        {
          windowMs: config.monitoring.windowMs,
          drift:
            config.monitoring.drift !== undefined
              ? parseDriftConfig(config.monitoring.drift, 'server config monitoring.drift')
              : {},
          ...(config.monitoring.webhook !== undefined ? { webhook: config.monitoring.webhook } : {}),
        },
        {
          ...(monitorStore ? { store: monitorStore } : {}),
          hooks: {
            onReport(key, report) {
              metrics.driftShare.set(
                { deployment: key.deployment, version: key.version },
                report.dataset.share,
              );
              for (const f of report.features)
                if (f.distance !== null)
                  metrics.driftDistance.set({ deployment: key.deployment, feature: f.name }, f.distance);
            },
            onAlert(alert) {
              metrics.driftAlerts.inc({ deployment: alert.key.deployment });
              app.log.warn(
                {
                  code: 'CLINOTE_W_MONITOR_DRIFT',
                  deployment: alert.key.deployment,
                  version: alert.key.version,
                  tenant: alert.key.tenant,
                  drifted: alert.drifted,
                  share: alert.share,
                },
                'drift: the current window differs from the reference',
              );
            },
            onError: (what, code) => app.log.warn({ code }, what),
            // the parts of the profiles that the engines' worker threads keep
            drain: async () => {
              await Promise.all([...monitoredEngines].map((e) => e.profiles?.drain()));
            },
          },
        },
      )
    : undefined;
  /** Engines whose worker threads keep profiles (Engine.profiles), and the keys of their groups. */
  const monitoredEngines = new Set<Engine>();
  const groupIds = new Map<string, number>();
  const groupKeys: ProfileKey[] = [];
  monitor?.start();

  // ---- body parsers: ours, so that a parse error never quotes the body
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/fhir+json'], { parseAs: 'string' }, jsonParser);
  app.addContentTypeParser(
    ['text/plain', 'application/x-ndjson', 'application/jsonl', 'application/ndjson'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  app.decorateRequest('clinote', null as unknown as RequestContext);

  const routeConfig = (req: FastifyRequest): RouteConfig => (req.routeOptions.config ?? {}) as RouteConfig;
  const tenantOf = (req: FastifyRequest): string =>
    req.clinote?.caller?.tenant ?? (config.auth.required ? 'unauthenticated' : 'anonymous');

  // ---- errors
  const sendProblem = (err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const { problem, retryAfter } = toProblem(err);
    req.clinote?.codes.add(problem.code);
    const caller = (err as { caller?: Caller } | null)?.caller;
    if (caller && req.clinote && !req.clinote.caller) req.clinote.caller = caller;
    if (problem.status >= 500 && problem.code === 'CLINOTE_E_INTERNAL') {
      req.log.error({ err, code: problem.code }, 'internal error');
    }
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    const body = {
      ...problem,
      instance: `urn:clinote:request:${req.id}`,
      ...(routeConfig(req).oip ? { error: problem.detail } : {}),
    };
    return reply.code(problem.status).type('application/problem+json').send(body);
  };
  app.setErrorHandler((err, req, reply) => sendProblem(err, req, reply));
  app.setNotFoundHandler((req, reply) =>
    sendProblem(serverError('CLINOTE_E_SERVER_NOT_FOUND', 'no such route'), req, reply),
  );

  // ---- shedding under pressure (event loop lag, RSS): 503 + Retry-After at once
  await app.register(underPressure, {
    maxEventLoopDelay: config.limits.maxEventLoopDelayMs,
    maxRssBytes: config.limits.maxRssBytes,
    retryAfter: config.limits.retryAfterSeconds,
    pressureHandler: async (req: FastifyRequest, _reply: FastifyReply, type: string) => {
      if (!routeConfig(req).scope) return; // health, metrics and docs still answer
      metrics.shed.inc({ reason: 'pressure' });
      throw serverError(
        'CLINOTE_E_SERVER_OVERLOADED',
        `the server is under pressure (${type}): retry later`,
        config.limits.retryAfterSeconds,
      );
    },
  });

  // ---- request context, readiness, auth, media types
  app.addHook('onRequest', async (req) => {
    req.clinote = {
      trace: traceOf(req.headers.traceparent),
      start: performance.now(),
      caller: undefined,
      notes: 0,
      bytes: 0,
      codes: new Set(),
      pipeline: undefined,
      served: undefined,
    };
    const rc = routeConfig(req);
    if (!rc.scope) return;
    if (!state.ready) {
      metrics.shed.inc({ reason: 'shutdown' });
      throw serverError(
        'CLINOTE_E_SERVER_OVERLOADED',
        'the server is not ready (starting or shutting down)',
        config.limits.retryAfterSeconds,
      );
    }
    if (auth && config.auth.required) {
      req.clinote.caller = await auth.check(req.headers.authorization, rc.scope);
    } else req.clinote.caller = ANONYMOUS;
  });
  app.addHook('preParsing', async (req) => {
    const accepts = routeConfig(req).accepts;
    if (!accepts || req.method === 'GET' || req.method === 'HEAD') return;
    if (!accepts.includes(mediaType(req.headers['content-type']))) {
      throw serverError('CLINOTE_E_SERVER_UNSUPPORTED_MEDIA_TYPE', `this route reads ${accepts.join(', ')}`);
    }
  });
  app.addHook('onSend', async (req, reply) => {
    const served = req.clinote?.served;
    if (served) {
      // the version that served the request (its results' pipeline.name is NAME/VERSION too)
      void reply.header('x-clinote-deployment', served.deployment);
      void reply.header('x-clinote-model-version', served.label);
      void reply.header('x-clinote-variant', served.role);
    }
    if (req.clinote) void reply.header('traceparent', traceparent(req.clinote.trace));
    void reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const ctx = req.clinote;
    const rc = routeConfig(req);
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const tenant = tenantOf(req);
    const ms = ctx ? performance.now() - ctx.start : reply.elapsedTime;
    ctx?.served?.release();
    metrics.requests.inc({ route, method: req.method, status: String(status), tenant });
    metrics.latency.observe({ route, method: req.method, status: String(status) }, ms / 1000);
    const codes = ctx ? [...ctx.codes] : [];
    for (const code of codes) metrics.errors.inc({ code, tenant });
    if (!rc.scope && status < 400 && route !== 'unmatched') return; // health checks and scrapes: no line
    req.log.info(
      {
        route,
        method: req.method,
        status,
        tenant,
        keyId: ctx?.caller?.keyId,
        ms: Math.round(ms * 100) / 100,
        notes: ctx?.notes ?? 0,
        bytes: ctx?.bytes ?? 0,
        pipeline: ctx?.pipeline?.name,
        codes: codes.length > 0 ? codes : undefined,
        traceId: ctx?.trace.traceId,
      },
      'request',
    );
    if (rc.audit && options.store) {
      const p = ctx?.pipeline;
      options.store.audit
        .append({
          at: new Date().toISOString(),
          requestId: String(req.id),
          tenant,
          ...(ctx?.caller?.keyId !== undefined ? { keyId: ctx.caller.keyId } : {}),
          method: req.method,
          route,
          status,
          ...(p ? { pipeline: p.name, pipelineVersion: p.engine.pipeline.stamp.version } : {}),
          notes: ctx?.notes ?? 0,
          ...(codes[0] !== undefined ? { errorCode: codes[0] } : {}),
          ms: Math.round(ms * 100) / 100,
        })
        .catch((e: unknown) => req.log.warn({ err: e }, 'audit append failed'));
    }
  });

  // ---- OpenAPI
  if (config.docs) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Clinote API',
          version: options.version ?? '0.1.0',
          description: 'Clinical NLP over HTTP: see docs/server.md',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  }

  // ---- helpers of the extraction routes
  const pipelineOf = (name: string | undefined, req?: FastifyRequest): LoadedPipeline => {
    const wanted = name ?? config.defaultPipeline;
    if (req && deployments?.has(wanted)) {
      // a deployment: champion or canary (sticky by the hashed routing key), the version fixed for the request
      const key = req.headers[deployments.routingHeader(wanted)];
      const routed = deployments.route(
        wanted,
        typeof key === 'string' && key !== '' ? key : undefined,
        String(req.id),
      );
      if (routed) {
        req.clinote.served = routed;
        return routed.loaded;
      }
    }
    const p = pipelines.get(wanted);
    // the requested name is not echoed (it is input)
    if (!p) {
      throw serverError(
        'CLINOTE_E_SERVER_UNKNOWN_PIPELINE',
        `no such pipeline; loaded: ${[...pipelines.keys()].join(', ')}`,
      );
    }
    return p;
  };
  const deadlineOf = (): number => Date.now() + config.limits.requestTimeoutMs;
  const count = (
    req: FastifyRequest,
    p: LoadedPipeline,
    notes: readonly NoteInput[],
    records: readonly BatchRecord[],
  ): void => {
    const tenant = tenantOf(req);
    let bytes = 0;
    for (const n of notes) bytes += n.byteLength ?? Buffer.byteLength(n.text, 'utf8');
    let errors = 0;
    for (const r of records) {
      if (r.type === 'error') {
        errors++;
        req.clinote.codes.add(r.code);
      }
    }
    req.clinote.notes += notes.length;
    req.clinote.bytes += bytes;
    metrics.bytes.inc({ pipeline: p.name, tenant }, bytes);
    if (records.length - errors > 0)
      metrics.notes.inc({ pipeline: p.name, tenant, outcome: 'ok' }, records.length - errors);
    if (errors > 0) metrics.notes.inc({ pipeline: p.name, tenant, outcome: 'error' }, errors);
  };
  /** The monitoring key of a request's notes: the deployment and version that serve it, its tenant. */
  const monitorKey = (req: FastifyRequest, p: LoadedPipeline): ProfileKey => {
    const served = req.clinote.served;
    return {
      deployment: served?.deployment ?? p.name,
      version: served?.label ?? p.engine.pipeline.stamp.version,
      tenant: tenantOf(req),
    };
  };
  /**
   * The group number of a key, for an engine whose worker threads keep the profiles
   * (Engine.profiles): their parts come back by group and join the live monitor under the key.
   */
  const monitorGroup = (p: LoadedPipeline, key: ProfileKey): number | undefined => {
    const profiles = p.engine.profiles;
    if (!monitor || !profiles) return undefined;
    if (!monitoredEngines.has(p.engine)) {
      monitoredEngines.add(p.engine);
      profiles.onParts((parts) => {
        for (const [group, part] of parts) {
          const k = groupKeys[group];
          if (k) monitor.addPart(k, part);
        }
      });
    }
    const id = `${key.deployment}\u0000${key.version}\u0000${key.tenant}`;
    let group = groupIds.get(id);
    if (group === undefined) {
      group = groupKeys.length;
      groupIds.set(id, group);
      groupKeys.push(key);
    }
    return group;
  };
  const submit = (
    req: FastifyRequest,
    p: LoadedPipeline,
    notes: readonly NoteInput[],
    records: RecordOptions,
    deadline: number,
    force = false,
  ): Promise<BatchRecord[]> => {
    const t0 = performance.now();
    try {
      const options = monitor ? { ...records, observe: true } : records;
      const key = monitor ? monitorKey(req, p) : undefined;
      const group = key ? monitorGroup(p, key) : undefined;
      return p.dispatcher.submit(notes, options, deadline, force, group).then((out) => {
        count(req, p, notes, out);
        const served = req.clinote.served;
        const ms = performance.now() - t0;
        if (served && served.loaded === p) served.observe(notes, options, out, ms);
        if (monitor && key) {
          for (const r of out) {
            // a record's observation (the main-thread engine), or its note in a worker thread's part
            if (r.type === 'result') {
              if (r.observation) monitor.observe(key, r.observation, ms);
              else monitor.latency(key, ms);
            } else monitor.observeError(key, r.code, ms);
            metrics.monitoredNotes.inc({
              deployment: key.deployment,
              outcome: r.type === 'error' ? 'error' : 'ok',
            });
          }
        }
        return out;
      });
    } catch (e) {
      if (e instanceof Overloaded) metrics.shed.inc({ reason: 'queue' });
      throw Object.assign(e as object, { retryAfter: config.limits.retryAfterSeconds });
    }
  };
  /** A note's error ends a single-note request: its catalogue status, its meaning as the detail. */
  const recordError = (r: BatchRecord & { type: 'error' }): ClinoteError => {
    const spec = errorSpec(r.code);
    return new ClinoteError(spec ? spec.code : 'CLINOTE_E_INTERNAL', r.message);
  };
  /** Run several notes in chunks (one queue slot per chunk, two at a time), records in order. */
  async function* runChunks(
    req: FastifyRequest,
    p: LoadedPipeline,
    notes: readonly NoteInput[],
    records: RecordOptions,
    first: Promise<BatchRecord[]> | undefined,
    deadline: number,
  ): AsyncGenerator<BatchRecord[]> {
    const chunks = splitChunks(notes, config.batching.maxBatchNotes);
    const pending: Promise<BatchRecord[]>[] = [];
    let next = 0;
    if (first) {
      pending.push(first);
      next = 1;
    }
    while (pending.length > 0 || next < chunks.length) {
      while (pending.length < 2 && next < chunks.length) {
        pending.push(submit(req, p, chunks[next++] as NoteInput[], records, deadline, true));
      }
      yield await (pending.shift() as Promise<BatchRecord[]>);
    }
  }

  // ---- /v1/extract
  app.post(
    '/v1/extract',
    {
      config: { scope: 'extract', audit: true, accepts: [...JSON_TYPES, 'text/plain'] } satisfies RouteConfig,
      schema: {
        summary: 'Extract one note: the JSON result (schemas/result.schema.json) or a FHIR R4 Bundle',
        consumes: ['application/json', 'text/plain'],
        produces: ['application/json', 'application/fhir+json'],
        querystring: FormatQuery,
        body: ExtractBody,
      },
    },
    async (req, reply) => {
      const body = req.body as Static<typeof ExtractBody>;
      const q = req.query as Static<typeof FormatQuery>;
      const fields = typeof body === 'string' ? { text: body } : body;
      const p = pipelineOf(fields.pipeline ?? q.pipeline, req);
      req.clinote.pipeline = p;
      const note: NoteInput = {
        id: fields.id ?? 'note',
        text: fields.text,
        ...(fields.noteDate !== undefined ? { meta: { noteDate: fields.noteDate } } : {}),
      };
      const fhir = q.format === 'fhir';
      const [record] = await submit(req, p, [note], fhir ? { format: 'fhir' } : {}, deadlineOf());
      if (!record) throw serverError('CLINOTE_E_INTERNAL', 'no record');
      if (record.type === 'error') throw recordError(record);
      return reply.type(fhir ? 'application/fhir+json' : 'application/json').send(recordBytes(record));
    },
  );

  // ---- /v1/extract/batch: NDJSON in, NDJSON out, streamed in input order
  app.post(
    '/v1/extract/batch',
    {
      config: {
        scope: 'extract',
        audit: true,
        accepts: ['application/x-ndjson', 'application/jsonl', 'application/ndjson', 'text/plain'],
      } satisfies RouteConfig,
      schema: {
        summary:
          'Extract many notes: NDJSON lines `{ id?, text, noteDate? }` in, one result (or error) line per note out, in order',
        consumes: ['application/x-ndjson'],
        produces: ['application/x-ndjson'],
        querystring: FormatQuery,
        body: Type.String({ description: 'NDJSON: one `{ id?, text, noteDate? }` per line' }),
      },
    },
    async (req, reply) => {
      const q = req.query as Static<typeof FormatQuery>;
      const p = pipelineOf(q.pipeline, req);
      req.clinote.pipeline = p;
      const fhir = q.format === 'fhir';
      const lines = (req.body as string).split('\n');
      // each input line: a note to run, or an error record in its place
      const items: (NoteInput | BatchRecord)[] = [];
      for (let i = 0; i < lines.length; i++) {
        const line = (lines[i] as string).trim();
        if (line === '') continue;
        const lineId = `line ${i + 1}`;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (e) {
          items.push(
            errorRecord(
              lineId,
              new ClinoteError('CLINOTE_E_INPUT_MALFORMED_JSON', `${lineId}: ${jsonErrorReason(e)}`),
              p.engine.pipeline,
            ),
          );
          continue;
        }
        const v = value as { id?: unknown; text?: unknown; noteDate?: unknown } | null;
        const id =
          typeof v?.id === 'string' && v.id.length > 0 && v.id.length <= 256
            ? v.id
            : typeof v?.id === 'number'
              ? String(v.id)
              : lineId;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) {
          items.push(
            errorRecord(
              lineId,
              new ClinoteError('CLINOTE_E_INPUT_MALFORMED_JSON', `${lineId}: not a JSON object`),
              p.engine.pipeline,
            ),
          );
        } else if (typeof v.text !== 'string') {
          items.push(
            errorRecord(
              id,
              new ClinoteError('CLINOTE_E_INPUT_MISSING_FIELD', `${lineId}: no string field 'text'`),
              p.engine.pipeline,
            ),
          );
        } else {
          items.push({
            id,
            text: v.text,
            ...(typeof v.noteDate === 'string' ? { meta: { noteDate: v.noteDate } } : {}),
          });
        }
      }
      if (items.length > config.limits.maxBatchNotes) {
        throw serverError(
          'CLINOTE_E_SERVER_TOO_MANY_NOTES',
          `${items.length} notes; at most ${config.limits.maxBatchNotes} per request`,
        );
      }
      const notes = items.filter((x): x is NoteInput => !('type' in x));
      const records: RecordOptions = fhir ? { format: 'fhir' } : {};
      const deadline = deadlineOf();
      const firstChunk = notes.slice(0, config.batching.maxBatchNotes);
      // the first chunk is queued now: a full queue is a 503 before anything is streamed
      const first = firstChunk.length > 0 ? submit(req, p, firstChunk, records, deadline) : undefined;
      const errorCount = items.length - notes.length;
      if (errorCount > 0) {
        for (const x of items) if ('type' in x && x.type === 'error') req.clinote.codes.add(x.code);
        metrics.notes.inc({ pipeline: p.name, tenant: tenantOf(req), outcome: 'error' }, errorCount);
        req.clinote.notes += errorCount;
      }
      const line = fhir ? fhirRecordJson : recordBytes;
      async function* lines_(): AsyncGenerator<Buffer | string> {
        const out = runChunks(req, p, notes, records, first, deadline);
        let buffered: BatchRecord[] = [];
        for (const x of items) {
          if ('type' in x) {
            yield line(x);
            yield '\n';
            continue;
          }
          if (buffered.length === 0) {
            const n = await out.next();
            buffered = n.done ? [] : n.value;
          }
          const r = buffered.shift();
          if (r) {
            yield line(r);
            yield '\n';
          }
        }
      }
      return reply.type('application/x-ndjson').send(Readable.from(lines_(), { objectMode: false }));
    },
  );

  // ---- /v1/extract/fhir: FHIR in, FHIR out
  app.post(
    '/v1/extract/fhir',
    {
      config: {
        scope: 'extract',
        audit: true,
        accepts: ['application/fhir+json', 'application/json'],
      } satisfies RouteConfig,
      schema: {
        summary:
          'Extract a DocumentReference (inline base64 text/plain attachment) into a FHIR Bundle; a Bundle of them into a Bundle of Bundles (an OperationOutcome for a failed note)',
        consumes: ['application/fhir+json'],
        produces: ['application/fhir+json'],
        querystring: Type.Object({ pipeline: Type.Optional(PipelineName) }, { additionalProperties: false }),
        body: FhirBody,
      },
    },
    async (req, reply) => {
      const q = req.query as { pipeline?: string };
      const p = pipelineOf(q.pipeline, req);
      req.clinote.pipeline = p;
      const body = req.body as { resourceType: string };
      const notes = notesOfFhir(body);
      if (notes.length > config.limits.maxBatchNotes) {
        throw serverError(
          'CLINOTE_E_SERVER_TOO_MANY_NOTES',
          `${notes.length} notes; at most ${config.limits.maxBatchNotes} per request`,
        );
      }
      const deadline = deadlineOf();
      const chunks = splitChunks(notes, config.batching.maxBatchNotes);
      const first = submit(req, p, chunks[0] as NoteInput[], { format: 'fhir' }, deadline);
      const all: BatchRecord[] = [];
      for await (const part of runChunks(req, p, notes, { format: 'fhir' }, first, deadline))
        all.push(...part);
      reply.type('application/fhir+json');
      if (body.resourceType === 'DocumentReference') {
        const r = all[0] as BatchRecord;
        if (r.type === 'error') throw recordError(r);
        return reply.send(recordBytes(r));
      }
      const parts: (string | Buffer)[] = [
        `{"resourceType":"Bundle","type":"collection","timestamp":${JSON.stringify(new Date().toISOString())},"entry":[`,
      ];
      all.forEach((r, i) => {
        parts.push(i === 0 ? '{"resource":' : ',{"resource":', fhirRecordJson(r), '}');
      });
      parts.push(']}');
      return reply.send(Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x) : x))));
    },
  );

  // ---- what is loaded
  app.get(
    '/v1/pipelines',
    {
      config: { scope: 'extract', audit: true } satisfies RouteConfig,
      schema: { summary: 'The loaded pipelines, their versions and stamps' },
    },
    async () => ({
      default: config.defaultPipeline,
      pipelines: [...pipelines.values()].map((p) => ({
        name: p.name,
        default: p.name === config.defaultPipeline,
        stamp: p.engine.pipeline.stamp,
        threads: p.engine.threads,
        async: p.engine.pipeline.async,
        maxNoteBytes: p.engine.pipeline.maxNoteBytes,
        ...(p.engine.pipeline.timeoutMs !== undefined ? { timeoutMs: p.engine.pipeline.timeoutMs } : {}),
      })),
    }),
  );
  app.get(
    '/v1/components',
    {
      config: { scope: 'extract', audit: true } satisfies RouteConfig,
      schema: { summary: 'The registered components, and which loaded pipeline runs which version' },
    },
    async () => {
      const { defaultRegistry } = await import('../components/index.js');
      return {
        components: defaultRegistry()
          .list()
          .map((f) => ({
            name: f.name,
            version: f.version,
            description: f.description,
            requires: [...f.requires],
            assigns: [...f.assigns],
            loadedIn: [...pipelines.values()]
              .filter((p) =>
                p.engine.pipeline.stamp.components.some((c) => c.name === f.name && c.version === f.version),
              )
              .map((p) => p.name),
          })),
      };
    },
  );

  // ---- health
  const readyReply = (reply: FastifyReply) =>
    reply.code(state.ready ? 200 : 503).send({ ready: state.ready });
  app.get('/healthz', { schema: { summary: 'Liveness', hide: true } }, async () => ({ live: true }));
  app.get('/readyz', { schema: { summary: 'Readiness', hide: true } }, async (_req, reply) =>
    readyReply(reply),
  );

  // ---- metrics
  app.get(
    '/metrics',
    {
      config: config.auth.required ? ({ scope: 'admin' } satisfies RouteConfig) : {},
      schema: { summary: 'Prometheus metrics (admin scope when auth is on)' },
    },
    async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  // ---- Open Inference Protocol v2
  const oip = { oip: true } as const;
  app.get(
    '/v2',
    { config: { ...oip, scope: 'extract' }, schema: { summary: 'OIP v2 server metadata' } },
    async () => ({
      name: 'clinote',
      version: options.version ?? '0.1.0',
      extensions: [],
    }),
  );
  app.get('/v2/health/live', { config: oip, schema: { summary: 'OIP v2 liveness' } }, async () => ({
    live: true,
  }));
  app.get('/v2/health/ready', { config: oip, schema: { summary: 'OIP v2 readiness' } }, async (_req, reply) =>
    readyReply(reply),
  );
  const modelOf = (req: FastifyRequest): LoadedPipeline => {
    const { name, version } = req.params as Static<typeof ModelParams>;
    const p = pipelines.get(name);
    if (!p || (version !== undefined && version !== p.engine.pipeline.stamp.version)) {
      throw serverError(
        'CLINOTE_E_SERVER_NOT_FOUND',
        'no such model (or version); GET /v1/pipelines lists them',
      );
    }
    req.clinote.pipeline = p;
    return p;
  };
  const modelMeta = async (req: FastifyRequest) => {
    const p = modelOf(req);
    return {
      name: p.name,
      versions: [p.engine.pipeline.stamp.version],
      platform: 'clinote',
      inputs: [
        { name: 'text', datatype: 'BYTES', shape: [-1] },
        { name: 'id', datatype: 'BYTES', shape: [-1], parameters: { optional: true } },
        { name: 'note_date', datatype: 'BYTES', shape: [-1], parameters: { optional: true } },
      ],
      outputs: [{ name: 'result', datatype: 'BYTES', shape: [-1] }],
    };
  };
  const modelReady = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = modelOf(req);
    return reply.code(state.ready ? 200 : 503).send({ name: p.name, ready: state.ready });
  };
  const infer = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = modelOf(req);
    const body = req.body as Static<typeof InferBody>;
    const tensor = (name: string) => body.inputs.find((t) => t.name === name);
    const text = tensor('text') ?? (body.inputs.length === 1 ? body.inputs[0] : undefined);
    if (!text) throw serverError('CLINOTE_E_SERVER_INVALID_REQUEST', "inputs: no 'text' input");
    const strings = (t: typeof text, what: string): string[] => {
      if (t.datatype !== 'BYTES')
        throw serverError('CLINOTE_E_SERVER_INVALID_REQUEST', `inputs.${what}: datatype must be BYTES`);
      const data = t.data.flat(4);
      if (!data.every((d) => typeof d === 'string')) {
        throw serverError('CLINOTE_E_SERVER_INVALID_REQUEST', `inputs.${what}: data must hold strings`);
      }
      const size = t.shape.reduce((a, b) => a * b, 1);
      if (t.shape.some((d) => d < 0) || size !== data.length) {
        throw serverError(
          'CLINOTE_E_SERVER_INVALID_REQUEST',
          `inputs.${what}: shape does not match data (${data.length} items)`,
        );
      }
      return data as string[];
    };
    const texts = strings(text, 'text');
    const idT = tensor('id');
    const ids = idT ? strings(idT, 'id') : undefined;
    const dateT = tensor('note_date');
    const dates = dateT ? strings(dateT, 'note_date') : undefined;
    if ((ids && ids.length !== texts.length) || (dates && dates.length !== texts.length)) {
      throw serverError(
        'CLINOTE_E_SERVER_INVALID_REQUEST',
        'inputs: id and note_date must have one item per text',
      );
    }
    if (texts.length > config.limits.maxBatchNotes) {
      throw serverError(
        'CLINOTE_E_SERVER_TOO_MANY_NOTES',
        `${texts.length} notes; at most ${config.limits.maxBatchNotes} per request`,
      );
    }
    if (texts.length === 0) throw serverError('CLINOTE_E_SERVER_INVALID_REQUEST', 'inputs.text: no data');
    const notes: NoteInput[] = texts.map((t, i) => {
      const id = ids?.[i];
      const noteDate = dates?.[i];
      return {
        id: id !== undefined && id.length > 0 && id.length <= 256 ? id : String(i),
        text: t,
        ...(noteDate !== undefined && /^\d{4}-\d{2}-\d{2}/.test(noteDate) ? { meta: { noteDate } } : {}),
      };
    });
    const deadline = deadlineOf();
    const first = submit(req, p, notes.slice(0, config.batching.maxBatchNotes), {}, deadline);
    const data: string[] = [];
    for await (const part of runChunks(req, p, notes, {}, first, deadline)) {
      for (const r of part) data.push(JSON.stringify(r.body.json));
    }
    const head = JSON.stringify({
      model_name: p.name,
      model_version: p.engine.pipeline.stamp.version,
      ...(body.id !== undefined ? { id: body.id } : {}),
    });
    return reply
      .type('application/json')
      .send(
        `${head.slice(0, -1)},"outputs":[{"name":"result","datatype":"BYTES","shape":[${data.length}],"data":[${data.join(',')}]}]}`,
      );
  };
  const modelRoute = { ...oip, scope: 'extract' as const, audit: true };
  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get(
      prefix,
      { config: modelRoute, schema: { summary: 'OIP v2 model metadata', params: ModelParams } },
      modelMeta,
    );
    app.get(
      `${prefix}/ready`,
      { config: modelRoute, schema: { summary: 'OIP v2 model readiness', params: ModelParams } },
      modelReady,
    );
    app.post(
      `${prefix}/infer`,
      {
        config: { ...modelRoute, accepts: JSON_TYPES },
        schema: {
          summary:
            "OIP v2 inference: a BYTES input 'text' of shape [batch] -> a BYTES output 'result' (JSON results)",
          params: ModelParams,
          body: InferBody,
        },
      },
      infer,
    );
  }

  // ---- the web UI (docs/ui.md): public pages; the page's API calls send the user's key
  await app.register(uiPlugin);

  // ---- the model registry and deployments (docs/registry.md)
  registryRoutes(app as unknown as FastifyInstance, {
    registry: () => registry,
    deployments: () => deployments,
  });

  // ---- reviewers' feedback (docs/monitoring.md#feedback): in the server's store, else the registry's
  const feedbackStore = monitorStore ? new FeedbackStore(monitorStore) : undefined;
  feedbackRoutes(app as unknown as FastifyInstance, { feedback: () => feedbackStore, tenantOf });
  monitoringRoutes(app as unknown as FastifyInstance, {
    monitor: () => monitor,
    store: () => monitorStore,
    tenantOf,
  });

  if (config.docs) {
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }

  await app.ready();
  state.ready = true;
  metrics.ready.set(1);

  let shutting: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shutting ??= (async () => {
      state.ready = false;
      metrics.ready.set(0);
      if (config.shutdown.graceMs > 0) await new Promise((r) => setTimeout(r, config.shutdown.graceMs));
      const drained = (async () => {
        await app.close(); // stops accepting; waits for in-flight requests
        await Promise.all([...pipelines.values()].map((p) => p.dispatcher.idle()));
        await Promise.all((deployments?.running() ?? []).map((p) => p.dispatcher.idle()));
      })();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        drained,
        new Promise<void>((r) => {
          timer = setTimeout(r, config.shutdown.drainTimeoutMs);
        }),
      ]);
      if (timer) clearTimeout(timer);
      // the last window (with the worker threads' parts) closes before the threads stop
      await monitor?.close().catch(() => {});
      await Promise.all([...pipelines.values()].map((p) => p.engine.close()));
      await deployments?.close().catch(() => {});
      if (ownRegistry) await registry?.close().catch(() => {});
      await options.store?.audit.flush().catch(() => {});
    })();
    return shutting;
  };

  return { app, config, state, metrics, pipelines, deployments, monitor, shutdown };
}

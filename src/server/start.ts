/**
 * Start `clinote serve`: the engines of the named pipelines (worker threads, pipelines built once
 * per thread; config errors throw before listening), the key store, the app, then listen. Stop:
 * readiness goes false first, in-flight requests drain, then everything closes.
 */
import { availableParallelism } from 'node:os';
import { ClinoteError, errorReason } from '../errors/error.js';
import type { Store } from '../store/types.js';
import { type ClinoteServer, createServer } from './app.js';
import type { ServerConfig } from './config.js';
import type { Engine } from './dispatcher.js';
import { startEngine } from './engines.js';

export interface StartOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A store already open (tests, the benchmark); else the config's `store` is opened. */
  readonly store?: Store;
  readonly logStream?: { write(line: string): unknown } | false;
  /** Lines for the operator (start-up notes): stderr in the CLI. */
  readonly notice?: (line: string) => void;
  readonly workerFile?: string;
  readonly version?: string;
}

export interface RunningServer {
  readonly server: ClinoteServer;
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Readiness false, drain, close the engines and the store. */
  stop(): Promise<void>;
}

/** Threads per pipeline by default: one per core. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Open the key store and audit log (src/store). Kept behind this one function so the server can be
 * built and tested without it (tests pass a store of their own).
 */
export async function openServerStore(
  url: string | undefined,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<Store> {
  const { openStore } = await import('../store/index.js');
  // the server's authenticator caches verified keys itself (auth.cacheTtlMs): no second cache below
  // it, so a revoked key stops working within that one delay
  return openStore({ ...(url !== undefined ? { url } : {}), ...(env ? { env } : {}), keyCacheMs: 0 });
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const notice = options.notice ?? (() => {});
  const engines = new Map<string, Engine>();
  let store: Store | undefined = options.store;
  let ownStore = false;
  try {
    for (const spec of config.pipelines) {
      engines.set(
        spec.name,
        await startEngine(spec, options.workerFile !== undefined ? { workerFile: options.workerFile } : {}),
      );
    }
    if (!store && (config.auth.required || config.store !== undefined)) {
      store = await openServerStore(config.store, options.env);
      ownStore = true;
    }
    const server = await createServer(config, {
      engines,
      ...(store ? { store } : {}),
      ...(options.logStream !== undefined ? { logStream: options.logStream } : {}),
      ...(options.version !== undefined ? { version: options.version } : {}),
    });
    if (config.auth.required) notice('auth is on: every API route needs an API key (clinote keys create)');
    else {
      notice(
        "auth is OFF (auth.required: false): every request is served as tenant 'anonymous'; for local development only",
      );
    }
    let address: string;
    try {
      address = await server.app.listen({ host: config.host, port: config.port });
    } catch (e) {
      await server.shutdown();
      throw new ClinoteError(
        'CLINOTE_E_SERVER_LISTEN_FAILED',
        `cannot listen on ${config.host}:${config.port} (${errorReason(e)})`,
        { host: config.host, port: config.port },
        { cause: e },
      );
    }
    const port = (server.app.server.address() as { port: number }).port;
    for (const p of server.pipelines.values()) {
      const s = p.engine.pipeline.stamp;
      notice(
        `pipeline '${p.name}' ${s.version} on ${p.engine.threads} thread(s)${p.name === config.defaultPipeline ? ' (default)' : ''}`,
      );
    }
    notice(`listening on ${address}`);
    let stopping: Promise<void> | undefined;
    return {
      server,
      url: address,
      port,
      stop() {
        stopping ??= (async () => {
          await server.shutdown();
          if (ownStore) await store?.close();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await Promise.all([...engines.values()].map((x) => x.close().catch(() => {})));
    if (ownStore) await store?.close().catch(() => {});
    throw e;
  }
}

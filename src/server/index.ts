/**
 * The HTTP server of `clinote serve` (docs/server.md). `startServer(readServerConfig(path))` is what
 * the CLI runs; `createServer(config, { engines, store })` builds the app without listening (tests).
 */
export {
  type ClinoteServer,
  type CreateServerOptions,
  createServer,
  type LoadedPipeline,
  type ServerState,
} from './app.js';
export { ANONYMOUS, Authenticator, type Caller, TokenBucket } from './auth.js';
export {
  type PipelineSpec,
  parseServerConfig,
  readServerConfig,
  type ServerConfig,
  ServerConfigSchema,
} from './config.js';
export { Dispatcher, type DispatcherOptions, type Engine, Overloaded } from './dispatcher.js';
export { localEngine, startEngine } from './engines.js';
export { ServerMetrics } from './metrics.js';
export {
  defaultThreads,
  openServerStore,
  type RunningServer,
  type StartOptions,
  startServer,
} from './start.js';

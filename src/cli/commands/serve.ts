import { InvalidArgumentError } from 'commander';
import { nonEmpty } from '../options.js';
import type { CliCommand } from '../types.js';

interface ServeOptions {
  host?: string;
  port?: string;
  config?: string;
  threads?: string;
}

function port(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('expected a port number (0-65535).');
  return value;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  register(program, ctx) {
    program
      .command('serve')
      .description('the HTTP API (docs/server.md): /v1/extract, /v1/extract/batch, OIP v2, /metrics')
      .option('--host <host>', 'listen address (default: the config, else 127.0.0.1)', nonEmpty)
      .option('--port <port>', 'listen port (default: the config, else 8080)', port)
      .option('--config <file>', 'server config JSON: named pipelines, auth, limits, store (docs/server.md)')
      .option('--threads <n>', 'worker threads per pipeline (default: one per core; 0: the main thread)')
      .action(async (options: ServeOptions) => {
        try {
          const { parseServerConfig, readServerConfig } = await import('../../server/config.js');
          const { defaultThreads, startServer } = await import('../../server/start.js');
          const override = options.threads !== undefined ? Number(options.threads) : undefined;
          if (override !== undefined && (!Number.isInteger(override) || override < 0)) {
            throw new Error('--threads: expected an integer >= 0');
          }
          const resolve = {
            threads: defaultThreads(),
            ...(override !== undefined ? { threadsOverride: override } : {}),
          };
          const base = options.config
            ? readServerConfig(options.config, resolve)
            : parseServerConfig({}, resolve);
          const config = {
            ...base,
            ...(options.host !== undefined ? { host: options.host } : {}),
            ...(options.port !== undefined ? { port: Number(options.port) } : {}),
          };
          const running = await startServer(config, {
            ...(ctx.io.env ? { env: ctx.io.env } : {}),
            notice: (line) => ctx.log(line),
            // the JSON log lines on stdout (start-up notes and errors on stderr)
            logStream: ctx.io.stdout,
          });
          await new Promise<void>((resolve) => {
            const signal = ctx.io.signal;
            if (!signal) return; // no signal to wait for: run until the process is killed
            if (signal.aborted) resolve();
            else signal.addEventListener('abort', () => resolve(), { once: true });
          });
          ctx.log('stopping: readiness off, draining in-flight requests');
          await running.stop();
          ctx.log('stopped');
          ctx.exitCode = 0;
        } catch (e) {
          ctx.exitCode = ctx.reportError(e);
        }
      });
  },
};

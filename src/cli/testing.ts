/**
 * Test helpers for the CLI: run `clinote` in-process (`runCli`) with streams of our own, and
 * collect what it writes. Shared by the command tests; not part of the build.
 */
import { Readable, Writable } from 'node:stream';
import { runCli } from './cli.js';

/** What one in-process run of `clinote` gave. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A writable stream that keeps what is written (`onData` sees all the text so far after each write). */
export function collector(onData?: (text: string) => void): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const text = (): string => Buffer.concat(chunks).toString('utf8');
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      if (onData) onData(text());
      cb();
    },
  });
  return { stream, text };
}

/** `clinote ARGV...` in-process, with this stdin (empty by default) and environment (empty by default). */
export async function runCliForTest(
  argv: readonly string[],
  opts: { readonly stdin?: string | Buffer; readonly env?: Record<string, string> } = {},
): Promise<CliRun> {
  const out = collector();
  const err = collector();
  const code = await runCli([...argv], {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    env: opts.env ?? {},
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

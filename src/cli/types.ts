import type { Command } from 'commander';

/** The streams and environment of one CLI run (the process's, or test doubles). */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  /** `isTTY` decides the progress bar. */
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stdin: AsyncIterable<Buffer | Uint8Array | string>;
  /** Default: process.env (CLINOTE_DEBUG=1 prints stacks). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT: the batch stops reading, finishes the notes already read and closes its output. */
  readonly signal?: AbortSignal;
}

/** What a command's action gets: the streams, and where to put its exit code. */
export interface CliContext {
  readonly io: CliIO;
  exitCode: number;
  /** One line on stderr, prefixed `clinote: `. */
  log(line: string): void;
  /** Print an error line `clinote: error CODE: message` (and the stack with CLINOTE_DEBUG=1). */
  reportError(error: unknown): number;
}

/**
 * One subcommand. `register` adds it to the program; it must stay cheap: heavy modules are
 * imported inside the action, so `clinote --help` and the other commands do not load them.
 */
export interface CliCommand {
  readonly name: string;
  register(program: Command, ctx: CliContext): void;
}

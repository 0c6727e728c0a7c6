/**
 * The `clinote` command line, runnable in-process: `runCli(argv, io)` returns the exit code and
 * never throws, so tests need no subprocess. `main.ts` binds it to the process.
 *
 * Errors: usage → CLINOTE_E_CLI_USAGE (64); ClinoteError → its exit code (`exitCodeOf`,
 * ./exit-codes.ts); anything else → CLINOTE_E_INTERNAL (70). Stacks only with CLINOTE_DEBUG=1.
 */
import { Command, CommanderError } from 'commander';
import { ClinoteError } from '../errors/error.js';
import { packageVersion } from '../resources.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, exitCodeOf } from './exit-codes.js';
import type { CliContext, CliIO } from './types.js';

export { EXIT } from './exit-codes.js';
export type { CliCommand, CliContext, CliIO } from './types.js';

/** The package version. */
export function clinoteVersion(): string {
  return packageVersion();
}

function createContext(io: CliIO): CliContext {
  const env = io.env ?? process.env;
  const debug = env.CLINOTE_DEBUG === '1';
  const log = (line: string): void => {
    io.stderr.write(`clinote: ${line}\n`);
  };
  const stack = (e: unknown): void => {
    if (!debug) return;
    for (let c: unknown = e, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) {
      io.stderr.write(`${depth > 0 ? 'caused by: ' : ''}${c.stack ?? String(c)}\n`);
    }
  };
  return {
    io,
    exitCode: EXIT.ok,
    log,
    reportError(e) {
      if (e instanceof ClinoteError) {
        log(`error ${e.code}: ${e.message}`);
        stack(e);
        return exitCodeOf(e);
      }
      const message = e instanceof Error ? e.message : String(e);
      log(
        `error CLINOTE_E_INTERNAL: ${message}${debug ? '' : ' (run with CLINOTE_DEBUG=1 for the stack trace)'}`,
      );
      stack(e);
      return EXIT.internal;
    },
  };
}

/** Run `clinote <argv...>` (argv without the node and script paths). Never throws. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const ctx = createContext(io);
  try {
    const program = new Command('clinote');
    program
      .description('Clinical NLP engine: sections, sentences, concepts and assertions, with exact offsets.')
      .version(clinoteVersion(), '-V, --version', 'print the version')
      .helpOption('-h, --help', 'show help')
      .helpCommand(true)
      .exitOverride()
      .configureOutput({
        writeOut: (s) => {
          io.stdout.write(s);
        },
        writeErr: (s) => {
          io.stderr.write(s);
        },
        // usage errors are printed below, with their code
        outputError: () => {},
      });
    for (const command of COMMANDS) command.register(program, ctx);
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help, --version: exit 0; `clinote` alone prints the help on stderr: a usage error
      if (e.exitCode === 0 && e.code !== 'commander.help') return EXIT.ok;
      if (e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync') {
        ctx.log(`error CLINOTE_E_CLI_USAGE: a command is required (see clinote --help)`);
        return EXIT.usage;
      }
      const message = e.message.replace(/^error:\s*/, '').trim();
      ctx.log(`error CLINOTE_E_CLI_USAGE: ${message} (see clinote --help)`);
      return EXIT.usage;
    }
    return ctx.reportError(e);
  }
}

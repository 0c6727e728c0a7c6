#!/usr/bin/env node
/**
 * The `clinote` executable (package.json `bin`). Everything lives in ./cli.ts (`runCli`); this file
 * binds it to the process: streams, exit code, and signals (SIGINT, SIGTERM, SIGHUP: the first one
 * stops reading, finishes the notes already read and closes the output; the second quits at once).
 */
import { setFlagsFromString } from 'node:v8';
import { runCli } from './cli.js';

// V8 runs a regular expression in its interpreter first and compiles it again to machine code once
// it is hot: the large rule expressions (units, number words, sig phrases) paid both on the first
// notes, tens of milliseconds of a one-note run. Compiled once, straight to machine code, instead.
// (Flags read when an expression is compiled, so setting it here, before any note, is enough.)
setFlagsFromString('--no-regexp-tier-up');

const controller = new AbortController();
let interrupts = 0;
/** The first signal that stopped the run: its exit code is 128 + its number (SIGINT 130). */
let stoppedBy: { readonly name: string; readonly code: number } | undefined;
// Ctrl-C, a supervisor's SIGTERM, a closed terminal's SIGHUP: stop reading, finish the notes already
// read, close the output (a JSON document stays valid); a second signal quits at once
for (const [name, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.on(name, () => {
    interrupts++;
    if (interrupts > 1) process.exit(stoppedBy?.code ?? code);
    stoppedBy = { name, code };
    process.stderr.write(`clinote: ${name}: finishing the notes already read (again to quit now)\n`);
    controller.abort();
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // opened only when a command reads it (`-`): making the stream costs milliseconds
  stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
  env: process.env,
  signal: controller.signal,
});
// the command reports an interrupted run as 130 (EXIT.interrupted); say which signal it was
if (stoppedBy !== undefined && process.exitCode === 130) process.exitCode = stoppedBy.code;
// Everything is written: leave now rather than through the orderly teardown of the heap and the
// platform, which took tens of milliseconds after the last result. Only when no write is still
// pending on stdout or stderr (pipes are asynchronous on some systems); else exit as usual.
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();

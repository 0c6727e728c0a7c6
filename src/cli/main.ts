#!/usr/bin/env node
/**
 * The `clinote` executable (package.json `bin`). Everything lives in ./cli.ts (`runCli`); this file
 * binds it to the process: streams, exit code, and Ctrl-C (the first one stops reading, finishes the
 * notes already read and closes the output; the second one quits at once).
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
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('clinote: interrupted: finishing the notes already read (Ctrl-C again to quit now)\n');
  controller.abort();
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // opened only when a command reads it (`-`): making the stream costs milliseconds
  stdin: { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() },
  env: process.env,
  signal: controller.signal,
});
// Everything is written: leave now rather than through the orderly teardown of the heap and the
// platform, which took tens of milliseconds after the last result. Only when no write is still
// pending on stdout or stderr (pipes are asynchronous on some systems); else exit as usual.
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();

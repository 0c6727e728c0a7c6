#!/usr/bin/env node
/**
 * The `clinote` executable (package.json `bin`). Everything lives in ./cli.ts (`runCli`); this file
 * binds it to the process: streams, exit code, and Ctrl-C (the first one stops the batch after the
 * current note and closes the output; the second one quits at once).
 */
import { runCli } from './cli.js';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('clinote: interrupted: finishing the current note (Ctrl-C again to quit now)\n');
  controller.abort();
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: controller.signal,
});

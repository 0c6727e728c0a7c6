/**
 * The subcommands of `clinote`, in help order. One file per command; each imports its heavy code
 * lazily, inside its action.
 *
 * To add one (e.g. `clinote vocab build|info`): write `./vocab.ts` exporting a `CliCommand`, then
 * add it to this list.
 */
import type { CliCommand } from '../types.js';
import { auditCommand } from './audit.js';
import { codeCommand } from './code.js';
import { compareCommand } from './compare.js';
import { componentsCommand } from './components.js';
import { dbCommand } from './db.js';
import { evalCommand } from './eval.js';
import { experimentsCommand } from './experiments.js';
import { extractCommand } from './extract.js';
import { keysCommand } from './keys.js';
import { monitorCommand } from './monitor.js';
import { registryCommand } from './registry.js';
import { resultsCommand } from './results.js';
import { retrainCommand } from './retrain.js';
import { runsCommand } from './runs.js';
import { serveCommand } from './serve.js';
import { submitCommand } from './submit.js';
import { trainCommand } from './train.js';
import { vocabCommand } from './vocab.js';
import { workerCommand } from './worker.js';

export const COMMANDS: readonly CliCommand[] = [
  extractCommand,
  serveCommand,
  keysCommand,
  auditCommand,
  evalCommand,
  codeCommand,
  trainCommand,
  retrainCommand,
  componentsCommand,
  vocabCommand,
  dbCommand,
  submitCommand,
  workerCommand,
  runsCommand,
  resultsCommand,
  registryCommand,
  compareCommand,
  experimentsCommand,
  monitorCommand,
];

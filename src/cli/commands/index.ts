/**
 * The subcommands of `clinote`, in help order. One file per command; each imports its heavy code
 * lazily, inside its action.
 *
 * To add one (e.g. `clinote vocab build|info`): write `./vocab.ts` exporting a `CliCommand`, then
 * add it to this list.
 */
import type { CliCommand } from '../types.js';
import { componentsCommand } from './components.js';
import { evalCommand } from './eval.js';
import { extractCommand } from './extract.js';
import { vocabCommand } from './vocab.js';

export const COMMANDS: readonly CliCommand[] = [extractCommand, evalCommand, componentsCommand, vocabCommand];

/**
 * The options of `clinote extract`, as commander parses them: declared by the command
 * (./commands/extract.ts) and read by its action (./extract.ts), which both import this file (and
 * not each other).
 */
import type { EncodingChoice } from '../io/encoding.js';

export interface ExtractOptions {
  /** `--format`; absent: `summary` when stdout is a terminal, else `json`. */
  readonly format?: string;
  readonly out?: string;
  readonly pipeline?: string;
  readonly pack?: string;
  readonly textField: string;
  readonly idField: string;
  readonly dateField: string;
  readonly stdinFormat: 'text' | 'ndjson' | 'csv';
  readonly maxBytes?: number;
  /** `--encoding`: how input bytes are decoded (default `auto`). */
  readonly encoding?: EncodingChoice;
  readonly text?: boolean;
  readonly tokens?: boolean;
  /** Worker threads (default: the number of cores; 1 for a single note). */
  readonly workers?: number;
  readonly progress: boolean;
  readonly quiet?: boolean;
  /** Continue the run of `--out` where it stopped (progress in `<out>.clinote-state`). */
  readonly resume?: boolean;
  /** How NDJSON inputs are read: by content (`auto`), as notes, or as FHIR Bulk Data. */
  readonly inputFormat: 'auto' | 'ndjson' | 'fhir-ndjson';
}

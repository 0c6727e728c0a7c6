/**
 * The options of `clinote extract`, as commander parses them: declared by the command
 * (./commands/extract.ts) and read by its action (./extract.ts), which both import this file (and
 * not each other).
 */
export interface ExtractOptions {
  readonly format: string;
  readonly out?: string;
  readonly pipeline?: string;
  readonly pack?: string;
  readonly textField: string;
  readonly idField: string;
  readonly dateField: string;
  readonly stdinFormat: 'text' | 'ndjson' | 'csv';
  readonly maxBytes?: number;
  readonly text?: boolean;
  readonly tokens?: boolean;
  /** Worker threads (default: the number of cores; 1 for a single note). */
  readonly workers?: number;
  readonly progress: boolean;
  readonly quiet?: boolean;
}

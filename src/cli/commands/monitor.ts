/**
 * `clinote monitor profile|merge|compare`: monitoring profiles of batch outputs and drift between
 * two of them (src/monitoring/, docs/monitoring.md).
 *
 * - `profile --in results.ndjson [--text-in notes.ndjson] [--out profile.json]`: the profile of the
 *   results of `clinote extract --format ndjson` (error records count as errors);
 * - `merge A B ... [--out C]`: one profile of several;
 * - `compare --reference A --current B [--json] [--config drift.json]`: the drift report; exit 0
 *   for no drift or too little data (`insufficient`), 1 for drift.
 */
import type { Command } from 'commander';
import type { CliCommand, CliContext } from '../types.js';

interface ProfileCli {
  readonly in: string;
  readonly textIn?: string;
  readonly out?: string;
  readonly pack?: string;
  readonly oov?: boolean;
  readonly deployment?: string;
  readonly pipelineVersion?: string;
  readonly tenant?: string;
  readonly start?: string;
  readonly end?: string;
}

interface MergeCli {
  readonly out?: string;
}

interface CompareCli {
  readonly reference: string;
  readonly current: string;
  readonly json?: boolean;
  readonly config?: string;
}

async function write(ctx: CliContext, text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    ctx.io.stdout.write(text, (e) => (e ? reject(e) : resolve()));
  });
}

/** The lines of a file, or of stdin for `-`. CLINOTE_E_INPUT_UNREADABLE when it cannot be opened. */
async function linesOf(ctx: CliContext, path: string): Promise<AsyncIterable<string>> {
  const { createReadStream } = await import('node:fs');
  const { access } = await import('node:fs/promises');
  const { createInterface } = await import('node:readline');
  const { Readable } = await import('node:stream');
  const { ClinoteError } = await import('../../errors/error.js');
  if (path === '-') {
    return createInterface({ input: Readable.from(ctx.io.stdin), crlfDelay: Number.POSITIVE_INFINITY });
  }
  try {
    await access(path);
  } catch (e) {
    throw new ClinoteError('CLINOTE_E_INPUT_UNREADABLE', `cannot read ${path}`, { file: path }, { cause: e });
  }
  return createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
}

/** A profile file (CLINOTE_E_INPUT_UNREADABLE, CLINOTE_E_MONITOR_PROFILE_INVALID). */
async function readProfile(path: string) {
  const { readFile } = await import('node:fs/promises');
  const { ClinoteError, jsonErrorReason } = await import('../../errors/error.js');
  const { parseProfile } = await import('../../monitoring/profile.js');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ClinoteError('CLINOTE_E_INPUT_UNREADABLE', `cannot read ${path}`, { file: path }, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_MONITOR_PROFILE_INVALID',
      `'${path}' is not a Clinote profile: ${jsonErrorReason(e)}`,
      { file: path, reason: jsonErrorReason(e) },
    );
  }
  return parseProfile(value, path);
}

/** Write JSON to `out`, or to stdout. CLINOTE_E_OUTPUT_WRITE when the file cannot be written. */
async function writeJson(ctx: CliContext, value: unknown, out: string | undefined): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (out === undefined || out === '-') {
    await write(ctx, text);
    return;
  }
  const { writeFile } = await import('node:fs/promises');
  const { ClinoteError, errorReason } = await import('../../errors/error.js');
  try {
    await writeFile(out, text);
  } catch (e) {
    throw new ClinoteError(
      'CLINOTE_E_OUTPUT_WRITE',
      `cannot write ${out} (${errorReason(e)})`,
      { file: out, reason: errorReason(e) },
      { cause: e },
    );
  }
}

export const monitorCommand: CliCommand = {
  name: 'monitor',
  register(program: Command, ctx: CliContext) {
    const monitor = program
      .command('monitor')
      .description(
        'monitoring profiles of processed notes, and drift between two of them (docs/monitoring.md)',
      );

    monitor
      .command('profile')
      .description('the profile of a results NDJSON (clinote extract --format ndjson): counts and codes only')
      .requiredOption('--in <results>', 'the results NDJSON (`-`: stdin); error records count as errors')
      .option(
        '--text-in <notes>',
        'the notes NDJSON ({id, text} per line): character classes and the OOV rate',
      )
      .option('--out <file>', 'write the profile there (default: stdout)')
      .option(
        '--pack <pack>',
        'terminology pack of the OOV word set (default: $CLINOTE_PACK, else the starter pack)',
      )
      .option('--no-oov', 'no OOV rate (no pack is loaded)')
      .option('--deployment <name>', 'the deployment of the key')
      .option(
        '--pipeline-version <version>',
        "the version of the key (default: the results' pipeline version)",
      )
      .option('--tenant <tenant>', 'the tenant of the key')
      .option('--start <iso>', 'the start of the window (ISO 8601; with --end)')
      .option('--end <iso>', 'the end of the window (ISO 8601; with --start)')
      .action(async (options: ProfileCli) => {
        const { ClinoteError } = await import('../../errors/error.js');
        const { profileResultLines, readNoteTexts } = await import('../../monitoring/ndjson.js');
        const { loadPackWordSet } = await import('../../monitoring/vocabulary.js');
        if ((options.start === undefined) !== (options.end === undefined))
          throw new ClinoteError('CLINOTE_E_CLI_USAGE', '--start and --end go together', {});
        for (const [name, v] of [
          ['--start', options.start],
          ['--end', options.end],
        ] as const) {
          if (v !== undefined && Number.isNaN(Date.parse(v)))
            throw new ClinoteError('CLINOTE_E_CLI_USAGE', `${name} is not an ISO 8601 time`, { field: name });
        }
        if (options.in === '-' && options.textIn === '-')
          throw new ClinoteError('CLINOTE_E_CLI_USAGE', '--in and --text-in cannot both be stdin', {});
        const texts =
          options.textIn === undefined
            ? undefined
            : await readNoteTexts(await linesOf(ctx, options.textIn), { file: options.textIn });
        const pack = options.pack ?? (ctx.io.env ?? process.env).CLINOTE_PACK;
        const words = options.oov === false ? undefined : loadPackWordSet(pack === '' ? undefined : pack);
        const key = {
          ...(options.deployment === undefined ? {} : { deployment: options.deployment }),
          ...(options.pipelineVersion === undefined ? {} : { version: options.pipelineVersion }),
          ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
        };
        const r = await profileResultLines(await linesOf(ctx, options.in), {
          file: options.in,
          key,
          window: options.start && options.end ? { start: options.start, end: options.end } : null,
          ...(texts ? { texts } : {}),
          ...(words ? { words } : {}),
        });
        await writeJson(ctx, r.profile, options.out);
        ctx.log(
          `profile of ${r.results + r.errors} notes (${r.errors} error records; ${r.withText} with their text)${options.out ? ` written to ${options.out}` : ''}`,
        );
      });

    monitor
      .command('merge')
      .description('merge profiles (of windows, shards or tenants) into one')
      .argument('<profiles...>', 'profile files')
      .option('--out <file>', 'write the merged profile there (default: stdout)')
      .action(async (files: string[], options: MergeCli) => {
        const { mergeProfiles, emptyProfile } = await import('../../monitoring/profile.js');
        let merged = emptyProfile();
        for (const f of files) merged = mergeProfiles(merged, await readProfile(f));
        await writeJson(ctx, merged, options.out);
      });

    monitor
      .command('compare')
      .description('drift of a current profile against a reference profile (exit 1 on drift)')
      .requiredOption('--reference <profile>', 'the reference profile')
      .requiredOption('--current <profile>', 'the current profile')
      .option('--json', 'print the report as JSON')
      .option('--config <drift.json>', 'drift config: metrics, thresholds, guards (docs/monitoring.md)')
      .action(async (options: CompareCli) => {
        const { compareProfiles, parseDriftConfig, renderDriftReport } = await import(
          '../../monitoring/drift.js'
        );
        const { readJsonFile } = await import('../../io/json-file.js');
        let config = {};
        if (options.config !== undefined) {
          const value = readJsonFile(options.config, 'the drift config', {
            unreadable: 'CLINOTE_E_INPUT_UNREADABLE',
            malformed: 'CLINOTE_E_MONITOR_BAD_INPUT',
          });
          config = parseDriftConfig(value, options.config);
        }
        const report = compareProfiles(
          await readProfile(options.reference),
          await readProfile(options.current),
          config,
        );
        await write(ctx, options.json ? `${JSON.stringify(report, null, 2)}\n` : renderDriftReport(report));
        ctx.exitCode = report.dataset.status === 'drift' ? 1 : 0;
      });
  },
};

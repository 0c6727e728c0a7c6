/**
 * The long fuzz run (docs/fuzz.md): `npm run fuzz -- --minutes N [--seed S] [--notes N] [--chunk N]
 * [--max-repeat N] [--hang-seconds N] [--no-write] [--json]`.
 *
 * Generated notes (src/fuzz/generators.ts) go through the default pipeline on a worker thread,
 * checked by `checkNote` (src/fuzz/invariants.ts), in chunks of `--chunk` notes with the seeds S,
 * S+1, ... A failure is shrunk by fast-check to a minimal note and written as a regression case
 * in src/fuzz/regressions/ (the suite replays them). A note that does not finish within
 * `--hang-seconds` is a hang: the worker is terminated, the note written as it was (a hang cannot be
 * shrunk in-process), and the run goes on with the next seed. Exit 0 when nothing was found, 1
 * otherwise, 64 on a usage error.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { loadPipelineSync } from '../src/engine-sync.js';
import { noteArbitrary } from '../src/fuzz/generators.js';
import {
  type Budget,
  checkNote,
  DEFAULT_BUDGET,
  escapedJson,
  type RegressionCase,
  regressionDir,
} from '../src/fuzz/invariants.js';

const USAGE = `usage: npm run fuzz -- [--minutes N] [--seed S] [--notes N] [--chunk N] [--max-repeat N]
                       [--hang-seconds N] [--base-ms N] [--ms-per-kb N] [--no-write] [--json]
  --minutes N       stop after N minutes (default 1)
  --seed S          first seed (default: the clock); chunk k uses seed S+k
  --notes N         stop after N generated notes (default: no limit)
  --chunk N         notes per seed (default 500)
  --max-repeat N    largest repetition of a long piece (default 400)
  --hang-seconds N  a note running longer is a hang (default 60)
  --base-ms N, --ms-per-kb N   the time budget of a note (default 1000 + 20 per KB)
  --no-write        do not write regression cases
  --json            print the summary as one JSON object`;

interface WorkerInput {
  readonly seed: number;
  readonly chunk: number;
  readonly maxRepeat: number;
  readonly deadline: number;
  readonly maxNotes: number;
  readonly budget: Budget;
}

type Message =
  | { t: 'note'; note: string }
  | { t: 'chunk'; seed: number; runs: number }
  | { t: 'failure'; seed: number; path: string; note: string; violation: string }
  | { t: 'done' };

function workerMain(input: WorkerInput): void {
  const port = parentPort;
  if (!port) return;
  const pipeline = loadPipelineSync();
  let notes = 0;
  for (let seed = input.seed; Date.now() < input.deadline && notes < input.maxNotes; seed++) {
    const runs = Math.min(input.chunk, input.maxNotes - notes);
    const details = fc.check(
      fc.property(noteArbitrary({ maxRepeat: input.maxRepeat }), (note) => {
        port.postMessage({ t: 'note', note } satisfies Message);
        const { violations } = checkNote(pipeline, note, input.budget);
        if (violations.length > 0) throw new Error(violations.join('\n'));
      }),
      { seed, numRuns: runs },
    );
    notes += details.numRuns;
    if (details.failed && details.counterexample) {
      const message =
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance);
      port.postMessage({
        t: 'failure',
        seed,
        path: details.counterexamplePath ?? '',
        note: details.counterexample[0] as string,
        violation: message.split('\n')[0] ?? message,
      } satisfies Message);
    }
    port.postMessage({ t: 'chunk', seed, runs: details.numRuns } satisfies Message);
  }
  port.postMessage({ t: 'done' } satisfies Message);
}

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`fuzz: --${name}: expected a number >= 0\n${USAGE}\n`);
    process.exit(64);
  }
  return n;
}

function writeCase(c: RegressionCase, write: boolean): string | null {
  if (!write) return null;
  const dir = regressionDir();
  mkdirSync(dir, { recursive: true });
  const name = `${createHash('sha256').update(c.note).digest('hex').slice(0, 12)}.json`;
  writeFileSync(join(dir, name), escapedJson(c));
  return join('src', 'fuzz', 'regressions', name);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>['values'];
  try {
    args = parseArgs({
      options: {
        minutes: { type: 'string' },
        seed: { type: 'string' },
        notes: { type: 'string' },
        chunk: { type: 'string' },
        'max-repeat': { type: 'string' },
        'hang-seconds': { type: 'string' },
        'base-ms': { type: 'string' },
        'ms-per-kb': { type: 'string' },
        'no-write': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`fuzz: ${(e as Error).message}\n${USAGE}\n`);
    process.exit(64);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const minutes = intOption(args.minutes as string | undefined, 'minutes', 1);
  const firstSeed = Math.floor(intOption(args.seed as string | undefined, 'seed', Date.now() % 2 ** 31));
  const maxNotes = Math.floor(intOption(args.notes as string | undefined, 'notes', Number.MAX_SAFE_INTEGER));
  const chunk = Math.max(1, Math.floor(intOption(args.chunk as string | undefined, 'chunk', 500)));
  const maxRepeat = Math.max(
    2,
    Math.floor(intOption(args['max-repeat'] as string | undefined, 'max-repeat', 400)),
  );
  const hangMs = intOption(args['hang-seconds'] as string | undefined, 'hang-seconds', 60) * 1000;
  const write = !args['no-write'];
  const budget: Budget = {
    baseMs: intOption(args['base-ms'] as string | undefined, 'base-ms', DEFAULT_BUDGET.baseMs),
    msPerKb: intOption(args['ms-per-kb'] as string | undefined, 'ms-per-kb', DEFAULT_BUDGET.msPerKb),
  };
  const started = Date.now();
  const deadline = started + minutes * 60_000;

  let notes = 0;
  let seed = firstSeed;
  let lastSeed = firstSeed;
  const failures: (RegressionCase & { file: string | null; kind: 'violation' | 'hang' })[] = [];
  let lastProgress = 0;

  // one worker at a time; a hang terminates it and the next one starts at the next seed
  while (Date.now() < deadline && notes < maxNotes) {
    const done = await new Promise<'done' | 'hang'>((resolve) => {
      const worker = new Worker(new URL(import.meta.url), {
        workerData: {
          seed,
          chunk,
          maxRepeat,
          deadline,
          maxNotes: maxNotes - notes,
          budget,
        } satisfies WorkerInput,
      });
      let current = '';
      let inChunk = 0;
      let since = Date.now();
      let chunkSeed = seed;
      const timer = setInterval(() => {
        if (Date.now() - since <= hangMs) return;
        clearInterval(timer);
        const c: RegressionCase = {
          seed: chunkSeed,
          path: '',
          note: current,
          violation: `hang: no result after ${hangMs / 1000} s`,
          found: new Date().toISOString(),
        };
        failures.push({ ...c, file: writeCase(c, write), kind: 'hang' });
        notes += inChunk;
        seed = chunkSeed + 1;
        void worker.terminate().then(() => resolve('hang'));
      }, 1000);
      worker.on('message', (m: Message) => {
        if (m.t === 'note') {
          current = m.note;
          inChunk++;
          since = Date.now();
        } else if (m.t === 'chunk') {
          notes += m.runs;
          inChunk = 0;
          lastSeed = m.seed;
          chunkSeed = m.seed + 1;
          seed = m.seed + 1;
          if (!args.json && Date.now() - lastProgress > 10_000) {
            lastProgress = Date.now();
            process.stderr.write(
              `fuzz: ${notes} notes, ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
            );
          }
        } else if (m.t === 'failure') {
          const c: RegressionCase = {
            seed: m.seed,
            path: m.path,
            note: m.note,
            violation: m.violation,
            found: new Date().toISOString(),
          };
          failures.push({ ...c, file: writeCase(c, write), kind: 'violation' });
        } else if (m.t === 'done') {
          clearInterval(timer);
          void worker.terminate().then(() => resolve('done'));
        }
      });
      worker.on('error', (e) => {
        clearInterval(timer);
        process.stderr.write(`fuzz: worker failed: ${e.stack ?? e.message}\n`);
        resolve('done');
      });
    });
    if (done === 'done') break;
  }

  const summary = {
    notes,
    seconds: Math.round((Date.now() - started) / 1000),
    seeds: { first: firstSeed, last: lastSeed, chunk },
    maxRepeat,
    violations: failures.filter((f) => f.kind === 'violation').length,
    hangs: failures.filter((f) => f.kind === 'hang').length,
    failures: failures.map((f) => ({
      kind: f.kind,
      seed: f.seed,
      path: f.path,
      violation: f.violation,
      file: f.file,
    })),
    command: `npm run fuzz -- --seed ${firstSeed} --chunk ${chunk} --max-repeat ${maxRepeat} --notes ${notes}`,
  };
  if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    process.stdout.write(
      `fuzz: ${summary.notes} notes in ${summary.seconds} s (seeds ${firstSeed}..${lastSeed}, ${chunk} per seed): ` +
        `${summary.violations} invariant violations, ${summary.hangs} hangs\n`,
    );
    for (const f of summary.failures) {
      process.stdout.write(
        `  ${f.kind} seed ${f.seed} path ${f.path || '-'}: ${f.violation}${f.file ? ` -> ${f.file}` : ''}\n`,
      );
    }
    process.stdout.write(`replay: ${summary.command}\n`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

if (isMainThread) await main();
else workerMain(workerData as WorkerInput);

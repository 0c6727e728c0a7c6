/**
 * The progress bar on stderr (only when it is a terminal). cli-progress is imported only then, so
 * pipes and tests never load it.
 */

export interface Progress {
  update(bytes: number, notes: number, errors: number): void;
  /** Print a line above the bar. */
  log(line: string): void;
  stop(): void;
}

/** No bar: lines go straight to `write`. */
export function noProgress(write: (line: string) => void): Progress {
  return { update() {}, log: write, stop() {} };
}

/** `total`: bytes to read, or null when unknown (stdin). */
export async function createProgress(
  stream: NodeJS.WritableStream,
  total: number | null,
  write: (line: string) => void,
): Promise<Progress> {
  const { default: cliProgress } = await import('cli-progress');
  const format =
    total === null
      ? 'extract | {notes} notes | {errors} errors | {duration_formatted}'
      : 'extract [{bar}] {percentage}% | {notes} notes | {errors} errors | ETA {eta_formatted}';
  const multi = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WritableStream & NodeJS.WriteStream,
      format,
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
      etaBuffer: 50,
      fps: 10,
      gracefulExit: false, // Ctrl-C is ours (main.ts)
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(total ?? 1, 0, { notes: 0, errors: 0 });
  let stopped = false;
  return {
    update(bytes, notes, errors) {
      if (!stopped) bar.update(total === null ? 0 : Math.min(bytes, total), { notes, errors });
    },
    log(line) {
      if (stopped) write(line);
      else multi.log(`${line}\n`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.update(); // flushes the lines logged since the last frame
      multi.stop();
    },
  };
}

/**
 * Golden-section search for the minimum of a unimodal function on [lo, hi]: the one-dimensional
 * search behind every temperature fit (over log T, where the negative log-likelihood is unimodal).
 * Deterministic: the same function and bounds give the same point.
 */
export function goldenSectionMin(
  f: (x: number) => number,
  lo: number,
  hi: number,
  options: { readonly maxIterations: number; readonly tolerance?: number },
): number {
  const tolerance = options.tolerance ?? 0;
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < options.maxIterations && b - a > tolerance; i++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

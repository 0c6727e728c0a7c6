/**
 * The pretraining curve as a PNG: training loss (and its moving average) on the left panel,
 * held-out perplexity exp(loss) on a log scale on the right. Same history gives the same bytes.
 */
import { Canvas, encodePng, type Rgb } from '../calibration/png.js';

export interface CurvePoint {
  readonly step: number;
  readonly value: number;
}

const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [225, 225, 225];
const RAW: Rgb = [170, 190, 230];
const MAIN: Rgb = [30, 80, 180];
const EVAL: Rgb = [200, 70, 40];

function niceTicks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1000) return `${Math.round(v / 100) / 10}K`;
  if (Number.isInteger(v)) return String(v);
  return String(Math.round(v * 100) / 100);
}

function panel(
  c: Canvas,
  x0: number,
  w: number,
  h: number,
  title: string,
  series: { points: readonly CurvePoint[]; color: Rgb; dots?: boolean }[],
  log: boolean,
  xRange: readonly [number, number],
): void {
  const L = 50;
  const R = 12;
  const T = 26;
  const B = 30;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return;
  const f = (v: number): number => (log ? Math.log10(Math.max(v, 1e-9)) : v);
  const xs = all.map((p) => p.step);
  const ys = all.map((p) => f(p.value));
  const xmin = Math.min(xRange[0], ...xs);
  const xmax = Math.max(xRange[1], ...xs, xmin + 1);
  let ymin = Math.min(...ys);
  let ymax = Math.max(...ys);
  if (ymax - ymin < 1e-6) {
    ymin -= 0.5;
    ymax += 0.5;
  }
  const px = (s: number): number => x0 + L + ((s - xmin) / (xmax - xmin)) * (w - L - R);
  const py = (v: number): number => T + (1 - (f(v) - ymin) / (ymax - ymin)) * (h - T - B);
  c.text(x0 + L, 8, title, INK, 1);
  const yt = log ? niceTicks(ymin, ymax, 4).map((e) => 10 ** e) : niceTicks(ymin, ymax, 5);
  for (const v of yt) {
    const y = py(v);
    c.line(x0 + L, y, x0 + w - R, y, GRID);
    const label = fmt(v);
    c.text(x0 + L - 4 - Canvas.textWidth(label), y - 3, label, INK);
  }
  for (const s of niceTicks(xmin, xmax, 4)) {
    const x = px(s);
    c.line(x, T, x, h - B, GRID);
    const label = fmt(s);
    c.text(x - Canvas.textWidth(label) / 2, h - B + 6, label, INK);
  }
  c.text(x0 + (w - Canvas.textWidth('STEP')) / 2, h - 10, 'step', INK);
  c.line(x0 + L, T, x0 + L, h - B, INK);
  c.line(x0 + L, h - B, x0 + w - R, h - B, INK);
  for (const s of series) {
    for (let i = 1; i < s.points.length; i++) {
      const a = s.points[i - 1]!;
      const b = s.points[i]!;
      c.line(px(a.step), py(a.value), px(b.step), py(b.value), s.color);
    }
    if (s.dots) for (const p of s.points) c.dot(px(p.step), py(p.value), 2, s.color);
  }
}

/** Moving average over `window` points. */
export function movingAverage(points: readonly CurvePoint[], window: number): CurvePoint[] {
  const out: CurvePoint[] = [];
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    sum += points[i]!.value;
    if (i >= window) sum -= points[i - window]!.value;
    out.push({ step: points[i]!.step, value: sum / Math.min(i + 1, window) });
  }
  return out;
}

/** Two panels: MLM training loss, and held-out perplexity (log scale). */
export function pretrainCurvePng(train: readonly CurvePoint[], evalLoss: readonly CurvePoint[]): Uint8Array {
  const W = 420;
  const H = 280;
  const c = new Canvas(W * 2, H);
  const window = Math.max(1, Math.round(train.length / 40));
  const steps = [...train, ...evalLoss].map((p) => p.step);
  const xRange: [number, number] = [0, steps.length > 0 ? Math.max(...steps) : 1];
  panel(
    c,
    0,
    W,
    H,
    'MLM training loss',
    [
      { points: train, color: RAW },
      { points: movingAverage(train, window), color: MAIN },
    ],
    false,
    xRange,
  );
  panel(
    c,
    W,
    W,
    H,
    'held-out perplexity (log)',
    [{ points: evalLoss.map((p) => ({ step: p.step, value: Math.exp(p.value) })), color: EVAL, dots: true }],
    true,
    xRange,
  );
  return encodePng(c);
}

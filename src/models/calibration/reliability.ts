/**
 * The reliability diagram as a PNG: one panel per set of bins (e.g. before and after temperature
 * scaling). In each panel the bars are the accuracy of each confidence bin, the orange mark the bin's
 * mean confidence, the grey diagonal perfect calibration; the grey strip under the axis shows how
 * many predictions fall in each bin (its height relative to the fullest bin).
 */
import type { ReliabilityBin } from './ece.js';
import { Canvas, encodePng, type Rgb } from './png.js';

export interface ReliabilityPanel {
  readonly title: string;
  /** A second line under the title, e.g. the ECE. */
  readonly subtitle?: string;
  readonly bins: readonly ReliabilityBin[];
}

const INK: Rgb = [40, 40, 40];
const GRID: Rgb = [225, 225, 225];
const DIAGONAL: Rgb = [150, 150, 150];
const BAR: Rgb = [70, 120, 190];
const GAP: Rgb = [235, 140, 50];
const COUNT: Rgb = [170, 170, 170];

const PLOT = 280;
const LEFT = 44;
const TOP = 44;
const BOTTOM = 74;
const RIGHT = 20;

/** Draw the panels side by side and return the PNG bytes. */
export function reliabilityPng(panels: readonly ReliabilityPanel[]): Uint8Array {
  const panelWidth = LEFT + PLOT + RIGHT;
  const canvas = new Canvas(panelWidth * Math.max(1, panels.length), TOP + PLOT + BOTTOM);
  for (const [i, panel] of panels.entries()) drawPanel(canvas, panel, i * panelWidth);
  return encodePng(canvas);
}

function drawPanel(c: Canvas, panel: ReliabilityPanel, x0: number): void {
  const px = (v: number): number => x0 + LEFT + v * PLOT;
  const py = (v: number): number => TOP + (1 - v) * PLOT;
  c.text(x0 + LEFT, 8, panel.title, INK, 2);
  if (panel.subtitle) c.text(x0 + LEFT, 28, panel.subtitle, INK, 1);
  for (let k = 0; k <= 4; k++) {
    const v = k / 4;
    c.line(px(0), py(v), px(1), py(v), GRID);
    c.line(px(v), py(0), px(v), py(1), GRID);
  }
  const maxCount = Math.max(1, ...panel.bins.map((b) => b.count));
  for (const b of panel.bins) {
    if (b.count === 0) continue;
    const xa = px(b.lo) + 1;
    const xb = px(b.hi) - 1;
    c.rect(xa, py(b.accuracy), xb, py(0), BAR);
    c.rect(xa, py(b.confidence) - 1, xb, py(b.confidence) + 2, GAP);
    // counts: a strip under the axis
    c.rect(xa, TOP + PLOT + 22 + 24 * (1 - b.count / maxCount), xb, TOP + PLOT + 46, COUNT);
  }
  c.line(px(0), py(0), px(1), py(1), DIAGONAL);
  c.line(px(0), py(0), px(1), py(0), INK);
  c.line(px(0), py(0), px(0), py(1), INK);
  for (const v of [0, 0.5, 1]) {
    const label = v === 0 ? '0' : v === 1 ? '1' : '0.5';
    c.text(px(v) - Canvas.textWidth(label) / 2, py(0) + 5, label, INK);
    c.text(x0 + LEFT - 6 - Canvas.textWidth(label), py(v) - 3, label, INK);
  }
  c.text(px(0.5) - Canvas.textWidth('CONFIDENCE') / 2, TOP + PLOT + 52, 'CONFIDENCE', INK);
  c.text(x0 + 2, TOP - 12, 'ACC', INK);
}

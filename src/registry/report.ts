/** The online comparison of a deployment from the comparisons the server stored (`clinote experiments report`). */
import {
  type Agreement,
  addObservation,
  emptyWindow,
  summarize,
  type WindowStats,
  type WindowSummary,
  windowStart,
} from './online.js';
import type { Registry } from './registry.js';

export interface VariantReport {
  readonly variant: string;
  readonly champion: string;
  readonly candidate: string;
  readonly windows: readonly WindowSummary[];
  readonly total: WindowSummary;
}

export interface ExperimentReport {
  readonly deployment: string;
  readonly compared: number;
  readonly windowMs: number;
  readonly variants: readonly VariantReport[];
}

export async function experimentReport(
  registry: Registry,
  deployment: string,
  options: { readonly windowMs: number; readonly since?: string },
): Promise<ExperimentReport> {
  const rows = await registry.shadowRows(
    deployment,
    options.since !== undefined ? { since: options.since } : {},
  );
  const groups = new Map<
    string,
    {
      variant: string;
      champion: string;
      candidate: string;
      windows: Map<string, WindowStats>;
      total: WindowStats;
    }
  >();
  for (const r of rows) {
    const key = `${r.variant}|${r.champion}|${r.candidate}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        variant: r.variant,
        champion: r.champion,
        candidate: r.candidate,
        windows: new Map(),
        total: emptyWindow('total'),
      };
      groups.set(key, g);
    }
    const start = windowStart(Date.parse(r.at), options.windowMs);
    let w = g.windows.get(start);
    if (!w) {
      w = emptyWindow(start);
      g.windows.set(start, w);
    }
    const o = {
      agreement: (r.agreement as Agreement | null) ?? null,
      championMs: r.championMs,
      candidateMs: r.candidateMs,
      championError: r.championError !== null,
      candidateError: r.candidateError !== null,
    };
    addObservation(w, o);
    addObservation(g.total, o);
  }
  return {
    deployment,
    compared: rows.length,
    windowMs: options.windowMs,
    variants: [...groups.values()].map((g) => ({
      variant: g.variant,
      champion: g.champion,
      candidate: g.candidate,
      windows: [...g.windows.values()].map(summarize),
      total: summarize(g.total),
    })),
  };
}

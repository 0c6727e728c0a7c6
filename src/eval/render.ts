/**
 * Plain-text rendering of an EvalReport: the span table (per type, then micro and macro), counts,
 * task-specific scores (rendered generically), timing, and the error items only when asked for.
 */
import type { EvalErrorItem, EvalReport, PRF, SpanScores } from './types.js';

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

function ratio(x: number): string {
  return x.toFixed(3);
}

function table(rows: readonly (readonly string[])[], rightAlignFrom = 1): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows.map((r) =>
    r
      .map((c, i) => (i >= rightAlignFrom ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function spanRow(name: string, s: SpanScores): string[] {
  const cells = (p: PRF): string[] => [ratio(p.precision), ratio(p.recall), ratio(p.f1)];
  return [
    name,
    String(s.strict.tp + s.strict.fn),
    String(s.strict.tp + s.strict.fp),
    ...cells(s.strict),
    String(s.strict.tp),
    ...cells(s.lenient),
    String(s.lenient.tp),
  ];
}

/** Flatten task scores to `key.sub  value` lines (numbers rounded, arrays of scalars joined). */
function flatten(value: unknown, prefix: string, out: [string, string][]): void {
  if (value === null || value === undefined) {
    out.push([prefix, String(value)]);
  } else if (typeof value === 'number') {
    out.push([prefix, num(value)]);
  } else if (typeof value === 'string' || typeof value === 'boolean') {
    out.push([prefix, String(value)]);
  } else if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) {
      if (value.every((v) => typeof v === 'string' && v.length > 40)) {
        value.forEach((v, i) => {
          out.push([`${prefix}[${i}]`, String(v)]);
        });
      } else {
        out.push([prefix, value.map((v) => (typeof v === 'number' ? num(v) : String(v))).join(', ')]);
      }
    } else {
      value.forEach((v, i) => {
        flatten(v, `${prefix}[${i}]`, out);
      });
    }
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.push([prefix, '{}']);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, String(value)]);
  }
}

function errorLine(e: EvalErrorItem): string {
  const where = e.start !== undefined && e.end !== undefined ? ` [${e.start},${e.end})` : '';
  const parts = [`${e.kind.padEnd(8)} ${e.doc}${where}`];
  if (e.type !== undefined) parts.push(e.type);
  if (e.text !== undefined) parts.push(JSON.stringify(e.text));
  if (e.detail !== undefined) parts.push(e.detail);
  const head = parts.join('  ');
  return e.context !== undefined ? `${head}\n           ${e.context}` : head;
}

/** A readable report. Error items (which may hold corpus text) are shown only with `errors: true`. */
export function renderReport(report: EvalReport, options: { errors?: boolean } = {}): string {
  const lines: string[] = [];
  const title = [`eval ${report.task}`];
  if (report.preset !== undefined) title.push(`preset ${report.preset}`);
  if (report.data) title.push(`data ${report.data}`);
  lines.push(title.join(' | '), '');

  if (report.strict && report.lenient) {
    const header = ['type', 'gold', 'pred', 'strict P', 'R', 'F1', 'tp', 'lenient P', 'R', 'F1', 'tp'];
    const rows: string[][] = [header];
    for (const [type, s] of Object.entries(report.byType ?? {})) rows.push(spanRow(type, s));
    rows.push(spanRow('micro', { strict: report.strict, lenient: report.lenient }));
    if (report.macro) rows.push(spanRow('macro', report.macro));
    const rendered = table(rows);
    const rule = '-'.repeat(Math.max(...rendered.map((r) => r.length)));
    const nTypes = Object.keys(report.byType ?? {}).length;
    lines.push(
      rendered[0] as string,
      rule,
      ...rendered.slice(1, 1 + nTypes),
      rule,
      ...rendered.slice(1 + nTypes),
    );
    lines.push('');
  }

  const counts = Object.entries(report.counts);
  if (counts.length > 0) {
    lines.push('counts');
    lines.push(...table(counts.map(([k, v]) => [`  ${k}`, num(v)])));
    lines.push('');
  }

  if (report.scores && Object.keys(report.scores).length > 0) {
    const flat: [string, string][] = [];
    flatten(report.scores, '', flat);
    lines.push('scores');
    lines.push(
      ...table(
        flat.map(([k, v]) => [`  ${k}`, v]),
        2,
      ),
    );
    lines.push('');
  }

  if (report.timing) {
    const t = report.timing;
    const rate =
      t.itemsPerSecond !== undefined ? `, ${t.itemsPerSecond.toFixed(1)} ${t.unit ?? 'items'}/s` : '';
    lines.push(`timing  ${t.seconds.toFixed(2)} s${rate}`, '');
  }

  if (options.errors && report.errors) {
    lines.push(`errors (${report.errors.length})`);
    for (const e of report.errors) lines.push(`  ${errorLine(e)}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

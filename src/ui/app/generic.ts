/** Any JSON value as readable HTML: objects as definition lists, arrays of objects as tables. */
import { type Child, h } from './dom.js';

const MAX_COLUMNS = 10;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short label of a value for a table cell. */
export function brief(v: unknown): Child {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return h('span', { class: v ? 'ok' : 'bad' }, v ? '✓ yes' : '✗ no');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10_000) / 10_000);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.every((x) => !isRecord(x) && !Array.isArray(x))) return v.map(String).join(', ');
    return h('code', null, JSON.stringify(v));
  }
  const r = v as Record<string, unknown>;
  if (typeof r.text === 'string') return r.text;
  if (typeof r.name === 'string' && typeof r.version === 'string') return `${r.name}@${r.version}`;
  return h('code', null, JSON.stringify(v));
}

/** A table of objects: one column per key (first seen first), at most MAX_COLUMNS. */
export function table(rows: readonly Record<string, unknown>[], caption?: string): HTMLTableElement {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const cols = keys.slice(0, MAX_COLUMNS);
  return h(
    'table',
    null,
    caption ? h('caption', null, caption) : null,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        cols.map((k) => h('th', { scope: 'col' }, k)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          null,
          cols.map((k) => h('td', null, brief(r[k]))),
        ),
      ),
    ),
  );
}

/** A JSON value, nested up to `depth` levels. */
export function renderValue(v: unknown, depth = 3): Child {
  if (Array.isArray(v)) {
    if (v.length === 0) return h('span', { class: 'muted' }, 'none');
    if (v.every(isRecord)) return table(v as Record<string, unknown>[]);
    return brief(v);
  }
  if (isRecord(v)) {
    if (depth <= 0) return brief(v);
    return h(
      'dl',
      { class: 'kv' },
      Object.entries(v).map(([k, x]) => [h('dt', null, k), h('dd', null, renderValue(x, depth - 1))]),
    );
  }
  return brief(v);
}

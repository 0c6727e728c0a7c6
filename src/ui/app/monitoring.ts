/**
 * Monitoring: throughput, latency p50/p99 and errors over time, read from the server's Prometheus
 * `/metrics` every few seconds while the page is open (kept in memory only); drift alerts
 * (`/v1/monitoring/alerts`) and the open window, and reviewers' feedback figures per version
 * (`/v1/feedback/figures`): counts, feature names and figures only.
 */
import { ApiError, authHint, call, getJson } from './api.js';
import { type Child, fill, h, notice } from './dom.js';
import { bucketDelta, buckets, parseMetrics, quantile, type Sample, sum } from './prom.js';

const POLL_MS = 5000;
const KEEP = 120;
const SVG = 'http://www.w3.org/2000/svg';

interface Point {
  readonly at: number;
  readonly rps: number;
  readonly p50?: number;
  readonly p99?: number;
  readonly errors: number;
}

/** API routes only: the UI's own files and the scrapes are not the service's traffic. */
const isApi = (l: Readonly<Record<string, string>>): boolean =>
  l.route !== undefined && (l.route.startsWith('/v1/') || l.route.startsWith('/v2/'));

/** A small line chart of one or more series (the first sets the label), scaled to their maximum. */
function sparkline(
  label: string,
  series: readonly (readonly (number | undefined)[])[],
  unit: string,
): SVGSVGElement {
  const w = 320;
  const hgt = 60;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('role', 'img');
  const first = series[0] ?? [];
  const last = first[first.length - 1];
  svg.setAttribute(
    'aria-label',
    `${label}: ${last === undefined ? 'no data' : `${last.toFixed(2)} ${unit}`}`,
  );
  const nums = series.flat().filter((v): v is number => v !== undefined);
  const max = Math.max(1e-9, ...nums);
  series.forEach((values, k) => {
    const step = values.length > 1 ? w / (values.length - 1) : w;
    const pts = values
      .map((v, i) =>
        v === undefined ? '' : `${(i * step).toFixed(1)},${(hgt - 4 - (v / max) * (hgt - 8)).toFixed(1)}`,
      )
      .filter((p) => p !== '')
      .join(' ');
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', pts);
    line.setAttribute('class', k === 0 ? 'spark' : 'spark second');
    svg.appendChild(line);
  });
  return svg;
}

function card(title: string, value: string, chart: SVGSVGElement | null): HTMLElement {
  return h('div', { class: 'card metric' }, h('h3', null, title), h('p', { class: 'big' }, value), chart);
}

interface DriftAlert {
  readonly at: string;
  readonly key: { readonly deployment: string; readonly version: string };
  readonly drifted: readonly string[];
  readonly share: number;
}

interface FeedbackFigure {
  readonly pipeline: string;
  readonly version: string;
  readonly notes: number;
  readonly spanPrecision: number | null;
  readonly spanRecall: number | null;
  readonly codePrecision: number | null;
}

const fmt = (v: number | undefined, unit: string, digits = 1): string =>
  v === undefined ? '—' : `${v.toFixed(digits)} ${unit}`;

export function monitoring(root: HTMLElement): () => void {
  const live = h('section', { class: 'part', 'aria-label': 'Traffic' }, h('h2', null, 'Traffic'));
  const body = h(
    'div',
    { class: 'part-body', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Reading /metrics…'),
  );
  live.appendChild(body);
  const refresh = h('button', { type: 'button' }, 'Refresh now');
  const driftBody = h('div', { class: 'part-body', 'aria-live': 'polite' });
  const feedbackBody = h('div', { class: 'part-body', 'aria-live': 'polite' });
  fill(
    root,
    h('h1', null, 'Monitoring'),
    h(
      'p',
      { class: 'muted' },
      `Read from the server's Prometheus /metrics every ${POLL_MS / 1000} s while this page is open; nothing is stored.`,
      ' ',
      refresh,
    ),
    live,
    h('section', { class: 'part', 'aria-label': 'Drift' }, h('h2', null, 'Drift'), driftBody),
    h('section', { class: 'part', 'aria-label': 'Feedback' }, h('h2', null, 'Feedback'), feedbackBody),
  );

  const points: Point[] = [];
  let prev: { at: number; samples: Sample[] } | undefined;
  let stopped = false;

  const draw = (samples: Sample[]) => {
    const total = sum(samples, 'clinote_http_requests_total', isApi);
    const errors = sum(samples, 'clinote_http_requests_total', (l) => isApi(l) && Number(l.status) >= 400);
    const notes = sum(samples, 'clinote_notes_total');
    const now = buckets(samples, 'clinote_http_request_duration_seconds', isApi);
    const window = bucketDelta(
      now,
      prev ? buckets(prev.samples, 'clinote_http_request_duration_seconds', isApi) : undefined,
    );
    const at = Date.now();
    if (prev) {
      const dt = (at - prev.at) / 1000;
      const dReq = total - sum(prev.samples, 'clinote_http_requests_total', isApi);
      const dErr =
        errors - sum(prev.samples, 'clinote_http_requests_total', (l) => isApi(l) && Number(l.status) >= 400);
      const p50 = quantile(0.5, window);
      const p99 = quantile(0.99, window);
      points.push({
        at,
        rps: dt > 0 ? Math.max(0, dReq) / dt : 0,
        errors: Math.max(0, dErr),
        ...(p50 !== undefined ? { p50: p50 * 1000 } : {}),
        ...(p99 !== undefined ? { p99: p99 * 1000 } : {}),
      });
      if (points.length > KEEP) points.shift();
    }
    prev = { at, samples };
    const p50All = quantile(0.5, now);
    const p99All = quantile(0.99, now);
    const lastPt = points[points.length - 1];
    const started =
      sum(samples, 'clinote_process_start_time_seconds') || sum(samples, 'process_start_time_seconds');
    const uptime = started > 0 ? at / 1000 - started : 0;
    const charts: Child[] = [
      card(
        'Throughput',
        fmt(lastPt?.rps, 'req/s', 2),
        sparkline('Throughput', [points.map((p) => p.rps)], 'req/s'),
      ),
      card(
        'Latency p50 / p99',
        `${fmt(lastPt?.p50 ?? (p50All !== undefined ? p50All * 1000 : undefined), 'ms')} / ${fmt(lastPt?.p99 ?? (p99All !== undefined ? p99All * 1000 : undefined), 'ms')}`,
        sparkline('Latency p99 (p50 dashed)', [points.map((p) => p.p99), points.map((p) => p.p50)], 'ms'),
      ),
      card(
        'Errors (4xx/5xx)',
        `${errors} in all`,
        sparkline('Errors per interval', [points.map((p) => p.errors)], 'errors'),
      ),
      card(
        'Since start',
        `${total} API requests, ${notes} notes${uptime > 0 ? `, ${(total / uptime).toFixed(2)} req/s on average` : ''}`,
        null,
      ),
    ];
    fill(
      body,
      total === 0
        ? notice(
            'empty',
            'No API traffic yet',
            'Run a note in the Playground: throughput and latency appear here.',
          )
        : null,
      h('div', { class: 'cards' }, charts),
      points.length < 2
        ? h('p', { class: 'muted' }, 'The charts fill in as the page keeps reading /metrics.')
        : null,
    );
  };

  const tick = async () => {
    if (stopped) return;
    try {
      const text = await (await call('/metrics')).text();
      if (!stopped) draw(parseMetrics(text));
    } catch (e) {
      if (stopped) return;
      const err = e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', 'the metrics could not be read');
      fill(
        body,
        notice(
          'error',
          'The metrics could not be read',
          h('p', null, h('code', null, err.code), ' ', err.detail),
          err.status === 401 || err.status === 403
            ? 'With auth on, /metrics needs a key with the admin scope.'
            : (authHint(err) ?? ''),
        ),
      );
    }
  };
  const unavailable = (e: unknown, what: string): HTMLElement => {
    const err = e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', `${what} could not be read`);
    return notice(
      'error',
      `${what} could not be read`,
      h('p', null, h('code', null, err.code), ' ', err.detail),
    );
  };
  const loadDrift = async () => {
    try {
      const [{ alerts }, { profiles }] = await Promise.all([
        getJson<{ alerts: DriftAlert[] }>('/v1/monitoring/alerts?limit=20'),
        getJson<{
          profiles: { count: number; errors: number; key?: { deployment: string; version: string } }[];
        }>('/v1/monitoring/current'),
      ]);
      if (stopped) return;
      const open = profiles.map((p) =>
        h(
          'li',
          null,
          `${p.key?.deployment ?? '?'} ${p.key?.version ?? ''}: ${p.count} notes (${p.errors} errors) in the open window`,
        ),
      );
      fill(
        driftBody,
        alerts.length === 0
          ? notice(
              'empty',
              'No drift data yet',
              'No window has drifted from its reference: each closed window of served notes is compared with the first windows of the same deployment and version (docs/monitoring.md).',
            )
          : h(
              'ul',
              { class: 'alerts' },
              alerts.map((a) =>
                h(
                  'li',
                  null,
                  h('strong', null, `${a.key.deployment} ${a.key.version}`),
                  ` ${a.at.slice(0, 19).replace('T', ' ')}: ${(a.share * 100).toFixed(0)}% of features drifted (${a.drifted.join(', ')})`,
                ),
              ),
            ),
        open.length > 0 ? h('ul', { class: 'muted' }, open) : null,
      );
    } catch (e) {
      if (!stopped)
        fill(
          driftBody,
          e instanceof ApiError && e.status === 404
            ? notice('empty', 'No drift data yet', e.detail)
            : unavailable(e, 'Drift'),
        );
    }
  };
  const loadFeedback = async () => {
    try {
      const { figures } = await getJson<{ figures: FeedbackFigure[] }>('/v1/feedback/figures');
      if (stopped) return;
      const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
      fill(
        feedbackBody,
        figures.length === 0
          ? notice(
              'empty',
              'No feedback yet',
              "Reviewers' corrections (POST /v1/feedback) give precision and recall per version here (docs/monitoring.md#feedback).",
            )
          : h(
              'table',
              null,
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['pipeline', 'version', 'notes', 'span precision', 'span recall', 'code precision'].map(
                    (t) => h('th', { scope: 'col' }, t),
                  ),
                ),
              ),
              h(
                'tbody',
                null,
                figures.map((f) =>
                  h(
                    'tr',
                    null,
                    [
                      f.pipeline,
                      f.version,
                      String(f.notes),
                      pct(f.spanPrecision),
                      pct(f.spanRecall),
                      pct(f.codePrecision),
                    ].map((v) => h('td', null, v)),
                  ),
                ),
              ),
            ),
      );
    } catch (e) {
      if (!stopped)
        fill(
          feedbackBody,
          e instanceof ApiError && e.status === 404
            ? notice('empty', 'No feedback yet', e.detail)
            : unavailable(e, 'Feedback'),
        );
    }
  };
  refresh.addEventListener('click', () => {
    void tick();
    void loadDrift();
    void loadFeedback();
  });
  void loadDrift();
  void loadFeedback();
  // a second reading soon after the first: a rate and a window from the start
  void tick().then(() => setTimeout(() => void tick(), 1000));
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void tick();
  }, POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

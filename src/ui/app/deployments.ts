/**
 * Deployments: the model registry's models and pipelines (versions, aliases, lineage, eval
 * reports), the live deployments (champion, canary share, shadow, their agreement) and promotion
 * attempts with the gate's checks. Read from the registry routes (src/server/registry-routes.ts);
 * a server without the registry answers 404 there, and the page says so. Fields the page does not
 * know are shown as they come (generic tables and lists).
 */
import { ApiError, authHint, getJson } from './api.js';
import { type Child, fill, h, notice } from './dom.js';
import { brief, renderValue, table } from './generic.js';

type Json = Record<string, unknown>;

interface Part {
  readonly title: string;
  readonly route: string;
  readonly what: string;
  readonly render: (body: unknown) => Child;
}

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): string => (typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : '—');
const pct = (v: unknown): string => (typeof v === 'number' ? `${Math.round(v * 1000) / 10}%` : '—');

/** The list in a body: the body itself, or its first array field (`models`, `deployments`...). */
function listOf(body: unknown, ...names: string[]): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (!isRecord(body)) return undefined;
  for (const n of names) if (Array.isArray(body[n])) return body[n] as unknown[];
  return Object.values(body).find(Array.isArray) as unknown[] | undefined;
}

/** `{ champion: 3, staging: 4 }` as `champion → v3, staging → v4`. */
function aliases(v: unknown): Child {
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (!isRecord(v)) return brief(v);
  const entries = Object.entries(v);
  return entries.length === 0
    ? h('span', { class: 'muted' }, 'none')
    : entries.map(([k, x]) => `${k} → v${x}`).join(', ');
}

function unavailable(part: Part, e: unknown): Child {
  if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) {
    return notice(
      'empty',
      'Not available on this server',
      `GET ${part.route} answered ${e.status} (${e.code}: ${e.detail}): this server runs without the model registry. ${part.what}`,
      'When the registry is enabled on the server (docs/server.md), reload this page to see it.',
    );
  }
  if (e instanceof ApiError) {
    return notice(
      'error',
      `${part.title}: could not be read`,
      h('p', null, h('code', null, e.code), ' ', e.detail),
      authHint(e) ?? '',
    );
  }
  return notice('error', `${part.title}: could not be read`, 'The answer was not the JSON expected.');
}

/** One registered name: its versions (with lineage), evaluation reports and policy. */
function modelDetail(d: unknown): Child {
  if (!isRecord(d)) return renderValue(d);
  const { versions, evals, policy, aliases: al, ...rest } = d;
  const versionRows = Array.isArray(versions)
    ? versions.filter(isRecord).map((v) => {
        const lineage = isRecord(v.lineage) ? v.lineage : {};
        const data = Array.isArray(lineage.trainingData) ? lineage.trainingData.filter(isRecord) : [];
        return {
          version: v.version,
          kind: v.kind,
          aliases: v.aliases,
          created: v.createdAt,
          parent: lineage.parentVersion ?? '—',
          source: lineage.source,
          'training data': data
            .map((t) => `${String(t.name)}${t.split ? ` (${String(t.split)})` : ''}`)
            .join(', '),
          artifact: typeof v.artifactHash === 'string' ? v.artifactHash.slice(0, 12) : v.artifactHash,
          tags: v.tags,
        };
      })
    : [];
  return [
    renderValue(rest, 1),
    h('p', null, h('span', { class: 'muted' }, 'Aliases: '), aliases(al)),
    h('h4', null, 'Versions and lineage'),
    versionRows.length > 0 ? table(versionRows) : h('p', { class: 'muted' }, 'No version.'),
    h('h4', null, 'Evaluation reports'),
    Array.isArray(evals) && evals.length > 0
      ? table(evals.filter(isRecord))
      : h('p', { class: 'muted' }, 'No evaluation report yet.'),
    policy !== undefined && policy !== null
      ? [h('h4', null, 'Promotion policy'), renderValue(policy, 3)]
      : null,
  ];
}

function modelsPart(): Part {
  const part: Part = {
    title: 'Registered models and pipelines',
    route: '/v1/registry/models',
    what: 'It lists the registered models and pipelines with their versions, aliases, lineage and eval reports.',
    render: (body) => {
      const models = listOf(body, 'models', 'items');
      if (!models || models.length === 0) {
        return notice(
          'empty',
          'No model registered yet',
          'Register a model or pipeline with `clinote registry register` (docs/registry.md).',
        );
      }
      const detail = h('div', { class: 'model-detail', 'aria-live': 'polite' });
      const rows = models.map((m) => {
        const r = isRecord(m) ? m : { name: String(m) };
        const name = typeof r.name === 'string' ? r.name : '';
        const open = h('button', { type: 'button', class: 'link', 'data-model': name }, name || '(unnamed)');
        open.addEventListener('click', () => {
          fill(detail, h('p', { class: 'muted', role: 'status' }, `Loading ${name}…`));
          getJson<unknown>(`/v1/registry/models/${encodeURIComponent(name)}`).then(
            (d) => fill(detail, h('h3', null, name), modelDetail(d)),
            (e: unknown) => fill(detail, unavailable({ ...part, title: name }, e)),
          );
        });
        const { name: _n, aliases: a, ...rest } = r;
        return h(
          'tr',
          null,
          h('th', { scope: 'row' }, open),
          h('td', null, aliases(a)),
          h(
            'td',
            null,
            Object.entries(rest).map(([k, v]) =>
              h('div', null, h('span', { class: 'muted' }, `${k}: `), brief(v)),
            ),
          ),
        );
      });
      return [
        h(
          'table',
          null,
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, 'Aliases'),
              h('th', { scope: 'col' }, 'Details'),
            ),
          ),
          h('tbody', null, rows),
        ),
        h('p', { class: 'muted' }, 'Pick a name for its versions, lineage and evaluation reports.'),
        detail,
      ];
    },
  };
  return part;
}

/** A variant line: `models:/ner@champion (v3)`, with the canary's share or the shadow's sample. */
function variant(label: string, v: unknown, share?: string): Child {
  if (!isRecord(v)) return null;
  return h(
    'li',
    null,
    h('strong', null, label),
    ' ',
    h('code', null, String(v.uri ?? v.model ?? '')),
    v.version !== undefined ? ` (version ${String(v.version)})` : '',
    share ?? '',
  );
}

function deploymentCard(d: unknown): Child {
  if (!isRecord(d)) return h('div', { class: 'card' }, renderValue(d));
  const canary = isRecord(d.canary) ? d.canary : undefined;
  const shadow = isRecord(d.shadow) ? d.shadow : undefined;
  const agreement = isRecord(d.agreement) ? d.agreement : {};
  const rows = Object.entries(agreement).map(([name, w]) => {
    const cur = isRecord(w) && isRecord(w.current) ? w.current : {};
    const lat = isRecord(cur.latency) ? cur.latency : {};
    return {
      variant: name,
      since: cur.start,
      compared: cur.compared,
      'span F1': num(cur.agreementF1),
      assertion: pct(cur.assertionAgreement),
      codes: pct(cur.codeAgreement),
      'p50 ms (champion / it)': `${num(lat.championP50)} / ${num(lat.candidateP50)}`,
      'p99 ms (champion / it)': `${num(lat.championP99)} / ${num(lat.candidateP99)}`,
    };
  });
  const known = new Set(['name', 'source', 'champion', 'canary', 'shadow', 'agreement']);
  const rest = Object.fromEntries(Object.entries(d).filter(([k]) => !known.has(k)));
  return h(
    'div',
    { class: 'card deployment' },
    h(
      'h3',
      null,
      String(d.name ?? 'deployment'),
      d.source ? h('span', { class: 'muted' }, ` from ${String(d.source)}`) : '',
    ),
    h(
      'ul',
      null,
      variant('Champion', d.champion),
      canary ? variant('Canary', canary, `, ${pct(canary.share)} of traffic`) : null,
      shadow ? variant('Shadow', shadow, `, ${pct(shadow.sample ?? 1)} of requests mirrored`) : null,
    ),
    !canary && !shadow
      ? h('p', { class: 'muted' }, 'No canary and no shadow: the champion serves alone.')
      : null,
    rows.length > 0
      ? table(rows, 'Agreement with the champion (current window)')
      : canary || shadow
        ? h(
            'p',
            { class: 'muted' },
            'No comparison yet: agreement appears once requests reach the canary or shadow.',
          )
        : null,
    Object.keys(rest).length > 0 ? renderValue(rest, 2) : null,
  );
}

function promotionCard(p: unknown): Child {
  if (!isRecord(p)) return h('div', { class: 'card' }, brief(p));
  const { checks, ...rest } = p;
  const outcome = typeof rest.outcome === 'string' ? rest.outcome : '';
  return h(
    'div',
    { class: `card promotion outcome-${outcome}` },
    h(
      'h3',
      null,
      `${String(rest.name ?? '')}@${String(rest.alias ?? '')}: `,
      rest.fromVersion !== null && rest.fromVersion !== undefined ? `v${String(rest.fromVersion)} → ` : '',
      `v${String(rest.version ?? '?')} `,
      h('span', { class: outcome === 'refused' ? 'bad' : 'ok' }, outcome),
    ),
    h('p', { class: 'muted' }, String(rest.at ?? ''), rest.reason ? ` — ${String(rest.reason)}` : ''),
    Array.isArray(checks) && checks.every(isRecord)
      ? table(checks as Json[], "The gate's checks")
      : h('p', { class: 'muted' }, 'No gate checks recorded.'),
  );
}

const PARTS = (): Part[] => [
  modelsPart(),
  {
    title: 'Live deployments',
    route: '/v1/deployments',
    what: 'It shows the live deployments: the champion, the canary and its share of traffic, the shadow, and how often they agree.',
    render: (body) => {
      const list = listOf(body, 'deployments') ?? (isRecord(body) ? [body] : []);
      if (list.length === 0) {
        return notice(
          'empty',
          'Nothing deployed',
          'No deployment is live: requests are served by the named pipelines of the server config. Define one with `clinote registry deploy` or `deployments` in the server config (docs/registry.md).',
        );
      }
      return list.map(deploymentCard);
    },
  },
  {
    title: 'Promotion attempts',
    route: '/v1/registry/promotions',
    what: "It lists each attempt to promote a version, with the gate's checks and their outcome.",
    render: (body) => {
      const list = listOf(body, 'promotions', 'attempts');
      if (!list || list.length === 0) {
        return notice(
          'empty',
          'No promotion attempted yet',
          "Each `clinote registry promote` appears here with the gate's checks.",
        );
      }
      return list.map(promotionCard);
    },
  },
];

export function deployments(root: HTMLElement): void {
  const sections = PARTS().map((p) => {
    const body = h(
      'div',
      { class: 'part-body', 'aria-busy': 'true' },
      h('p', { class: 'muted' }, 'Loading…'),
    );
    const s = h('section', { class: 'part', 'aria-label': p.title }, h('h2', null, p.title), body);
    getJson<unknown>(p.route).then(
      (b) => {
        body.removeAttribute('aria-busy');
        try {
          fill(body, p.render(b));
        } catch {
          fill(body, unavailable(p, undefined));
        }
      },
      (e: unknown) => {
        body.removeAttribute('aria-busy');
        fill(body, unavailable(p, e));
      },
    );
    return s;
  });
  fill(root, h('h1', null, 'Deployments'), sections);
}

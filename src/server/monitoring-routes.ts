/**
 * Live monitoring routes (docs/monitoring.md#live-monitoring-in-the-server), the `extract` scope,
 * the caller's tenant only:
 *
 *   GET /v1/monitoring/current   the open window's profiles (counts, bins and codes)
 *   GET /v1/monitoring/alerts    drift alerts, newest first (?deployment=&limit=)
 *
 * Profiles and alerts hold counts, codes, feature names and distances: no note text, no value.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type LiveMonitor, listAlerts } from '../monitoring/live.js';
import type { OpenedStore } from '../store/index.js';
import { serverError } from './problem.js';

const AlertsQuery = Type.Object(
  {
    deployment: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    // query strings are not coerced (ajv coerceTypes is off): digits, parsed below
    limit: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,2}$|^1000$', description: '1 to 1000 (default 100)' }),
    ),
  },
  { additionalProperties: false },
);

export interface MonitoringRoutesOptions {
  readonly monitor: () => LiveMonitor | undefined;
  readonly store: () => OpenedStore | undefined;
  readonly tenantOf: (req: FastifyRequest) => string;
}

export function monitoringRoutes(app: FastifyInstance, o: MonitoringRoutesOptions): void {
  const config = { scope: 'extract' as const, audit: true };
  app.get(
    '/v1/monitoring/current',
    { config, schema: { summary: "The open monitoring window's profiles (the caller's tenant)" } },
    async (req) => {
      const monitor = o.monitor();
      if (!monitor) throw serverError('CLINOTE_E_SERVER_NOT_FOUND', 'monitoring is off (monitoring.enabled)');
      const tenant = o.tenantOf(req);
      await monitor.drain();
      return { profiles: monitor.current().filter((p) => p.key?.tenant === tenant) };
    },
  );
  app.get(
    '/v1/monitoring/alerts',
    {
      config,
      schema: { summary: "Drift alerts, newest first (the caller's tenant)", querystring: AlertsQuery },
    },
    async (req) => {
      const store = o.store();
      if (!store)
        throw serverError('CLINOTE_E_SERVER_NOT_FOUND', 'drift alerts are kept in a store (--store)');
      const q = req.query as Static<typeof AlertsQuery>;
      return {
        alerts: await listAlerts(store, {
          tenant: o.tenantOf(req),
          ...(q.deployment !== undefined ? { deployment: q.deployment } : {}),
          ...(q.limit !== undefined ? { limit: Number.parseInt(q.limit, 10) } : {}),
        }),
      };
    },
  );
}

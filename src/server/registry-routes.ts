/**
 * The registry's read routes (JSON, the `extract` scope like the other read routes; the web UI reads
 * them) and the deployment admin routes (the `admin` scope):
 *
 *   GET  /v1/registry/models            names, versions, aliases
 *   GET  /v1/registry/models/:name      versions with lineage, aliases, evaluation reports (summaries), policy
 *   GET  /v1/registry/promotions        promotion attempts with the gate's checks (?name=)
 *   GET  /v1/deployments                champion, canary share, shadow, agreement windows
 *   PUT  /v1/deployments/:name          define or change a deployment (stored; applied at once)
 *   POST /v1/deployments/refresh        re-read aliases and deployments now
 *
 * Nothing here carries note text: versions, hashes, counts and agreement figures only.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseDeploymentSpec } from '../registry/deployment.js';
import type { Registry } from '../registry/registry.js';
import type { Deployments } from './deployments.js';
import { serverError } from './problem.js';

const Name = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });

export interface RegistryRoutesOptions {
  readonly registry: () => Registry | undefined;
  readonly deployments: () => Deployments | undefined;
}

export function registryRoutes(app: FastifyInstance, o: RegistryRoutesOptions): void {
  const registry = (): Registry => {
    const r = o.registry();
    if (!r)
      throw serverError('CLINOTE_E_SERVER_NOT_FOUND', 'no model registry is configured (docs/registry.md)');
    return r;
  };
  const actor = (req: FastifyRequest) => {
    const caller = (req as { clinote?: { caller?: { tenant?: string; keyId?: string } } }).clinote?.caller;
    return {
      method: req.method,
      ...(caller?.tenant !== undefined ? { tenant: caller.tenant } : {}),
      ...(caller?.keyId !== undefined ? { keyId: caller.keyId } : {}),
    };
  };
  const read = { scope: 'extract' as const, audit: true };
  app.get(
    '/v1/registry/models',
    { config: read, schema: { summary: 'Registered models and pipelines: versions and aliases' } },
    async () => ({ models: await registry().list() }),
  );
  app.get(
    '/v1/registry/models/:name',
    {
      config: read,
      schema: {
        summary: 'One registered name: versions with lineage, aliases, evaluation reports, promotion policy',
        params: Type.Object({ name: Name }),
      },
    },
    async (req) => {
      const { name } = req.params as { name: string };
      const r = registry();
      const detail = await r.show(name).catch((e: unknown) => {
        if ((e as { code?: string }).code === 'CLINOTE_E_REGISTRY_NOT_FOUND')
          throw serverError('CLINOTE_E_SERVER_NOT_FOUND', 'no such registered name');
        throw e;
      });
      const { versionList, ...rest } = detail;
      return { ...rest, versions: versionList, versionCount: detail.versions };
    },
  );
  app.get(
    '/v1/registry/promotions',
    {
      config: read,
      schema: {
        summary: 'Promotion attempts, newest first, with the checks of the gate',
        querystring: Type.Object({ name: Type.Optional(Name) }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const { name } = req.query as { name?: string };
      return { promotions: await registry().promotions(name) };
    },
  );
  app.get(
    '/v1/deployments',
    { config: read, schema: { summary: 'Deployments: champion, canary share, shadow and their agreement' } },
    async () => ({ deployments: o.deployments()?.views() ?? [] }),
  );
  app.put(
    '/v1/deployments/:name',
    {
      config: { scope: 'admin', audit: true, accepts: ['application/json'] },
      schema: {
        summary: 'Define or change a deployment (stored in the registry, applied without a restart)',
        params: Type.Object({ name: Name }),
        body: Type.Object({}, { additionalProperties: true }),
      },
    },
    async (req) => {
      const { name } = req.params as { name: string };
      const spec = parseDeploymentSpec(req.body, 'deployment');
      await registry().putDeployment(name, spec, actor(req));
      await o.deployments()?.refresh();
      return {
        name,
        deployment:
          o
            .deployments()
            ?.views()
            .find((d) => d.name === name) ?? null,
      };
    },
  );
  app.post(
    '/v1/deployments/refresh',
    { config: { scope: 'admin', audit: true }, schema: { summary: 'Re-read aliases and deployments now' } },
    async () => {
      await o.deployments()?.refresh();
      return { deployments: o.deployments()?.views() ?? [] };
    },
  );
}

/**
 * A deployment of the server, validated: the champion that serves, optionally a canary (a share of
 * traffic, sticky by a routing key read from a request header and hashed) and a shadow (a sample of
 * requests mirrored, compared, never returned). Stored in the registry (`clinote registry deploy`) or
 * given in the server config (`deployments`); a stored one wins.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ClinoteError } from '../errors/error.js';
import { schemaIssues } from '../pipeline/config.js';
import { isModelUri, parseModelRef } from './uri.js';

const Uri = Type.String({ pattern: '^models:/', description: 'models:/NAME@ALIAS or models:/NAME/VERSION' });

export const DeploymentSpecSchema = Type.Object(
  {
    champion: Uri,
    canary: Type.Optional(
      Type.Object(
        {
          model: Uri,
          share: Type.Number({
            minimum: 0,
            maximum: 1,
            description: 'Share of routing keys sent to the canary',
          }),
          compare: Type.Optional(
            Type.Boolean({
              description:
                'Also run the champion on canary requests, in the background, to compare (default true)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    shadow: Type.Optional(
      Type.Object(
        {
          model: Uri,
          sample: Type.Optional(
            Type.Number({ minimum: 0, maximum: 1, description: 'Share of requests mirrored (default 1)' }),
          ),
          storeResults: Type.Optional(
            Type.Boolean({ description: "Store the shadow's results (default true)" }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    routingHeader: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9-]{1,64}$',
        description: 'Header of the routing key (default x-clinote-routing-key)',
      }),
    ),
    threads: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 256, description: 'Worker threads per variant' }),
    ),
  },
  { additionalProperties: false },
);

export type DeploymentSpec = Static<typeof DeploymentSpecSchema>;

export const DEFAULT_ROUTING_HEADER = 'x-clinote-routing-key';

export function parseDeploymentSpec(value: unknown, source = 'deployment'): DeploymentSpec {
  const issues = schemaIssues(DeploymentSpecSchema, value);
  if (issues.length === 0) {
    const s = value as DeploymentSpec;
    for (const [key, uri] of [
      ['champion', s.champion],
      ['canary.model', s.canary?.model],
      ['shadow.model', s.shadow?.model],
    ] as const) {
      if (uri === undefined) continue;
      try {
        if (!isModelUri(uri)) throw new Error();
        parseModelRef(uri);
      } catch {
        issues.push(`${key}: not a registry URI (models:/NAME@ALIAS or models:/NAME/VERSION)`);
      }
    }
  }
  if (issues.length > 0)
    throw new ClinoteError('CLINOTE_E_REGISTRY_DEPLOYMENT_INVALID', `${source}: ${issues.join('; ')}`, {
      issues,
    });
  return value as DeploymentSpec;
}

/**
 * Reviewers' feedback (docs/monitoring.md#feedback), the `extract` scope, always the caller's
 * tenant:
 *
 *   POST /v1/feedback            a reviewer's verdicts on one served result -> 201 { ids }
 *   GET  /v1/feedback/figures    label-based figures per pipeline version (?pipeline=&by=all|day)
 *
 * Both are audited. A response carries ids, counts and figures, never the note text or an item's
 * content.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type FeedbackBody, FeedbackBodySchema, type FeedbackStore } from '../monitoring/feedback.js';
import { serverError } from './problem.js';

const FiguresQuery = Type.Object(
  {
    pipeline: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    by: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('day')])),
  },
  { additionalProperties: false },
);

export interface FeedbackRoutesOptions {
  readonly feedback: () => FeedbackStore | undefined;
  /** The caller's tenant (the anonymous tenant when auth is off). */
  readonly tenantOf: (req: FastifyRequest) => string;
}

export function feedbackRoutes(app: FastifyInstance, o: FeedbackRoutesOptions): void {
  const store = (): FeedbackStore => {
    const s = o.feedback();
    if (!s)
      throw serverError('CLINOTE_E_SERVER_NOT_FOUND', 'feedback needs a store (--store; docs/monitoring.md)');
    return s;
  };
  app.post(
    '/v1/feedback',
    {
      config: { scope: 'extract', audit: true, accepts: ['application/json'] },
      schema: {
        summary:
          "A reviewer's verdicts on a served result: spans accepted, added or removed, types and assertions corrected, codes accepted or rejected",
        body: FeedbackBodySchema,
      },
    },
    async (req, reply) => {
      const body = req.body as FeedbackBody;
      const caller = (req as { clinote?: { caller?: { keyId?: string } } }).clinote?.caller;
      const ids = await store().add(body, {
        tenant: o.tenantOf(req),
        ...(caller?.keyId !== undefined ? { keyId: caller.keyId } : {}),
        requestId: req.id,
      });
      return reply.code(201).send({ ids, items: ids.length });
    },
  );
  app.get(
    '/v1/feedback/figures',
    {
      config: { scope: 'extract', audit: true },
      schema: {
        summary: 'Label-based figures per pipeline version, from feedback',
        querystring: FiguresQuery,
      },
    },
    async (req) => {
      const q = req.query as Static<typeof FiguresQuery>;
      return {
        figures: await store().figures(o.tenantOf(req), {
          ...(q.pipeline !== undefined ? { pipeline: q.pipeline } : {}),
          by: q.by ?? 'all',
        }),
      };
    },
  );
}

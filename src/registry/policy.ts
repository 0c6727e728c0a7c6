/**
 * Gated promotion. A promotion policy per registered name (a JSON file, validated: unknown keys
 * refused, every bad key named):
 *
 *   { "suites": ["ner:ncbi-disease"], "minF1DiffLowerBound": -0.5, "maxClassRecallDrop": 2,
 *     "bootstrap": { "samples": 1000, "seed": 7 } }
 *
 * Bounds are in points (F1 x 100). A challenger passes when, on every suite, the lower end of the
 * 95% bootstrap interval of its F1 difference with the champion is at least `minF1DiffLowerBound`,
 * and no type's recall drops by more than `maxClassRecallDrop`. Both need an evaluation report of
 * each version on the suite, on the same documents.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ClinoteError } from '../errors/error.js';
import { schemaIssues } from '../pipeline/config.js';
import { type SuiteReport, suiteOf } from './evaluate.js';
import type { Actor, GateCheck, PromotionRecord, Registry } from './registry.js';
import { compareReports } from './stats.js';

export const PolicySchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    suites: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Suites every check runs on',
    }),
    minF1DiffLowerBound: Type.Optional(
      Type.Number({
        description: 'Least lower bound of the 95% interval of the F1 difference, points (e.g. -0.5)',
      }),
    ),
    maxClassRecallDrop: Type.Optional(
      Type.Number({ minimum: 0, description: 'Largest recall drop of any type, points (e.g. 2)' }),
    ),
    bootstrap: Type.Optional(
      Type.Object(
        {
          samples: Type.Optional(Type.Integer({ minimum: 100, maximum: 100_000 })),
          seed: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type Policy = Static<typeof PolicySchema>;

export function parsePolicy(value: unknown, source = 'promotion policy'): Policy {
  const issues = schemaIssues(PolicySchema, value);
  if (issues.length === 0) {
    const p = value as Policy;
    for (const [i, s] of p.suites.entries()) {
      try {
        suiteOf(s);
      } catch {
        issues.push(`suites/${i}: not a registered suite`);
      }
    }
    if (p.minF1DiffLowerBound === undefined && p.maxClassRecallDrop === undefined)
      issues.push('(root): no check (set minF1DiffLowerBound and/or maxClassRecallDrop)');
  }
  if (issues.length > 0)
    throw new ClinoteError('CLINOTE_E_REGISTRY_POLICY_INVALID', `${source}: ${issues.join('; ')}`, {
      issues,
    });
  const p = value as Policy;
  return { ...p, suites: p.suites.map((s) => suiteOf(s).name) };
}

/** The checks of the policy for `candidate` against `champion` (undefined: no champion yet). */
export async function gateChecks(
  registry: Registry,
  name: string,
  policy: Policy,
  candidate: number,
  champion: number | undefined,
): Promise<GateCheck[]> {
  if (champion === undefined || champion === candidate)
    return [
      {
        check: 'champion',
        value: null,
        bound: 0,
        pass: true,
        detail: champion === undefined ? 'no champion yet: nothing to compare with' : 'already the champion',
      },
    ];
  const checks: GateCheck[] = [];
  for (const suite of policy.suites) {
    const a = (await registry.latestEval(name, champion, suite)) as SuiteReport | undefined;
    const b = (await registry.latestEval(name, candidate, suite)) as SuiteReport | undefined;
    if (!a || !b || a.docsHash !== b.docsHash) {
      checks.push({
        check: 'evaluated',
        suite,
        value: null,
        bound: 0,
        pass: false,
        detail: !a
          ? `the champion (version ${champion}) has no report on ${suite}`
          : !b
            ? `version ${candidate} has no report on ${suite}`
            : `the reports on ${suite} cover different documents (evaluate both with the same --limit)`,
      });
      continue;
    }
    const c = compareReports(
      a,
      b,
      { a: `${name}/${champion}`, b: `${name}/${candidate}` },
      {
        ...(policy.bootstrap?.samples !== undefined ? { samples: policy.bootstrap.samples } : {}),
        ...(policy.bootstrap?.seed !== undefined ? { seed: policy.bootstrap.seed } : {}),
      },
    );
    if (policy.minF1DiffLowerBound !== undefined) {
      const low = c.interval.low;
      checks.push({
        check: 'f1-diff-lower-bound',
        suite,
        value: low,
        bound: policy.minF1DiffLowerBound,
        pass: low >= policy.minF1DiffLowerBound,
        detail: `F1 difference ${c.f1Diff} points, 95% interval [${low}, ${c.interval.high}]; lower bound must be >= ${policy.minF1DiffLowerBound}`,
      });
    }
    if (policy.maxClassRecallDrop !== undefined) {
      for (const t of c.byType) {
        const drop = Math.round(-t.recallDiff * 1e4) / 1e4;
        checks.push({
          check: 'class-recall-drop',
          suite,
          type: t.type,
          value: drop,
          bound: policy.maxClassRecallDrop,
          pass: drop <= policy.maxClassRecallDrop,
          detail: `recall of ${t.type} ${t.recallA} -> ${t.recallB} points; a drop must be <= ${policy.maxClassRecallDrop}`,
        });
      }
    }
  }
  return checks;
}

export interface PromoteOptions {
  readonly force?: boolean;
  readonly reason?: string;
  readonly actor?: Actor;
}

/**
 * Points `alias` (default `champion`) at `version` when the name's policy passes; else records the
 * refused attempt and throws CLINOTE_E_REGISTRY_GATE_FAILED with the failing checks. `force` (with
 * a reason) promotes anyway; the attempt, its checks and the reason are recorded and audited.
 */
export async function promote(
  registry: Registry,
  name: string,
  version: number,
  alias = 'champion',
  options: PromoteOptions = {},
): Promise<PromotionRecord> {
  const reason = options.reason?.trim();
  if (options.force && !reason)
    throw new ClinoteError('CLINOTE_E_REGISTRY_BAD_INPUT', '--force needs --reason "..." (it is audited)');
  if (reason !== undefined && reason.length > 2000)
    throw new ClinoteError('CLINOTE_E_REGISTRY_BAD_INPUT', 'the reason is longer than 2,000 characters');
  await registry.version(name, version);
  const stored = await registry.policy(name);
  const aliases = (await registry.show(name)).aliases;
  const current = aliases[alias];
  let checks: GateCheck[];
  if (stored === null) {
    if (!options.force)
      throw new ClinoteError(
        'CLINOTE_E_REGISTRY_NO_POLICY',
        `${name} has no promotion policy (clinote registry policy set)`,
        { name },
      );
    checks = [{ check: 'policy', value: null, bound: 0, pass: false, detail: 'no promotion policy is set' }];
  } else checks = await gateChecks(registry, name, parsePolicy(stored), version, current);
  const pass = checks.every((c) => c.pass);
  const outcome: PromotionRecord['outcome'] = pass ? 'promoted' : options.force ? 'forced' : 'refused';
  const record = await registry.recordPromotion(
    { name, alias, version, fromVersion: current ?? null, outcome, checks, reason: reason ?? null },
    options.actor,
  );
  if (outcome === 'refused') {
    const failing = checks.filter((c) => !c.pass);
    throw new ClinoteError(
      'CLINOTE_E_REGISTRY_GATE_FAILED',
      `promotion of ${name}/${version} to ${alias} refused: ${failing.map((c) => `${c.check}${c.suite ? ` on ${c.suite}` : ''}${c.type ? ` (${c.type})` : ''}: ${c.detail}`).join('; ')}`,
      { name, version, failing, promotion: record.id },
    );
  }
  await registry.setAlias(name, alias, version, options.actor);
  return record;
}

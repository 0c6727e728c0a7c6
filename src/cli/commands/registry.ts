import { type Command, InvalidArgumentError } from 'commander';
import type { Registry } from '../../registry/registry.js';
import { nonEmpty, positiveInt } from '../options.js';
import type { CliCommand, CliContext } from '../types.js';
import { STORE_OPTION_HELP, table, write } from './keys.js';

export const ARTIFACTS_OPTION_HELP =
  'the artifact folder (default: $CLINOTE_ARTIFACTS, else artifacts/ beside the SQLite store, see docs/registry.md)';

interface StoreOpts {
  readonly store?: string;
  readonly artifacts?: string;
  readonly json?: boolean;
}

/** Opens the registry named by `--store`/`--artifacts` (else the environment, else the defaults); always closes it. */
export async function withRegistry<T>(
  ctx: CliContext,
  o: StoreOpts,
  fn: (r: Registry) => Promise<T>,
): Promise<T> {
  const { openRegistry } = await import('../../registry/registry.js');
  const env = ctx.io.env ?? process.env;
  const registry = await openRegistry({
    ...(o.store !== undefined ? { url: o.store } : {}),
    ...(o.artifacts !== undefined ? { artifacts: o.artifacts } : {}),
    env,
  });
  try {
    return await fn(registry);
  } finally {
    await registry.close();
  }
}

/** Commander collector of `--tag k=v` (repeatable). */
function tagOption(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected key=value.');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

export const withStoreOptions = (c: Command): Command =>
  c.option('--store <url>', STORE_OPTION_HELP).option('--artifacts <dir>', ARTIFACTS_OPTION_HELP);

const pct = (x: number): string => (x * 100).toFixed(2);

/** `clinote registry ...`: versions, aliases, evaluation, policy, promotion, deployments (docs/registry.md). */
export const registryCommand: CliCommand = {
  name: 'registry',
  register(program: Command, ctx: CliContext) {
    const registry = program
      .command('registry')
      .description(
        'register models and pipelines, alias, evaluate, promote and deploy them (docs/registry.md)',
      );

    withStoreOptions(
      registry
        .command('register')
        .description('register a model directory or a pipeline config as the next version of NAME')
        .requiredOption('--name <name>', 'the registered name', nonEmpty)
        .option('--model <dir>', 'a model directory (manifest.json, weights.bin)')
        .option('--pipeline <config>', 'a pipeline config (JSON); the models it names are stored with it')
        .option('--tag <k=v>', 'a tag (repeatable)', tagOption)
        .option('--parent <version>', 'the parent version (default: the latest)', positiveInt)
        .option('--json', 'print the version as JSON'),
    ).action(
      async (
        o: StoreOpts & {
          name: string;
          model?: string;
          pipeline?: string;
          tag?: Record<string, string>;
          parent?: number;
        },
      ) => {
        const v = await withRegistry(ctx, o, (r) =>
          r.register({
            name: o.name,
            ...(o.model !== undefined ? { model: o.model } : {}),
            ...(o.pipeline !== undefined ? { pipeline: o.pipeline } : {}),
            ...(o.tag !== undefined ? { tags: o.tag } : {}),
            ...(o.parent !== undefined ? { parent: o.parent } : {}),
          }),
        );
        if (o.json) await write(ctx, `${JSON.stringify(v, null, 2)}\n`);
        else
          await write(
            ctx,
            `${v.name} version ${v.version} (${v.kind}, artifact ${v.artifactHash.slice(0, 12)})\n`,
          );
        ctx.exitCode = 0;
      },
    );

    withStoreOptions(
      registry.command('list').description('list the registered names').option('--json', 'JSON'),
    ).action(async (o: StoreOpts) => {
      const list = await withRegistry(ctx, o, (r) => r.list());
      if (o.json) await write(ctx, `${JSON.stringify(list, null, 2)}\n`);
      else if (list.length === 0) ctx.log('nothing is registered');
      else
        await write(
          ctx,
          table([
            ['name', 'versions', 'latest', 'aliases', 'policy'],
            ...list.map((m) => [
              m.name,
              String(m.versions),
              String(m.latest),
              Object.entries(m.aliases)
                .map(([a, v]) => `${a}=${v}`)
                .join(',') || '-',
              m.hasPolicy ? 'yes' : 'no',
            ]),
          ]),
        );
      ctx.exitCode = 0;
    });

    withStoreOptions(
      registry
        .command('show')
        .description('the versions of NAME with their lineage, aliases and evaluation reports')
        .argument('<name>', 'the registered name')
        .option('--json', 'JSON'),
    ).action(async (name: string, o: StoreOpts) => {
      const m = await withRegistry(ctx, o, (r) => r.show(name));
      if (o.json) {
        await write(ctx, `${JSON.stringify(m, null, 2)}\n`);
      } else {
        const rows = m.versionList.map((v) => [
          String(v.version),
          v.kind,
          v.artifactHash.slice(0, 12),
          v.aliases.join(',') || '-',
          v.lineage.parentVersion === null ? '-' : String(v.lineage.parentVersion),
          `${v.lineage.code.version}${v.lineage.code.commit ? `+${v.lineage.code.commit.slice(0, 8)}` : ''}`,
          String(v.lineage.trainingData.length),
          m.evals
            .filter((e) => e.version === v.version)
            .map((e) => `${e.suite}=${pct(e.f1)}`)
            .join(',') || '-',
          Object.entries(v.tags)
            .map(([k, x]) => `${k}=${x}`)
            .join(',') || '-',
        ]);
        await write(
          ctx,
          table([
            ['version', 'kind', 'artifact', 'aliases', 'parent', 'code', 'data', 'evals (F1)', 'tags'],
            ...rows,
          ]),
        );
      }
      ctx.exitCode = 0;
    });

    const alias = registry
      .command('alias')
      .description('point an alias (champion, challenger, any name) at a version');
    withStoreOptions(
      alias
        .command('set')
        .argument('<name>')
        .argument('<alias>')
        .argument('<version>', 'the version number', positiveInt),
    ).action(async (name: string, a: string, version: number, o: StoreOpts) => {
      const previous = await withRegistry(ctx, o, (r) => r.setAlias(name, a, version));
      await write(ctx, `${name}@${a} -> ${version}${previous !== null ? ` (was ${previous})` : ''}\n`);
      ctx.exitCode = 0;
    });

    withStoreOptions(
      registry
        .command('evaluate')
        .description('score a version on an evaluation suite and attach the report')
        .argument('<name>')
        .argument('<version>', 'the version number', positiveInt)
        .requiredOption('--suite <suite>', 'ner:ncbi-disease, ner:bc5cdr, ner:maccrobat, ner:chia')
        .option('--limit <n>', 'the first N documents only', positiveInt)
        .option('--data <path>', 'the suite data (default: under the shared data folder)')
        .option('--json', 'print the report summary as JSON'),
    ).action(
      async (
        name: string,
        version: number,
        o: StoreOpts & { suite: string; limit?: number; data?: string },
      ) => {
        const { evaluateSuite } = await import('../../registry/evaluate.js');
        const out = await withRegistry(ctx, o, async (r) => {
          const v = await r.version(name, version);
          const report = evaluateSuite(await r.pipelineConfig(v), o.suite, {
            ...(o.limit !== undefined ? { limit: o.limit } : {}),
            ...(o.data !== undefined ? { data: o.data } : {}),
          });
          const id = await r.attachEval(name, version, report.suite, report.strict.f1, report);
          return { id, report };
        });
        const { docs: _docs, ...summary } = out.report;
        if (o.json) await write(ctx, `${JSON.stringify({ id: out.id, ...summary }, null, 2)}\n`);
        else
          await write(
            ctx,
            `${name}/${version} on ${summary.suite} (${summary.documents} documents): strict P ${pct(summary.strict.precision)} R ${pct(summary.strict.recall)} F1 ${pct(summary.strict.f1)}; report ${out.id} attached\n`,
          );
        ctx.exitCode = 0;
      },
    );

    const policy = registry.command('policy').description('the promotion policy of a name');
    withStoreOptions(
      policy.command('set').argument('<name>').argument('<file>', 'the policy (JSON, docs/registry.md)'),
    ).action(async (name: string, file: string, o: StoreOpts) => {
      const { readFile } = await import('node:fs/promises');
      const { parsePolicy } = await import('../../registry/policy.js');
      const { ClinoteError } = await import('../../errors/error.js');
      let value: unknown;
      try {
        value = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        throw new ClinoteError(
          'CLINOTE_E_REGISTRY_POLICY_INVALID',
          `cannot read the policy file as JSON`,
          {},
          { cause: e },
        );
      }
      const p = parsePolicy(value, `policy '${file}'`);
      await withRegistry(ctx, o, (r) => r.setPolicy(name, p));
      await write(ctx, `policy of ${name} set (${p.suites.join(', ')})\n`);
      ctx.exitCode = 0;
    });
    withStoreOptions(policy.command('show').argument('<name>')).action(async (name: string, o: StoreOpts) => {
      const p = await withRegistry(ctx, o, (r) => r.policy(name));
      await write(ctx, `${JSON.stringify(p, null, 2)}\n`);
      ctx.exitCode = 0;
    });

    withStoreOptions(
      registry
        .command('promote')
        .description(
          'point an alias at a version when the promotion policy passes (else refused, with the failing checks)',
        )
        .argument('<name>')
        .argument('<version>', 'the version number', positiveInt)
        .option('--to <alias>', 'the alias', 'champion')
        .option('--force', 'promote even when the policy fails (needs --reason)')
        .option('--reason <text>', 'why (recorded and audited)')
        .option('--json', 'print the promotion as JSON'),
    ).action(
      async (
        name: string,
        version: number,
        o: StoreOpts & { to: string; force?: boolean; reason?: string },
      ) => {
        const { promote } = await import('../../registry/policy.js');
        const record = await withRegistry(ctx, o, (r) =>
          promote(r, name, version, o.to, {
            ...(o.force ? { force: true } : {}),
            ...(o.reason !== undefined ? { reason: o.reason } : {}),
          }),
        );
        if (o.json) await write(ctx, `${JSON.stringify(record, null, 2)}\n`);
        else {
          await write(
            ctx,
            `${name}@${o.to} -> ${version} (${record.outcome}${record.fromVersion !== null ? `, was ${record.fromVersion}` : ''})\n`,
          );
          for (const c of record.checks)
            ctx.log(
              `${c.pass ? 'pass' : 'FAIL'} ${c.check}${c.suite ? ` ${c.suite}` : ''}${c.type ? ` ${c.type}` : ''}: ${c.detail}`,
            );
        }
        ctx.exitCode = 0;
      },
    );

    withStoreOptions(
      registry
        .command('promotions')
        .description('promotion attempts, newest first, with their checks')
        .argument('[name]')
        .option('--json', 'JSON'),
    ).action(async (name: string | undefined, o: StoreOpts) => {
      const list = await withRegistry(ctx, o, (r) => r.promotions(name));
      if (o.json) await write(ctx, `${JSON.stringify(list, null, 2)}\n`);
      else if (list.length === 0) ctx.log('no promotion attempt');
      else
        await write(
          ctx,
          table([
            ['at', 'name', 'alias', 'version', 'from', 'outcome', 'failing', 'audit'],
            ...list.map((p) => [
              p.at,
              p.name,
              p.alias,
              String(p.version),
              p.fromVersion === null ? '-' : String(p.fromVersion),
              p.outcome,
              String(p.checks.filter((c) => !c.pass).length),
              p.auditSeq === null ? '-' : String(p.auditSeq),
            ]),
          ]),
        );
      ctx.exitCode = 0;
    });

    withStoreOptions(
      registry
        .command('deploy')
        .description(
          'define or change a deployment of `clinote serve` (a running server picks it up without restart)',
        )
        .argument('<deployment>', 'the deployment name (requests name it as their pipeline)')
        .requiredOption('--champion <uri>', 'models:/NAME@champion or models:/NAME/VERSION')
        .option('--canary <uri>', 'a canary')
        .option('--canary-share <x>', 'share of traffic to the canary, 0..1', Number.parseFloat)
        .option('--shadow <uri>', 'a shadow (mirrored, compared, never returned)')
        .option(
          '--shadow-sample <x>',
          'share of requests mirrored to the shadow, 0..1 (default 1)',
          Number.parseFloat,
        )
        .option(
          '--routing-header <name>',
          'the request header that holds the routing key (default x-clinote-routing-key)',
        )
        .option('--threads <n>', 'worker threads per variant (0: the main thread)', (v) =>
          Number.parseInt(v, 10),
        ),
    ).action(
      async (
        deployment: string,
        o: StoreOpts & {
          champion: string;
          canary?: string;
          canaryShare?: number;
          shadow?: string;
          shadowSample?: number;
          routingHeader?: string;
          threads?: number;
        },
      ) => {
        const { parseDeploymentSpec } = await import('../../registry/deployment.js');
        const spec = parseDeploymentSpec({
          champion: o.champion,
          ...(o.canary !== undefined ? { canary: { model: o.canary, share: o.canaryShare ?? 0.1 } } : {}),
          ...(o.shadow !== undefined ? { shadow: { model: o.shadow, sample: o.shadowSample ?? 1 } } : {}),
          ...(o.routingHeader !== undefined ? { routingHeader: o.routingHeader } : {}),
          ...(o.threads !== undefined ? { threads: o.threads } : {}),
        });
        await withRegistry(ctx, o, (r) => r.putDeployment(deployment, spec));
        await write(ctx, `deployment ${deployment} set\n`);
        ctx.exitCode = 0;
      },
    );
    withStoreOptions(
      registry.command('deployments').description('the deployments').option('--json', 'JSON'),
    ).action(async (o: StoreOpts) => {
      const list = await withRegistry(ctx, o, (r) => r.deployments());
      await write(ctx, `${JSON.stringify(list, null, 2)}\n`);
      ctx.exitCode = 0;
    });
  },
};

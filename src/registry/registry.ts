/**
 * The model registry: registered names, their versions (1, 2, 3... per name) with an artifact in the
 * content-addressed artifact store and their lineage, aliases (`champion`, `challenger`, any name),
 * evaluation reports, promotion attempts, deployments and the shadow results of the server. Its
 * tables live in Clinote's store (SQLite by default, PostgreSQL by URL: src/store, migration
 * `0002_registry`); every decision (register, alias, evaluation, policy, promotion, deployment) is
 * appended to the store's hash-chained audit log.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { modelDir } from '../components/ner/index.js';
import { ClinoteError } from '../errors/error.js';
import { packageRoot, packageVersion, resourcePath } from '../resources.js';
import type { OpenedStore } from '../store/index.js';
import type { AuditRecord } from '../store/types.js';
import { ArtifactStore, defaultArtifactRoot, readFolder, sha256Hex } from './artifacts.js';
import { checkName, isModelUri, type ModelRef, parseModelRef, parseVersion } from './uri.js';

type Env = Readonly<Record<string, string | undefined>>;

export type VersionKind = 'model' | 'pipeline';

export interface TrainingData {
  readonly name: string;
  readonly sha256: string;
  readonly split: string;
}

export interface Lineage {
  /** What was registered (a path as given: no content). */
  readonly source: string;
  readonly parentVersion: number | null;
  /** `clinote@0.1.0` and the git commit when known. */
  readonly code: { readonly package: string; readonly version: string; readonly commit?: string };
  readonly trainingData: readonly TrainingData[];
  /** Models the pipeline refers to by registry URI, resolved when it was registered. */
  readonly references?: readonly { readonly uri: string; readonly version: number }[];
}

export interface VersionInfo {
  readonly name: string;
  readonly version: number;
  readonly kind: VersionKind;
  readonly artifactHash: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly lineage: Lineage;
  readonly createdAt: string;
  /** Aliases that point at this version. */
  readonly aliases: readonly string[];
}

export interface EvalSummary {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly suite: string;
  readonly createdAt: string;
  readonly f1: number;
}

export interface ModelSummary {
  readonly name: string;
  readonly createdAt: string;
  readonly latest: number;
  readonly versions: number;
  readonly aliases: Readonly<Record<string, number>>;
  readonly hasPolicy: boolean;
}

export interface ModelDetail extends ModelSummary {
  readonly versionList: readonly VersionInfo[];
  readonly evals: readonly EvalSummary[];
  readonly policy: unknown;
}

export interface PromotionRecord {
  readonly id: string;
  readonly name: string;
  readonly alias: string;
  readonly version: number;
  readonly fromVersion: number | null;
  readonly at: string;
  /** `promoted` (the gate passed), `refused`, `forced` (promoted against the gate, with a reason). */
  readonly outcome: 'promoted' | 'refused' | 'forced';
  readonly checks: readonly GateCheck[];
  readonly reason: string | null;
  readonly auditSeq: number | null;
}

export interface GateCheck {
  readonly check: string;
  readonly suite?: string;
  readonly type?: string;
  readonly value: number | null;
  readonly bound: number;
  readonly pass: boolean;
  readonly detail: string;
}

export interface ShadowRow {
  readonly id: string;
  readonly deployment: string;
  readonly at: string;
  readonly requestId: string;
  readonly variant: string;
  readonly champion: string;
  readonly candidate: string;
  readonly championMs: number | null;
  readonly candidateMs: number | null;
  readonly championError: string | null;
  readonly candidateError: string | null;
  readonly agreement: unknown;
  /** The candidate's result (PHI-bearing: it stays in the store). */
  readonly result: string | null;
}

export interface RegisterInput {
  readonly name: string;
  readonly model?: string;
  readonly pipeline?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly parent?: number;
}

/** Who made a decision, for the audit log. */
export interface Actor {
  readonly tenant?: string;
  readonly keyId?: string;
  /** `CLI` (default) or the HTTP method. */
  readonly method?: string;
}

const now = (): string => new Date().toISOString();
const newId = (): string => `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
const json = <T>(text: string | null, fallback: T): T => (text === null ? fallback : (JSON.parse(text) as T));

/** The package's version and, when the repository is at hand, its git commit (read from .git, no command). */
export function codeVersion(): Lineage['code'] {
  const root = packageRoot();
  const version = packageVersion();
  let commit: string | undefined;
  try {
    const head = readFileSync(join(root, '.git', 'HEAD'), 'utf8').trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    const text = ref ? readFileSync(join(root, '.git', ...ref.split('/')), 'utf8').trim() : head;
    if (/^[0-9a-f]{40}$/.test(text)) commit = text;
  } catch {}
  return { package: 'clinote', version, ...(commit ? { commit } : {}) };
}

/** Training data hashes of a model manifest (its `data.train` and `data.dev` files). */
function trainingDataOf(manifestText: string, prefix = ''): TrainingData[] {
  try {
    const m = JSON.parse(manifestText) as { data?: Record<string, unknown> };
    const out: TrainingData[] = [];
    for (const split of ['train', 'dev', 'test']) {
      const list = m.data?.[split];
      if (!Array.isArray(list)) continue;
      for (const f of list as { name?: unknown; sha256?: unknown }[])
        if (typeof f.name === 'string' && typeof f.sha256 === 'string')
          out.push({ name: `${prefix}${f.name}`, sha256: f.sha256, split });
    }
    return out;
  } catch {
    return [];
  }
}

function unreadable(what: string, e?: unknown): ClinoteError {
  return new ClinoteError('CLINOTE_E_REGISTRY_ARTIFACT_INVALID', what, {}, e ? { cause: e } : undefined);
}

/** The file where a registered pipeline's config is kept, inside its artifact. */
export const PIPELINE_FILE = 'pipeline.json';
/** Model folders bundled in a pipeline artifact are referred to as `artifact:PATH` in its config. */
const ARTIFACT_PREFIX = 'artifact:';

export class Registry {
  readonly store: OpenedStore;
  readonly artifacts: ArtifactStore;
  readonly #ownsStore: boolean;

  constructor(store: OpenedStore, artifacts: ArtifactStore, ownsStore = false) {
    this.store = store;
    this.artifacts = artifacts;
    this.#ownsStore = ownsStore;
  }

  get db() {
    return this.store.db;
  }

  async close(): Promise<void> {
    if (this.#ownsStore) await this.store.close();
  }

  /** Appends a decision to the audit log (route `/registry/...`); resolves with its record. */
  audit(
    route: string,
    what: { name?: string; version?: number | string; status?: number; errorCode?: string; id?: string },
    actor: Actor = {},
  ): Promise<AuditRecord> {
    return this.store.audit.append({
      at: now(),
      requestId: what.id ?? `registry-${newId()}`,
      tenant: actor.tenant ?? 'registry',
      ...(actor.keyId !== undefined ? { keyId: actor.keyId } : {}),
      method: actor.method ?? 'CLI',
      route,
      status: what.status ?? 200,
      ...(what.name !== undefined ? { pipeline: what.name } : {}),
      ...(what.version !== undefined ? { pipelineVersion: String(what.version) } : {}),
      notes: 0,
      ...(what.errorCode !== undefined ? { errorCode: what.errorCode } : {}),
    });
  }

  // ---- register

  /** Reads what is to be registered: the artifact's files, its kind and lineage. */
  async #collect(input: RegisterInput): Promise<{
    kind: VersionKind;
    files: Map<string, Uint8Array>;
    trainingData: TrainingData[];
    references: { uri: string; version: number }[];
    source: string;
  }> {
    if ((input.model === undefined) === (input.pipeline === undefined))
      throw new ClinoteError('CLINOTE_E_REGISTRY_BAD_INPUT', 'give one of --model DIR and --pipeline CONFIG');
    if (input.model !== undefined) {
      const dir = modelDir(input.model);
      const abs = isAbsolute(dir) ? dir : resourcePath(dir);
      if (!existsSync(join(abs, 'manifest.json')))
        throw unreadable(`model '${input.model}' is not a model directory (manifest.json, weights.bin)`);
      const files = readFolder(abs);
      const manifest = Buffer.from(files.get('manifest.json')!).toString('utf8');
      return {
        kind: 'model',
        files,
        trainingData: trainingDataOf(manifest),
        references: [],
        source: input.model,
      };
    }
    const path = resolve(input.pipeline!);
    let config: { components?: { name?: string; options?: Record<string, unknown> }[] };
    try {
      config = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw unreadable(`pipeline config '${input.pipeline}' cannot be read as JSON`, e);
    }
    if (!Array.isArray(config?.components))
      throw unreadable(`pipeline config '${input.pipeline}' has no components`);
    const files = new Map<string, Uint8Array>();
    const trainingData: TrainingData[] = [];
    const references: { uri: string; version: number }[] = [];
    const components = [];
    for (const [i, c] of config.components.entries()) {
      const model = c?.options?.model;
      if (typeof model === 'string' && isModelUri(model)) {
        const v = await this.resolve(model);
        references.push({ uri: model, version: v.version });
        trainingData.push(...v.lineage.trainingData);
        components.push(c);
      } else if (typeof model === 'string') {
        const dir = modelDir(model);
        const abs = isAbsolute(dir) ? dir : resourcePath(dir);
        if (!existsSync(join(abs, 'manifest.json')))
          throw unreadable(`component ${i} (${c.name}): model '${model}' is not a model directory`);
        const prefix = `models/${i}/`;
        for (const [p, b] of readFolder(abs, prefix)) files.set(p, b);
        trainingData.push(
          ...trainingDataOf(Buffer.from(files.get(`${prefix}manifest.json`)!).toString('utf8')),
        );
        components.push({ ...c, options: { ...c.options, model: `${ARTIFACT_PREFIX}models/${i}` } });
      } else components.push(c);
    }
    const { $schema: _schema, ...rest } = config as Record<string, unknown>;
    files.set(PIPELINE_FILE, Buffer.from(`${JSON.stringify({ ...rest, components }, null, 2)}\n`));
    return { kind: 'pipeline', files, trainingData, references, source: input.pipeline! };
  }

  async register(input: RegisterInput, actor: Actor = {}): Promise<VersionInfo> {
    const name = checkName(input.name, 'the name');
    const tags = input.tags ?? {};
    for (const k of Object.keys(tags)) checkName(k, 'a tag key');
    const collected = await this.#collect(input);
    const hash = this.artifacts.put(collected.files);
    const code = codeVersion();
    for (let attempt = 0; ; attempt++) {
      try {
        const info = await this.db.transaction().execute(async (tx) => {
          const at = now();
          await tx
            .insertInto('registry_model')
            .values({ name, created_at: at, policy: null })
            .onConflict((oc) => oc.column('name').doNothing())
            .execute();
          const max = await tx
            .selectFrom('registry_version')
            .select((eb) => eb.fn.max('version').as('v'))
            .where('name', '=', name)
            .executeTakeFirst();
          const latest = max?.v === null || max?.v === undefined ? 0 : Number(max.v);
          const version = latest + 1;
          if (input.parent !== undefined && (input.parent < 1 || input.parent > latest))
            throw new ClinoteError(
              'CLINOTE_E_REGISTRY_NOT_FOUND',
              `${name} has no version ${input.parent} (the parent)`,
            );
          const lineage: Lineage = {
            source: collected.source,
            parentVersion: input.parent ?? (latest > 0 ? latest : null),
            code,
            trainingData: collected.trainingData,
            ...(collected.references.length > 0 ? { references: collected.references } : {}),
          };
          await tx
            .insertInto('registry_version')
            .values({
              name,
              version,
              kind: collected.kind,
              artifact_hash: hash,
              tags: JSON.stringify(tags),
              lineage: JSON.stringify(lineage),
              created_at: at,
            })
            .execute();
          return {
            name,
            version,
            kind: collected.kind,
            artifactHash: hash,
            tags,
            lineage,
            createdAt: at,
            aliases: [],
          } satisfies VersionInfo;
        });
        await this.audit('/registry/register', { name, version: info.version }, actor);
        return info;
      } catch (e) {
        // two registrations of one name at once: the second insert hits the primary key; retry
        if (attempt < 5 && !(e instanceof ClinoteError) && /unique|primary|constraint/i.test(String(e)))
          continue;
        throw e;
      }
    }
  }

  // ---- read

  async #aliases(name: string): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('registry_alias').selectAll().where('name', '=', name).execute();
    return Object.fromEntries(rows.map((r) => [r.alias, Number(r.version)]).sort());
  }

  #version(
    r: {
      name: string;
      version: number;
      kind: string;
      artifact_hash: string;
      tags: string;
      lineage: string;
      created_at: string;
    },
    aliases: Record<string, number>,
  ): VersionInfo {
    const version = Number(r.version);
    return {
      name: r.name,
      version,
      kind: r.kind as VersionKind,
      artifactHash: r.artifact_hash,
      tags: json(r.tags, {}),
      lineage: json(r.lineage, {} as Lineage),
      createdAt: r.created_at,
      aliases: Object.entries(aliases)
        .filter(([, v]) => v === version)
        .map(([a]) => a),
    };
  }

  async list(): Promise<ModelSummary[]> {
    const models = await this.db.selectFrom('registry_model').selectAll().orderBy('name').execute();
    const counts = await this.db
      .selectFrom('registry_version')
      .select((eb) => ['name', eb.fn.max('version').as('latest'), eb.fn.countAll().as('n')])
      .groupBy('name')
      .execute();
    const aliases = await this.db.selectFrom('registry_alias').selectAll().execute();
    return models.map((m) => {
      const c = counts.find((x) => x.name === m.name);
      return {
        name: m.name,
        createdAt: m.created_at,
        latest: Number(c?.latest ?? 0),
        versions: Number(c?.n ?? 0),
        aliases: Object.fromEntries(
          aliases.filter((a) => a.name === m.name).map((a) => [a.alias, Number(a.version)]),
        ),
        hasPolicy: m.policy !== null,
      };
    });
  }

  async show(name: string): Promise<ModelDetail> {
    const m = await this.db
      .selectFrom('registry_model')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!m) throw notFound(name);
    const aliases = await this.#aliases(name);
    const rows = await this.db
      .selectFrom('registry_version')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version')
      .execute();
    const versionList = rows.map((r) => this.#version(r, aliases));
    return {
      name,
      createdAt: m.created_at,
      latest: versionList.at(-1)?.version ?? 0,
      versions: versionList.length,
      aliases,
      hasPolicy: m.policy !== null,
      versionList,
      evals: await this.evals(name),
      policy: json(m.policy, null),
    };
  }

  async version(name: string, version: number): Promise<VersionInfo> {
    const r = await this.db
      .selectFrom('registry_version')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!r) throw notFound(name, version);
    return this.#version(r, await this.#aliases(name));
  }

  /** The version a reference names now (an alias is read at each call). */
  async resolve(ref: ModelRef | string): Promise<VersionInfo> {
    const r = typeof ref === 'string' ? parseModelRef(ref, { bare: true }) : ref;
    if (r.version !== undefined) return this.version(r.name, r.version);
    const a = await this.db
      .selectFrom('registry_alias')
      .select('version')
      .where('name', '=', r.name)
      .where('alias', '=', r.alias)
      .executeTakeFirst();
    if (!a)
      throw new ClinoteError('CLINOTE_E_REGISTRY_NOT_FOUND', `${r.name} has no alias '${r.alias}'`, {
        name: r.name,
      });
    return this.version(r.name, Number(a.version));
  }

  async setAlias(name: string, alias: string, version: number, actor: Actor = {}): Promise<number | null> {
    checkName(alias, 'the alias');
    parseVersion(version);
    await this.version(name, version);
    const previous = await this.db.transaction().execute(async (tx) => {
      const old = await tx
        .selectFrom('registry_alias')
        .select('version')
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      await tx
        .insertInto('registry_alias')
        .values({ name, alias, version, updated_at: now() })
        .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version, updated_at: now() }))
        .execute();
      return old ? Number(old.version) : null;
    });
    await this.audit(`/registry/alias/${alias}`, { name, version }, actor);
    return previous;
  }

  // ---- artifacts as pipelines

  /** The folder of a version's artifact (its files checked against the hash). */
  artifactDir(v: VersionInfo): string {
    return this.artifacts.verified(v.artifactHash);
  }

  /**
   * The pipeline config a version runs: a registered pipeline's config (bundled models as absolute
   * paths, `models:/` references resolved), or, for a model, segmentation then `ner` with it. Its
   * `name` is `NAME/VERSION`, so every result names the version that made it.
   */
  async pipelineConfig(v: VersionInfo): Promise<Record<string, unknown>> {
    const dir = this.artifactDir(v);
    const name = `${v.name}/${v.version}`;
    if (v.kind === 'model')
      return {
        name,
        components: [
          { name: 'normalize' },
          { name: 'sections' },
          { name: 'sentences' },
          { name: 'tokens' },
          { name: 'ner', options: { model: dir } },
          { name: 'assertions' },
        ],
      };
    const config = JSON.parse(readFileSync(join(dir, PIPELINE_FILE), 'utf8')) as Record<string, unknown>;
    return { ...(await this.resolveConfig(config, dir)), name };
  }

  /** A config with every `models:/` model option replaced by the artifact folder it names. */
  async resolveConfig(config: unknown, artifactDir?: string): Promise<Record<string, unknown>> {
    const c = config as { components?: unknown };
    if (!Array.isArray(c?.components)) return config as Record<string, unknown>;
    const components = [];
    for (const comp of c.components as { options?: Record<string, unknown> }[]) {
      const model = comp?.options?.model;
      if (typeof model === 'string' && model.startsWith(ARTIFACT_PREFIX) && artifactDir !== undefined) {
        components.push({
          ...comp,
          options: { ...comp.options, model: join(artifactDir, model.slice(ARTIFACT_PREFIX.length)) },
        });
      } else if (isModelUri(model)) {
        const v = await this.resolve(model);
        if (v.kind !== 'model')
          throw new ClinoteError(
            'CLINOTE_E_REGISTRY_BAD_INPUT',
            `${model} is a pipeline, not a model: it cannot be a component's model`,
          );
        components.push({ ...comp, options: { ...comp.options, model: this.artifactDir(v) } });
      } else components.push(comp);
    }
    return { ...(config as Record<string, unknown>), components };
  }

  // ---- evaluation reports

  async attachEval(
    name: string,
    version: number,
    suite: string,
    f1: number,
    report: unknown,
    actor: Actor = {},
  ): Promise<string> {
    await this.version(name, version);
    const id = newId();
    await this.db
      .insertInto('registry_eval')
      .values({ id, name, version, suite, created_at: now(), f1, report: JSON.stringify(report) })
      .execute();
    await this.audit('/registry/evaluate', { name, version, id: `eval-${id}` }, actor);
    return id;
  }

  async evals(name: string, version?: number, suite?: string): Promise<EvalSummary[]> {
    let q = this.db
      .selectFrom('registry_eval')
      .select(['id', 'name', 'version', 'suite', 'created_at', 'f1'])
      .where('name', '=', name);
    if (version !== undefined) q = q.where('version', '=', version);
    if (suite !== undefined) q = q.where('suite', '=', suite);
    const rows = await q.orderBy('created_at').execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      version: Number(r.version),
      suite: r.suite,
      createdAt: r.created_at,
      f1: Number(r.f1),
    }));
  }

  /** The latest report of a version on a suite, or undefined. */
  async latestEval(name: string, version: number, suite: string): Promise<unknown | undefined> {
    const r = await this.db
      .selectFrom('registry_eval')
      .select('report')
      .where('name', '=', name)
      .where('version', '=', version)
      .where('suite', '=', suite)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return r ? JSON.parse(r.report) : undefined;
  }

  // ---- policy and promotions

  async setPolicy(name: string, policy: unknown, actor: Actor = {}): Promise<void> {
    const r = await this.db
      .updateTable('registry_model')
      .set({ policy: JSON.stringify(policy) })
      .where('name', '=', name)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound(name);
    await this.audit(
      '/registry/policy',
      { name, id: `policy-${sha256Hex(stableJson(policy)).slice(0, 32)}` },
      actor,
    );
  }

  async policy(name: string): Promise<unknown | null> {
    const m = await this.db
      .selectFrom('registry_model')
      .select('policy')
      .where('name', '=', name)
      .executeTakeFirst();
    if (!m) throw notFound(name);
    return json(m.policy, null);
  }

  /**
   * Records a promotion attempt and anchors it in the audit log: the audit record's request id
   * holds the SHA-256 of the attempt (checks, outcome, reason), so a reason changed afterwards no
   * longer matches its record.
   */
  async recordPromotion(
    p: Omit<PromotionRecord, 'id' | 'at' | 'auditSeq'>,
    actor: Actor = {},
  ): Promise<PromotionRecord> {
    const id = newId();
    const at = now();
    const body = { id, at, ...p };
    const digest = promotionDigest(body);
    const record = await this.audit(
      `/registry/promote/${p.alias}`,
      {
        name: p.name,
        version: p.version,
        status: p.outcome === 'refused' ? 409 : 200,
        ...(p.outcome === 'refused' ? { errorCode: 'CLINOTE_E_REGISTRY_GATE_FAILED' } : {}),
        id: `promotion-${id}-${digest.slice(0, 32)}`,
      },
      actor,
    );
    await this.db
      .insertInto('registry_promotion')
      .values({
        id,
        name: p.name,
        alias: p.alias,
        version: p.version,
        from_version: p.fromVersion,
        at,
        outcome: p.outcome,
        checks: JSON.stringify(p.checks),
        reason: p.reason,
        audit_seq: record.seq,
      })
      .execute();
    return { ...body, auditSeq: record.seq };
  }

  async promotions(name?: string, limit = 200): Promise<PromotionRecord[]> {
    let q = this.db.selectFrom('registry_promotion').selectAll();
    if (name !== undefined) q = q.where('name', '=', name);
    const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      alias: r.alias,
      version: Number(r.version),
      fromVersion: r.from_version === null ? null : Number(r.from_version),
      at: r.at,
      outcome: r.outcome as PromotionRecord['outcome'],
      checks: json(r.checks, []),
      reason: r.reason,
      auditSeq: r.audit_seq === null ? null : Number(r.audit_seq),
    }));
  }

  // ---- deployments

  async putDeployment(name: string, spec: unknown, actor: Actor = {}): Promise<void> {
    checkName(name, 'the deployment name');
    const text = JSON.stringify(spec);
    await this.db
      .insertInto('registry_deployment')
      .values({ name, spec: text, updated_at: now() })
      .onConflict((oc) => oc.column('name').doUpdateSet({ spec: text, updated_at: now() }))
      .execute();
    await this.audit(
      '/registry/deployment',
      { name, id: `deployment-${sha256Hex(text).slice(0, 32)}` },
      actor,
    );
  }

  async deployments(): Promise<{ name: string; spec: unknown; updatedAt: string }[]> {
    const rows = await this.db.selectFrom('registry_deployment').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, spec: JSON.parse(r.spec), updatedAt: r.updated_at }));
  }

  /** All alias rows: what a server polls (one small query). */
  async allAliases(): Promise<{ name: string; alias: string; version: number }[]> {
    const rows = await this.db.selectFrom('registry_alias').select(['name', 'alias', 'version']).execute();
    return rows.map((r) => ({ name: r.name, alias: r.alias, version: Number(r.version) }));
  }

  // ---- shadow results

  async insertShadow(rows: readonly Omit<ShadowRow, 'id'>[]): Promise<void> {
    if (rows.length === 0) return;
    // 13 parameters a row: 500 rows stay under SQLite's and PostgreSQL's limits
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto('registry_shadow')
        .values(
          rows.slice(i, i + 500).map((r) => ({
            id: newId(),
            deployment: r.deployment,
            at: r.at,
            request_id: r.requestId,
            variant: r.variant,
            champion: r.champion,
            candidate: r.candidate,
            champion_ms: r.championMs,
            candidate_ms: r.candidateMs,
            champion_error: r.championError,
            candidate_error: r.candidateError,
            agreement: JSON.stringify(r.agreement),
            result: r.result,
          })),
        )
        .execute();
    }
  }

  async shadowRows(
    deployment: string,
    options: { readonly since?: string; readonly withResult?: boolean; readonly limit?: number } = {},
  ): Promise<ShadowRow[]> {
    let q = this.db
      .selectFrom('registry_shadow')
      .select([
        'id',
        'deployment',
        'at',
        'request_id',
        'variant',
        'champion',
        'candidate',
        'champion_ms',
        'candidate_ms',
        'champion_error',
        'candidate_error',
        'agreement',
      ])
      .where('deployment', '=', deployment);
    if (options.since !== undefined) q = q.where('at', '>=', options.since);
    const rows = await q
      .orderBy('at')
      .limit(options.limit ?? 1_000_000)
      .execute();
    const results = options.withResult
      ? new Map(
          (
            await this.db
              .selectFrom('registry_shadow')
              .select(['id', 'result'])
              .where('deployment', '=', deployment)
              .execute()
          ).map((r) => [r.id, r.result]),
        )
      : undefined;
    return rows.map((r) => ({
      id: r.id,
      deployment: r.deployment,
      at: r.at,
      requestId: r.request_id,
      variant: r.variant,
      champion: r.champion,
      candidate: r.candidate,
      championMs: r.champion_ms === null ? null : Number(r.champion_ms),
      candidateMs: r.candidate_ms === null ? null : Number(r.candidate_ms),
      championError: r.champion_error,
      candidateError: r.candidate_error,
      agreement: JSON.parse(r.agreement),
      result: results?.get(r.id) ?? null,
    }));
  }
}

/** SHA-256 of a promotion attempt's canonical JSON (what its audit record anchors). */
export function promotionDigest(p: Omit<PromotionRecord, 'auditSeq'>): string {
  return sha256Hex(stableJson(p));
}

/** JSON with keys sorted at every level. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function notFound(name: string, version?: number): ClinoteError {
  const shown = /^[A-Za-z0-9._-]{1,64}$/.test(name) ? name : '(not a name)';
  return new ClinoteError(
    'CLINOTE_E_REGISTRY_NOT_FOUND',
    version === undefined ? `no registered model is named ${shown}` : `${shown} has no version ${version}`,
    { name: shown, ...(version !== undefined ? { version } : {}) },
  );
}

export interface OpenRegistryOptions {
  /** The store: a SQLite path or a postgres:// URL (default $CLINOTE_STORE, else the data folder). */
  readonly url?: string;
  /** The artifact folder (default $CLINOTE_ARTIFACTS, else beside the SQLite store / in the data folder). */
  readonly artifacts?: string;
  readonly env?: Env;
}

/** Opens the store (migrating it) and the artifact folder; `close()` closes the store. */
export async function openRegistry(options: OpenRegistryOptions = {}): Promise<Registry> {
  const env = options.env ?? process.env;
  const url = options.url ?? (env.CLINOTE_STORE || undefined);
  const { openStore } = await import('../store/index.js');
  const store = await openStore({ ...(url !== undefined ? { url } : {}), env });
  return new Registry(store, new ArtifactStore(options.artifacts ?? defaultArtifactRoot(url, env)), true);
}

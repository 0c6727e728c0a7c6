/**
 * Deployments in the server (docs/registry.md): a deployment serves its champion, sends a sticky
 * share of routing keys to a canary and mirrors a sample of requests to a shadow. Variants are
 * registry versions (`models:/NAME@ALIAS`, `models:/NAME/VERSION`), each run by an engine of its own.
 *
 * Changes take effect without a restart: the registry is polled (`pollMs`) for aliases and stored
 * deployments; a changed variant's engine is built in the background and swapped in once ready;
 * the old one keeps serving meanwhile and is closed when its last request has finished, so
 * in-flight requests finish on the version they started with.
 *
 * The shadow (and the champion, on canary requests) runs after the response is computed, never
 * delaying it: its queue is bounded (a mirror that does not fit is dropped and counted). Its results
 * and the comparison counts are written to the store in batches (results are PHI-bearing data at
 * rest, like stored results: never logged, never in a metric label).
 */
import { Counter, Gauge, Histogram, type Registry as PromRegistry } from 'prom-client';
import type { BatchRecord, RecordOptions } from '../batch/records.js';
import { ClinoteError } from '../errors/error.js';
import type { NoteInput } from '../pipeline/pipeline.js';
import { DEFAULT_ROUTING_HEADER, type DeploymentSpec, parseDeploymentSpec } from '../registry/deployment.js';
import {
  addObservation,
  agreementOf,
  emptyWindow,
  type Observation,
  routesToCanary,
  sampledForShadow,
  summarize,
  type WindowStats,
  type WindowSummary,
  windowStart,
} from '../registry/online.js';
import type { Registry, ShadowRow } from '../registry/registry.js';
import type { Dispatcher, Engine } from './dispatcher.js';

/** A pipeline the server runs (the same shape as app.ts's LoadedPipeline). */
export interface RunningPipeline {
  readonly name: string;
  readonly engine: Engine;
  readonly dispatcher: Dispatcher;
}

export type Role = 'champion' | 'canary' | 'shadow';

interface Slot {
  /** NAME/VERSION. */
  readonly label: string;
  readonly loaded: RunningPipeline;
  /** Requests routed to it and not yet finished. */
  active: number;
  /** Deployments whose live state uses it. */
  users: number;
  closing: boolean;
}

interface Live {
  readonly name: string;
  readonly spec: DeploymentSpec;
  readonly champion: Slot;
  readonly canary?: Slot;
  readonly shadow?: Slot;
  /** What it was built from: variant labels and the spec, to detect a change. */
  readonly key: string;
}

/** One request's route: the pipeline that serves it and what to do with its records. */
export interface Routed {
  readonly deployment: string;
  readonly role: 'champion' | 'canary';
  /** NAME/VERSION of the version that serves it. */
  readonly label: string;
  readonly loaded: RunningPipeline;
  /** After each submit: mirror to the shadow / the champion (in the background). */
  observe(notes: readonly NoteInput[], records: RecordOptions, out: readonly BatchRecord[], ms: number): void;
  /** When the response is sent. */
  release(): void;
}

export interface DeploymentsOptions {
  readonly registry: Registry;
  /** Deployments of the server config (a deployment stored in the registry with the same name wins). */
  readonly configured: Readonly<Record<string, unknown>>;
  /** Builds the engine and dispatcher of a pipeline config (named NAME/VERSION). */
  readonly load: (label: string, config: unknown, threads: number | undefined) => Promise<RunningPipeline>;
  readonly metrics: PromRegistry;
  /** How often aliases and stored deployments are read (default 2,000 ms; 0: never, call refresh()). */
  readonly pollMs?: number;
  /** Online comparison windows (default 60,000 ms). */
  readonly windowMs?: number;
  /** Mirrored notes waiting or running at most (default 256); more are dropped and counted. */
  readonly shadowQueueMax?: number;
  readonly requestTimeoutMs: number;
  /** Where failures of the background work go (codes only). */
  readonly warn?: (what: string, code: string) => void;
}

export interface DeploymentView {
  readonly name: string;
  readonly source: 'registry' | 'config';
  readonly champion: { readonly uri: string; readonly version: string };
  readonly canary?: { readonly uri: string; readonly version: string; readonly share: number };
  readonly shadow?: { readonly uri: string; readonly version: string; readonly sample: number };
  readonly routingHeader: string;
  /** The current and the previous window of each compared variant. */
  readonly agreement: Readonly<
    Record<string, { readonly current: WindowSummary; readonly previous?: WindowSummary }>
  >;
}

const codeOf = (e: unknown): string => (e instanceof ClinoteError ? e.code : 'CLINOTE_E_INTERNAL');

export class Deployments {
  readonly #o: DeploymentsOptions;
  readonly #slots = new Map<string, Slot>();
  #live = new Map<string, Live>();
  #sources = new Map<string, 'registry' | 'config'>();
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #closed = false;
  #pendingMirror = 0;
  #rows: Omit<ShadowRow, 'id'>[] = [];
  #flushing: Promise<void> | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  readonly #windows = new Map<string, { current: WindowStats; previous?: WindowStats }>();
  readonly #background = new Set<Promise<unknown>>();

  readonly #requests: Counter<'deployment' | 'variant' | 'version'>;
  readonly #latency: Histogram<'deployment' | 'variant'>;
  readonly #errors: Counter<'deployment' | 'variant'>;
  readonly #dropped: Counter<'deployment' | 'reason'>;
  readonly #agreement: Gauge<'deployment' | 'variant' | 'type'>;
  readonly #assertions: Gauge<'deployment' | 'variant'>;
  readonly #codes: Gauge<'deployment' | 'variant'>;
  readonly #compared: Counter<'deployment' | 'variant'>;

  constructor(options: DeploymentsOptions) {
    this.#o = options;
    const registers = [options.metrics];
    this.#requests = new Counter({
      name: 'clinote_deployment_requests_total',
      help: 'Requests served by a deployment, by variant (champion, canary) and version (NAME/VERSION)',
      labelNames: ['deployment', 'variant', 'version'] as const,
      registers,
    });
    this.#latency = new Histogram({
      name: 'clinote_deployment_run_seconds',
      help: 'Time to run the notes of a request, by deployment and variant (champion, canary, shadow, and champion-compare: the champion on canary requests)',
      labelNames: ['deployment', 'variant'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#errors = new Counter({
      name: 'clinote_deployment_note_errors_total',
      help: 'Notes that failed, by deployment and variant',
      labelNames: ['deployment', 'variant'] as const,
      registers,
    });
    this.#dropped = new Counter({
      name: 'clinote_deployment_mirror_dropped_total',
      help: 'Mirrored requests dropped (queue full, store write failed), by deployment and reason',
      labelNames: ['deployment', 'reason'] as const,
      registers,
    });
    this.#agreement = new Gauge({
      name: 'clinote_deployment_agreement_f1',
      help: 'Span agreement F1 of a variant with the champion in the current window (type "all": every type)',
      labelNames: ['deployment', 'variant', 'type'] as const,
      registers,
    });
    this.#assertions = new Gauge({
      name: 'clinote_deployment_assertion_agreement',
      help: 'Share of spans both found whose assertion agrees, current window',
      labelNames: ['deployment', 'variant'] as const,
      registers,
    });
    this.#codes = new Gauge({
      name: 'clinote_deployment_code_agreement',
      help: 'Share of spans both found whose first code agrees, current window',
      labelNames: ['deployment', 'variant'] as const,
      registers,
    });
    this.#compared = new Counter({
      name: 'clinote_deployment_comparisons_total',
      help: 'Requests compared with the champion, by deployment and variant (shadow, canary)',
      labelNames: ['deployment', 'variant'] as const,
      registers,
    });
  }

  /** Loads every deployment (errors throw: the server does not start), then polls. */
  async start(): Promise<void> {
    await this.refresh(true);
    const poll = this.#o.pollMs ?? 2_000;
    if (poll > 0) {
      this.#timer = setInterval(() => {
        this.refresh().catch((e: unknown) => this.#o.warn?.('deployment refresh failed', codeOf(e)));
      }, poll);
      this.#timer.unref();
    }
  }

  has(name: string): boolean {
    return this.#live.has(name);
  }

  names(): string[] {
    return [...this.#live.keys()];
  }

  /** Re-reads aliases and deployments; builds what changed, swaps it in, retires what is unused. */
  refresh(strict = false): Promise<void> {
    this.#refreshing ??= this.#refresh(strict).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(strict: boolean): Promise<void> {
    if (this.#closed) return;
    const registry = this.#o.registry;
    const specs = new Map<string, DeploymentSpec>();
    const sources = new Map<string, 'registry' | 'config'>();
    for (const [name, spec] of Object.entries(this.#o.configured)) {
      specs.set(name, parseDeploymentSpec(spec, `deployments.${name}`));
      sources.set(name, 'config');
    }
    for (const d of await registry.deployments()) {
      try {
        specs.set(d.name, parseDeploymentSpec(d.spec, `deployment ${d.name}`));
        sources.set(d.name, 'registry');
      } catch (e) {
        if (strict) throw e;
        this.#o.warn?.('stored deployment invalid', codeOf(e));
      }
    }
    const next = new Map<string, Live>();
    for (const [name, spec] of specs) {
      try {
        const labels = await Promise.all(
          [spec.champion, spec.canary?.model, spec.shadow?.model].map(async (uri) => {
            if (uri === undefined) return undefined;
            const v = await registry.resolve(uri);
            return { v, label: `${v.name}/${v.version}` };
          }),
        );
        const key = JSON.stringify([labels.map((l) => l?.label), spec]);
        const old = this.#live.get(name);
        if (old && old.key === key) {
          next.set(name, old);
          continue;
        }
        const slot = async (x: (typeof labels)[number]): Promise<Slot | undefined> => {
          if (!x) return undefined;
          const existing = this.#slots.get(x.label);
          if (existing && !existing.closing) return existing;
          const config = await registry.pipelineConfig(x.v);
          const loaded = await this.#o.load(x.label, config, spec.threads);
          const s: Slot = { label: x.label, loaded, active: 0, users: 0, closing: false };
          this.#slots.set(x.label, s);
          return s;
        };
        const champion = (await slot(labels[0]))!;
        const canary = await slot(labels[1]);
        const shadow = await slot(labels[2]);
        next.set(name, {
          name,
          spec,
          champion,
          ...(canary ? { canary } : {}),
          ...(shadow ? { shadow } : {}),
          key,
        });
      } catch (e) {
        if (strict) throw e;
        this.#o.warn?.('deployment variant could not be loaded; the previous one keeps serving', codeOf(e));
        const old = this.#live.get(name);
        if (old) next.set(name, old);
      }
    }
    if (this.#closed) return;
    // count users, swap, retire what no deployment uses any more
    for (const s of this.#slots.values()) s.users = 0;
    for (const l of next.values()) for (const s of [l.champion, l.canary, l.shadow]) if (s) s.users++;
    this.#live = next;
    this.#sources = sources;
    for (const s of this.#slots.values()) if (s.users === 0) this.#retire(s);
  }

  #retire(s: Slot): void {
    if (s.closing) return;
    s.closing = true;
    this.#slots.delete(s.label);
    const done = (async () => {
      // in-flight requests finish on the version they started with
      while (s.active > 0 || s.loaded.dispatcher.queuedNotes > 0 || s.loaded.dispatcher.inFlight > 0) {
        await s.loaded.dispatcher.idle();
        if (s.active > 0) await new Promise((r) => setTimeout(r, 20));
      }
      await s.loaded.engine.close();
    })().catch((e: unknown) => this.#o.warn?.('closing a retired engine failed', codeOf(e)));
    this.#track(done);
  }

  #track(p: Promise<unknown>): void {
    this.#background.add(p);
    void p.finally(() => this.#background.delete(p));
  }

  /** The route of a request to deployment `name`; `key` is the routing key (a patient id), hashed here. */
  route(name: string, key: string | undefined, requestId: string): Routed | undefined {
    const live = this.#live.get(name);
    if (!live) return undefined;
    const canaryHit =
      live.canary !== undefined && key !== undefined && routesToCanary(name, key, live.spec.canary!.share);
    const slot = canaryHit ? live.canary! : live.champion;
    const role = canaryHit ? 'canary' : 'champion';
    slot.active++;
    const shadow =
      live.shadow && sampledForShadow(name, key ?? requestId, live.spec.shadow?.sample ?? 1)
        ? live.shadow
        : undefined;
    const compareWith = canaryHit && live.spec.canary?.compare !== false ? live.champion : undefined;
    this.#requests.inc({ deployment: name, variant: role, version: slot.label });
    let released = false;
    return {
      deployment: name,
      role,
      label: slot.label,
      loaded: slot.loaded,
      observe: (notes, records, out, ms) => {
        this.#latency.observe({ deployment: name, variant: role }, ms / 1000);
        const errors = out.filter((r) => r.type === 'error').length;
        if (errors > 0) this.#errors.inc({ deployment: name, variant: role }, errors);
        // compared only in the JSON form (a FHIR record is another shape)
        if (records.format !== undefined && records.format !== 'json') return;
        if (shadow)
          this.#mirror(
            name,
            'shadow',
            requestId,
            live.champion,
            shadow,
            notes,
            out,
            ms,
            live.spec.shadow?.storeResults !== false,
            'served',
          );
        if (compareWith)
          this.#mirror(name, 'canary', requestId, compareWith, slot, notes, out, ms, false, 'candidate');
      },
      release: () => {
        if (released) return;
        released = true;
        slot.active--;
      },
    };
  }

  /**
   * Runs `notes` on the other side in the background and records the comparison. `served` says
   * which side `out` came from: the champion's records (a shadow mirror) or the candidate's (a
   * canary request, compared with the champion run now).
   */
  #mirror(
    deployment: string,
    variant: 'shadow' | 'canary',
    requestId: string,
    champion: Slot,
    candidate: Slot,
    notes: readonly NoteInput[],
    out: readonly BatchRecord[],
    ms: number,
    storeResults: boolean,
    outIs: 'served' | 'candidate',
  ): void {
    const max = this.#o.shadowQueueMax ?? 256;
    if (this.#closed || this.#pendingMirror + notes.length > max) {
      this.#dropped.inc({ deployment, reason: 'queue' });
      return;
    }
    const other = outIs === 'served' ? candidate : champion;
    if (other.closing) return;
    this.#pendingMirror += notes.length;
    other.active++;
    const started = performance.now();
    const run = (async () => {
      let theirs: BatchRecord[];
      try {
        theirs = await other.loaded.dispatcher.submit(notes, {}, Date.now() + this.#o.requestTimeoutMs, true);
      } finally {
        other.active--;
        this.#pendingMirror -= notes.length;
      }
      const theirMs = performance.now() - started;
      this.#latency.observe(
        { deployment, variant: outIs === 'served' ? variant : 'champion-compare' },
        theirMs / 1000,
      );
      const champ = outIs === 'served' ? out : theirs;
      const cand = outIs === 'served' ? theirs : out;
      const at = new Date().toISOString();
      for (let i = 0; i < notes.length; i++) {
        const a = champ[i];
        const b = cand[i];
        if (!a || !b) continue;
        const aErr = a.type === 'error' ? a.code : null;
        const bErr = b.type === 'error' ? b.code : null;
        const agreement = aErr === null && bErr === null ? agreementOf(a.body.value, b.body.value) : null;
        const perNote = (x: number) => Math.round((x / notes.length) * 1000) / 1000;
        const o: Observation = {
          agreement,
          championMs: perNote(outIs === 'served' ? ms : theirMs),
          candidateMs: perNote(outIs === 'served' ? theirMs : ms),
          championError: aErr !== null,
          candidateError: bErr !== null,
        };
        this.#observe(deployment, variant, o);
        this.#rows.push({
          deployment,
          at,
          requestId: notes.length > 1 ? `${requestId}#${i}` : requestId,
          variant,
          champion: champion.label,
          candidate: candidate.label,
          championMs: o.championMs,
          candidateMs: o.candidateMs,
          championError: aErr,
          candidateError: bErr,
          agreement,
          result: storeResults ? b.body.json : null,
        });
      }
      this.#scheduleFlush();
    })().catch((e: unknown) => {
      this.#dropped.inc({ deployment, reason: 'run' });
      this.#o.warn?.('mirror failed', codeOf(e));
    });
    this.#track(run);
  }

  #observe(deployment: string, variant: string, o: Observation): void {
    const windowMs = this.#o.windowMs ?? 60_000;
    const key = `${deployment}\0${variant}`;
    const start = windowStart(Date.now(), windowMs);
    let w = this.#windows.get(key);
    if (!w || w.current.start !== start) {
      w = { current: emptyWindow(start), ...(w ? { previous: w.current } : {}) };
      this.#windows.set(key, w);
    }
    addObservation(w.current, o);
    this.#compared.inc({ deployment, variant });
    const s = summarize(w.current);
    if (s.agreementF1 !== null) this.#agreement.set({ deployment, variant, type: 'all' }, s.agreementF1);
    for (const [type, t] of Object.entries(s.byType))
      this.#agreement.set({ deployment, variant, type }, t.f1);
    if (s.assertionAgreement !== null) this.#assertions.set({ deployment, variant }, s.assertionAgreement);
    if (s.codeAgreement !== null) this.#codes.set({ deployment, variant }, s.codeAgreement);
  }

  #scheduleFlush(): void {
    if (this.#rows.length >= 200) {
      void this.flush();
      return;
    }
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      void this.flush();
    }, 100);
  }

  /** Writes the queued comparisons (and shadow results) to the store. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#rows.length === 0) return;
    const rows = this.#rows;
    this.#rows = [];
    this.#flushing = this.#o.registry
      .insertShadow(rows)
      .catch((e: unknown) => {
        for (const r of rows) this.#dropped.inc({ deployment: r.deployment, reason: 'store' });
        this.#o.warn?.('storing shadow results failed', codeOf(e));
      })
      .finally(() => {
        this.#flushing = undefined;
      });
    await this.#flushing;
  }

  /** Waits for the background work (mirrors, retired engines) and writes what is queued. */
  async settle(): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
    if (this.#flushTimer) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    await this.flush();
  }

  views(): DeploymentView[] {
    return [...this.#live.values()].map((l) => {
      const agreement: Record<string, { current: WindowSummary; previous?: WindowSummary }> = {};
      for (const variant of ['shadow', 'canary']) {
        const w = this.#windows.get(`${l.name}\0${variant}`);
        if (w)
          agreement[variant] = {
            current: summarize(w.current),
            ...(w.previous ? { previous: summarize(w.previous) } : {}),
          };
      }
      return {
        name: l.name,
        source: this.#sources.get(l.name) ?? 'config',
        champion: { uri: l.spec.champion, version: l.champion.label },
        ...(l.canary
          ? { canary: { uri: l.spec.canary!.model, version: l.canary.label, share: l.spec.canary!.share } }
          : {}),
        ...(l.shadow
          ? {
              shadow: {
                uri: l.spec.shadow!.model,
                version: l.shadow.label,
                sample: l.spec.shadow!.sample ?? 1,
              },
            }
          : {}),
        routingHeader: l.spec.routingHeader ?? DEFAULT_ROUTING_HEADER,
        agreement,
      };
    });
  }

  /** The header a deployment reads its routing key from. */
  routingHeader(name: string): string {
    return this.#live.get(name)?.spec.routingHeader ?? DEFAULT_ROUTING_HEADER;
  }

  /** Every pipeline it runs (for the shutdown drain). */
  running(): RunningPipeline[] {
    return [...this.#slots.values()].map((s) => s.loaded);
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#refreshing?.catch(() => {});
    await this.settle();
    this.#closed = true;
    const slots = [...this.#slots.values()];
    this.#slots.clear();
    this.#live.clear();
    await Promise.all(
      slots.map(async (s) => {
        await s.loaded.dispatcher.idle();
        await s.loaded.engine.close();
      }),
    );
  }
}

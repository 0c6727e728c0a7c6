/**
 * Live monitoring in the server (docs/monitoring.md#live-monitoring-in-the-server): every served
 * result adds its observation (made on the worker thread beside its record: counts and codes only)
 * to the profile of its window, per deployment, version and tenant. When a window closes, each
 * process writes its profiles to the store (`monitor_profile`: profiles of several server processes
 * merge), then compares the window, merged over every process, with the reference: the first
 * stored windows of the same key that hold `minNotes` notes (pinned, so a slow drift is seen too).
 * A drift verdict is stored (`monitor_alert`), logged (feature names and distances: no text),
 * counted in `/metrics` and POSTed to the webhook when one is set.
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { OpenedStore } from '../store/index.js';
import { compareProfiles, type DriftConfig, type DriftReport } from './drift.js';
import {
  emptyProfile,
  mergeProfiles,
  type NoteObservation,
  type Profile,
  ProfileBuilder,
  type ProfileKey,
  parseProfile,
} from './profile.js';

export interface MonitorConfig {
  /** Window length in ms (default 5 minutes). */
  readonly windowMs: number;
  /** Drift settings (docs/monitoring.md); `minNotes` also decides how many notes the reference needs. */
  readonly drift: DriftConfig;
  /** POST each alert here (JSON), when set. */
  readonly webhook?: string;
}

export interface AlertEvent {
  readonly id: string;
  readonly at: string;
  readonly key: ProfileKey;
  readonly window: { readonly start: string; readonly end: string };
  readonly drifted: readonly string[];
  readonly share: number;
}

export interface MonitorHooks {
  /** A window's verdict: for the metrics (features' distances, the dataset share). */
  onReport?(key: ProfileKey, report: DriftReport): void;
  onAlert?(alert: AlertEvent, report: DriftReport): void;
  /** A background failure (the store, the webhook): codes only. */
  onError?(what: string, code: string): void;
  /**
   * Collect the parts of the profiles that worker threads keep (`addPart`) before a window closes
   * or is shown.
   */
  drain?(): Promise<void>;
}

const keyOf = (k: ProfileKey): string => `${k.deployment}\u0000${k.version}\u0000${k.tenant}`;
const newId = (): string => `mon-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;

/** Where windows start: multiples of the window length since the epoch (the same in every process). */
export function windowOf(at: number, ms: number): { start: string; end: string; startMs: number } {
  const startMs = Math.floor(at / ms) * ms;
  return { start: new Date(startMs).toISOString(), end: new Date(startMs + ms).toISOString(), startMs };
}

export class LiveMonitor {
  readonly #store: OpenedStore | undefined;
  readonly #config: MonitorConfig;
  readonly #hooks: MonitorHooks;
  readonly #worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  /** The open window's builders, by key. */
  #builders = new Map<string, { key: ProfileKey; builder: ProfileBuilder }>();
  /** When the open window opened: a window boundary, or the process start, or a manual rollover. */
  #openedAt: number;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  /** While a closing window drains the worker threads: where their parts go. */
  #partsTo: Map<string, { key: ProfileKey; builder: ProfileBuilder }> | undefined;
  /**
   * The pinned reference of each key: read once from the store when it holds enough notes; without
   * a store, the first windows of the key as they add up.
   */
  readonly #references = new Map<string, Profile>();
  readonly #now: () => number;

  constructor(
    config: MonitorConfig,
    options: {
      readonly store?: OpenedStore;
      readonly hooks?: MonitorHooks;
      readonly now?: () => number;
    } = {},
  ) {
    this.#config = config;
    this.#store = options.store;
    this.#hooks = options.hooks ?? {};
    this.#now = options.now ?? Date.now;
    this.#openedAt = this.#now();
  }

  /** The end of the open window: the next boundary (multiples of the window length since the epoch). */
  #closesAt(): number {
    return windowOf(this.#openedAt, this.#config.windowMs).startMs + this.#config.windowMs;
  }

  /** Closes windows on time (a timer that does not keep the process alive). */
  start(): void {
    const tick = (): void => {
      const next = this.#closesAt();
      this.#timer = setTimeout(
        () => {
          void this.rollover().finally(() => {
            if (this.#timer !== undefined) tick();
          });
        },
        Math.max(10, next - this.#now()),
      );
      this.#timer.unref();
    };
    tick();
  }

  /**
   * The builder of a key in the open window (closing the window first when its end has passed),
   * or in `into` (a closing window).
   */
  #builder(
    key: ProfileKey,
    into?: Map<string, { key: ProfileKey; builder: ProfileBuilder }>,
  ): ProfileBuilder {
    if (!into && this.#now() >= this.#closesAt()) void this.rollover();
    const builders = into ?? this.#builders;
    const k = keyOf(key);
    let b = builders.get(k);
    if (!b) {
      const start = new Date(this.#openedAt).toISOString();
      b = {
        key,
        builder: new ProfileBuilder({
          key,
          window: { start, end: new Date(this.#closesAt()).toISOString() },
        }),
      };
      builders.set(k, b);
    }
    return b.builder;
  }

  /** Adds one note's observation (with the request's latency) to the open window. O(features). */
  observe(key: ProfileKey, observation: NoteObservation, ms?: number): void {
    const b = this.#builder(key);
    b.add(observation);
    if (ms !== undefined) b.value('ops.latency_ms', ms);
  }

  /**
   * The latency of a note whose features a worker thread adds to its own part of the profile
   * (`addPart`): the note is counted there, its latency here.
   */
  latency(key: ProfileKey, ms: number): void {
    this.#builder(key).value('ops.latency_ms', ms);
  }

  /**
   * A worker thread's part of the profile of a key: its notes and counts add up, in the open window
   * (or in the closing one while it drains the threads).
   */
  addPart(key: ProfileKey, part: Profile): void {
    this.#builder(key, this.#partsTo).addProfile(part);
  }

  /** Collect the worker threads' parts now (before a window closes or is shown). */
  async drain(): Promise<void> {
    try {
      await this.#hooks.drain?.();
    } catch (e) {
      this.#hooks.onError?.("monitoring: the worker threads' profiles could not be collected", codeOf(e));
    }
  }

  /** An error that ended a request before any record (a 503, a timeout): counted by code. */
  observeError(key: ProfileKey, code: string, ms?: number): void {
    this.observe(
      key,
      {
        numeric: {},
        categorical: { 'ops.outcome': { error: 1 }, 'ops.error_code': { [code]: 1 } },
        error: true,
      },
      ms,
    );
  }

  /** The open window's profiles (for a status route), merged per key. */
  current(): Profile[] {
    return [...this.#builders.values()].map((b) => b.builder.toProfile());
  }

  /**
   * Closes the open window (at its boundary, or now: shutdown, tests): stores its profiles and
   * compares each key with its reference. Windows closed at their boundary start at the same
   * instant in every process, so their profiles merge; others stand alone.
   */
  rollover(): Promise<void> {
    const closing = this.#builders;
    const now = this.#now();
    const end = Math.min(now, this.#closesAt());
    const w = { start: new Date(this.#openedAt).toISOString(), end: new Date(end).toISOString() };
    this.#builders = new Map();
    this.#openedAt = now >= this.#closesAt() ? windowOf(now, this.#config.windowMs).startMs : now;
    // the worker threads' parts so far belong to the closing window: drained into it, then closed
    const drained = this.#hooks.drain ? this.#drainInto(closing) : undefined;
    if (!drained && closing.size === 0) return this.#flushing;
    this.#flushing = this.#flushing
      .then(() => drained)
      .then(() => {
        const profiles = [...closing.values()].map((b) => ({ ...b.builder.toProfile(), window: w }));
        return profiles.length > 0 ? this.#close(w, profiles) : undefined;
      })
      .catch(() => {});
    return this.#flushing;
  }

  async #drainInto(closing: Map<string, { key: ProfileKey; builder: ProfileBuilder }>): Promise<void> {
    this.#partsTo = closing;
    try {
      await this.drain();
    } finally {
      if (this.#partsTo === closing) this.#partsTo = undefined;
    }
  }

  async #close(w: { start: string; end: string }, profiles: readonly Profile[]): Promise<void> {
    for (const p of profiles) {
      const key = p.key as ProfileKey;
      let current = p;
      let reference: Profile | null;
      try {
        if (this.#store) {
          await this.#store.db
            .insertInto('monitor_profile')
            .values({
              id: newId(),
              deployment: key.deployment,
              version: key.version,
              tenant: key.tenant,
              window_start: w.start,
              window_end: w.end,
              notes: p.count,
              worker: this.#worker,
              profile: JSON.stringify(p),
            })
            .execute();
          current = await this.#window(key, w.start);
          reference = this.#references.get(keyOf(key)) ?? (await this.#reference(key, w.start));
          if (reference) this.#references.set(keyOf(key), reference);
        } else {
          // without a store: the first windows of the key add up to its reference, in memory
          const pinned = this.#references.get(keyOf(key));
          if (pinned && pinned.count >= this.#minNotes()) reference = pinned;
          else {
            this.#references.set(keyOf(key), pinned ? mergeProfiles(pinned, p) : p);
            reference = null;
          }
        }
      } catch (e) {
        this.#hooks.onError?.('monitoring: a window could not be stored', codeOf(e));
        continue;
      }
      if (!reference) continue;
      const report = compareProfiles(reference, current, this.#config.drift);
      this.#hooks.onReport?.(key, report);
      if (report.dataset.status === 'drift') await this.#alert(key, w, report);
    }
  }

  #minNotes(): number {
    return this.#config.drift.minNotes ?? 200;
  }

  /** The window `start` of a key, merged over every process that stored it. */
  async #window(key: ProfileKey, start: string): Promise<Profile> {
    const rows = await this.#rows(key).where('window_start', '=', start).execute();
    return rows.reduce((acc, r) => mergeProfiles(acc, parseProfile(JSON.parse(r.profile))), emptyProfile());
  }

  /** The first stored windows of a key before `before` that together hold minNotes notes; null if too few. */
  async #reference(key: ProfileKey, before: string): Promise<Profile | null> {
    const rows = await this.#rows(key).where('window_start', '<', before).orderBy('window_start').execute();
    let acc: Profile | null = null;
    let lastStart: string | undefined;
    for (const r of rows) {
      // whole windows only: every process's part of the last window taken
      if (acc && acc.count >= this.#minNotes() && r.window_start !== lastStart) break;
      acc = acc
        ? mergeProfiles(acc, parseProfile(JSON.parse(r.profile)))
        : parseProfile(JSON.parse(r.profile));
      lastStart = r.window_start;
    }
    return acc && acc.count >= this.#minNotes() ? acc : null;
  }

  #rows(key: ProfileKey) {
    return this.#store!.db.selectFrom('monitor_profile')
      .select(['window_start', 'profile'])
      .where('deployment', '=', key.deployment)
      .where('version', '=', key.version)
      .where('tenant', '=', key.tenant);
  }

  async #alert(key: ProfileKey, w: { start: string; end: string }, report: DriftReport): Promise<void> {
    const drifted = report.features.filter((f) => f.drifted).map((f) => f.name);
    const alert: AlertEvent = {
      id: newId(),
      at: new Date(this.#now()).toISOString(),
      key,
      window: w,
      drifted,
      share: report.dataset.share,
    };
    this.#hooks.onAlert?.(alert, report);
    if (this.#store) {
      try {
        await this.#store.db
          .insertInto('monitor_alert')
          .values({
            id: alert.id,
            at: alert.at,
            deployment: key.deployment,
            version: key.version,
            tenant: key.tenant,
            drifted: JSON.stringify(drifted),
            share: alert.share,
            report: JSON.stringify(report),
          })
          .execute();
      } catch (e) {
        this.#hooks.onError?.('monitoring: an alert could not be stored', codeOf(e));
      }
    }
    if (this.#config.webhook !== undefined) {
      try {
        const r = await fetch(this.#config.webhook, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'clinote.drift', ...alert }),
          signal: AbortSignal.timeout(5_000),
        });
        if (!r.ok) this.#hooks.onError?.('monitoring: the webhook refused an alert', `HTTP_${r.status}`);
      } catch (e) {
        this.#hooks.onError?.('monitoring: the webhook could not be reached', codeOf(e));
      }
    }
  }

  /** Closes the open window (a last flush) and stops the timer. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.rollover();
  }
}

function codeOf(e: unknown): string {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' && /^[A-Z0-9_]{1,64}$/.test(c) ? c : 'CLINOTE_E_INTERNAL';
}

/** The stored alerts, newest first (the monitoring page and `GET /v1/monitoring/alerts`). */
export async function listAlerts(
  store: OpenedStore,
  options: { readonly deployment?: string; readonly tenant?: string; readonly limit?: number } = {},
): Promise<AlertEvent[]> {
  let q = store.db
    .selectFrom('monitor_alert')
    .select(['id', 'at', 'deployment', 'version', 'tenant', 'drifted', 'share', 'report']);
  if (options.deployment !== undefined) q = q.where('deployment', '=', options.deployment);
  if (options.tenant !== undefined) q = q.where('tenant', '=', options.tenant);
  const rows = await q
    .orderBy('at', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return rows.map((r) => {
    const report = JSON.parse(r.report) as DriftReport;
    return {
      id: r.id,
      at: r.at,
      key: { deployment: r.deployment, version: r.version, tenant: r.tenant },
      window: {
        start: report.current.window?.start ?? '',
        end: report.current.window?.end ?? '',
      },
      drifted: JSON.parse(r.drifted) as string[],
      share: Number(r.share),
    };
  });
}

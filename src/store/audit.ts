/**
 * The append-only audit log: one chain of records (chain.ts), written in batches.
 *
 * `append` checks the entry at once (no unknown field: CLINOTE_E_STORE_AUDIT_ENTRY_INVALID) and queues
 * it; the queue is written on the next turn of the event loop, and whatever arrives while a batch is
 * being written goes into the next one (group commit: no added delay, one transaction per batch of
 * up to `batchMax` entries). Each batch, in one transaction, reads and locks the head row
 * (`audit_head`, SQLite: under `BEGIN IMMEDIATE`; PostgreSQL: `SELECT ... FOR UPDATE`), chains its
 * records on it, inserts them and moves the head: appenders in several processes on one database
 * keep one chain. `append` resolves with the record once its batch is committed.
 */

import type { Insertable, Selectable } from 'kysely';
import { ClinoteError } from '../errors/error.js';
import type { Backend, Db } from './backend.js';
import { checkAuditEntry, GENESIS_HASH, recordHash } from './chain.js';
import type { AuditRecordTable } from './schema.js';
import type { AuditEntry, AuditLog, AuditRecord, AuditVerdict } from './types.js';

export interface AuditLogOptions {
  /** Most entries in one transaction (default 500, at most 2,000). */
  readonly batchMax?: number;
  /** Records read per page by `verify` (default 5,000). */
  readonly pageSize?: number;
}

/** Default and largest `limit` of `list`. */
export const AUDIT_LIST_DEFAULT = 100;
export const AUDIT_LIST_MAX = 100_000;

interface Pending {
  readonly entry: AuditEntry;
  readonly resolve: (r: AuditRecord) => void;
  readonly reject: (e: unknown) => void;
}

type Row = Selectable<AuditRecordTable>;
type NewRow = Insertable<AuditRecordTable> & { seq: number; prev_hash: string; hash: string };

function toRow(seq: number, prevHash: string, hash: string, e: AuditEntry): NewRow {
  return {
    seq,
    prev_hash: prevHash,
    hash,
    at: e.at,
    request_id: e.requestId,
    tenant: e.tenant,
    key_id: e.keyId ?? null,
    method: e.method,
    route: e.route,
    status: e.status,
    pipeline: e.pipeline ?? null,
    pipeline_version: e.pipelineVersion ?? null,
    notes: e.notes,
    error_code: e.errorCode ?? null,
    ms: e.ms ?? null,
  };
}

/** The entry a row holds (what its hash covers). */
function entryOf(row: Row): AuditEntry {
  return {
    at: row.at,
    requestId: row.request_id,
    tenant: row.tenant,
    ...(row.key_id !== null ? { keyId: row.key_id } : {}),
    method: row.method,
    route: row.route,
    status: Number(row.status),
    ...(row.pipeline !== null ? { pipeline: row.pipeline } : {}),
    ...(row.pipeline_version !== null ? { pipelineVersion: row.pipeline_version } : {}),
    notes: Number(row.notes),
    ...(row.error_code !== null ? { errorCode: row.error_code } : {}),
    ...(row.ms !== null ? { ms: Number(row.ms) } : {}),
  };
}

const toRecord = (row: Row): AuditRecord => ({
  ...entryOf(row),
  seq: Number(row.seq),
  prevHash: row.prev_hash,
  hash: row.hash,
});

export interface AuditLogHandle extends AuditLog {
  /** Writes what is queued, then refuses new entries. */
  close(): Promise<void>;
}

export function createAuditLog(backend: Backend, options: AuditLogOptions = {}): AuditLogHandle {
  // at most 2,000: 15 parameters a row stays under SQLite's 32,766 and PostgreSQL's 65,535
  const batchMax = Math.min(2_000, Math.max(1, Math.trunc(options.batchMax ?? 500)));
  const pageSize = Math.max(1, options.pageSize ?? 5_000);
  const queue: Pending[] = [];
  let writing: Promise<void> | undefined;
  let scheduled = false;
  let closed = false;

  const readHead = async (tx: Db): Promise<{ seq: number; hash: string }> => {
    let q = tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
    if (backend.kind === 'postgres') q = q.forUpdate();
    const head = await q.executeTakeFirst();
    if (head === undefined) throw new Error('the audit head row is missing');
    return { seq: Number(head.seq), hash: head.hash };
  };

  const writeBatch = (entries: readonly AuditEntry[]): Promise<AuditRecord[]> =>
    backend.write('appending to the audit log', async (tx) => {
      const head = await readHead(tx);
      let prev = head.hash;
      let seq = head.seq;
      const rows: NewRow[] = [];
      for (const entry of entries) {
        seq++;
        const hash = recordHash(prev, seq, entry);
        rows.push(toRow(seq, prev, hash, entry));
        prev = hash;
      }
      await tx.insertInto('audit_record').values(rows).execute();
      await tx.updateTable('audit_head').set({ seq, hash: prev }).where('id', '=', 1).execute();
      return rows.map((row, i) => ({
        ...entries[i]!,
        seq: row.seq,
        prevHash: row.prev_hash,
        hash: row.hash,
      }));
    });

  const drain = (): Promise<void> => {
    if (writing) return writing;
    if (queue.length === 0) return Promise.resolve();
    writing = (async () => {
      while (queue.length > 0) {
        const batch = queue.splice(0, batchMax);
        try {
          const records = await writeBatch(batch.map((p) => p.entry));
          for (const [i, p] of batch.entries()) p.resolve(records[i]!);
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    })().finally(() => {
      writing = undefined;
      // an entry queued between the loop's last check and here has no write scheduled yet
      if (queue.length > 0) schedule();
    });
    return writing;
  };

  const schedule = (): void => {
    if (scheduled || writing) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void drain();
    });
  };

  const closedError = () => new ClinoteError('CLINOTE_E_STORE_CLOSED', 'the audit log is closed');

  async function flush(): Promise<void> {
    // entries queued while a batch is written are taken by the same drain loop
    while (writing || queue.length > 0) await drain();
  }

  return {
    append(entry) {
      if (closed) return Promise.reject(closedError());
      let checked: AuditEntry;
      try {
        checked = checkAuditEntry(entry);
      } catch (e) {
        return Promise.reject(e);
      }
      return new Promise<AuditRecord>((resolve, reject) => {
        queue.push({ entry: checked, resolve, reject });
        schedule();
      });
    },

    flush,

    async verify(): Promise<AuditVerdict> {
      await flush();
      return backend.snapshot('verifying the audit log', async (tx) => {
        const head = await tx
          .selectFrom('audit_head')
          .select(['seq', 'hash'])
          .where('id', '=', 1)
          .executeTakeFirst();
        if (head === undefined)
          return { ok: false, checked: 0, firstBad: 1, reason: 'the audit head row is missing' };
        const headSeq = Number(head.seq);
        let expected = 1;
        let prev = GENESIS_HASH;
        let checked = 0;
        const bad = (firstBad: number, reason: string): AuditVerdict => ({
          ok: false,
          checked,
          firstBad,
          reason,
        });
        for (;;) {
          const rows = await tx
            .selectFrom('audit_record')
            .selectAll()
            .where('seq', '>=', expected)
            .orderBy('seq')
            .limit(pageSize)
            .execute();
          if (rows.length === 0) break;
          for (const row of rows) {
            const seq = Number(row.seq);
            if (seq > headSeq)
              return bad(seq, `record ${seq} is past the head (${headSeq}): it was inserted`);
            if (seq !== expected)
              return bad(
                expected,
                `record ${expected} is missing (the next record is ${seq}): it was deleted`,
              );
            if (row.prev_hash !== prev)
              return bad(seq, `record ${seq} does not link to record ${seq - 1} (its prevHash differs)`);
            if (recordHash(prev, seq, entryOf(row)) !== row.hash)
              return bad(seq, `record ${seq} does not match its hash: it was altered`);
            prev = row.hash;
            expected++;
            checked++;
          }
        }
        const last = expected - 1;
        if (last < headSeq)
          return bad(expected, `records ${expected} to ${headSeq} are missing: the log was truncated`);
        if (head.hash !== prev)
          return bad(
            Math.max(last, 1),
            `the head does not match record ${last}: the head or the record was altered`,
          );
        return { ok: true, checked };
      });
    },

    async list(opts = {}) {
      await flush();
      const limit = Math.min(Math.max(1, Math.trunc(opts.limit ?? AUDIT_LIST_DEFAULT)), AUDIT_LIST_MAX);
      const rows = await backend.run('listing the audit log', (db) => {
        let q = db.selectFrom('audit_record').selectAll();
        if (opts.tenant !== undefined) q = q.where('tenant', '=', opts.tenant);
        return q.orderBy('seq', 'desc').limit(limit).execute();
      });
      return rows.map(toRecord);
    },

    async close() {
      await flush();
      closed = true;
      for (const p of queue.splice(0)) p.reject(closedError());
    },
  };
}

/**
 * Reviewers' feedback on served results (`POST /v1/feedback`, docs/monitoring.md#feedback): a span
 * accepted, added or removed, a type or an assertion corrected, a code accepted or rejected. Each is
 * keyed by the note id, the pipeline (or deployment) and the version that served the result, and by
 * the caller's tenant; nothing of one tenant is visible to another. Stored in the `feedback` table
 * (migration 0003_monitoring); the note's text only when the reviewer sends it (so that the feedback
 * can train), kept in the store like stored results and never logged or returned.
 *
 * Label-based figures per version (`feedbackFigures`):
 * - span precision = accepted / (accepted + removed + type-corrected): the share of served spans a
 *   reviewer kept as they were;
 * - span recall = (accepted + type-corrected) / (accepted + type-corrected + added): of the spans the
 *   reviewer says are there, the share the result had (a served span whose type was wrong was found);
 * - code precision = accepted / (accepted + rejected);
 * - assertion corrections per reviewed span.
 */
import { randomBytes } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { ClinoteError } from '../errors/error.js';
import type { OpenedStore } from '../store/index.js';

export const FEEDBACK_KINDS = [
  'span-accepted',
  'span-added',
  'span-removed',
  'type-corrected',
  'assertion-corrected',
  'code-accepted',
  'code-rejected',
] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

const SPAN_KINDS: ReadonlySet<string> = new Set([
  'span-accepted',
  'span-added',
  'span-removed',
  'type-corrected',
  'assertion-corrected',
]);

const Label = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const Offset = Type.Integer({ minimum: 0 });

export const FeedbackItemSchema = Type.Object(
  {
    kind: Type.Union(
      FEEDBACK_KINDS.map((k) => Type.Literal(k)),
      { description: 'What the reviewer says' },
    ),
    start: Type.Optional(Offset),
    end: Type.Optional(Offset),
    type: Type.Optional(Label),
    from: Type.Optional(Label),
    to: Type.Optional(Label),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9.\\-]+$' })),
    system: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:/-]+$' })),
  },
  { additionalProperties: false },
);

export const FeedbackBodySchema = Type.Object(
  {
    noteId: Type.String({ minLength: 1, maxLength: 256, description: 'The id of the reviewed note' }),
    pipeline: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'The pipeline or deployment that served the result (its stamp name)',
    }),
    version: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'The version that served it (the stamp version, or the registry version)',
    }),
    text: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The note, when the feedback should be used for training (kept in the store, never logged or returned)',
      }),
    ),
    items: Type.Array(FeedbackItemSchema, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

export type FeedbackItem = Static<typeof FeedbackItemSchema>;
export type FeedbackBody = Static<typeof FeedbackBodySchema>;

export interface FeedbackRow {
  readonly id: string;
  readonly at: string;
  readonly tenant: string;
  readonly keyId: string | null;
  readonly noteId: string;
  readonly pipeline: string;
  readonly version: string;
  readonly item: FeedbackItem;
  /** Only when asked for (`withText`). */
  readonly text?: string | null;
}

const invalid = (detail: string): ClinoteError => new ClinoteError('CLINOTE_E_FEEDBACK_INVALID', detail);

/**
 * Checks what the schema cannot: each kind has the fields it needs, offsets are a half-open range
 * (inside the text when it is given). The messages name the item and the field, never a value.
 */
export function checkFeedback(body: FeedbackBody): void {
  body.items.forEach((item, i) => {
    const at = `items[${i}] (${item.kind})`;
    if (SPAN_KINDS.has(item.kind)) {
      if (item.start === undefined || item.end === undefined)
        throw invalid(`${at}: start and end are required`);
      if (item.end <= item.start) throw invalid(`${at}: end must be greater than start`);
      if (body.text !== undefined && item.end > body.text.length)
        throw invalid(`${at}: end is past the end of the text`);
      if (item.kind === 'span-added' && item.type === undefined) throw invalid(`${at}: type is required`);
      if ((item.kind === 'type-corrected' || item.kind === 'assertion-corrected') && item.to === undefined)
        throw invalid(`${at}: to (the corrected value) is required`);
    } else if (item.code === undefined) {
      throw invalid(`${at}: code is required`);
    }
  });
}

const newId = (): string => `fb-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;

export interface FeedbackFigures {
  readonly pipeline: string;
  readonly version: string;
  /** The period (`day`: YYYY-MM-DD; `all`). */
  readonly period: string;
  readonly notes: number;
  readonly counts: Readonly<Record<FeedbackKind, number>>;
  readonly spanPrecision: number | null;
  readonly spanRecall: number | null;
  readonly codePrecision: number | null;
  /** Assertion corrections per reviewed span (accepted, removed, corrected). */
  readonly assertionCorrectionRate: number | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** The label-based figures of a set of feedback rows (one pipeline version, one period). */
export function figuresOf(
  rows: readonly Pick<FeedbackRow, 'noteId' | 'item'>[],
  pipeline: string,
  version: string,
  period: string,
): FeedbackFigures {
  const counts = Object.fromEntries(FEEDBACK_KINDS.map((k) => [k, 0])) as Record<FeedbackKind, number>;
  const notes = new Set<string>();
  for (const r of rows) {
    counts[r.item.kind]++;
    notes.add(r.noteId);
  }
  const accepted = counts['span-accepted'];
  const typed = counts['type-corrected'];
  const reviewed = accepted + counts['span-removed'] + typed + counts['assertion-corrected'];
  return {
    pipeline,
    version,
    period,
    notes: notes.size,
    counts,
    spanPrecision: ratio(accepted, accepted + counts['span-removed'] + typed),
    spanRecall: ratio(accepted + typed, accepted + typed + counts['span-added']),
    codePrecision: ratio(counts['code-accepted'], counts['code-accepted'] + counts['code-rejected']),
    assertionCorrectionRate: ratio(counts['assertion-corrected'], reviewed),
  };
}

/** Feedback rows in the store (the `feedback` table), always scoped to one tenant. */
export class FeedbackStore {
  readonly #store: OpenedStore;

  constructor(store: OpenedStore) {
    this.#store = store;
  }

  /** Validates and stores one body; resolves with the ids of its items, in order. */
  async add(
    body: FeedbackBody,
    who: { readonly tenant: string; readonly keyId?: string; readonly requestId: string },
    at = new Date().toISOString(),
  ): Promise<string[]> {
    checkFeedback(body);
    const rows = body.items.map((item, i) => ({
      id: newId(),
      at,
      tenant: who.tenant,
      key_id: who.keyId ?? null,
      note_id: body.noteId,
      pipeline: body.pipeline,
      version: body.version,
      kind: item.kind,
      item: JSON.stringify(item),
      // the text once per body: on its first item
      note_text: i === 0 ? (body.text ?? null) : null,
      request_id: who.requestId,
    }));
    // 11 parameters a row: 500 rows stay under SQLite's and PostgreSQL's limits
    await this.#store.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 500)
        await tx
          .insertInto('feedback')
          .values(rows.slice(i, i + 500))
          .execute();
    });
    return rows.map((r) => r.id);
  }

  /** The rows of a tenant, oldest first; `withText` adds the note text (for training only). */
  async list(
    tenant: string,
    options: {
      readonly pipeline?: string;
      readonly version?: string;
      readonly since?: string;
      readonly withText?: boolean;
    } = {},
  ): Promise<FeedbackRow[]> {
    let q = this.#store.db
      .selectFrom('feedback')
      .select(['id', 'at', 'tenant', 'key_id', 'note_id', 'pipeline', 'version', 'item', 'note_text'])
      .where('tenant', '=', tenant);
    if (options.pipeline !== undefined) q = q.where('pipeline', '=', options.pipeline);
    if (options.version !== undefined) q = q.where('version', '=', options.version);
    if (options.since !== undefined) q = q.where('at', '>=', options.since);
    const rows = await q.orderBy('at').orderBy('id').execute();
    // the text comes once per request (on its first item): the note's latest one, for all its items
    const texts = new Map<string, string>();
    if (options.withText)
      for (const r of rows)
        if (r.note_text !== null) texts.set(`${r.pipeline}\u0000${r.note_id}`, r.note_text);
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      tenant: r.tenant,
      keyId: r.key_id,
      noteId: r.note_id,
      pipeline: r.pipeline,
      version: r.version,
      item: JSON.parse(r.item) as FeedbackItem,
      ...(options.withText ? { text: texts.get(`${r.pipeline}\u0000${r.note_id}`) ?? null } : {}),
    }));
  }

  /** Count of a tenant's feedback items (of one pipeline) since a time. */
  async count(
    tenant: string,
    options: { readonly pipeline?: string; readonly since?: string } = {},
  ): Promise<number> {
    let q = this.#store.db
      .selectFrom('feedback')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant', '=', tenant);
    if (options.pipeline !== undefined) q = q.where('pipeline', '=', options.pipeline);
    if (options.since !== undefined) q = q.where('at', '>=', options.since);
    const row = await q.executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Label-based figures per pipeline version, over all time or per day. */
  async figures(
    tenant: string,
    options: { readonly pipeline?: string; readonly by?: 'all' | 'day' } = {},
  ): Promise<FeedbackFigures[]> {
    const rows = await this.list(
      tenant,
      options.pipeline !== undefined ? { pipeline: options.pipeline } : {},
    );
    const groups = new Map<
      string,
      { pipeline: string; version: string; period: string; rows: FeedbackRow[] }
    >();
    for (const r of rows) {
      const period = options.by === 'day' ? r.at.slice(0, 10) : 'all';
      const key = `${r.pipeline}\u0000${r.version}\u0000${period}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { pipeline: r.pipeline, version: r.version, period, rows: [] }));
      g.rows.push(r);
    }
    return [...groups.values()].map((g) => figuresOf(g.rows, g.pipeline, g.version, g.period));
  }
}

/**
 * The reported axis (reportedBy): only what the sources had published by then.
 *
 * The bitemporal rows hold every stream as known over recorded time, with all its
 * sources. A question on the reported axis is asked of fewer facts, and a fact's
 * value may differ (the claims published by then), so its answer is folded from
 * the projector's copy of the streams: the index on stream_events
 * (stream_type, published_from) finds the streams with an event whose source had
 * been published by then and had been recorded by knownAt, and the domain's own
 * fold (the oracle of every read model) gives each one at asOf. The cost grows
 * with the number of those streams, not with the length of the log; a page of a
 * list folds them in id order, a batch at a time, and stops once the page is full.
 */
import type { Pool } from 'pg';
import {
  COMMITMENT_STREAM_TYPE,
  commitmentSegments,
  fromScaled,
  isDecimal,
  partiesMentioned,
  RecordedEvent,
  temporalSegmentAt,
  temporalSegments,
  toScaled,
} from '@timeline/domain';
import { EventRow, fromRow } from '@timeline/event-store';
import { ENTITY_FOLDS, entityIdOf } from './project-events';
import type { CommitmentAsOfView, CommitmentFilter, LedgerRow } from './read-model-views';

/** The streams of a type with an event published by `reportedBy` and recorded by `knownAt`, whole. */
async function reportedStreams(
  pool: Pool,
  s: string,
  streamType: string,
  reportedBy: string,
  knownAt: string,
  streamId?: string,
): Promise<RecordedEvent[][]> {
  const params: unknown[] = [streamType, reportedBy, knownAt];
  if (streamId !== undefined) params.push(streamId);
  const { rows } = await pool.query<EventRow>(
    `SELECT event_id AS id, * FROM ${s}.stream_events
      WHERE stream_id IN (SELECT DISTINCT stream_id FROM ${s}.stream_events
                           WHERE stream_type = $1 AND published_from <= $2::timestamptz AND recorded_at <= $3::timestamptz
                           ${streamId !== undefined ? 'AND stream_id = $4' : ''})
      ORDER BY stream_id, stream_version`,
    params,
  );
  const streams = new Map<string, RecordedEvent[]>();
  for (const row of rows) {
    const event = fromRow(row);
    const stream = streams.get(event.streamId) ?? [];
    stream.push(event);
    streams.set(event.streamId, stream);
  }
  return [...streams.values()];
}

/** The events of these streams, each stream whole and in order. */
async function streamsOf(pool: Pool, s: string, streamIds: readonly string[]): Promise<RecordedEvent[][]> {
  const { rows } = await pool.query<EventRow>(
    `SELECT event_id AS id, * FROM ${s}.stream_events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version`,
    [streamIds],
  );
  const streams = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
  for (const row of rows) streams.get(row.stream_id)?.push(fromRow(row));
  return [...streams.values()].filter((stream) => stream.length > 0);
}

/**
 * A commitment stream can name a party as `by` or `to` only through these events: its record,
 * a correction of its data, a competing claim on either field, or a correction of such a claim
 * (whose `value` it changes). A stream none of whose events names any of the parties cannot
 * hold a commitment of theirs, however it is folded: the streams left are a superset of the
 * answer, which the fold then filters exactly. `r` is the stream's record (version 1).
 */
function mayNameParty(s: string, parties: string): string {
  return `((r.data->>'by' = ANY(${parties}) OR r.data->>'to' = ANY(${parties}))
    OR (SELECT true FROM ${s}.stream_events x WHERE x.stream_id = r.stream_id AND (
         (x.type = 'EventCorrected' AND (x.data->'changes'->'data'->>'by' = ANY(${parties})
            OR x.data->'changes'->'data'->>'to' = ANY(${parties}) OR x.data->'changes'->'data'->>'value' = ANY(${parties})))
         OR (x.type = 'ClaimRecorded' AND x.data->>'field' IN ('by', 'to') AND x.data->>'value' = ANY(${parties}))) LIMIT 1))`;
}

/**
 * The same streams as `reportedStreams`, in batches in stream-id order after `afterStreamId`,
 * only those that may name one of `parties` when some are given: a page stops reading once it is full.
 * Batches grow from `first` streams, doubling up to 4,096.
 *
 * Each batch walks the primary key in stream-id order from the streams' records (version 1)
 * and asks of each stream, one index lookup at a time, what it needs; a stream's own record
 * usually answers it. The conditions are scalar subqueries with LIMIT 1, not EXISTS: an EXISTS
 * in an OR is planned as a hash of the whole table (about 200 ms at 100,000 events, every
 * batch), where this stops after the page's streams. The ids are UUIDs, whose order is the
 * same under any collation and in JavaScript's string comparison.
 */
/**
 * A stream id above every `<streamType>-<UUID>`, and below the streams of the types that sort
 * after it: in any collation a UUID's digits and letters a–f (either case) sort below "g", and
 * the dash either sorts as itself or is ignored. As the walk's upper bound it ends the walk at
 * the type's last stream, where it would go on through every stream of the types after it.
 */
export function afterEveryUuid(streamType: string): string {
  return `${streamType}-g`;
}

async function* reportedStreamBatches(
  pool: Pool,
  s: string,
  streamType: string,
  reportedBy: string,
  knownAt: string,
  afterStreamId: string,
  first: number,
  parties?: readonly string[],
): AsyncGenerator<RecordedEvent[][]> {
  let after = afterStreamId;
  for (let size = first; ; size = Math.min(size * 2, 4096)) {
    const params: unknown[] = [streamType, reportedBy, knownAt, after, size, afterEveryUuid(streamType)];
    const byParty = parties !== undefined && parties.length > 0;
    if (byParty) params.push(parties);
    const { rows } = await pool.query<{ stream_id: string }>(
      `SELECT r.stream_id FROM ${s}.stream_events r
        WHERE r.stream_type = $1 AND r.stream_version = 1 AND r.stream_id > $4 AND r.stream_id < $6
          AND ((r.published_from <= $2::timestamptz AND r.recorded_at <= $3::timestamptz)
               OR (SELECT true FROM ${s}.stream_events e
                    WHERE e.stream_id = r.stream_id AND e.published_from <= $2::timestamptz AND e.recorded_at <= $3::timestamptz LIMIT 1))
          ${byParty ? `AND ${mayNameParty(s, '$7::text[]')}` : ''}
        ORDER BY r.stream_id LIMIT $5`,
      params,
    );
    if (!rows.length) return;
    const ids = rows.map((row) => row.stream_id);
    yield await streamsOf(pool, s, ids);
    if (rows.length < size) return;
    after = ids[ids.length - 1];
  }
}

/** Commitments at (asOf, knownAt) as reported by `reportedBy`, in the order and pages of `ReadModel.commitments`. */
export async function reportedCommitments(
  pool: Pool,
  s: string,
  asOf: string,
  knownAt: string,
  reportedBy: string,
  filter: CommitmentFilter = {},
  page?: { after?: string; limit: number },
  streamId?: string,
): Promise<CommitmentAsOfView[]> {
  const views: CommitmentAsOfView[] = [];
  if (page && streamId === undefined) {
    // A page in id order: stream ids are `commitment-<id>`, so stream-id order is id order.
    const after = `${COMMITMENT_STREAM_TYPE}-${page.after ?? ''}`;
    for await (const batch of reportedStreamBatches(
      pool,
      s,
      COMMITMENT_STREAM_TYPE,
      reportedBy,
      knownAt,
      after,
      page.limit * 2,
      filter.parties,
    )) {
      for (const events of batch) {
        const view = reportedCommitment(events, asOf, knownAt, reportedBy, filter);
        if (view && (page.after === undefined || view.id > page.after)) views.push(view);
      }
      if (views.length >= page.limit) break;
    }
    return views.sort((a, b) => compare(a.id, b.id)).slice(0, page.limit);
  }
  for (const events of await reportedStreams(pool, s, COMMITMENT_STREAM_TYPE, reportedBy, knownAt, streamId)) {
    const view = reportedCommitment(events, asOf, knownAt, reportedBy, filter);
    if (view && (page?.after === undefined || view.id > page.after)) views.push(view);
  }
  if (page) return views.sort((a, b) => compare(a.id, b.id)).slice(0, page.limit);
  return views.sort((a, b) => compare(a.validFrom, b.validFrom) || compare(a.id, b.id));
}

/** One commitment stream at (asOf, knownAt) as reported by then, when it holds and passes the filter. */
function reportedCommitment(
  events: RecordedEvent[],
  asOf: string,
  knownAt: string,
  reportedBy: string,
  filter: CommitmentFilter,
): CommitmentAsOfView | undefined {
  const segment = temporalSegmentAt(commitmentSegments(events, knownAt, reportedBy), asOf);
  if (!segment) return undefined;
  const { state } = segment;
  const view: CommitmentAsOfView = {
    id: state.commitmentId,
    version: state.streamVersion,
    kind: state.kind,
    title: state.title,
    by: state.by,
    to: state.to,
    status: state.status,
    lapsedAt: state.lapsedAt,
    terms: state.terms as Record<string, unknown>,
    currency: state.terms.currency ?? null,
    unit: state.terms.unit ?? null,
    pledged: state.terms.amount ?? null,
    disbursed: state.disbursed,
    outstanding: state.outstanding,
    validFrom: segment.validFrom,
    validTo: segment.validTo,
    eventIds: [...state.eventIds],
    uncertain: [...state.uncertain],
    sources: state.sources,
  };
  if (filter.kind?.length && !filter.kind.includes(view.kind)) return undefined;
  if (filter.parties?.length && !filter.parties.includes(view.by) && !filter.parties.includes(view.to)) return undefined;
  if (filter.status?.length && !filter.status.includes(view.status)) return undefined;
  return view;
}

/** Parties, tracks, deployments or occurrences at (asOf, knownAt) as reported by `reportedBy`. */
export async function reportedEntities<T>(
  pool: Pool,
  s: string,
  type: string,
  asOf: string,
  knownAt: string,
  reportedBy: string,
  filter: { parties?: readonly string[]; activeOnly?: boolean } = {},
  page?: { after?: string; limit: number },
): Promise<(T & { validFrom: string; validTo: string | null })[]> {
  const fold = ENTITY_FOLDS[type];
  if (!fold) return [];
  const items: (T & { validFrom: string; validTo: string | null; entityId: string })[] = [];
  for (const events of await reportedStreams(pool, s, type, reportedBy, knownAt)) {
    const segment = temporalSegmentAt(
      temporalSegments(events, knownAt, (stream, at, known) => fold(stream, at, known, reportedBy)),
      asOf,
    );
    if (!segment) continue;
    const state = segment.state as T & { active?: boolean };
    if (filter.activeOnly && state.active === false) continue;
    if (filter.parties?.length && !partiesMentioned(state).some((party) => filter.parties!.includes(party))) continue;
    items.push({ ...state, validFrom: segment.validFrom, validTo: segment.validTo, entityId: entityIdOf(events[0].streamId, type) });
  }
  // A page is in entity-id order, as in `entitiesAt`; every candidate stream is folded first.
  const ordered = page
    ? items
        .filter((item) => page.after === undefined || compare(item.entityId, page.after) > 0)
        .sort((a, b) => compare(a.entityId, b.entityId))
        .slice(0, page.limit)
    : items.sort((a, b) => compare(a.validFrom, b.validFrom) || compare(a.entityId, b.entityId));
  return ordered.map(({ entityId: _entityId, ...item }) => item as unknown as T & { validFrom: string; validTo: string | null });
}

/** `ReadModel.ledger` over the commitments as reported by then: the same sums, in the same order. */
export function ledgerOf(commitments: readonly CommitmentAsOfView[], filter: { by?: string; to?: string } = {}): LedgerRow[] {
  const rows = new Map<string, { row: LedgerRow; pledged: bigint; disbursed: bigint; outstanding: bigint; requested: bigint }>();
  for (const item of commitments) {
    if (item.currency === null || item.kind === 'price') continue;
    if ((filter.by && item.by !== filter.by) || (filter.to && item.to !== filter.to)) continue;
    const key = [item.by, item.to, item.kind, item.currency].join('\n');
    const sums = rows.get(key) ?? {
      row: {
        by: item.by,
        to: item.to,
        kind: item.kind,
        currency: item.currency,
        pledged: '0',
        disbursed: '0',
        outstanding: '0',
        requested: '0',
        commitments: 0,
      },
      pledged: 0n,
      disbursed: 0n,
      outstanding: 0n,
      requested: 0n,
    };
    const amount = isDecimal(item.pledged) ? toScaled(item.pledged) : undefined;
    const disbursed = isDecimal(item.disbursed) ? toScaled(item.disbursed) : 0n;
    if (amount !== undefined && ['pledged', 'fulfilled', 'broken'].includes(item.status)) sums.pledged += amount;
    sums.disbursed += disbursed;
    if (amount !== undefined && item.status === 'pledged') sums.outstanding += amount - disbursed;
    if (amount !== undefined && item.status === 'requested') sums.requested += amount;
    sums.row = { ...sums.row, commitments: sums.row.commitments + 1 };
    rows.set(key, sums);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([, sums]) => ({
      ...sums.row,
      pledged: fromScaled(sums.pledged),
      disbursed: fromScaled(sums.disbursed),
      outstanding: fromScaled(sums.outstanding),
      requested: fromScaled(sums.requested),
    }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

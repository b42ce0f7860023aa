/**
 * The reported axis (reportedBy) of parties, tracks, deployments and occurrences: only what the
 * sources had published by then. Commitments have a stored projection of that axis
 * (`commitment_reported_versions`, read in read-models/commitments.ts); these entities are
 * folded on demand from the projector's copy of the streams: the index on stream_events
 * (stream_type, published_from) finds the streams with an event whose source had been published
 * by then and had been recorded by knownAt, and the domain's own fold (the oracle of every read
 * model) gives each one at asOf. The cost grows with the number of those streams.
 */
import type { Pool } from 'pg';
import { fromScaled, isDecimal, partiesMentioned, RecordedEvent, temporalSegmentAt, temporalSegments, toScaled } from '@timeline/domain';
import { EventRow, fromRow } from '@timeline/event-store';
import { ENTITY_FOLDS, entityIdOf } from './project-events';
import type { CommitmentAsOfView, LedgerRow } from './read-model-views';

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

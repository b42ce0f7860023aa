import type { Pool } from 'pg';
import type { RecordedEvent } from '@timeline/domain';
import { inTransaction } from './database';

/** An event whose stream version and recorded time are already decided; the store gives the position. */
export type PlacedEvent = Omit<RecordedEvent, 'position'>;

export class BulkAppendRefused extends Error {
  constructor(reason: string) {
    super(`bulk append refused: ${reason}`);
    this.name = 'BulkAppendRefused';
  }
}

/**
 * Appends events of many streams in one transaction with multi-row
 * statements: the path for loading generated or imported histories, where
 * one `append_to_stream` call per event would cost a round trip each.
 *
 * It keeps the store's invariants: the same advisory lock as every append
 * (positions become visible in commit order), compare-and-set of every
 * stream's version (a stream must be new or at the version before its first
 * event here, and versions are consecutive), recorded times that never go
 * back along positions, and INSERT only (the append-only triggers stay on).
 */
export async function appendBulk(pool: Pool, events: readonly PlacedEvent[]): Promise<{ first: string; last: string }> {
  if (events.length === 0) throw new BulkAppendRefused('no events');
  const streams = streamSpans(events);
  return inTransaction(pool, async (client) => {
    // The lock append_to_streams takes (this schema's), so positions stay visible in commit order.
    await client.query('SELECT pg_advisory_xact_lock(731052246, hashtext(current_schema()))');
    const { rows: lastRows } = await client.query<{ last: Date | null }>('SELECT max(recorded_at) AS last FROM events');
    const last = lastRows[0].last;
    if (last && new Date(events[0].recordedAt) < last) {
      throw new BulkAppendRefused(
        `recorded times must not go back: the store holds events recorded up to ${last.toISOString()}, this batch starts at ${events[0].recordedAt}`,
      );
    }
    const fresh = [...streams.values()].filter((span) => span.from === 1);
    const continued = [...streams.values()].filter((span) => span.from > 1);
    if (fresh.length) {
      const { rowCount } = await client.query(
        `INSERT INTO streams (stream_id, stream_type, version)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) ON CONFLICT (stream_id) DO NOTHING`,
        [fresh.map((s) => s.streamId), fresh.map((s) => s.streamType), fresh.map((s) => s.to)],
      );
      if (rowCount !== fresh.length) throw new BulkAppendRefused(`${fresh.length - (rowCount ?? 0)} of the new streams exist already`);
    }
    if (continued.length) {
      const { rowCount } = await client.query(
        `UPDATE streams s SET version = c.next FROM unnest($1::text[], $2::int[], $3::int[]) AS c(stream_id, expected, next)
          WHERE s.stream_id = c.stream_id AND s.version = c.expected`,
        [continued.map((s) => s.streamId), continued.map((s) => s.from - 1), continued.map((s) => s.to)],
      );
      if (rowCount !== continued.length)
        throw new BulkAppendRefused(`${continued.length - (rowCount ?? 0)} streams are not at the version before this batch`);
    }
    const { rows } = await client.query<{ first: string; last: string }>(
      `WITH inserted AS (
         INSERT INTO events (id, stream_id, stream_type, stream_version, type, schema_version, effective_at,
                             effective_precision, effective_until, recorded_at, actor, source, confidence,
                             correlation_id, causation_id, data)
         SELECT id, stream_id, stream_type, stream_version, type, schema_version, effective_at, effective_precision,
                effective_until, recorded_at, actor, source::jsonb, confidence, correlation_id, causation_id, data::jsonb
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::timestamptz[], $8::text[],
                       $9::timestamptz[], $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::uuid[], $15::uuid[],
                       $16::text[])
                WITH ORDINALITY AS e(id, stream_id, stream_type, stream_version, type, schema_version, effective_at,
                       effective_precision, effective_until, recorded_at, actor, source, confidence, correlation_id,
                       causation_id, data, ordinality)
          ORDER BY ordinality
         RETURNING position)
       SELECT min(position)::text AS first, max(position)::text AS last FROM inserted`,
      [
        events.map((e) => e.id),
        events.map((e) => e.streamId),
        events.map((e) => e.streamType),
        events.map((e) => e.streamVersion),
        events.map((e) => e.type),
        events.map((e) => e.schemaVersion),
        events.map((e) => e.effectiveAt.at),
        events.map((e) => e.effectiveAt.precision),
        events.map((e) => e.effectiveAt.until ?? null),
        events.map((e) => e.recordedAt),
        events.map((e) => e.actor),
        events.map((e) => JSON.stringify(e.source)),
        events.map((e) => e.confidence),
        events.map((e) => e.correlationId),
        events.map((e) => e.causationId),
        events.map((e) => JSON.stringify(e.data)),
      ],
    );
    await client.query("SELECT pg_notify('timeline_events', 'bulk')");
    return rows[0];
  });
}

interface StreamSpan {
  readonly streamId: string;
  readonly streamType: string;
  readonly from: number;
  to: number;
}

/** Per stream, the first and last version in the batch; refuses gaps, repeats and recorded times that go back. */
function streamSpans(events: readonly PlacedEvent[]): Map<string, StreamSpan> {
  const spans = new Map<string, StreamSpan>();
  let previous = '';
  for (const event of events) {
    if (event.recordedAt < previous) throw new BulkAppendRefused(`recorded times go back at event ${event.id}`);
    previous = event.recordedAt;
    const span = spans.get(event.streamId);
    if (!span) {
      spans.set(event.streamId, {
        streamId: event.streamId,
        streamType: event.streamType,
        from: event.streamVersion,
        to: event.streamVersion,
      });
    } else if (event.streamVersion !== span.to + 1) {
      throw new BulkAppendRefused(`stream ${event.streamId} jumps from version ${span.to} to ${event.streamVersion}`);
    } else {
      span.to = event.streamVersion;
    }
  }
  return spans;
}

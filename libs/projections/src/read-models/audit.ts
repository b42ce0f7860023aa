/** Who recorded what and when, from the projector's copy of the log (`stream_events`). */
import type { Pool } from 'pg';
import type { RecordedEvent } from '@timeline/domain';

export interface AuditQuery {
  readonly from?: string;
  readonly to?: string;
  readonly actor?: string;
  readonly parties?: readonly string[];
  readonly types?: readonly string[];
  readonly streamId?: string;
  readonly after?: string;
  readonly limit: number;
}

export interface AuditEntry {
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly recordedAt: string;
  readonly actor: string;
  readonly confidence: string;
  readonly effectiveAt: unknown;
  readonly source: unknown;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly data: unknown;
}

/** A row of `stream_events`, as the audit query selects it. */
interface AuditRow {
  position: string;
  event_id: string;
  type: string;
  stream_id: string;
  stream_version: number;
  recorded_at: Date;
  actor: string;
  confidence: RecordedEvent['confidence'];
  effective_at: Date;
  effective_precision: RecordedEvent['effectiveAt']['precision'];
  effective_until: Date | null;
  source: RecordedEvent['source'];
  correlation_id: string;
  causation_id: string | null;
  data: Record<string, unknown>;
}

/** Who recorded what and when, in recording order, paged after a position. */
export async function auditEntries(pool: Pool, s: string, query: AuditQuery): Promise<AuditEntry[]> {
  const params: unknown[] = [];
  const conditions: string[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(params.length));
  };
  if (query.from) add((n) => `e.recorded_at >= $${n}::timestamptz`, query.from);
  if (query.to) add((n) => `e.recorded_at <= $${n}::timestamptz`, query.to);
  if (query.actor) add((n) => `e.actor = $${n}`, query.actor);
  if (query.types?.length) add((n) => `e.type = ANY($${n})`, query.types);
  if (query.streamId) add((n) => `e.stream_id = $${n}`, query.streamId);
  if (query.parties?.length)
    add((n) => `EXISTS (SELECT 1 FROM ${s}.timeline t WHERE t.stream_id = e.stream_id AND t.parties && $${n}::text[])`, query.parties);
  if (query.after) add((n) => `e.position > $${n}::bigint`, query.after);
  params.push(query.limit);
  const { rows } = await pool.query<AuditRow>(
    `SELECT e.position::text, e.event_id, e.type, e.stream_id, e.stream_version, e.recorded_at, e.actor, e.confidence,
            e.effective_at, e.effective_precision, e.effective_until, e.source, e.correlation_id, e.causation_id, e.data
       FROM ${s}.stream_events e ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY e.position LIMIT $${params.length}`,
    params,
  );
  return rows.map((row) => ({
    position: row.position,
    eventId: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    recordedAt: row.recorded_at.toISOString(),
    actor: row.actor,
    confidence: row.confidence,
    effectiveAt: row.effective_until
      ? { at: row.effective_at.toISOString(), precision: row.effective_precision, until: row.effective_until.toISOString() }
      : { at: row.effective_at.toISOString(), precision: row.effective_precision },
    source: row.source,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    data: row.data,
  }));
}

import type { Pool, PoolClient } from 'pg';
import { upcast } from '@timeline/domain';
import type { Confidence, NewEvent, Precision, RecordedEvent, Source } from '@timeline/domain';
import { AppendQueue, Outcome } from './append-queue';
import { inTransaction } from './database';
import {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedVersion,
  IdempotencyKeyTaken,
  ReadAllOptions,
  StoredResponse,
  WrongExpectedVersion,
} from './event-store';

const UNIQUE_VIOLATION = '23505';
const VERSION_CONFLICT = 'NT409';

const EVENT_COLUMNS = `position, id, stream_id, stream_type, stream_version, type, schema_version,
  effective_at, effective_precision, effective_until, recorded_at, actor, source, confidence,
  correlation_id, causation_id, data`;

export interface EventRow {
  position: string;
  id: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  type: string;
  schema_version: number;
  effective_at: Date;
  effective_precision: Precision;
  effective_until: Date | null;
  recorded_at: Date;
  actor: string;
  source: Source;
  confidence: Confidence;
  correlation_id: string;
  causation_id: string | null;
  data: unknown;
}

/** Appends written together at most: keeps the statement small and the lock held briefly. */
const MAX_APPENDS_PER_BATCH = 50;

export class PostgresEventStore implements EventStore {
  private readonly queue = new AppendQueue<AppendRequest, AppendResult>((requests) => this.writeBatch(requests), MAX_APPENDS_PER_BATCH);

  constructor(private readonly pool: Pool) {}

  /**
   * Appends that arrive together are written together (`append_to_streams`):
   * each stays all or nothing and is checked against its own expected version,
   * but they share one statement and one commit, so concurrent writers do not
   * queue for the schema's append lock one commit at a time.
   */
  append(request: AppendRequest): Promise<AppendResult> {
    return this.queue.submit(request);
  }

  private async writeBatch(requests: AppendRequest[]): Promise<Outcome<AppendResult>[]> {
    try {
      return await this.appendTogether(requests);
    } catch (error) {
      if (requests.length === 1) return [{ error: translate(error, requests[0]) }];
      // One bad append fails the statement: write them one by one so that it alone fails.
      return Promise.all(
        requests.map((request) =>
          this.appendAlone(request).then(
            (value) => ({ value }),
            (failure: unknown) => ({ error: failure }),
          ),
        ),
      );
    }
  }

  private async appendTogether(requests: AppendRequest[]): Promise<Outcome<AppendResult>[]> {
    const appends = requests.map((request) => ({
      streamId: request.streamId,
      streamType: request.streamType,
      expectedVersion: expectedVersionArgument(request.expectedVersion),
      events: request.events.map(toStoredEvent),
    }));
    const write = async (db: Pick<Pool, 'query'>): Promise<Outcome<AppendResult>[]> => {
      const { rows } = await db.query<AppendedRow & { append_index: number; conflict_version: number | null }>(
        'SELECT * FROM append_to_streams($1)',
        [JSON.stringify(appends)],
      );
      const byAppend = requests.map(() => [] as AppendedRow[]);
      const conflicts = new Map<number, number>();
      for (const row of rows) {
        if (row.conflict_version !== null) conflicts.set(row.append_index, row.conflict_version);
        else byAppend[row.append_index].push(row);
      }
      const outcomes = requests.map((request, i): Outcome<AppendResult> => {
        const actual = conflicts.get(i);
        if (actual !== undefined) return { error: new WrongExpectedVersion(request.streamId, request.expectedVersion, actual) };
        return { value: appendResult(request, byAppend[i]) };
      });
      const answers = requests.flatMap((request, i) => {
        const outcome = outcomes[i];
        if (!request.idempotency || !('value' in outcome)) return [];
        const { key, fingerprint, respond } = request.idempotency;
        return [[key, fingerprint, JSON.stringify(respond(outcome.value))]];
      });
      if (answers.length > 0) {
        await db.query(
          `INSERT INTO idempotency_keys (key, fingerprint, response) VALUES ${answers
            .map((_, r) => `($${r * 3 + 1}, $${r * 3 + 2}, $${r * 3 + 3})`)
            .join(', ')}`,
          answers.flat(),
        );
      }
      return outcomes;
    };
    // Without answers to keep, the one statement is its own transaction.
    return requests.some((request) => request.idempotency) ? inTransaction(this.pool, write) : write(this.pool);
  }

  private async appendAlone(request: AppendRequest): Promise<AppendResult> {
    try {
      return await inTransaction(this.pool, async (client) => {
        const result = await this.appendIn(client, request);
        if (request.idempotency) {
          const { key, fingerprint, respond } = request.idempotency;
          await client.query('INSERT INTO idempotency_keys (key, fingerprint, response) VALUES ($1, $2, $3)', [
            key,
            fingerprint,
            JSON.stringify(respond(result)),
          ]);
        }
        return result;
      });
    } catch (error) {
      throw translate(error, request);
    }
  }

  private async appendIn(client: PoolClient, request: AppendRequest): Promise<AppendResult> {
    const { rows } = await client.query<AppendedRow>('SELECT * FROM append_to_stream($1, $2, $3, $4)', [
      request.streamId,
      request.streamType,
      expectedVersionArgument(request.expectedVersion),
      JSON.stringify(request.events.map(toStoredEvent)),
    ]);
    return appendResult(request, rows);
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`, [
      streamId,
    ]);
    return rows.map(fromRow);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return readEventsAfter(this.pool, options);
  }

  async readEvent(eventId: string): Promise<RecordedEvent | undefined> {
    const { rows } = await this.pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1`, [eventId]);
    return rows[0] && fromRow(rows[0]);
  }

  async headPosition(): Promise<string> {
    const { rows } = await this.pool.query<{ head: string }>('SELECT coalesce(max(position), 0)::text AS head FROM events');
    return rows[0].head;
  }

  async findIdempotentResponse(key: string): Promise<(StoredResponse & { fingerprint: string }) | undefined> {
    const { rows } = await this.pool.query<{ fingerprint: string; response: unknown }>(
      'SELECT fingerprint, response FROM idempotency_keys WHERE key = $1',
      [key],
    );
    const row = rows[0];
    return row && { fingerprint: row.fingerprint, body: row.response };
  }
}

/** Events in position order after `after`, on any connection (a pool, or a client inside a transaction). */
export async function readEventsAfter(db: Pick<Pool, 'query'> | PoolClient, { after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
  const { rows } = await (db as Pool).query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
    [after, limit],
  );
  return rows.map(fromRow);
}

interface AppendedRow {
  event_id: string;
  event_position: string;
  event_stream_version: number;
  event_recorded_at: Date;
}

function appendResult(request: AppendRequest, rows: AppendedRow[]): AppendResult {
  const events = rows
    .map((row) => ({
      id: row.event_id,
      position: row.event_position,
      streamVersion: row.event_stream_version,
      recordedAt: row.event_recorded_at.toISOString(),
    }))
    .sort((a, b) => a.streamVersion - b.streamVersion);
  const last = events[events.length - 1];
  return { streamId: request.streamId, version: last.streamVersion, events, position: last.position };
}

function expectedVersionArgument(expected: ExpectedVersion): number {
  if (expected === 'any') return -1;
  if (expected === 'no_stream') return 0;
  if (!Number.isInteger(expected) || expected < 1) {
    throw new RangeError(`expected version must be a positive integer, 'any' or 'no_stream', not ${expected}`);
  }
  return expected;
}

function toStoredEvent(event: NewEvent) {
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    effectiveAt: event.effectiveAt.at,
    precision: event.effectiveAt.precision,
    effectiveUntil: event.effectiveAt.precision === 'range' ? event.effectiveAt.until : null,
    actor: event.actor,
    source: event.source,
    confidence: event.confidence,
    correlationId: event.correlationId,
    causationId: event.causationId,
    data: event.data,
  };
}

/** A stored row as an event at the current schema version of its type. */
export function fromRow(row: EventRow): RecordedEvent {
  return upcast({
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    position: String(row.position),
    effectiveAt: row.effective_until
      ? { at: row.effective_at.toISOString(), precision: row.effective_precision, until: row.effective_until.toISOString() }
      : { at: row.effective_at.toISOString(), precision: row.effective_precision },
    recordedAt: row.recorded_at.toISOString(),
    actor: row.actor,
    source: row.source,
    confidence: row.confidence,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    data: row.data,
  });
}

function translate(error: unknown, request: AppendRequest): unknown {
  const code = (error as { code?: string }).code;
  if (code === VERSION_CONFLICT) {
    const actual = Number((error as { detail?: string }).detail ?? 0);
    return new WrongExpectedVersion(request.streamId, request.expectedVersion, actual);
  }
  if (code === UNIQUE_VIOLATION && (error as { constraint?: string }).constraint === 'idempotency_keys_pkey') {
    return new IdempotencyKeyTaken(request.idempotency?.key ?? '');
  }
  return error;
}

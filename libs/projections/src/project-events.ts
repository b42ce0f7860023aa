import type { PoolClient } from 'pg';
import {
  AGGREGATES,
  AggregateAsOf,
  COMMITMENT_STREAM_TYPE,
  commitmentSegments,
  eventAttribution,
  packSources,
  resolveRevisions,
  Sources,
  CommitmentAsOf,
  CommitmentSegment,
  temporalSegments,
  effectiveUntil,
  isRevisionEventType,
  isClaimEventType,
  publishedFrom,
  reportedFrom,
  partiesMentioned,
  RecordedEvent,
} from '@timeline/domain';
import { EventRow, fromRow } from '@timeline/event-store';
import { quoteIdent } from './read-model-schema';

/**
 * Applies a batch of events from the log to one generation's read models, in
 * the caller's transaction. Events already there (a redelivered record) change
 * nothing. Returns how many events were new.
 *
 * Bitemporal rows: when knowledge of a stream changes at recorded time r, the
 * open rows of that stream are closed at r and the stream's valid-time line as
 * known at r is written as new rows open from r. Events recorded in one append
 * share r and are applied together.
 */
export async function projectEvents(client: PoolClient, schema: string, events: readonly RecordedEvent[]): Promise<number> {
  const s = quoteIdent(schema);
  const fresh: RecordedEvent[] = [];
  for (const event of events) {
    if (await insertStreamEvent(client, s, event)) fresh.push(event);
  }
  for (const group of groupByStreamAndRecordedAt(fresh)) {
    // A stream that begins with this group has no earlier events to read and no rows to close:
    // on the embedded store each statement saved is a round trip a waiting command does not wait for.
    const opens = group[0].streamVersion === 1;
    const history = opens ? group : await readProjectedStream(client, s, group[0].streamId);
    const recordedAt = group[0].recordedAt;
    const known = history.filter((event) => event.streamVersion <= group[group.length - 1].streamVersion);
    await projectTimeline(client, s, group, known, recordedAt);
    if (group[0].streamType === COMMITMENT_STREAM_TYPE) {
      await projectCommitment(client, s, group[0].streamId, known, recordedAt, opens);
    } else if (ENTITY_FOLDS[group[0].streamType]) {
      await projectEntity(client, s, group[0].streamType, group[0].streamId, known, recordedAt, opens);
    }
  }
  return fresh.length;
}

async function insertStreamEvent(client: PoolClient, s: string, event: RecordedEvent): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO ${s}.stream_events (stream_id, stream_version, event_id, position, stream_type, type, schema_version,
       effective_at, effective_precision, effective_until, recorded_at, actor, source, confidence, correlation_id,
       causation_id, data, published_from)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     ON CONFLICT DO NOTHING`,
    [
      event.streamId,
      event.streamVersion,
      event.id,
      event.position,
      event.streamType,
      event.type,
      event.schemaVersion,
      event.effectiveAt.at,
      event.effectiveAt.precision,
      event.effectiveAt.until ?? null,
      event.recordedAt,
      event.actor,
      JSON.stringify(event.source),
      event.confidence,
      event.correlationId,
      event.causationId,
      JSON.stringify(event.data),
      publishedFrom(event),
    ],
  );
  return rowCount === 1;
}

/** One stream as the projector copied it from the log, on any connection; `s` is the quoted generation schema. */
export async function readProjectedStream(db: Pick<PoolClient, 'query'>, s: string, streamId: string): Promise<RecordedEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT event_id AS id, * FROM ${s}.stream_events WHERE stream_id = $1 ORDER BY stream_version`,
    [streamId],
  );
  return rows.map(fromRow);
}

function groupByStreamAndRecordedAt(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const groups = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const key = `${event.streamId}\n${event.recordedAt}`;
    const group = groups.get(key) ?? [];
    group.push(event);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => group.sort((a, b) => a.streamVersion - b.streamVersion));
}

/**
 * Closes a stream's open rows at `recordedAt` in each of `tables`; rows opened at that same
 * instant were never visible and go.
 */
async function closeOpenRows(client: PoolClient, tables: string | readonly string[], where: string, params: unknown[], recordedAt: string) {
  const at = `$${params.length + 1}::timestamptz`;
  // One statement, one round trip (on the embedded store a round trip costs milliseconds): every
  // part sees the rows as they were, so an update leaves alone the rows its delete takes.
  const parts = (typeof tables === 'string' ? [tables] : tables).flatMap((table, index) => [
    `gone${index} AS (DELETE FROM ${table} WHERE ${where} AND upper_inf(recorded) AND lower(recorded) >= ${at})`,
    `closed${index} AS (UPDATE ${table} SET recorded = tstzrange(lower(recorded), ${at}, '[)')
      WHERE ${where} AND upper_inf(recorded) AND lower(recorded) < ${at})`,
  ]);
  await client.query(`WITH ${parts.join(', ')} SELECT 1`, [...params, recordedAt]);
}

async function projectCommitment(
  client: PoolClient,
  s: string,
  streamId: string,
  known: RecordedEvent[],
  recordedAt: string,
  opens: boolean,
) {
  if (!opens) {
    await closeOpenRows(
      client,
      [`${s}.commitment_versions`, `${s}.commitment_reported_versions`],
      'commitment_id = $1',
      [entityIdOf(streamId, COMMITMENT_STREAM_TYPE)],
      recordedAt,
    );
  }
  const segments: CommitmentSegment[] = commitmentSegments(known, recordedAt);
  await insertRows(
    client,
    `${s}.commitment_versions (${COMMITMENT_VERSION_COLUMNS})`,
    `(${COMMITMENT_VERSION_VALUES})`,
    segments.map(({ validFrom, validTo, state }) => [state.commitmentId, validFrom, validTo, recordedAt, ...commitmentStateColumns(state)]),
  );
  await insertRows(
    client,
    `${s}.commitment_reported_versions (${COMMITMENT_VERSION_COLUMNS}, reported)`,
    `(${COMMITMENT_VERSION_VALUES}, tstzrange($21, $22, '[)'))`,
    reportedCommitmentSegments(known, recordedAt).map(({ reportedFrom, reportedTo, validFrom, validTo, state }) => [
      state.commitmentId,
      validFrom,
      validTo,
      recordedAt,
      ...commitmentStateColumns(state),
      reportedFrom,
      reportedTo,
    ]),
  );
}

/** The columns both commitment tables share, and their VALUES tuple for a row opened at recorded time $4. */
const COMMITMENT_VERSION_COLUMNS = `commitment_id, valid, recorded, stream_version, kind, title, by_party, to_party, status, terms,
  amount, currency, unit, disbursed, outstanding, event_ids, uncertain, lapsed_at, sources`;
const COMMITMENT_VERSION_VALUES =
  "$1, tstzrange($2, $3, '[)'), tstzrange($4, NULL, '[)'), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20";

/** A commitment's valid-time segment as known at a recorded instant, over a range of the reported axis. */
export interface ReportedCommitmentSegment extends CommitmentSegment {
  readonly reportedFrom: string;
  /** The next publication instant of the stream's events; null: from reportedFrom on. */
  readonly reportedTo: string | null;
}

/**
 * The commitment's valid-time line as known at `recordedAt` (`known`: the stream's events
 * recorded by then) on every range of the reported axis:
 * what `commitmentSegments(known, recordedAt, reportedBy)` answers, for every reportedBy at once.
 * The fold reads reportedBy only by asking of each event whether its own source had been
 * published by then (`publishedBy`: the start of its publication period, corrections leave the
 * source as it was), so the answer changes only at those starts: one line per start, holding
 * until the next. Before the first start nothing had been published and there is no line.
 */
export function reportedCommitmentSegments(known: readonly RecordedEvent[], recordedAt: string): ReportedCommitmentSegment[] {
  const starts = [...new Set(known.map(publishedFrom))].sort();
  return starts.flatMap((reportedFrom, index) =>
    commitmentSegments(known, recordedAt, reportedFrom).map((segment) => ({
      ...segment,
      reportedFrom,
      reportedTo: starts[index + 1] ?? null,
    })),
  );
}

/**
 * A commitment's state as the columns of `commitment_versions` from `stream_version` to
 * `sources`, in that order: what the live projector and the rebuild both write.
 */
export function commitmentStateColumns(state: CommitmentAsOf): unknown[] {
  return [
    state.streamVersion,
    state.kind,
    state.title,
    state.by,
    state.to,
    state.status,
    JSON.stringify(state.terms),
    state.terms.amount ?? null,
    state.terms.currency ?? null,
    state.terms.unit ?? null,
    state.disbursed,
    state.outstanding ?? null,
    JSON.stringify(state.eventIds),
    JSON.stringify(state.uncertain),
    state.lapsedAt,
    JSON.stringify(packSources(state.sources)),
  ];
}

/**
 * INSERTs `rows` into `target` (a table and its columns), in one statement while the parameters
 * fit in one (PostgreSQL takes at most 65,535): `tuple` is the VALUES tuple of the first row,
 * written with $1…$n; each further row gets its own numbers.
 */
async function insertRows(client: PoolClient, target: string, tuple: string, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0].length;
  const perStatement = Math.floor(MAX_PARAMETERS / width);
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const tuples = chunk.map((_, r) => tuple.replace(/\$(\d+)/g, (_match, n: string) => `$${Number(n) + r * width}`));
    await client.query(`INSERT INTO ${target} VALUES ${tuples.join(', ')}`, chunk.flat());
  }
}

const MAX_PARAMETERS = 65_535;

/** An entity's state as entity_versions keeps it: its sources packed. */
export function storedEntityState(state: object): string {
  const { sources } = state as { sources?: Sources };
  return JSON.stringify(sources ? { ...state, sources: packSources(sources) } : state);
}

/** The as-of fold of each entity type kept in entity_versions: every aggregate but commitments, which have tables of their own. */
export const ENTITY_FOLDS: Readonly<Record<string, AggregateAsOf>> = Object.fromEntries(
  AGGREGATES.filter((aggregate) => aggregate.streamType !== COMMITMENT_STREAM_TYPE).map((aggregate) => [
    aggregate.streamType,
    aggregate.asOf,
  ]),
);

export function entityIdOf(streamId: string, streamType: string): string {
  return streamId.slice(streamType.length + 1);
}

async function projectEntity(
  client: PoolClient,
  s: string,
  streamType: string,
  streamId: string,
  known: RecordedEvent[],
  recordedAt: string,
  opens: boolean,
) {
  const entityId = entityIdOf(streamId, streamType);
  if (!opens) {
    await closeOpenRows(client, `${s}.entity_versions`, 'entity_type = $1 AND entity_id = $2', [streamType, entityId], recordedAt);
  }
  const fold = ENTITY_FOLDS[streamType];
  await insertRows(
    client,
    `${s}.entity_versions (entity_type, entity_id, valid, recorded, stream_version, parties, active, state)`,
    "($1, $2, tstzrange($3, $4, '[)'), tstzrange($5, NULL, '[)'), $6, $7, $8, $9)",
    temporalSegments(known, recordedAt, fold).map(({ validFrom, validTo, state }) => {
      const view = state as { active?: boolean; streamVersion: number };
      return [
        streamType,
        entityId,
        validFrom,
        validTo,
        recordedAt,
        view.streamVersion,
        partiesMentioned(state),
        view.active ?? true,
        storedEntityState(state),
      ];
    }),
  );
}

/**
 * Timeline rows: a new fact opens a row; a correction closes the corrected
 * event's row and opens one with the corrected content; a retraction closes it.
 */
async function projectTimeline(client: PoolClient, s: string, group: RecordedEvent[], known: RecordedEvent[], recordedAt: string) {
  const resolved = new Map(resolveRevisions(known, recordedAt).map((item) => [item.event.id, item]));
  const parties = partiesMentioned(...known.map((event) => event.data));
  const title = titleOf(known);
  const touched = new Set<string>();
  for (const event of group) {
    if (isRevisionEventType(event.type) || isClaimEventType(event.type)) {
      touched.add((event.data as { eventId: string }).eventId);
    } else {
      touched.add(event.id);
    }
  }
  const freshFacts = new Set(group.map((event) => event.id));
  for (const eventId of touched) {
    // A fact first seen in this group has no row yet; a revision or a claim changes its target's row.
    if (!freshFacts.has(eventId)) await closeOpenRows(client, `${s}.timeline`, 'event_id = $1', [eventId], recordedAt);
    const item = resolved.get(eventId);
    if (!item) continue;
    const event = item.event;
    const summary = timelineSummary(title, event, citedEvents(item));
    await client.query(
      `INSERT INTO ${s}.timeline (event_id, position, stream_id, stream_type, stream_version, type, effective_at,
         effective_precision, effective_until, recorded, recorded_at, actor, confidence, source, data, parties, summary,
         attribution, reported_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, tstzrange($10, NULL, '[)'), $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [
        event.id,
        event.position,
        event.streamId,
        event.streamType,
        event.streamVersion,
        event.type,
        event.effectiveAt.at,
        event.effectiveAt.precision,
        effectiveUntil(event.effectiveAt),
        recordedAt,
        event.recordedAt,
        event.actor,
        event.confidence,
        JSON.stringify(event.source),
        JSON.stringify(event.data),
        parties,
        summary,
        timelineAttribution(item),
        reportedFrom(item),
      ],
    );
  }
}

/** The attribution column of a timeline row: JSON for a corrected event or one with other sources, null otherwise. */
export function timelineAttribution(item: Parameters<typeof eventAttribution>[0]): string | null {
  return item.corrections.length || item.claims ? JSON.stringify(eventAttribution(item)) : null;
}

/** The events besides the fact's own whose sources a timeline row cites: its corrections, corroborations and claims. */
export function citedEvents(item: Parameters<typeof eventAttribution>[0]): RecordedEvent[] {
  return [...item.corrections, ...(item.claims?.corroborations ?? []), ...(item.claims?.claimEvents.values() ?? [])];
}

/** The text the timeline's full-text search looks in. */
export function timelineSummary(title: string, event: RecordedEvent, corrections: readonly RecordedEvent[] = []): string {
  // The sources of its corrections too: a row that cites a correcting report is found by its words.
  const words = (source: RecordedEvent['source']) => [source.publisher ?? '', source.title, source.quote ?? '', source.paraphrase ?? ''];
  const cited = corrections.flatMap((correction) => words(correction.source));
  return [title, event.type, ...words(event.source).slice(1), ...cited, JSON.stringify(event.data)].join(' ');
}

export function titleOf(stream: readonly RecordedEvent[]): string {
  for (const event of stream) {
    const title = (event.data as { title?: unknown }).title;
    if (typeof title === 'string') return title;
  }
  return '';
}

import {
  COMMITMENT_STREAM_TYPE,
  commitmentSegments,
  resolveRevisions,
  effectiveUntil,
  isClaimEventType,
  publishedFrom,
  reportedFrom,
  isRevisionEventType,
  partiesMentioned,
  RecordedEvent,
  temporalSegments,
} from '@timeline/domain';
import {
  citedEvents,
  commitmentStateColumns,
  ENTITY_FOLDS,
  reportedCommitmentSegments,
  entityIdOf,
  storedEntityState,
  timelineAttribution,
  timelineSummary,
  titleOf,
} from '../project-events';

/** Rows of the read models, as plain values in column order of each table (see BULK_TABLES). */
export interface StreamRows {
  readonly commitmentVersions: unknown[][];
  readonly commitmentReportedVersions: unknown[][];
  readonly entityVersions: unknown[][];
  readonly timeline: unknown[][];
}

/**
 * Every read-model row of one stream, from its whole history at once: the
 * rows the live projector leaves after applying the same events append by
 * append, without its updates and deletes.
 *
 * The live projector, at each append (recorded time r), closes the stream's
 * open rows at r and writes the valid-time line as known at r, open from r.
 * Here each append's rows get their closing time directly: the recorded time
 * of the stream's next append, or none for the last.
 */
export function streamRows(history: readonly RecordedEvent[]): StreamRows {
  const rows: StreamRows = { commitmentVersions: [], commitmentReportedVersions: [], entityVersions: [], timeline: [] };
  const appends = byAppend(history);
  const openTimeline = new Map<string, unknown[]>();
  for (let index = 0; index < appends.length; index++) {
    const append = appends[index];
    const recordedAt = append[0].recordedAt;
    const closesAt = appends[index + 1]?.[0].recordedAt ?? null;
    const known = history.slice(0, append[append.length - 1].streamVersion);
    timelineRows(append, known, recordedAt, openTimeline, rows.timeline);
    const streamType = append[0].streamType;
    const streamId = append[0].streamId;
    if (streamType === COMMITMENT_STREAM_TYPE) {
      for (const { validFrom, validTo, state } of commitmentSegments(known, recordedAt)) {
        rows.commitmentVersions.push([state.commitmentId, validFrom, validTo, recordedAt, closesAt, ...commitmentStateColumns(state)]);
      }
      for (const { validFrom, validTo, state, reportedFrom, reportedTo } of reportedCommitmentSegments(known, recordedAt)) {
        rows.commitmentReportedVersions.push([
          state.commitmentId,
          validFrom,
          validTo,
          recordedAt,
          closesAt,
          ...commitmentStateColumns(state),
          reportedFrom,
          reportedTo,
        ]);
      }
    } else if (ENTITY_FOLDS[streamType]) {
      const entityId = entityIdOf(streamId, streamType);
      for (const { validFrom, validTo, state } of temporalSegments(known, recordedAt, ENTITY_FOLDS[streamType])) {
        const view = state as { active?: boolean; streamVersion: number };
        rows.entityVersions.push([
          streamType,
          entityId,
          validFrom,
          validTo,
          recordedAt,
          closesAt,
          view.streamVersion,
          arrayLiteral(partiesMentioned(state)),
          view.active ?? true,
          storedEntityState(state),
        ]);
      }
    }
  }
  rows.timeline.push(...openTimeline.values());
  return rows;
}

/** Timeline rows: a fact opens a row; a correction closes the corrected event's row and opens another; a retraction closes it. */
function timelineRows(
  append: readonly RecordedEvent[],
  known: readonly RecordedEvent[],
  recordedAt: string,
  open: Map<string, unknown[]>,
  out: unknown[][],
) {
  const resolved = new Map(resolveRevisions(known, recordedAt).map((item) => [item.event.id, item]));
  const parties = arrayLiteral(partiesMentioned(...known.map((event) => event.data)));
  const title = titleOf(known);
  const touched = new Set<string>();
  for (const event of append)
    touched.add(isRevisionEventType(event.type) || isClaimEventType(event.type) ? (event.data as { eventId: string }).eventId : event.id);
  for (const eventId of touched) {
    const previous = open.get(eventId);
    if (previous) {
      previous[TIMELINE_RECORDED_UNTIL] = recordedAt;
      out.push(previous);
      open.delete(eventId);
    }
    const item = resolved.get(eventId);
    if (!item) continue;
    const event = item.event;
    open.set(eventId, [
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
      null,
      event.recordedAt,
      event.actor,
      event.confidence,
      JSON.stringify(event.source),
      JSON.stringify(event.data),
      parties,
      timelineSummary(title, event, citedEvents(item)),
      timelineAttribution(item),
      reportedFrom(item),
    ]);
  }
}

const TIMELINE_RECORDED_UNTIL = 10;

/** A stream's events grouped by the append that recorded them (one recorded time each), in order. */
function byAppend(history: readonly RecordedEvent[]): RecordedEvent[][] {
  const appends: RecordedEvent[][] = [];
  for (const event of history) {
    const current = appends[appends.length - 1];
    if (current && current[0].recordedAt === event.recordedAt) current.push(event);
    else appends.push([event]);
  }
  return appends;
}

/** A PostgreSQL array literal of party codes (letters, digits and '-': nothing to escape). */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}

/**
 * How each table's rows are written: by `INSERT … SELECT … FROM unnest(…)`
 * (one array per column), or by `COPY … FROM STDIN` (see copy-rows.ts).
 */
export interface BulkTable {
  readonly name: string;
  /** Element type of each column's array parameter. */
  readonly arrays: readonly string[];
  /** The INSERT's column list and the SELECT list over the unnested columns c1…cn. */
  readonly columns: string;
  readonly select: string;
  /** For COPY, each column of `columns` in turn: a value of the row, or a `[)` range from two of them. */
  readonly copy?: readonly CopyField[];
}

/** The index of a value in a row, or the indexes of a range's lower and upper bounds. */
export type CopyField = number | readonly [number, number];

/** commitment_versions, and the layout commitment_reported_versions extends by its `reported` range. */
const COMMITMENT_VERSIONS = {
  name: 'commitment_versions',
  arrays: [
    'text',
    'timestamptz',
    'timestamptz',
    'timestamptz',
    'timestamptz',
    'int',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'numeric',
    'text',
    'text',
    'numeric',
    'numeric',
    'text',
    'text',
    'timestamptz',
    'text',
  ],
  columns: `commitment_id, valid, recorded, stream_version, kind, title, by_party, to_party, status, terms, amount, currency, unit,
    disbursed, outstanding, event_ids, uncertain, lapsed_at, sources`,
  select: `c1, tstzrange(c2, c3, '[)'), tstzrange(c4, c5, '[)'), c6, c7, c8, c9, c10, c11, c12::jsonb, c13, c14, c15, c16, c17,
    c18::jsonb, c19::jsonb, c20, c21::jsonb`,
  copy: [0, [1, 2], [3, 4], 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
} satisfies BulkTable;

export const BULK_TABLES = {
  streamEvents: {
    name: 'stream_events',
    arrays: [
      'text',
      'int',
      'uuid',
      'bigint',
      'text',
      'text',
      'int',
      'timestamptz',
      'text',
      'timestamptz',
      'timestamptz',
      'text',
      'text',
      'text',
      'uuid',
      'uuid',
      'text',
      'timestamptz',
    ],
    columns: `stream_id, stream_version, event_id, position, stream_type, type, schema_version, effective_at, effective_precision,
      effective_until, recorded_at, actor, source, confidence, correlation_id, causation_id, data, published_from`,
    select: 'c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13::jsonb, c14, c15, c16, c17::jsonb, c18',
    copy: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
  },
  commitmentVersions: COMMITMENT_VERSIONS,
  commitmentReportedVersions: {
    name: 'commitment_reported_versions',
    arrays: [...COMMITMENT_VERSIONS.arrays, 'timestamptz', 'timestamptz'],
    columns: `${COMMITMENT_VERSIONS.columns}, reported`,
    select: `${COMMITMENT_VERSIONS.select}, tstzrange(c22, c23, '[)')`,
    copy: [...COMMITMENT_VERSIONS.copy, [21, 22]],
  },
  entityVersions: {
    name: 'entity_versions',
    arrays: ['text', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz', 'int', 'text', 'boolean', 'text'],
    columns: 'entity_type, entity_id, valid, recorded, stream_version, parties, active, state',
    select: `c1, c2, tstzrange(c3, c4, '[)'), tstzrange(c5, c6, '[)'), c7, c8::text[], c9, c10::jsonb`,
    copy: [0, 1, [2, 3], [4, 5], 6, 7, 8, 9],
  },
  timeline: {
    name: 'timeline',
    arrays: [
      'uuid',
      'bigint',
      'text',
      'text',
      'int',
      'text',
      'timestamptz',
      'text',
      'timestamptz',
      'timestamptz',
      'timestamptz',
      'timestamptz',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'timestamptz',
    ],
    columns: `event_id, position, stream_id, stream_type, stream_version, type, effective_at, effective_precision, effective_until,
      recorded, recorded_at, actor, confidence, source, data, parties, summary, attribution, reported_from`,
    select: `c1, c2, c3, c4, c5, c6, c7, c8, c9, tstzrange(c10, c11, '[)'), c12, c13, c14, c15::jsonb, c16::jsonb, c17::text[], c18,
      c19::jsonb, c20`,
    copy: [0, 1, 2, 3, 4, 5, 6, 7, 8, [9, 10], 11, 12, 13, 14, 15, 16, 17, 18, 19],
  },
} satisfies Record<string, BulkTable>;

/** A stream_events row of an event from the log. */
export function streamEventRow(event: RecordedEvent): unknown[] {
  return [
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
  ];
}

/** The statement and parameters that insert `rows` into `schema`.`table` in one round trip. */
export function bulkInsert(
  quotedSchema: string,
  table: BulkTable,
  rows: readonly unknown[][],
  suffix = '',
): { text: string; values: unknown[][] } {
  const values = table.arrays.map((_, column) => rows.map((row) => row[column]));
  const params = table.arrays.map((type, index) => `$${index + 1}::${type}[]`).join(', ');
  const names = table.arrays.map((_, index) => `c${index + 1}`).join(', ');
  return {
    text: `INSERT INTO ${quotedSchema}.${table.name} (${table.columns})
           SELECT ${table.select} FROM unnest(${params}) AS u(${names}) ${suffix}`,
    values,
  };
}

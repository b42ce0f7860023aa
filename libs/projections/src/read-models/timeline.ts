/** Events in effective order, and their counts per slice of time, from `timeline`. */
import type { Pool } from 'pg';
import type { Attribution, ClaimSet, EventAttribution, RecordedEvent, Sources } from '@timeline/domain';

export interface TimelineQuery {
  readonly knownAt: string;
  readonly from?: string;
  readonly to?: string;
  /** Events of streams any of these parties take part in. */
  readonly parties?: readonly string[];
  readonly types?: readonly string[];
  readonly q?: string;
  readonly after?: { effectiveAt: string; position: string };
  readonly limit: number;
  /** Only the events whose source, or a source that confirms or disputes them, had been published by then. */
  readonly reportedBy?: string;
}

/** How many timeline events fall in each of `buckets` equal slices of [from, to), as known at knownAt. */
export interface TimelineDensityQuery {
  readonly knownAt: string;
  readonly from: string;
  readonly to: string;
  readonly buckets: number;
  readonly parties?: readonly string[];
  readonly types?: readonly string[];
  readonly q?: string;
  /** Only events a source had published by then (the row's `reported_from`), as /v1/timeline counts them. */
  readonly reportedBy?: string;
}

/** One non-empty slice, per stream type and event type: the page counts only what it draws. */
export interface TimelineDensityBucket {
  readonly bucket: number;
  readonly streamType: string;
  readonly type: string;
  readonly count: number;
}

export interface TimelineEntry {
  readonly eventId: string;
  readonly position: string;
  readonly streamId: string;
  readonly streamType: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly effectiveAt: { at: string; precision: string; until: string };
  readonly recordedAt: string;
  readonly actor: string;
  readonly confidence: string;
  /** The source of the row as it now reads: the last correction's when the event was corrected. */
  readonly source: unknown;
  /** The source the event was recorded with. */
  readonly originalSource: unknown;
  /** For each path a correction changed (`effectiveAt`, `data.terms.amount`), the correction that set it; {} when uncorrected. */
  readonly sources: Sources;
  /** Other sources that confirm the event (SourceCorroborated); present only when there are some. */
  readonly corroboratedBy?: readonly Attribution[];
  /** For each field other sources dispute (`effectiveAt`, `data.terms.amount`): every claim, the current one and why; present only when there are some. */
  readonly claims?: Readonly<Record<string, ClaimSet>>;
  readonly parties: string[];
  readonly data: unknown;
  /** When this version of the event became known (later than recordedAt after a correction). */
  readonly knownSince: string;
}

/** A row of `timeline`, as a timeline page selects it. */
interface TimelineRow {
  event_id: string;
  position: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  type: string;
  effective_at: Date;
  effective_precision: RecordedEvent['effectiveAt']['precision'];
  effective_until: Date;
  recorded_at: Date;
  known_since: Date;
  actor: string;
  confidence: RecordedEvent['confidence'];
  source: RecordedEvent['source'];
  parties: string[];
  data: Record<string, unknown>;
  attribution: EventAttribution | null;
}

/**
 * Counts per slice of effective time, for a page that draws a long history as clusters
 * before (or instead of) reading every event. One pass over the rows in [from, to) of the
 * covering (effective_at, position) index; no row's data or source is read.
 */
export async function timelineDensity(pool: Pool, s: string, query: TimelineDensityQuery): Promise<TimelineDensityBucket[]> {
  const params: unknown[] = [query.knownAt, query.from, query.to, query.buckets];
  const conditions = ['recorded @> $1::timestamptz', 'effective_at >= $2::timestamptz', 'effective_at < $3::timestamptz'];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(params.length));
  };
  if (query.parties?.length) add((n) => `parties && $${n}::text[]`, query.parties);
  if (query.types?.length) add((n) => `type = ANY($${n})`, query.types);
  if (query.q) add((n) => `search @@ websearch_to_tsquery('simple', $${n})`, query.q);
  if (query.reportedBy) add((n) => `reported_from <= $${n}::timestamptz`, query.reportedBy);
  // width_bucket over epoch seconds: bucket 1 starts at `from`, bucket `buckets` ends at `to`.
  const { rows } = await pool.query<{ bucket: number; stream_type: string; type: string; count: string }>(
    `SELECT width_bucket(extract(epoch FROM effective_at), extract(epoch FROM $2::timestamptz), extract(epoch FROM $3::timestamptz), $4::int) - 1 AS bucket,
            stream_type, type, count(*)::text AS count
       FROM ${s}.timeline
      WHERE ${conditions.join(' AND ')}
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3`,
    params,
  );
  return rows.map((row) => ({ bucket: Number(row.bucket), streamType: row.stream_type, type: row.type, count: Number(row.count) }));
}

export async function timelinePage(pool: Pool, s: string, query: TimelineQuery): Promise<TimelineEntry[]> {
  const params: unknown[] = [query.knownAt];
  const conditions = ['recorded @> $1::timestamptz'];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(params.length));
  };
  if (query.to) add((n) => `effective_at < $${n}::timestamptz`, query.to);
  if (query.parties?.length) add((n) => `parties && $${n}::text[]`, query.parties);
  if (query.types?.length) add((n) => `type = ANY($${n})`, query.types);
  if (query.q) add((n) => `search @@ websearch_to_tsquery('simple', $${n})`, query.q);
  if (query.reportedBy) add((n) => `reported_from <= $${n}::timestamptz`, query.reportedBy);
  if (query.after) {
    params.push(query.after.effectiveAt, query.after.position);
    conditions.push(`(effective_at, position) > ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
  }
  params.push(query.limit);
  const limit = `$${params.length}`;
  const keys = query.from
    ? timelineFrom(s, conditions, params, limit, query.from)
    : `SELECT effective_at, position FROM ${s}.timeline t WHERE ${conditions.join(' AND ')} ORDER BY t.effective_at, t.position LIMIT ${limit}`;
  // The page's keys first, from the covering (effective_at, position) index alone: the rows
  // walked past (not known at knownAt, another party's) are never read; then only the page's
  // rows, one index lookup per key. OFFSET 0 keeps the lookups a loop over the page: joined
  // freely, a planner without statistics yet (a table just filled) sorted the whole table.
  const sql = `WITH page AS (${keys})
    SELECT t.* FROM page CROSS JOIN LATERAL (
      SELECT event_id, position::text, stream_id, stream_type, stream_version, type, effective_at, effective_precision,
             effective_until, recorded_at, lower(recorded) AS known_since, actor, confidence, source, parties, data, attribution
        FROM ${s}.timeline
       WHERE effective_at = page.effective_at AND position = page.position AND recorded @> $1::timestamptz OFFSET 0) t
     ORDER BY page.effective_at, page.position`;
  const { rows } = await pool.query<TimelineRow>(sql, params);
  return rows.map((row) => ({
    eventId: row.event_id,
    position: row.position,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    type: row.type,
    effectiveAt: { at: row.effective_at.toISOString(), precision: row.effective_precision, until: row.effective_until.toISOString() },
    recordedAt: row.recorded_at.toISOString(),
    knownSince: row.known_since.toISOString(),
    actor: row.actor,
    confidence: row.confidence,
    ...citations(row.source, row.attribution),
    parties: row.parties,
    data: row.data,
  }));
}

/** How a timeline row cites: the source it now reads with, the one it was recorded with, and those of corrected paths. */
function citations(
  source: unknown,
  attribution: EventAttribution | null,
): Pick<TimelineEntry, 'source' | 'originalSource' | 'sources' | 'corroboratedBy' | 'claims'> {
  if (!attribution) return { source, originalSource: source, sources: {} };
  return {
    source: attribution.source.source,
    originalSource: source,
    sources: attribution.corrected,
    ...(attribution.corroboratedBy && { corroboratedBy: attribution.corroboratedBy }),
    ...(attribution.claims && { claims: attribution.claims }),
  };
}

/**
 * The keys of a timeline page of the events whose period ends after `from`. Asked as it is,
 * that bounds nothing in effective order, and the index would be walked from the first event
 * ever. The events that start from `from` on are a range scan of the ordered index, cut at
 * knownAt: an event that starts after knownAt and was known then was recorded before it took
 * effect (a deadline, a forecast), and those few have a partial index of their own; without the
 * cut, a knownAt soon after `from` walks every later event to find the few known by then.
 * Those that started before `from` and still run at `from` are few and easy to find: a year,
 * month or day that contains `from` starts at the start of `from`'s year, month or day, so each
 * is an equality scan of the same index; ranges come from a GiST index of their own. Each part
 * stops after `limit` rows. `recorded @> knownAt` ($1) is among `conditions`.
 */
function timelineFrom(s: string, conditions: string[], params: unknown[], limit: string, from: string): string {
  const where = conditions.join(' AND ');
  const at = new Date(from);
  const starts = [
    Date.UTC(at.getUTCFullYear(), 0, 1),
    Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1),
    Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()),
  ];
  params.push(from);
  const fromParam = `$${params.length}::timestamptz`;
  const part = (condition: string) =>
    `(SELECT effective_at, position FROM ${s}.timeline t WHERE ${where} AND ${condition} ORDER BY t.effective_at, t.position LIMIT ${limit})`;
  const parts = [
    part(`effective_at >= ${fromParam} AND effective_at <= $1::timestamptz`),
    // Implied by the rest (known at $1 means lower(recorded) <= $1), and what the partial index is on.
    part(`effective_at >= ${fromParam} AND effective_at > $1::timestamptz AND effective_at > lower(recorded)`),
  ];
  for (const start of new Set(starts)) {
    params.push(new Date(start).toISOString());
    parts.push(
      part(
        `effective_at = $${params.length}::timestamptz AND effective_precision <> 'range' AND effective_at < ${fromParam} AND effective_until > ${fromParam}`,
      ),
    );
  }
  parts.push(
    part(
      `effective_precision = 'range' AND tstzrange(effective_at, effective_until, '[)') @> ${fromParam} AND effective_at < ${fromParam}`,
    ),
  );
  return `SELECT effective_at, position FROM (${parts.join(' UNION ALL ')}) parts ORDER BY effective_at, position LIMIT ${limit}`;
}

import type { Pool } from 'pg';
import { Attribution, ClaimSet, EventAttribution, PackedSources, RecordedEvent, Sources, unpackSources } from '@timeline/domain';
import { activeGeneration, Generation } from './generations';
import { readProjectedStream } from './project-events';
import { quoteIdent } from './read-model-schema';
import { ledgerOf, reportedCommitments, reportedEntities } from './reported';
import type { CommitmentAsOfView, CommitmentFilter, LedgerRow, UncertainFact } from './read-model-views';

export type { CommitmentAsOfView, CommitmentFilter, LedgerRow, UncertainFact } from './read-model-views';

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

export class NoReadModel extends Error {
  constructor() {
    super('the read models are not built yet');
    this.name = 'NoReadModel';
  }
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

interface CommitmentRow {
  commitment_id: string;
  stream_version: number;
  kind: string;
  title: string;
  by_party: string;
  to_party: string;
  status: string;
  terms: Record<string, unknown>;
  amount: string | null;
  currency: string | null;
  unit: string | null;
  disbursed: string | null;
  outstanding: string | null;
  valid_from: Date;
  valid_to: Date | null;
  event_ids: string[];
  uncertain: UncertainFact[];
  lapsed_at: Date | null;
  sources: PackedSources;
}

const COMMITMENT_COLUMNS = `commitment_id, stream_version, kind, title, by_party, to_party, status, terms,
  amount::text, currency, unit, disbursed::text, outstanding::text, lower(valid) AS valid_from,
  upper(valid) AS valid_to, event_ids, uncertain, lapsed_at, sources`;

/** Answers from the active generation: every query is an indexed lookup at (asOf, knownAt). */
export class ReadModel {
  private readonly watermarks = new Map<number, bigint>();

  constructor(private readonly pool: Pool) {}

  private async schema(): Promise<string> {
    const generation: Generation | undefined = await activeGeneration(this.pool);
    if (!generation) throw new NoReadModel();
    return quoteIdent(generation.schema);
  }

  /**
   * Commitments at (asOf, knownAt). With `page`, one keyset page in id order
   * (`after` the last id of the previous page): the cost of a page does not
   * grow with the length of history, because an index is walked in id order
   * and stops after `limit` rows that hold at (asOf, knownAt) — for parties and
   * statuses, those parties' versions in those statuses only. Without, all of
   * them in valid-time order (for the whole state and diffs).
   */
  async commitments(
    asOf: string,
    knownAt: string,
    filter: CommitmentFilter = {},
    page?: { after?: string; limit: number },
    reportedBy?: string,
  ): Promise<CommitmentAsOfView[]> {
    const s = await this.schema();
    if (reportedBy !== undefined) return reportedCommitments(this.pool, s, asOf, knownAt, reportedBy, filter, page);
    const params: unknown[] = [asOf, knownAt];
    const conditions = ['valid @> $1::timestamptz', 'recorded @> $2::timestamptz'];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      conditions.push(sql(params.length));
    };
    if (filter.kind?.length) add((n) => `kind = ANY($${n})`, filter.kind);
    if (page?.after !== undefined) add((n) => `commitment_id > $${n}`, page.after);
    if (page && filter.parties?.length && filter.status?.length) {
      params.push(page.limit);
      const ids = pageIdsByPartyAndStatus(s, conditions, params, filter.parties, filter.status, `$${params.length}`);
      return this.commitmentsWithIds(s, ids, params);
    }
    if (filter.parties?.length) add((n) => `(by_party = ANY($${n}) OR to_party = ANY($${n}))`, filter.parties);
    if (filter.status?.length) add((n) => `status = ANY($${n})`, filter.status);
    if (!page) {
      const { rows } = await this.pool.query<CommitmentRow>(
        `SELECT ${COMMITMENT_COLUMNS} FROM ${s}.commitment_versions WHERE ${conditions.join(' AND ')} ORDER BY lower(valid), commitment_id`,
        params,
      );
      return rows.map(toView);
    }
    params.push(page.limit);
    return this.commitmentsWithIds(
      s,
      `SELECT commitment_id FROM ${s}.commitment_versions WHERE ${conditions.join(' AND ')} ORDER BY commitment_id LIMIT $${params.length}`,
      params,
    );
  }

  /** The rows at (asOf, knownAt) = ($1, $2) of the commitments a query selects, in id order. */
  private async commitmentsWithIds(s: string, ids: string, params: unknown[]): Promise<CommitmentAsOfView[]> {
    // The page's ids first, from covering indexes alone (filters on index columns, no table
    // reads for the versions that do not hold at asOf/knownAt); then only those rows.
    const { rows } = await this.pool.query<CommitmentRow>(
      `WITH page AS (${ids})
       SELECT ${COMMITMENT_COLUMNS} FROM ${s}.commitment_versions JOIN page USING (commitment_id)
        WHERE valid @> $1::timestamptz AND recorded @> $2::timestamptz ORDER BY commitment_id`,
      params,
    );
    return rows.map(toView);
  }

  async commitment(id: string, asOf: string, knownAt: string, reportedBy?: string): Promise<CommitmentAsOfView | undefined> {
    const s = await this.schema();
    if (reportedBy !== undefined)
      return (await reportedCommitments(this.pool, s, asOf, knownAt, reportedBy, {}, undefined, `commitment-${id}`))[0];
    const { rows } = await this.pool.query<CommitmentRow>(
      `SELECT ${COMMITMENT_COLUMNS} FROM ${s}.commitment_versions
        WHERE commitment_id = $1 AND valid @> $2::timestamptz AND recorded @> $3::timestamptz`,
      [id, asOf, knownAt],
    );
    return rows[0] && toView(rows[0]);
  }

  /** Parties, tracks, deployments or occurrences at (asOf, knownAt), optionally those any of some parties take part in. */
  async entities<T = Record<string, unknown>>(
    type: string,
    asOf: string,
    knownAt: string,
    filter: { parties?: readonly string[]; activeOnly?: boolean; reportedBy?: string } = {},
  ): Promise<(T & { validFrom: string; validTo: string | null })[]> {
    const s = await this.schema();
    if (filter.reportedBy !== undefined) return reportedEntities<T>(this.pool, s, type, asOf, knownAt, filter.reportedBy, filter);
    const params: unknown[] = [type, asOf, knownAt];
    const conditions = ['entity_type = $1', 'valid @> $2::timestamptz', 'recorded @> $3::timestamptz'];
    if (filter.parties?.length) {
      params.push(filter.parties);
      conditions.push(`parties && $${params.length}::text[]`);
    }
    if (filter.activeOnly) conditions.push('active');
    const { rows } = await this.pool.query<{ state: T; valid_from: Date; valid_to: Date | null }>(
      `SELECT state, lower(valid) AS valid_from, upper(valid) AS valid_to FROM ${s}.entity_versions
        WHERE ${conditions.join(' AND ')} ORDER BY lower(valid), entity_id`,
      params,
    );
    return rows.map((row) => ({
      ...row.state,
      ...(hasPackedSources(row.state) && { sources: unpackSources(row.state.sources) }),
      validFrom: row.valid_from.toISOString(),
      validTo: row.valid_to ? row.valid_to.toISOString() : null,
    }));
  }

  /**
   * Pledged against delivered per party pair, kind and currency, as of a date
   * and known at a time. Money only: price commitments are rates, not sums,
   * and stay out. `pledged` counts commitments pledged, fulfilled or broken;
   * `outstanding` only those still pledged; `requested` the demands not granted.
   */
  async ledger(asOf: string, knownAt: string, filter: { by?: string; to?: string; reportedBy?: string } = {}): Promise<LedgerRow[]> {
    if (filter.reportedBy !== undefined) return ledgerOf(await this.commitments(asOf, knownAt, {}, undefined, filter.reportedBy), filter);
    const s = await this.schema();
    const params: unknown[] = [asOf, knownAt];
    const conditions = ['valid @> $1::timestamptz', 'recorded @> $2::timestamptz', 'currency IS NOT NULL', "kind <> 'price'"];
    if (filter.by) {
      params.push(filter.by);
      conditions.push(`by_party = $${params.length}`);
    }
    if (filter.to) {
      params.push(filter.to);
      conditions.push(`to_party = $${params.length}`);
    }
    const { rows } = await this.pool.query<LedgerRow>(
      `SELECT by_party AS "by", to_party AS "to", kind, currency,
              coalesce(sum(amount) FILTER (WHERE status IN ('pledged', 'fulfilled', 'broken')), 0)::text AS pledged,
              coalesce(sum(disbursed), 0)::text AS disbursed,
              coalesce(sum(amount - disbursed) FILTER (WHERE status = 'pledged'), 0)::text AS outstanding,
              coalesce(sum(amount) FILTER (WHERE status = 'requested'), 0)::text AS requested,
              count(*)::int AS commitments
         FROM ${s}.commitment_versions WHERE ${conditions.join(' AND ')}
        GROUP BY by_party, to_party, kind, currency ORDER BY by_party, to_party, kind, currency`,
      params,
    );
    return rows;
  }

  /** Who recorded what and when, in recording order, paged after a position. */
  async audit(query: AuditQuery): Promise<AuditEntry[]> {
    const s = await this.schema();
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
    const { rows } = await this.pool.query<AuditRow>(
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

  /** All events of one stream as the projector has them (for histories). */
  async stream(streamId: string): Promise<RecordedEvent[]> {
    return readProjectedStream(this.pool, await this.schema(), streamId);
  }

  /**
   * True when every event up to `position` is in the read models (read your
   * writes, and everything before them). Positions become visible in commit
   * order, so once an event at or after `position` is committed, the events
   * up to it are all there is; with Kafka they may arrive on different
   * partitions, so the check counts the range rather than looking for one
   * event. A low-water mark per generation keeps the counted range short.
   */
  async hasProjected(position: string): Promise<boolean> {
    const generation = await activeGeneration(this.pool);
    if (!generation) throw new NoReadModel();
    const mark = this.watermarks.get(generation.generation) ?? 0n;
    const target = BigInt(position);
    if (target <= mark) return true;
    const s = quoteIdent(generation.schema);
    const { rows } = await this.pool.query<{ settled: boolean; committed: string; projected: string }>(
      `SELECT EXISTS (SELECT 1 FROM events WHERE position >= $2) AS settled,
              (SELECT count(*) FROM events WHERE position > $1 AND position <= $2)::text AS committed,
              (SELECT count(*) FROM ${s}.stream_events WHERE position > $1 AND position <= $2)::text AS projected`,
      [mark.toString(), position],
    );
    const { settled, committed, projected } = rows[0];
    if (!settled || committed !== projected) return false;
    this.watermarks.set(generation.generation, target);
    return true;
  }

  /**
   * Counts per slice of effective time, for a page that draws a long history as clusters
   * before (or instead of) reading every event. One pass over the rows in [from, to) of the
   * covering (effective_at, position) index; no row's data or source is read.
   */
  async timelineDensity(query: TimelineDensityQuery): Promise<TimelineDensityBucket[]> {
    const s = await this.schema();
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
    const { rows } = await this.pool.query<{ bucket: number; stream_type: string; type: string; count: string }>(
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

  async timeline(query: TimelineQuery): Promise<TimelineEntry[]> {
    const s = await this.schema();
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
    const { rows } = await this.pool.query<TimelineRow>(sql, params);
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

function hasPackedSources(state: unknown): state is { sources: PackedSources } {
  const sources = (state as { sources?: unknown } | null)?.sources;
  return typeof sources === 'object' && sources !== null && 'paths' in sources && 'cite' in sources;
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

/**
 * A page's ids for some parties and statuses: one walk in id order per party, side (by, to) and
 * status, each over the (party, status, id) index and so over that party's versions in that
 * status alone, merged in id order. Walking the id index instead passes every other party's and
 * status's versions too: for a rare party or status that is most of the index. A `to` walk
 * leaves out what a `by` walk has (a commitment by any of the parties); one version per
 * commitment holds at (asOf, knownAt), so no id comes twice. Each walk may also be answered from
 * the GiST (valid, recorded) index, which the planner takes for a date early in the history,
 * when few commitments hold at all.
 */
function pageIdsByPartyAndStatus(
  s: string,
  conditions: string[],
  params: unknown[],
  parties: readonly string[],
  statuses: readonly string[],
  limit: string,
): string {
  const where = conditions.join(' AND ');
  params.push([...new Set(parties)]);
  const allParam = `$${params.length}`;
  const walks: string[] = [];
  for (const party of new Set(parties)) {
    params.push(party);
    const partyParam = `$${params.length}`;
    for (const status of new Set(statuses)) {
      params.push(status);
      const statusParam = `$${params.length}`;
      for (const side of [`by_party = ${partyParam}`, `to_party = ${partyParam} AND by_party <> ALL(${allParam}::text[])`]) {
        walks.push(
          `(SELECT commitment_id FROM ${s}.commitment_versions WHERE ${side} AND status = ${statusParam} AND ${where} ORDER BY commitment_id LIMIT ${limit})`,
        );
      }
    }
  }
  return `SELECT commitment_id FROM (${walks.join(' UNION ALL ')}) walks ORDER BY commitment_id LIMIT ${limit}`;
}

function toView(row: CommitmentRow): CommitmentAsOfView {
  return {
    id: row.commitment_id,
    version: row.stream_version,
    kind: row.kind,
    title: row.title,
    by: row.by_party,
    to: row.to_party,
    status: row.status,
    lapsedAt: row.lapsed_at ? row.lapsed_at.toISOString() : null,
    terms: row.terms,
    currency: row.currency,
    unit: row.unit,
    pledged: row.amount,
    disbursed: row.disbursed,
    outstanding: row.outstanding,
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to ? row.valid_to.toISOString() : null,
    eventIds: row.event_ids,
    uncertain: row.uncertain,
    sources: unpackSources(row.sources),
  };
}

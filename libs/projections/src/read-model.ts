import type { Pool } from 'pg';
import type { RecordedEvent } from '@timeline/domain';
import { activeGeneration, Generation } from './generations';
import { readProjectedStream } from './project-events';
import { quoteIdent } from './read-model-schema';
import type { CommitmentAsOfView, CommitmentFilter, LedgerRow } from './read-model-views';
import { auditEntries, AuditEntry, AuditQuery } from './read-models/audit';
import { commitmentAt, commitmentCountAt, commitmentPartiesAt, commitmentsAt } from './read-models/commitments';
import { entitiesAt, entityCountAt, EntityFilter } from './read-models/entities';
import { ledgerAt } from './read-models/ledger';
import {
  timelineDensity,
  TimelineDensityBucket,
  TimelineDensityQuery,
  TimelineEntry,
  timelinePage,
  TimelineQuery,
} from './read-models/timeline';

export type { CommitmentAsOfView, CommitmentFilter, LedgerRow, UncertainFact } from './read-model-views';
export type { AuditEntry, AuditQuery } from './read-models/audit';
export type { TimelineDensityBucket, TimelineDensityQuery, TimelineEntry, TimelineQuery } from './read-models/timeline';

export class NoReadModel extends Error {
  constructor() {
    super('the read models are not built yet');
    this.name = 'NoReadModel';
  }
}

/**
 * Answers from the active generation: every query is an indexed lookup at (asOf, knownAt).
 * Each read model's queries are in `read-models/`: commitments, entities (parties, tracks,
 * deployments, occurrences), the ledger, the audit trail and the timeline.
 */
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
    return commitmentsAt(this.pool, await this.schema(), asOf, knownAt, filter, page, reportedBy);
  }

  /** How many commitments hold at (asOf, knownAt), counted without reading them. */
  async commitmentCount(asOf: string, knownAt: string, reportedBy?: string): Promise<number> {
    return commitmentCountAt(this.pool, await this.schema(), asOf, knownAt, reportedBy);
  }

  /** The parties the commitments at (asOf, knownAt) name, by or to, in no order. */
  async commitmentParties(asOf: string, knownAt: string, reportedBy?: string): Promise<string[]> {
    return commitmentPartiesAt(this.pool, await this.schema(), asOf, knownAt, reportedBy);
  }

  async commitment(id: string, asOf: string, knownAt: string, reportedBy?: string): Promise<CommitmentAsOfView | undefined> {
    return commitmentAt(this.pool, await this.schema(), id, asOf, knownAt, reportedBy);
  }

  /**
   * Parties, tracks, deployments or occurrences at (asOf, knownAt), optionally those any of some
   * parties take part in. With `page`, one keyset page in id order (`after` the last id of the
   * previous page); without, all of them in valid-time order.
   */
  async entities<T = Record<string, unknown>>(
    type: string,
    asOf: string,
    knownAt: string,
    filter: EntityFilter = {},
    page?: { after?: string; limit: number },
  ): Promise<(T & { validFrom: string; validTo: string | null })[]> {
    return entitiesAt<T>(this.pool, await this.schema(), type, asOf, knownAt, filter, page);
  }

  /** How many entities of a type hold at (asOf, knownAt), counted without reading them. */
  async entityCount(type: string, asOf: string, knownAt: string, filter: EntityFilter = {}): Promise<number> {
    return entityCountAt(this.pool, await this.schema(), type, asOf, knownAt, filter);
  }

  /**
   * Pledged against delivered per party pair, kind and currency, as of a date
   * and known at a time. Money only: price commitments are rates, not sums,
   * and stay out. `pledged` counts commitments pledged, fulfilled or broken;
   * `outstanding` only those still pledged; `requested` the demands not granted.
   */
  async ledger(asOf: string, knownAt: string, filter: { by?: string; to?: string; reportedBy?: string } = {}): Promise<LedgerRow[]> {
    return ledgerAt(this.pool, await this.schema(), asOf, knownAt, filter);
  }

  /** Who recorded what and when, in recording order, paged after a position. */
  async audit(query: AuditQuery): Promise<AuditEntry[]> {
    return auditEntries(this.pool, await this.schema(), query);
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
    return timelineDensity(this.pool, await this.schema(), query);
  }

  async timeline(query: TimelineQuery): Promise<TimelineEntry[]> {
    return timelinePage(this.pool, await this.schema(), query);
  }
}

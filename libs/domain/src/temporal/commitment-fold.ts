/**
 * Pieces shared by the as-of oracle and the segment sweep: which events of a
 * commitment stream take part in the temporal fold (as known at a transaction
 * time), the lenient evolve step, and the shape of the result. Not exported
 * from the package: use `commitmentAsOf` and `commitmentSegments`.
 */
import { fromScaled, isDecimal, toScaled } from '../commitments/decimal';
import type { CommitmentRecorded } from '../commitments/events';
import { applyTermChanges, TermChanges, Terms } from '../commitments/terms';
import { CommitmentKind, CommitmentStatus, isCommitmentStatus } from '../commitments/vocabulary';
import { EffectiveTime, effectiveUntil, instantMillis } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { applyRevisions, byStreamVersion } from '../shared/revisions';

/** An event that counts at the asked time but whose period has not ended by then. */
export interface UncertainEvent {
  readonly eventId: string;
  readonly type: string;
  readonly effectiveAt: EffectiveTime;
  /** First instant after the event's period: the event is certain from here on. */
  readonly until: string;
}

/** A commitment as it stood at a valid time, as known at a transaction time. */
export interface CommitmentAsOf {
  readonly commitmentId: string;
  readonly kind: CommitmentKind;
  readonly title: string;
  readonly by: string;
  readonly to: string;
  readonly status: CommitmentStatus;
  readonly terms: Terms;
  /** Exact decimal sum of the counting disbursements. */
  readonly disbursed: string;
  /** `terms.amount − disbursed`, exact, possibly negative; null when the terms state no amount. */
  readonly outstanding: string | null;
  /** `terms.currency`, null when the terms state none. */
  readonly currency: string | null;
  /** Highest stream version recorded at or before knownAt, revisions included. */
  readonly streamVersion: number;
  /** Ids of the counting events, in fold order (the CommitmentRecorded event first). */
  readonly eventIds: readonly string[];
  /** Counting events whose period has not ended at the asked time, in fold order. */
  readonly uncertain: readonly UncertainEvent[];
}

/** An event placed on the valid-time line. */
export interface TimedEvent {
  readonly event: RecordedEvent;
  /** Milliseconds of `effectiveAt.at`. */
  readonly start: number;
  /** Milliseconds of `effectiveUntil(effectiveAt)`. */
  readonly until: number;
  readonly uncertain: UncertainEvent;
  /** Instants are exact: never uncertain. */
  readonly exact: boolean;
}

export interface CommitmentTimeline {
  readonly record: TimedEvent;
  /** The other events of the commitment, in no particular order. */
  readonly others: readonly TimedEvent[];
  readonly streamVersion: number;
}

/**
 * The stream as known at `knownAt`, revisions applied: the CommitmentRecorded
 * event (the first one by stream version) and the other commitment events for
 * the same commitmentId. Events of other types, later CommitmentRecorded
 * events, events for another commitment and events whose effective time is
 * malformed take no part. Undefined when no CommitmentRecorded event is known.
 */
export function commitmentTimeline(events: readonly RecordedEvent[], knownAt: string): CommitmentTimeline | undefined {
  const limit = instantMillis(knownAt);
  let streamVersion = 0;
  for (const event of events) {
    if (Date.parse(event.recordedAt) <= limit) streamVersion = Math.max(streamVersion, event.streamVersion);
  }
  let record: TimedEvent | undefined;
  const candidates: TimedEvent[] = [];
  for (const event of applyRevisions(events, knownAt)) {
    if (!FOLDED_TYPES.has(event.type)) continue;
    const timed = placeEvent(event);
    if (!timed) continue;
    if (event.type === 'CommitmentRecorded') {
      if (!record) record = timed;
    } else candidates.push(timed);
  }
  if (!record) return undefined;
  const commitmentId = dataOf(record.event).commitmentId;
  const others = candidates.filter((timed) => {
    const id = dataOf(timed.event).commitmentId;
    return typeof id !== 'string' || id === commitmentId;
  });
  return { record, others, streamVersion };
}

const FOLDED_TYPES: ReadonlySet<string> = new Set([
  'CommitmentRecorded',
  'CommitmentTermsAmended',
  'CommitmentDisbursed',
  'CommitmentStatusChanged',
]);

/** An event's place in valid time, or undefined when its effective time cannot be read. */
export function placeEvent(event: RecordedEvent): TimedEvent | undefined {
  const { effectiveAt } = event;
  if (!effectiveAt || typeof effectiveAt.at !== 'string') return undefined;
  let untilText: string;
  try {
    untilText = effectiveUntil(effectiveAt);
  } catch {
    return undefined;
  }
  const start = Date.parse(effectiveAt.at);
  const until = Date.parse(untilText);
  if (Number.isNaN(start) || Number.isNaN(until)) return undefined;
  return {
    event,
    start,
    until,
    exact: effectiveAt.precision === 'instant',
    uncertain: { eventId: event.id, type: event.type, effectiveAt, until: untilText },
  };
}

/** Fold order: effective start, then stream version. */
export function foldOrder(a: TimedEvent, b: TimedEvent): number {
  return a.start - b.start || byStreamVersion(a.event, b.event);
}

/** The state the lenient fold carries. */
export interface FoldState {
  readonly record: Readonly<Record<string, unknown>>;
  readonly status: unknown;
  readonly terms: Terms;
  readonly disbursed: bigint;
}

export function startFold(record: RecordedEvent): FoldState {
  const data = dataOf(record);
  const terms = isPlainObject(data.terms) ? (data.terms as Terms) : {};
  return { record: data, status: data.status, terms, disbursed: 0n };
}

/**
 * The lenient temporal evolve: applies what an event says whatever came
 * before, so that events folded in valid-time order (not the order they were
 * decided in) never fail. Amendments apply their changes (null removes a term);
 * disbursements add their amount whatever the currency; status changes set
 * `to`. A value it cannot read (after a bad correction) is skipped.
 */
export function evolveLeniently(state: FoldState, event: RecordedEvent): FoldState {
  const data = dataOf(event);
  switch (event.type) {
    case 'CommitmentTermsAmended':
      return isPlainObject(data.changes)
        ? { ...state, terms: applyTermChanges(state.terms, data.changes as TermChanges) }
        : state;
    case 'CommitmentDisbursed':
      return isDecimal(data.amount) ? { ...state, disbursed: state.disbursed + toScaled(data.amount) } : state;
    case 'CommitmentStatusChanged':
      return isCommitmentStatus(data.to) ? { ...state, status: data.to } : state;
    default:
      return state;
  }
}

export function snapshot(
  state: FoldState,
  eventIds: readonly string[],
  uncertain: readonly UncertainEvent[],
  streamVersion: number,
): CommitmentAsOf {
  const record = state.record as Partial<CommitmentRecorded['data']>;
  const amount = state.terms.amount;
  return {
    commitmentId: record.commitmentId as string,
    kind: record.kind as CommitmentKind,
    title: record.title as string,
    by: record.by as string,
    to: record.to as string,
    status: state.status as CommitmentStatus,
    terms: state.terms,
    disbursed: fromScaled(state.disbursed),
    outstanding: isDecimal(amount) ? fromScaled(toScaled(amount) - state.disbursed) : null,
    currency: state.terms.currency ?? null,
    streamVersion,
    eventIds,
    uncertain,
  };
}

function dataOf(event: RecordedEvent): Record<string, unknown> {
  return isPlainObject(event.data) ? event.data : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

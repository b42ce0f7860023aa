/**
 * Pieces shared by the as-of oracle and the segment sweep: which events of a
 * commitment stream take part in the temporal fold (as known at a transaction
 * time), the lenient evolve step, and the shape of the result. Not exported
 * from the package: use `commitmentAsOf` and `commitmentSegments`.
 */
import { fromScaled, isDecimal, toScaled } from '../commitments/decimal';
import type { CommitmentRecorded } from '../commitments/events';
import { applyTermChanges, Terms } from '../commitments/terms';
import { CommitmentKind, CommitmentStatus, isCommitmentStatus, isOpenStatus } from '../commitments/vocabulary';
import { EffectiveTime, effectiveUntil, instantMillis, parseEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { byStreamVersion, EventCorrected, ResolvedEvent, resolveRevisions } from '../shared/revisions';
import { attributeStep, dateAttribution, factPaths, FoldedEvent, Sources } from './attribution';

/** An event that counts at the asked time but whose period has not ended by then. */
export interface UncertainEvent {
  readonly eventId: string;
  readonly type: string;
  readonly effectiveAt: EffectiveTime;
  /**
   * First instant after the event's period. The event is certain from the
   * period's last instant on (`until` − 1 ms): asked at the close of a day, a
   * month or a year, what happened in it has happened.
   */
  readonly until: string;
}

/** A commitment as it stood at a valid time, as known at a transaction time. */
export interface CommitmentAsOf {
  readonly commitmentId: string;
  readonly kind: CommitmentKind;
  readonly title: string;
  readonly by: string;
  readonly to: string;
  /**
   * The status the events set, except that an open one (`requested`,
   * `pledged`) whose terms state a `validUntil` is `lapsed` from the first
   * instant after that period on (see `lapsedAt`).
   */
  readonly status: CommitmentStatus;
  /** When the status is a derived lapse: the first instant after `terms.validUntil`; null otherwise. */
  readonly lapsedAt: string | null;
  readonly terms: Terms;
  /** Exact decimal sum of the counting disbursements; null for a rate (a price), which is not a sum. */
  readonly disbursed: string | null;
  /**
   * `terms.amount − disbursed`, exact, possibly negative, on a commitment that
   * was pledged (pledged, fulfilled or broken: what was promised and not paid);
   * null when the terms state no amount, for a rate, when it has lapsed (nothing
   * is owed on a lapsed commitment), and on what was never pledged (a demand, or
   * a request withdrawn or rejected).
   */
  readonly outstanding: string | null;
  /** `terms.currency`, null when the terms state none. */
  readonly currency: string | null;
  /** Highest stream version recorded at or before knownAt, revisions included. */
  readonly streamVersion: number;
  /** Ids of the counting events, in fold order (the CommitmentRecorded event first). */
  readonly eventIds: readonly string[];
  /** Counting events whose period has not ended at the asked time, in fold order. */
  readonly uncertain: readonly UncertainEvent[];
  /**
   * For each fact (`effectiveAt`, `kind`, `title`, `by`, `to`, `status`,
   * `terms.<term>`, `disbursed`), the source of its current value: see
   * attribution.ts. A derived lapse cites the source of `terms.validUntil`.
   */
  readonly sources: Sources;
}

/** The statuses of a commitment that was pledged: the ledger's `pledged` counts these too. */
const PLEDGED_STATUSES: readonly CommitmentStatus[] = ['pledged', 'fulfilled', 'broken'];

/** Kinds whose amount is a rate (a price per unit), not a sum: nothing is disbursed or outstanding on them. */
export const RATE_KINDS: readonly CommitmentKind[] = ['price'];

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
  /** The event as recorded. */
  readonly original: RecordedEvent;
  /** The corrections applied to it, in order. */
  readonly corrections: readonly RecordedEvent<EventCorrected>[];
  /** Its other sources: corroborations and competing claims (claims.ts). */
  readonly claims?: ResolvedEvent['claims'];
}

/** Whether the timed event is still uncertain at instant `at`: its period's last instant is after `at`. */
export function isUncertainAt(timed: TimedEvent, at: number): boolean {
  return !timed.exact && at < timed.until - 1;
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
export function commitmentTimeline(events: readonly RecordedEvent[], knownAt: string, reportedBy?: string): CommitmentTimeline | undefined {
  const limit = instantMillis(knownAt);
  let streamVersion = 0;
  for (const event of events) {
    if (Date.parse(event.recordedAt) <= limit) streamVersion = Math.max(streamVersion, event.streamVersion);
  }
  let record: TimedEvent | undefined;
  const candidates: TimedEvent[] = [];
  for (const resolved of resolveRevisions(events, knownAt, reportedBy)) {
    const event = resolved.event;
    if (!FOLDED_TYPES.has(event.type)) continue;
    const timed = placeEvent(resolved);
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
export function placeEvent(resolved: ResolvedEvent): TimedEvent | undefined {
  const { event } = resolved;
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
    original: resolved.original,
    corrections: resolved.corrections,
    ...(resolved.claims && { claims: resolved.claims }),
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
  /** The facts as paths (see `factPaths`) and the source of each. */
  readonly facts: ReadonlyMap<string, unknown>;
  readonly sources: Sources;
}

export function startFold(record: TimedEvent): FoldState {
  const initial = (event: RecordedEvent) => {
    const data = dataOf(event);
    const terms = isPlainObject(data.terms) ? (data.terms as Terms) : {};
    return { record: data, status: data.status, terms, disbursed: 0n };
  };
  const state = initial(record.event);
  const facts = commitmentFacts(state);
  const sources = attributeStep({}, new Map(), facts, record, (version) => commitmentFacts(initial(version)));
  return { ...state, facts, sources: { effectiveAt: dateAttribution(record), ...sources } };
}

/** One step of the fold: the lenient evolve, and the sources of the facts it changed. */
export function foldStep(state: FoldState, timed: FoldedEvent): FoldState {
  const next = evolveLeniently(state, timed.event);
  if (next === state && timed.corrections.length === 0 && !timed.claims) return state;
  const facts = commitmentFacts(next);
  const sources = attributeStep(state.sources, state.facts, facts, timed, (version) => commitmentFacts(evolveLeniently(state, version)));
  return { ...next, facts, sources };
}

/** The facts a commitment's sources are kept for. */
function commitmentFacts(state: Pick<FoldState, 'record' | 'status' | 'terms' | 'disbursed'>): Map<string, unknown> {
  const { kind, title, by, to } = state.record;
  return factPaths({
    kind,
    title,
    by,
    to,
    status: state.status,
    terms: state.terms,
    disbursed: RATE_KINDS.includes(kind as CommitmentKind) || state.disbursed === 0n ? undefined : fromScaled(state.disbursed),
  });
}

/**
 * The lenient temporal evolve: applies what an event says whatever came
 * before, so that events folded in valid-time order (not the order they were
 * decided in) never fail. Amendments apply their changes (null removes a term);
 * disbursements add their amount whatever the currency; status changes set
 * `to`. A value it cannot read (after a bad correction) is skipped.
 */
export function evolveLeniently<S extends Pick<FoldState, 'terms' | 'disbursed' | 'status'>>(state: S, event: RecordedEvent): S {
  const data = dataOf(event);
  switch (event.type) {
    case 'CommitmentTermsAmended':
      return isPlainObject(data.changes) ? { ...state, terms: applyTermChanges(state.terms, data.changes) } : state;
    case 'CommitmentDisbursed':
      return isDecimal(data.amount) ? { ...state, disbursed: state.disbursed + toScaled(data.amount) } : state;
    case 'CommitmentStatusChanged':
      return isCommitmentStatus(data.to) ? { ...state, status: data.to } : state;
    default:
      return state;
  }
}

/**
 * The first instant after the validity the terms state (`validUntil`'s period),
 * in milliseconds; undefined when they state none or it cannot be read.
 */
export function validityEnd(terms: Terms): number | undefined {
  if (typeof terms.validUntil !== 'string') return undefined;
  try {
    return Date.parse(effectiveUntil(parseEffectiveTime(terms.validUntil)));
  } catch {
    return undefined;
  }
}

/**
 * Every instant at which a commitment of this timeline could lapse: the end of
 * each `validUntil` its (corrected) record or amendments state. The state
 * changes there, so the segment sweep stops there.
 */
export function lapsePoints(timeline: CommitmentTimeline): number[] {
  const points: number[] = [];
  for (const timed of [timeline.record, ...timeline.others]) {
    const data = dataOf(timed.event);
    const terms =
      timed.event.type === 'CommitmentRecorded' ? data.terms : timed.event.type === 'CommitmentTermsAmended' ? data.changes : undefined;
    if (!isPlainObject(terms)) continue;
    const end = validityEnd(terms);
    if (end !== undefined && Number.isFinite(end) && end < AFTER_LAST_INSTANT) points.push(end);
  }
  return points;
}

// Instants `toISOString` writes with four year digits, so that they read back: before year 10000.
const AFTER_LAST_INSTANT = Date.parse('+010000-01-01T00:00:00.000Z');

/** The commitment at instant `at` (milliseconds) from the fold's state. */
export function snapshot(
  state: FoldState,
  at: number,
  eventIds: readonly string[],
  uncertain: readonly UncertainEvent[],
  streamVersion: number,
): CommitmentAsOf {
  const record = state.record as Partial<CommitmentRecorded['data']>;
  const amount = state.terms.amount;
  const end = isOpenStatus(state.status) ? validityEnd(state.terms) : undefined;
  const lapsed = end !== undefined && at >= end;
  const rate = RATE_KINDS.includes(record.kind as CommitmentKind);
  let sources = state.sources;
  if (lapsed && sources['terms.validUntil']) sources = { ...sources, status: sources['terms.validUntil'] };
  return {
    commitmentId: record.commitmentId as string,
    kind: record.kind as CommitmentKind,
    title: record.title as string,
    by: record.by as string,
    to: record.to as string,
    status: lapsed ? 'lapsed' : (state.status as CommitmentStatus),
    lapsedAt: lapsed ? new Date(end).toISOString() : null,
    terms: state.terms,
    disbursed: rate ? null : fromScaled(state.disbursed),
    outstanding:
      !rate && !lapsed && PLEDGED_STATUSES.includes(state.status as CommitmentStatus) && isDecimal(amount)
        ? fromScaled(toScaled(amount) - state.disbursed)
        : null,
    currency: state.terms.currency ?? null,
    streamVersion,
    eventIds,
    uncertain,
    sources,
  };
}

function dataOf(event: RecordedEvent): Record<string, unknown> {
  return isPlainObject(event.data) ? event.data : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

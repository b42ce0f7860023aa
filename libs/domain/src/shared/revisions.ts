import { EventClaims, isClaimEventType, publishedBy, reportedByMillis, resolveClaims } from './claims';
import { EffectiveTime, instantMillis, PRECISIONS } from './effective-time';
import type { DomainEvent, RecordedEvent } from './envelope';

/**
 * Revisions fix events already recorded, without rewriting history: they are
 * appended to the same stream as the event they fix, so the record of what was
 * believed when stays intact (transaction time), while folds that apply them
 * see the corrected facts (valid time).
 *
 * - `EventCorrected` changes the event's `effectiveAt` and/or its `data`.
 *   Data changes are a deep merge in the manner of JSON Merge Patch (RFC 7396):
 *   objects merge key by key, recursively; `null` removes a key; arrays and
 *   scalars replace. (So a correction cannot set a value to `null`: to change
 *   `changes.validUntil: null` of an amendment, retract the amendment and
 *   record a new one.)
 * - `EventRetracted` withdraws the event: folds behave as if it had never been
 *   recorded.
 *
 * A revision names its target by id and, as a guard, by type. Revisions of
 * revisions are not allowed: retract the event and record it again instead.
 */
export type EventCorrected = DomainEvent<
  'EventCorrected',
  {
    /** Id of the corrected event, in the same stream. */
    readonly eventId: string;
    /** Type of the corrected event; a revision whose type does not match is ignored. */
    readonly eventType: string;
    readonly changes: {
      readonly effectiveAt?: EffectiveTime;
      readonly data?: Readonly<Record<string, unknown>>;
    };
    readonly reason: string;
  }
>;

export type EventRetracted = DomainEvent<
  'EventRetracted',
  {
    readonly eventId: string;
    readonly eventType: string;
    readonly reason: string;
  }
>;

export type RevisionEvent = EventCorrected | EventRetracted;
export type RevisionEventType = RevisionEvent['type'];

export const REVISION_EVENT_TYPES = ['EventCorrected', 'EventRetracted'] as const satisfies readonly RevisionEventType[];

// Fails to compile when a revision joins the union but not the list above.
type ListsEvery<Missing extends never> = Missing;
type _EveryRevisionTypeListed = ListsEvery<Exclude<RevisionEventType, (typeof REVISION_EVENT_TYPES)[number]>>;

export function isRevisionEventType(type: string): type is RevisionEventType {
  return (REVISION_EVENT_TYPES as readonly string[]).includes(type);
}

export function isRevisionEvent<E extends { readonly type: string }>(
  event: E,
): event is E & { readonly type: RevisionEventType; readonly data: RevisionEvent['data'] } {
  return isRevisionEventType(event.type);
}

export function isEventCorrected<E extends { readonly type: string }>(
  event: E,
): event is E & { readonly type: 'EventCorrected'; readonly data: EventCorrected['data'] } {
  return event.type === 'EventCorrected';
}

export function isEventRetracted<E extends { readonly type: string }>(
  event: E,
): event is E & { readonly type: 'EventRetracted'; readonly data: EventRetracted['data'] } {
  return event.type === 'EventRetracted';
}

/** Why a revision is ignored by `applyRevisions`. */
export type RevisionProblemCode =
  /** The named event is not in the list (or, with knownAt, not yet recorded). */
  | 'unknown_event'
  /** The named event is itself a revision. */
  | 'revises_revision'
  /** The named event has another type than the revision says. */
  | 'event_type_mismatch'
  /** The named event comes after the revision in the stream. */
  | 'revises_later_event'
  /** The revision's data is not well formed (no eventId, changes not an object, bad effectiveAt…). */
  | 'malformed_revision';

export interface RevisionProblem {
  readonly code: RevisionProblemCode;
  /** Id of the revision event at fault. */
  readonly revisionId: string;
  readonly revisionType: RevisionEventType;
  /** The event it names, when it names one. */
  readonly eventId?: string;
  readonly message: string;
}

/**
 * The events as known at `knownAt` (all when absent), with revisions applied:
 *
 * 1. keeps only events recorded at or before `knownAt` (compared as instants);
 * 2. removes retracted events and all revision events;
 * 3. replaces each corrected event by a copy with the corrected `effectiveAt`
 *    and/or deep-merged `data`, several corrections of one event applied in
 *    recordedAt, then streamVersion, order (a retraction wins over any correction);
 * 4. returns the rest in stream-version order, whatever the input order.
 *
 * Revisions with a problem (see `findRevisionProblems`) are ignored. Never
 * throws on odd streams; throws InvalidEffectiveTime for a malformed `knownAt`.
 */
export function applyRevisions(events: readonly RecordedEvent[], knownAt?: string): RecordedEvent[] {
  return resolveRevisions(events, knownAt).map((resolved) => resolved.event);
}

/** An event as `applyRevisions` gives it, with the corrections that made it so. */
export interface ResolvedEvent {
  /** The event with its corrections applied (the recorded event itself when none). */
  readonly event: RecordedEvent;
  /** The event as recorded: its own source, date and data. */
  readonly original: RecordedEvent;
  /** The corrections applied, in the order they were applied; empty when none. */
  readonly corrections: readonly RecordedEvent<EventCorrected>[];
  /**
   * The other sources of the event (see claims.ts), when any claim event names it:
   * `event` then holds the current claim of each claimed field.
   */
  readonly claims?: EventClaims;
}

/**
 * `applyRevisions`, keeping for each event what it was as recorded and which corrections changed it.
 *
 * Claim events (claims.ts) are applied too, and left out like revisions: each
 * event they name carries its corroborations and claims, and its claimed fields
 * hold their current claim. With `reportedBy`, only what had been published
 * then takes part: an event counts when its own source, a corroborating source
 * or a competing claim had been published (`publishedBy`), and its claims are
 * those published; the analyst's choices and our corrections are no
 * publications and apply whenever known. Throws InvalidEffectiveTime for a
 * malformed `knownAt` or `reportedBy`.
 */
export function resolveRevisions(events: readonly RecordedEvent[], knownAt?: string, reportedBy?: string): ResolvedEvent[] {
  const limit = reportedByMillis(reportedBy);
  const known = knownEvents(events, knownAt);
  const { corrections, retracted } = analyse(known);
  const claimEvents = claimsByTarget(known, corrections, retracted, limit);
  const result: ResolvedEvent[] = [];
  for (const event of known) {
    if (isRevisionEvent(event) || isClaimEventType(event.type) || retracted.has(event.id)) continue;
    const fixes = corrections.get(event.id);
    const fixed = fixes ? fixes.reduce(applyCorrection, event) : event;
    const ownPublished = limit === undefined || publishedBy(event, limit);
    const named = claimEvents.get(event.id);
    if (!ownPublished && !named?.some((claimEvent) => claimEvent.type !== 'ClaimChosen')) continue;
    if (named) {
      const resolved = resolveClaims(fixed, named, ownPublished);
      result.push({ event: resolved.event, original: event, corrections: fixes ?? NONE, claims: resolved.claims });
    } else result.push({ event: fixed, original: event, corrections: fixes ?? NONE });
  }
  return result;
}

/**
 * The events of a stream that had been published by `reportedBy` (an instant or a date's first
 * instant, like `asOf`), in stream order: a fact whose own source, or a source confirming or
 * disputing it, had been published; a corroboration or claim whose source had; and our own
 * corrections, retractions and choices of what is kept. For the history and its axes on the
 * reported axis. Throws InvalidEffectiveTime for a malformed `reportedBy`.
 */
export function reportedEvents(events: readonly RecordedEvent[], reportedBy: string): RecordedEvent[] {
  const limit = instantMillis(reportedBy);
  const ordered = [...events].sort(byStreamVersion);
  const targetOf = (event: RecordedEvent) =>
    isPlainObject(event.data) && typeof event.data.eventId === 'string' ? event.data.eventId : undefined;
  const ours = (event: RecordedEvent) => isRevisionEvent(event) || event.type === 'ClaimChosen';
  const kept = new Set<string>();
  for (const event of ordered) {
    if (ours(event) || !publishedBy(event, limit)) continue;
    kept.add(event.id);
    const target = isClaimEventType(event.type) ? targetOf(event) : undefined;
    if (target !== undefined) kept.add(target);
  }
  for (const event of ordered) {
    const target = targetOf(event);
    if (ours(event) && target !== undefined && kept.has(target)) kept.add(event.id);
  }
  return ordered.filter((event) => kept.has(event.id));
}

/**
 * The claim events of the list by the event they name, corrected, without the
 * retracted ones, those naming no earlier event of the stated type, and (with
 * `reportedBy`) the corroborations and claims not yet published.
 */
function claimsByTarget(
  known: readonly RecordedEvent[],
  corrections: ReadonlyMap<string, RecordedEvent<EventCorrected>[]>,
  retracted: ReadonlySet<string>,
  reportedBy: number | undefined,
): Map<string, RecordedEvent[]> {
  const byTarget = new Map<string, RecordedEvent[]>();
  const seen = new Map<string, RecordedEvent>();
  for (const event of known) {
    seen.set(event.id, event);
    if (!isClaimEventType(event.type) || retracted.has(event.id)) continue;
    const fixes = corrections.get(event.id);
    const claim = fixes ? fixes.reduce(applyCorrection, event) : event;
    const data: unknown = claim.data;
    if (!isPlainObject(data) || typeof data.eventId !== 'string') continue;
    const target = seen.get(data.eventId);
    if (!target || target === event || isRevisionEvent(target) || isClaimEventType(target.type) || data.eventType !== target.type) continue;
    if (reportedBy !== undefined && claim.type !== 'ClaimChosen' && !publishedBy(claim, reportedBy)) continue;
    byTarget.set(data.eventId, [...(byTarget.get(data.eventId) ?? []), claim]);
  }
  return byTarget;
}

const NONE: readonly RecordedEvent<EventCorrected>[] = Object.freeze([]);

/** Each version of a corrected event: as recorded, then after each correction in turn. */
export function correctedVersions(resolved: ResolvedEvent): RecordedEvent[] {
  const versions = [resolved.original];
  for (const correction of resolved.corrections) versions.push(applyCorrection(versions[versions.length - 1], correction));
  return versions;
}

/** Every revision in the list that `applyRevisions` ignores, and why, in stream-version order. */
export function findRevisionProblems(events: readonly RecordedEvent[]): RevisionProblem[] {
  return analyse(knownEvents(events, undefined)).problems;
}

/**
 * `data` after a correction's data changes: objects merge recursively, `null`
 * removes a key, `undefined` leaves it, arrays and scalars replace. Returns new
 * objects along the changed paths and shares the rest.
 */
export function mergeCorrectedData(data: unknown, changes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const next: Record<string, unknown> = isPlainObject(data) ? { ...data } : {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else if (isPlainObject(value)) next[key] = mergeCorrectedData(next[key], value);
    else next[key] = value;
  }
  return next;
}

function knownEvents(events: readonly RecordedEvent[], knownAt: string | undefined): RecordedEvent[] {
  if (knownAt === undefined) return [...events].sort(byStreamVersion);
  const limit = instantMillis(knownAt);
  return events.filter((event) => Date.parse(event.recordedAt) <= limit).sort(byStreamVersion);
}

/** Stream version, then commit position, then id: a total order even on odd input. */
export function byStreamVersion(a: RecordedEvent, b: RecordedEvent): number {
  return a.streamVersion - b.streamVersion || comparePositions(a.position, b.position) || compareText(a.id, b.id);
}

function comparePositions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const difference = BigInt(a) - BigInt(b);
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  }
  return compareText(a, b);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Analysis {
  /** Valid corrections per target id, in the order to apply them. */
  readonly corrections: Map<string, RecordedEvent<EventCorrected>[]>;
  readonly retracted: Set<string>;
  readonly problems: RevisionProblem[];
}

/** `events` must be in stream-version order. */
function analyse(events: readonly RecordedEvent[]): Analysis {
  const byId = new Map<string, RecordedEvent>();
  for (const event of events) if (!byId.has(event.id)) byId.set(event.id, event);
  const corrections = new Map<string, RecordedEvent<EventCorrected>[]>();
  const retracted = new Set<string>();
  const problems: RevisionProblem[] = [];

  for (const revision of events) {
    if (!isRevisionEvent(revision)) continue;
    const problem = checkRevision(revision, byId);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const { eventId } = revision.data;
    if (isEventRetracted(revision)) retracted.add(eventId);
    else {
      const list = corrections.get(eventId) ?? [];
      list.push(revision as RecordedEvent<EventCorrected>);
      corrections.set(eventId, list);
    }
  }
  for (const list of corrections.values()) {
    list.sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt) || byStreamVersion(a, b));
  }
  return { corrections, retracted, problems };
}

function checkRevision(
  revision: RecordedEvent & { readonly type: RevisionEventType },
  byId: ReadonlyMap<string, RecordedEvent>,
): RevisionProblem | undefined {
  const data: unknown = revision.data;
  const problem = (code: RevisionProblemCode, message: string, eventId?: string): RevisionProblem => ({
    code,
    revisionId: revision.id,
    revisionType: revision.type,
    ...(eventId !== undefined && { eventId }),
    message: `${revision.type} ${revision.id}: ${message}`,
  });
  if (!isPlainObject(data) || typeof data.eventId !== 'string') {
    return problem('malformed_revision', 'data.eventId must be text');
  }
  const eventId = data.eventId;
  if (isEventCorrected(revision)) {
    const malformed = checkChanges(data.changes);
    if (malformed) return problem('malformed_revision', malformed, eventId);
  }
  const target = byId.get(eventId);
  if (!target) return problem('unknown_event', `names event ${eventId}, which is not in the stream`, eventId);
  if (isRevisionEvent(target)) {
    return problem('revises_revision', `names ${target.type} ${eventId}; revisions cannot be revised`, eventId);
  }
  if (data.eventType !== target.type) {
    return problem('event_type_mismatch', `says event ${eventId} is a ${String(data.eventType)} but it is a ${target.type}`, eventId);
  }
  if (byStreamVersion(target, revision) > 0) {
    return problem('revises_later_event', `names event ${eventId}, recorded after the revision`, eventId);
  }
  return undefined;
}

function checkChanges(changes: unknown): string | undefined {
  if (!isPlainObject(changes)) return 'data.changes must be an object';
  if (changes.data !== undefined && !isPlainObject(changes.data)) return 'data.changes.data must be an object';
  if (changes.effectiveAt !== undefined && !isEffectiveTime(changes.effectiveAt)) {
    return 'data.changes.effectiveAt must be an effective time ({ at, precision[, until] })';
  }
  return undefined;
}

function isEffectiveTime(value: unknown): value is EffectiveTime {
  if (!isPlainObject(value) || typeof value.at !== 'string' || Number.isNaN(Date.parse(value.at))) return false;
  if (!PRECISIONS.includes(value.precision as EffectiveTime['precision'])) return false;
  if (value.precision !== 'range') return true;
  return typeof value.until === 'string' && Date.parse(value.until) > Date.parse(value.at);
}

function applyCorrection(event: RecordedEvent, correction: RecordedEvent<EventCorrected>): RecordedEvent {
  const { effectiveAt, data } = correction.data.changes;
  return {
    ...event,
    ...(effectiveAt !== undefined && { effectiveAt }),
    ...(data !== undefined && { data: mergeCorrectedData(event.data, data) }),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

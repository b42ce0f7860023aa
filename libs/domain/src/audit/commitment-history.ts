import type { EffectiveTime } from '../shared/effective-time';
import type { Confidence, RecordedEvent, Source } from '../shared/envelope';
import { isClaimEventType } from '../shared/claims';
import { byStreamVersion, findRevisionProblems, isEventRetracted, isRevisionEvent, RevisionProblemCode } from '../shared/revisions';
import { commitmentAsOf } from '../temporal/commitment-as-of';
import { auditedFields, AuditedFields, END_OF_TIME, RECORDED } from './audit-fields';
import { FieldChange, fieldChanges, isPlainObject } from './field-changes';

/** The event a revision names. */
export interface HistoryFix {
  readonly eventId: string;
  /** Type of the named event; the type the revision claims when the event is not in the stream. */
  readonly type: string;
  readonly kind: 'correction' | 'retraction';
  /** Set when folds ignore the revision (see `findRevisionProblems`): it then fixes nothing. */
  readonly ignored?: RevisionProblemCode;
}

/** A later correction of this version's event. */
export interface HistoryCorrectionRef {
  readonly eventId: string;
  readonly recordedAt: string;
}

/** The later retraction of this version's event. */
export interface HistoryRetractionRef {
  /** Id of the EventRetracted event. */
  readonly by: string;
  readonly recordedAt: string;
}

/** One version of a commitment stream: an event, as recorded, and what it changed in the record. */
export interface HistoryVersion {
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  /** The effective time as recorded; a later correction does not alter it here. */
  readonly effectiveAt: EffectiveTime;
  readonly recordedAt: string;
  readonly actor: string;
  readonly source: Source;
  readonly confidence: Confidence;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** The commitment as recorded up to this version, against as recorded up to the one before. */
  readonly changes: readonly FieldChange[];
  /** For a correction or retraction: the event it fixes. */
  readonly fixes?: HistoryFix;
  /** The first (applicable) retraction of this event, when it was later retracted. */
  readonly retracted?: HistoryRetractionRef;
  /** The applicable corrections of this event, in stream order, when it was later corrected. */
  readonly correctedBy?: readonly HistoryCorrectionRef[];
  /**
   * For a claim event (claims.ts): the event it is about, and what it says of it: another
   * source confirms it, gives another value for `field`, or the analyst chose a claim of `field`.
   */
  readonly about?: { readonly eventId: string; readonly kind: 'corroboration' | 'claim' | 'choice'; readonly field?: string };
}

/**
 * Every version of one commitment stream, in stream-version order (whatever
 * the input order), one per event.
 *
 * `changes` compares the commitment *as recorded so far* before and after the
 * version, on the audited fields (status, kind, title, by, to, terms,
 * disbursed, outstanding, currency; `{}` while there is no commitment). As
 * recorded so far after version k is the latest-valid-time state of the first
 * k events with their revisions applied, by the rules of `commitmentAsOf`
 * (`commitmentAsOf(first k events, END_OF_TIME, END_OF_TIME, RECORDED)`): the prefix by
 * stream version, not by recordedAt, since several events may share one.
 *
 * A correction or retraction carries `fixes` and shows in `changes` what it
 * changed; the version it fixes carries `correctedBy` / `retracted`, so that a
 * reader of an old version sees it was fixed later. Revisions that folds ignore
 * (unknown, later or mistyped target, malformed…) keep `fixes` with `ignored`
 * set, change nothing and mark no version.
 *
 * One fold per version: quadratic in the length of the stream.
 */
export function commitmentHistory(events: readonly RecordedEvent[]): HistoryVersion[] {
  const ordered = [...events].sort(byStreamVersion);
  const byId = new Map<string, RecordedEvent>();
  for (const event of ordered) if (!byId.has(event.id)) byId.set(event.id, event);
  const problems = new Map<string, RevisionProblemCode>();
  for (const problem of findRevisionProblems(ordered)) {
    if (!problems.has(problem.revisionId)) problems.set(problem.revisionId, problem.code);
  }

  const retractedBy = new Map<string, HistoryRetractionRef>();
  const correctedBy = new Map<string, HistoryCorrectionRef[]>();
  for (const event of ordered) {
    if (!isRevisionEvent(event) || problems.has(event.id)) continue;
    const target = targetOf(event);
    if (target === undefined) continue;
    if (isEventRetracted(event)) {
      if (!retractedBy.has(target)) retractedBy.set(target, { by: event.id, recordedAt: event.recordedAt });
    } else {
      correctedBy.set(target, [...(correctedBy.get(target) ?? []), { eventId: event.id, recordedAt: event.recordedAt }]);
    }
  }

  let before: AuditedFields = {};
  return ordered.map((event, index) => {
    const after = auditedFields(commitmentAsOf(ordered.slice(0, index + 1), END_OF_TIME, END_OF_TIME, RECORDED));
    const changes = fieldChanges(before, after);
    before = after;
    const fixes = isRevisionEvent(event) ? fixOf(event, byId, problems.get(event.id)) : undefined;
    const retracted = retractedBy.get(event.id);
    const corrections = correctedBy.get(event.id);
    return {
      version: event.streamVersion,
      eventId: event.id,
      type: event.type,
      effectiveAt: event.effectiveAt,
      recordedAt: event.recordedAt,
      actor: event.actor,
      source: event.source,
      confidence: event.confidence,
      correlationId: event.correlationId,
      causationId: event.causationId,
      changes,
      ...(fixes && { fixes }),
      ...(retracted && { retracted }),
      ...(corrections && { correctedBy: corrections }),
      ...aboutOf(event),
    };
  });
}

const CLAIM_KINDS = { SourceCorroborated: 'corroboration', ClaimRecorded: 'claim', ClaimChosen: 'choice' } as const;

function aboutOf(event: RecordedEvent): Pick<HistoryVersion, 'about'> {
  const eventId = isClaimEventType(event.type) ? targetOf(event) : undefined;
  if (eventId === undefined) return {};
  const field = (event.data as { field?: unknown }).field;
  return { about: { eventId, kind: CLAIM_KINDS[event.type as keyof typeof CLAIM_KINDS], ...(typeof field === 'string' && { field }) } };
}

function targetOf(revision: RecordedEvent): string | undefined {
  const data: unknown = revision.data;
  return isPlainObject(data) && typeof data.eventId === 'string' ? data.eventId : undefined;
}

function fixOf(
  revision: RecordedEvent,
  byId: ReadonlyMap<string, RecordedEvent>,
  ignored: RevisionProblemCode | undefined,
): HistoryFix | undefined {
  const eventId = targetOf(revision);
  if (eventId === undefined) return undefined;
  const data = revision.data as Record<string, unknown>;
  const claimed = typeof data.eventType === 'string' ? data.eventType : '';
  return {
    eventId,
    type: byId.get(eventId)?.type ?? claimed,
    kind: isEventRetracted(revision) ? 'retraction' : 'correction',
    ...(ignored !== undefined && { ignored }),
  };
}

import { ClaimRecorded, isClaimEventType } from '../shared/claims';
import { EffectiveTime, InvalidEffectiveTime, parseEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { DomainRuleViolation, unknownCommand } from '../shared/errors';
import { applyRevisions, EventCorrected, EventRetracted, isRevisionEventType } from '../shared/revisions';

/** Correct an event already recorded: its effective time, its data (merged), or both. */
export interface CorrectEvent {
  readonly type: 'CorrectEvent';
  readonly data: {
    readonly eventId: string;
    readonly effectiveAt?: EffectiveTime;
    readonly changes?: Readonly<Record<string, unknown>>;
    readonly reason: string;
  };
}

/** Withdraw an event already recorded: folds behave as if it had never been. */
export interface RetractEvent {
  readonly type: 'RetractEvent';
  readonly data: { readonly eventId: string; readonly reason: string };
}

export type RevisionCommand = CorrectEvent | RetractEvent;

/** A revision as decided, with the effective time it is filed at: that of the fact it fixes, as corrected. */
export type DecidedRevision = (EventCorrected | EventRetracted) & { readonly effectiveAt: EffectiveTime };

/**
 * Whether a stream still holds with a revision applied: the aggregate's own
 * fold, which throws (with the reason) on a history it cannot follow.
 */
export type StreamCheck = (events: readonly RecordedEvent[]) => void;

/**
 * Decides a correction or a retraction of one event in `stream` (the stream
 * that holds it, as recorded). Refuses an event not in the stream, a revision
 * of a revision, an event already retracted, a correction that changes
 * nothing, and a revision after which `check` no longer accepts the history.
 *
 * A claim event (a corroboration, a competing claim, a choice) is ours to fix
 * like any other recording: it may be retracted, or its data corrected (a
 * claim's `value`, checked as the claim decider checks it), but not its
 * effective time, which is always that of the event it is about.
 */
export function decideRevision(command: RevisionCommand, stream: readonly RecordedEvent[], check?: StreamCheck): DecidedRevision[] {
  const { eventId, reason } = command.data;
  const target = stream.find((event) => event.id === eventId);
  if (!target) throw new DomainRuleViolation('event_not_found', `no event has id ${eventId} in this stream`, 'eventId');
  if (isRevisionEventType(target.type)) {
    throw new DomainRuleViolation(
      'revision_of_revision',
      'a correction or retraction cannot itself be revised; revise the original event',
      'eventId',
    );
  }
  // Revisions drop claim events from the stream they apply to: a claim event is current unless retracted.
  const current = isClaimEventType(target.type)
    ? stream.some((event) => event.type === 'EventRetracted' && (event.data as { eventId?: unknown }).eventId === eventId)
      ? undefined
      : target
    : applyRevisions(stream).find((event) => event.id === eventId);
  if (!current) throw new DomainRuleViolation('event_retracted', 'this event was retracted; there is nothing left to revise', 'eventId');
  if (isClaimEventType(target.type) && command.type === 'CorrectEvent') checkClaimCorrection(target, command);

  let decided: DecidedRevision;
  switch (command.type) {
    case 'RetractEvent':
      decided = {
        type: 'EventRetracted',
        data: { eventId, eventType: target.type, reason },
        effectiveAt: current.effectiveAt,
      };
      break;
    case 'CorrectEvent': {
      const { effectiveAt, changes: data } = command.data;
      if (effectiveAt === undefined && data === undefined) {
        throw new DomainRuleViolation('empty_correction', 'a correction changes effectiveAt, data or both', 'effectiveAt');
      }
      decided = {
        type: 'EventCorrected',
        data: {
          eventId,
          eventType: target.type,
          changes: { ...(effectiveAt !== undefined && { effectiveAt }), ...(data !== undefined && { data }) },
          reason,
        },
        effectiveAt: effectiveAt ?? current.effectiveAt,
      };
      break;
    }
    default:
      return unknownCommand(command);
  }
  if (check) checkStillHolds(stream, decided, check);
  return [decided];
}

/** A claim event's correction changes its data only, and a claimed date stays a date. */
function checkClaimCorrection(target: RecordedEvent, command: CorrectEvent): void {
  if (command.data.effectiveAt !== undefined) {
    throw new DomainRuleViolation(
      'claim_effective_time',
      `a ${target.type} is filed at the date of the event it is about: correct its data, not its effective time`,
      'effectiveAt',
    );
  }
  const changes = command.data.changes ?? {};
  const field = typeof changes.field === 'string' ? changes.field : (target.data as Partial<ClaimRecorded['data']>).field;
  if (target.type !== 'ClaimRecorded' || field !== 'effectiveAt' || !('value' in changes)) return;
  try {
    if (typeof changes.value !== 'string') throw new InvalidEffectiveTime(String(changes.value), 'expected text');
    parseEffectiveTime(changes.value);
  } catch (error) {
    if (error instanceof InvalidEffectiveTime) throw new DomainRuleViolation('invalid_value', error.message, 'value');
    throw error;
  }
}

/** The stream must still make sense with the revision applied. */
function checkStillHolds(stream: readonly RecordedEvent[], decided: DecidedRevision, check: StreamCheck): void {
  const last = stream[stream.length - 1];
  const revised: RecordedEvent = {
    ...last,
    id: `${last.id}+revision`,
    type: decided.type,
    data: decided.data,
    effectiveAt: decided.effectiveAt,
    streamVersion: last.streamVersion + 1,
    causationId: decided.data.eventId,
  };
  try {
    check([...stream, revised]);
  } catch (error) {
    throw new DomainRuleViolation(
      'inconsistent_revision',
      `with this revision the history no longer holds: ${(error as Error).message}`,
      'data',
    );
  }
}

/**
 * The revision decider over one stream: its state is the stream as recorded,
 * so the given/when/then specs read as the stream and the revision asked for.
 */
export function revisionDecider(check?: StreamCheck) {
  return {
    initialState: (): readonly RecordedEvent[] => [],
    evolve: (stream: readonly RecordedEvent[], event: RecordedEvent): readonly RecordedEvent[] => [...stream, event],
    decide: (command: RevisionCommand, stream: readonly RecordedEvent[]): DecidedRevision[] => decideRevision(command, stream, check),
  } as const;
}

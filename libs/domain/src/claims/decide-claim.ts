import type { EffectiveTime } from '../shared/effective-time';
import { deepEqual } from '../shared/deep-equal';
import { parseEffectiveTime, InvalidEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent, Source } from '../shared/envelope';
import { DomainRuleViolation, unknownCommand } from '../shared/errors';
import { ClaimChosen, ClaimRecorded, fieldValue, isClaimEventType, isClaimField, SourceCorroborated } from '../shared/claims';
import { correctedVersions, isRevisionEventType, resolveRevisions } from '../shared/revisions';

/** Another source confirms an event as recorded: the command's own source (envelope) is that source. */
export interface CorroborateSource {
  readonly type: 'CorroborateSource';
  readonly data: { readonly eventId: string; readonly source: Source };
}

/** Another source gives another value for one field of an event. */
export interface RecordClaim {
  readonly type: 'RecordClaim';
  readonly data: { readonly eventId: string; readonly field: string; readonly value: unknown; readonly source: Source };
}

/** The analyst chooses the current claim of a field, with a reason. */
export interface ChooseClaim {
  readonly type: 'ChooseClaim';
  readonly data: { readonly eventId: string; readonly field: string; readonly claimId: string; readonly reason: string };
}

export type ClaimCommand = CorroborateSource | RecordClaim | ChooseClaim;

/** A claim event as decided, filed at the effective time of the fact it is about. */
export type DecidedClaim = (SourceCorroborated | ClaimRecorded | ClaimChosen) & { readonly effectiveAt: EffectiveTime };

/**
 * Decides a corroboration, a competing claim or a choice about one event of
 * `stream` (as recorded). Refuses an event not in the stream, a revision or a
 * claim event as target, a retracted event; a corroboration by a source the
 * event already cites; a claim on a field the event does not have, one that
 * agrees with the event's own value (that is a corroboration), one already
 * made by the same source; a choice of no claim on that field, or of the
 * current one when an analyst already chose it.
 */
export function decideClaim(command: ClaimCommand, stream: readonly RecordedEvent[]): DecidedClaim[] {
  const { eventId } = command.data;
  const target = stream.find((event) => event.id === eventId);
  if (!target) throw new DomainRuleViolation('event_not_found', `no event has id ${eventId} in this stream`, 'eventId');
  if (isRevisionEventType(target.type) || isClaimEventType(target.type)) {
    throw new DomainRuleViolation(
      'not_a_fact',
      `a ${target.type} is no fact a source can confirm or dispute; name the fact's own event`,
      'eventId',
    );
  }
  const resolved = resolveRevisions(stream).find((item) => item.event.id === eventId);
  if (!resolved)
    throw new DomainRuleViolation('event_retracted', 'this event was retracted; there is nothing left to confirm or dispute', 'eventId');
  const effectiveAt = resolved.event.effectiveAt;
  const claimsOn = stream.filter((event) => isClaimEventType(event.type) && (event.data as { eventId?: unknown }).eventId === eventId);

  switch (command.type) {
    case 'CorroborateSource': {
      const cited = [target, ...claimsOn.filter((event) => event.type === 'SourceCorroborated')];
      if (cited.some((event) => sameSource(event.source, command.data.source))) {
        throw new DomainRuleViolation('already_cited', 'this event already cites that source', 'source');
      }
      return [{ type: 'SourceCorroborated', data: { eventId, eventType: target.type }, effectiveAt }];
    }
    case 'RecordClaim': {
      const { field, value, source } = command.data;
      if (!isClaimField(field))
        throw new DomainRuleViolation('invalid_field', 'field is effectiveAt or a dotted path into the data (terms.amount)', 'field');
      const versions = correctedVersions(resolved);
      const recorded = fieldValue(versions[versions.length - 1], field);
      if (recorded === undefined) throw new DomainRuleViolation('unknown_field', `the event has no ${field} to dispute`, 'field');
      if (field === 'effectiveAt') checkEffectiveTime(value);
      if (deepEqual(recorded, value)) {
        throw new DomainRuleViolation('claim_agrees', 'the source agrees with the recorded value: record it as a corroboration', 'value');
      }
      const sameClaim = claimsOn.some(
        (event) =>
          event.type === 'ClaimRecorded' && (event.data as ClaimRecorded['data']).field === field && sameSource(event.source, source),
      );
      if (sameClaim) throw new DomainRuleViolation('already_claimed', 'this source already has a claim on that field', 'source');
      return [{ type: 'ClaimRecorded', data: { eventId, eventType: target.type, field, value }, effectiveAt }];
    }
    case 'ChooseClaim': {
      const { field, claimId, reason } = command.data;
      if (!reason.trim()) throw new DomainRuleViolation('reason_required', 'a choice says why', 'reason');
      const claimSet = resolved.claims?.claimSets.find((set) => set.field === field);
      if (!claimSet) throw new DomainRuleViolation('no_claims', `no source disputes ${field} of this event`, 'field');
      if (!claimSet.claims.some((claim) => claim.claimId === claimId)) {
        throw new DomainRuleViolation('unknown_claim', `${claimId} is no claim on ${field} of this event`, 'claimId');
      }
      if (claimSet.why === 'chosen' && claimSet.current === claimId) {
        throw new DomainRuleViolation('already_chosen', 'that claim is already the chosen one', 'claimId');
      }
      return [{ type: 'ClaimChosen', data: { eventId, eventType: target.type, field, claimId, reason }, effectiveAt }];
    }
    default:
      return unknownCommand(command);
  }
}

/** Two citations of one source: the same title and publisher (or the same URL). */
function sameSource(a: Source, b: Source): boolean {
  if (a.url && b.url) return a.url === b.url;
  return a.title === b.title && (a.publisher ?? '') === (b.publisher ?? '');
}

function checkEffectiveTime(value: unknown): void {
  try {
    if (typeof value !== 'string') throw new InvalidEffectiveTime(String(value), 'expected text');
    parseEffectiveTime(value);
  } catch (error) {
    if (error instanceof InvalidEffectiveTime) throw new DomainRuleViolation('invalid_value', error.message, 'value');
    throw error;
  }
}

/** The claim decider over one stream: its state is the stream as recorded. */
export function claimDecider() {
  return {
    initialState: (): readonly RecordedEvent[] => [],
    evolve: (stream: readonly RecordedEvent[], event: RecordedEvent): readonly RecordedEvent[] => [...stream, event],
    decide: (command: ClaimCommand, stream: readonly RecordedEvent[]): DecidedClaim[] => decideClaim(command, stream),
  } as const;
}

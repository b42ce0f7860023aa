import { effectiveUntil, InvalidEffectiveTime, parseEffectiveTime } from '../shared/effective-time';
import { DomainRuleViolation, unknownCommand } from '../shared/errors';
import { checkPartyList, optionalText, requireText } from '../parties/validation';
import type { ChangeTrackStatus, OpenTrack, SetTrackDeadline, TrackCommand } from './commands';
import type { TrackDeadlineSet, TrackEvent, TrackOpened, TrackStatusChanged } from './events';
import { findDeadline, Track, trackExists, TrackState } from './state';
import { isClosedTrackStatus, isDeadlineId, isTrackKind, isTrackStatus } from './vocabulary';

/** The events a command produces, in order; each command here produces exactly one. */
export function decideTrack(command: TrackCommand, state: TrackState): TrackEvent[] {
  switch (command.type) {
    case 'OpenTrack':
      return [openTrack(command, state)];
    case 'ChangeTrackStatus':
      return [changeTrackStatus(command, state)];
    case 'SetTrackDeadline':
      return [setTrackDeadline(command, state)];
    default:
      return unknownCommand(command);
  }
}

function openTrack({ data }: OpenTrack, state: TrackState): TrackOpened {
  if (trackExists(state)) {
    throw new DomainRuleViolation('track_already_exists', `track ${state.trackId} is already opened`, 'trackId');
  }
  if (typeof data.trackId !== 'string' || data.trackId.trim() === '') {
    throw new DomainRuleViolation('track_id_required', 'a track needs an id', 'trackId');
  }
  const title = requireText(data.title, 'title_required', 'title', 'a track needs a title');
  const area = requireText(data.area, 'area_required', 'area', 'a track needs an area, like "monetary policy"');
  if (!isTrackKind(data.kind)) {
    throw new DomainRuleViolation('invalid_track_kind', `"${String(data.kind)}" is not a track kind`, 'kind');
  }
  const parties = checkPartyList(data.parties, 'parties');
  if (!isTrackStatus(data.status)) {
    throw new DomainRuleViolation('invalid_track_status', `"${String(data.status)}" is not a track status`, 'status');
  }
  const description = optionalText(data.description, 'description');
  return {
    type: 'TrackOpened',
    data: {
      trackId: data.trackId,
      title,
      area,
      kind: data.kind,
      parties,
      status: data.status,
      ...(description !== undefined && { description }),
    },
  };
}

function changeTrackStatus({ data }: ChangeTrackStatus, state: TrackState): TrackStatusChanged {
  const current = openedTrack(state, data.trackId);
  if (!isTrackStatus(data.status)) {
    throw new DomainRuleViolation('invalid_track_status', `"${String(data.status)}" is not a track status`, 'status');
  }
  if (data.status === current.status) {
    throw new DomainRuleViolation('no_change', `track is already ${current.status}`, 'status');
  }
  const reason = optionalText(data.reason, 'reason');
  return {
    type: 'TrackStatusChanged',
    data: {
      trackId: current.trackId,
      from: current.status,
      to: data.status,
      ...(reason !== undefined && { reason }),
    },
  };
}

function setTrackDeadline({ data }: SetTrackDeadline, state: TrackState): TrackDeadlineSet {
  const current = openedTrack(state, data.trackId);
  if (!isDeadlineId(data.deadlineId)) {
    throw new DomainRuleViolation(
      'invalid_deadline_id',
      `"${String(data.deadlineId)}" is not a deadline id (1 to 60 of a-z, 0-9, "-")`,
      'deadlineId',
    );
  }
  const description = requireText(data.description, 'description_required', 'description', 'a deadline needs a description');
  const due = checkDue(data.due);
  const set = findDeadline(current, data.deadlineId);
  if (set && set.description === description && sameTime(set.due, due)) {
    throw new DomainRuleViolation('no_change', `deadline ${data.deadlineId} is already due ${set.due}`, 'due');
  }
  return {
    type: 'TrackDeadlineSet',
    data: { trackId: current.trackId, deadlineId: data.deadlineId, description, due },
  };
}

function existingTrack(state: TrackState, trackId: string): Track {
  if (!trackExists(state)) {
    throw new DomainRuleViolation('track_not_found', `no track ${trackId}`, 'trackId');
  }
  if (state.trackId !== trackId) {
    // The caller loaded the wrong stream; deciding on it would write to someone else's track.
    throw new DomainRuleViolation('track_id_mismatch', `the command is for ${trackId} but the state is of ${state.trackId}`, 'trackId');
  }
  return state;
}

/** A track that may still change: not completed, not dropped. */
function openedTrack(state: TrackState, trackId: string): Track {
  const current = existingTrack(state, trackId);
  if (isClosedTrackStatus(current.status)) {
    throw new DomainRuleViolation('track_closed', `track ${current.trackId} is ${current.status}`, 'trackId');
  }
  return current;
}

/** The due date as trimmed effective-time text, or `invalid_due`. */
function checkDue(value: unknown): string {
  if (typeof value !== 'string') {
    throw new DomainRuleViolation('invalid_due', 'due must be an effective-time text like 2021-12', 'due');
  }
  try {
    parseEffectiveTime(value);
  } catch (error) {
    if (error instanceof InvalidEffectiveTime) throw new DomainRuleViolation('invalid_due', error.message, 'due');
    throw error;
  }
  return value.trim();
}

/** Two effective-time texts that mean the same period (`2021-09-09T12:00Z` and `2021-09-09T15:00+03:00`). */
function sameTime(a: string, b: string): boolean {
  try {
    const left = parseEffectiveTime(a);
    const right = parseEffectiveTime(b);
    return left.precision === right.precision && left.at === right.at && effectiveUntil(left) === effectiveUntil(right);
  } catch {
    // A due the stream holds but cannot parse: only the same text is the same deadline.
    return a === b;
  }
}

import type { TrackEvent } from './events';
import { Track, TrackDeadline, trackExists, TrackState } from './state';

/**
 * A recorded event that cannot follow the state before it. The stream is
 * corrupt or mis-routed; folding on would hide that, so evolve stops.
 */
export class UnexpectedTrackEvent extends Error {
  constructor(
    readonly eventType: string,
    reason: string,
  ) {
    super(`cannot apply ${eventType}: ${reason}`);
    this.name = 'UnexpectedTrackEvent';
  }
}

export function evolveTrack(state: TrackState, event: TrackEvent): TrackState {
  switch (event.type) {
    case 'TrackOpened': {
      if (trackExists(state)) {
        throw new UnexpectedTrackEvent(event.type, `track ${state.trackId} is already opened`);
      }
      const { trackId, title, area, kind, parties, status, description } = event.data;
      return {
        status,
        trackId,
        title,
        area,
        kind,
        parties: [...parties],
        ...(description !== undefined && { description }),
        deadlines: [],
      };
    }
    case 'TrackStatusChanged': {
      const current = opened(state, event);
      if (event.data.from !== current.status) {
        throw new UnexpectedTrackEvent(event.type, `the change is from ${event.data.from} but the track is ${current.status}`);
      }
      return { ...current, status: event.data.to };
    }
    case 'TrackDeadlineSet': {
      const current = opened(state, event);
      const { deadlineId, description, due } = event.data;
      return { ...current, deadlines: withDeadline(current.deadlines, { deadlineId, description, due }) };
    }
    default: {
      const unknown: never = event;
      throw new UnexpectedTrackEvent(String((unknown as { type?: unknown }).type), 'unknown event type');
    }
  }
}

/** The deadlines with `deadline` set: replaced in its place when its id is there, else added last. */
export function withDeadline(deadlines: readonly TrackDeadline[], deadline: TrackDeadline): TrackDeadline[] {
  const index = deadlines.findIndex((existing) => existing.deadlineId === deadline.deadlineId);
  if (index < 0) return [...deadlines, deadline];
  return deadlines.map((existing, at) => (at === index ? deadline : existing));
}

function opened(state: TrackState, event: TrackEvent): Track {
  if (!trackExists(state)) {
    throw new UnexpectedTrackEvent(event.type, `track ${event.data.trackId} was never opened`);
  }
  if (event.data.trackId !== state.trackId) {
    throw new UnexpectedTrackEvent(event.type, `the event is for track ${event.data.trackId}, the stream holds ${state.trackId}`);
  }
  return state;
}

import type { OccurrenceEvent } from './events';
import { occurrenceExists, OccurrenceState } from './state';

/**
 * A recorded event that cannot follow the state before it. The stream is
 * corrupt or mis-routed; folding on would hide that, so evolve stops.
 */
export class UnexpectedOccurrenceEvent extends Error {
  constructor(
    readonly eventType: string,
    reason: string,
  ) {
    super(`cannot apply ${eventType}: ${reason}`);
    this.name = 'UnexpectedOccurrenceEvent';
  }
}

export function evolveOccurrence(state: OccurrenceState, event: OccurrenceEvent): OccurrenceState {
  switch (event.type) {
    case 'OccurrenceRecorded': {
      if (occurrenceExists(state)) {
        throw new UnexpectedOccurrenceEvent(event.type, `occurrence ${state.occurrenceId} is already recorded`);
      }
      return { ...event.data, status: 'recorded' };
    }
    default: {
      // A one-event union does not narrow `event` itself, only its type.
      const unknown: never = event.type;
      throw new UnexpectedOccurrenceEvent(String(unknown), 'unknown event type');
    }
  }
}

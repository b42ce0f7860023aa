import type { PartyEvent } from './events';
import { partyExists, PartyState } from './state';

/**
 * A recorded event that cannot follow the state before it. The stream is
 * corrupt or mis-routed; folding on would hide that, so evolve stops.
 */
export class UnexpectedPartyEvent extends Error {
  constructor(
    readonly eventType: string,
    reason: string,
  ) {
    super(`cannot apply ${eventType}: ${reason}`);
    this.name = 'UnexpectedPartyEvent';
  }
}

export function evolveParty(state: PartyState, event: PartyEvent): PartyState {
  switch (event.type) {
    case 'PartyRegistered': {
      if (partyExists(state)) {
        throw new UnexpectedPartyEvent(event.type, `party ${state.partyId} is already registered`);
      }
      const { partyId, name, kind } = event.data;
      return { status: 'registered', partyId, name, kind };
    }
    default: {
      // A one-event union does not narrow `event` itself, only its type.
      const unknown: never = event.type;
      throw new UnexpectedPartyEvent(String(unknown), 'unknown event type');
    }
  }
}

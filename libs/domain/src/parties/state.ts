import type { PartyKind } from './vocabulary';

export interface NoParty {
  readonly status: 'none';
}

export interface Party {
  readonly status: 'registered';
  readonly partyId: string;
  readonly name: string;
  readonly kind: PartyKind;
}

export type PartyState = NoParty | Party;

export function initialPartyState(): PartyState {
  return { status: 'none' };
}

export function partyExists(state: PartyState): state is Party {
  return state.status !== 'none';
}

import type { PartyKind } from './vocabulary';

export interface RegisterParty {
  readonly type: 'RegisterParty';
  readonly data: {
    readonly partyId: string;
    readonly name: string;
    readonly kind: PartyKind;
  };
}

export type PartyCommand = RegisterParty;

export type PartyCommandType = PartyCommand['type'];

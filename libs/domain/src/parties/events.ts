import type { DomainEvent } from '../shared/envelope';
import type { PartyKind } from './vocabulary';

export type PartyRegistered = DomainEvent<
  'PartyRegistered',
  {
    /** The party code (`BY`, `RU`, `EAEU`), also the id of the stream. */
    readonly partyId: string;
    readonly name: string;
    readonly kind: PartyKind;
  }
>;

export type PartyEvent = PartyRegistered;

export type PartyEventType = PartyEvent['type'];

export const PARTY_EVENT_TYPES = ['PartyRegistered'] as const satisfies readonly PartyEventType[];

// Fails to compile when an event joins the union but not the list above.
type ListsEvery<Missing extends never> = Missing;
type _EveryEventTypeListed = ListsEvery<Exclude<PartyEventType, (typeof PARTY_EVENT_TYPES)[number]>>;

export function isPartyEventType(type: string): type is PartyEventType {
  return (PARTY_EVENT_TYPES as readonly string[]).includes(type);
}

import { partyRegistered } from './party-fixtures';
import {
  evolveParty,
  initialPartyState,
  isPartyEventType,
  PARTY_EVENT_TYPES,
  PartyEvent,
  partyExists,
  PartyState,
  UnexpectedPartyEvent,
} from './party';

const fold = (events: readonly PartyEvent[]): PartyState => events.reduce(evolveParty, initialPartyState());

describe('evolveParty', () => {
  it('starts with no party', () => {
    expect(initialPartyState()).toEqual({ status: 'none' });
    expect(partyExists(initialPartyState())).toBe(false);
  });

  it('folds a registration', () => {
    expect(fold([partyRegistered()])).toEqual({
      status: 'registered',
      partyId: 'BY',
      name: 'Republic of Belarus',
      kind: 'state',
    });
  });

  it.each<[string, PartyEvent[]]>([
    ['a second registration', [partyRegistered(), partyRegistered({ name: 'Belarus' })]],
    ['an unknown event type', [partyRegistered(), { type: 'PartyRenamed', data: {} } as unknown as PartyEvent]],
  ])('refuses to fold %s', (_, events) => {
    expect(() => fold(events)).toThrow(UnexpectedPartyEvent);
  });

  it('lists every event type', () => {
    expect(PARTY_EVENT_TYPES).toEqual(['PartyRegistered']);
    expect(isPartyEventType('PartyRegistered')).toBe(true);
    expect(isPartyEventType('CommitmentRecorded')).toBe(false);
  });
});

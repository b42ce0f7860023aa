import { deciderSpecification } from '../testing/decider-specification';
import { looseRegisterParty, partyRegistered, registerParty } from './party-fixtures';
import { PARTY_KINDS, partyDecider, PartyKind } from './party';

const spec = deciderSpecification(partyDecider);

describe('RegisterParty', () => {
  it('registers a state', () => {
    spec.given([]).when(registerParty()).then([partyRegistered()]);
  });

  it.each<[string, string, PartyKind]>([
    ['RU', 'Russian Federation', 'state'],
    ['UNION', 'Union State of Russia and Belarus', 'union'],
    ['CSTO', 'Collective Security Treaty Organization', 'organisation'],
    ['EAEU', 'Eurasian Economic Union', 'bloc'],
  ])('registers %s (%s), a %s', (partyId, name, kind) => {
    spec
      .given([])
      .when(registerParty({ partyId, name, kind }))
      .then([partyRegistered({ partyId, name, kind })]);
  });

  it.each(['GEO', 'UKR', 'BLR', 'EU-1'])('refuses %p as the code of a state: states have ISO 3166-1 alpha-2 codes', (partyId) => {
    spec
      .given([])
      .when(registerParty({ partyId, kind: 'state' }))
      .thenThrows('invalid_state_code', 'partyId');
  });

  it('keeps longer codes for what is not a state', () => {
    spec
      .given([])
      .when(registerParty({ partyId: 'EFSD', name: 'Eurasian Fund for Stabilization and Development', kind: 'organisation' }))
      .then([partyRegistered({ partyId: 'EFSD', name: 'Eurasian Fund for Stabilization and Development', kind: 'organisation' })]);
  });

  it('trims the name', () => {
    spec
      .given([])
      .when(registerParty({ name: '  Republic of Belarus ' }))
      .then([partyRegistered()]);
  });

  it('lists the party kinds', () => {
    expect(PARTY_KINDS).toEqual(['state', 'union', 'organisation', 'bloc']);
  });

  it('refuses a second registration on the same stream', () => {
    spec.given([partyRegistered()]).when(registerParty()).thenThrows('party_already_exists', 'partyId');
  });

  it.each(['by', 'B', 'BELARUS-REPUBLIC', 'B Y', '', 42])('refuses the party code %p', (partyId) => {
    spec.given([]).when(looseRegisterParty({ partyId })).thenThrows('invalid_party', 'partyId');
  });

  it.each(['', '   ', undefined, 7])('refuses the name %p', (name) => {
    spec.given([]).when(looseRegisterParty({ name })).thenThrows('name_required', 'name');
  });

  it.each(['country', 'State', undefined])('refuses the kind %p', (kind) => {
    spec.given([]).when(looseRegisterParty({ kind })).thenThrows('invalid_party_kind', 'kind');
  });

  it('refuses a command it does not know', () => {
    spec
      .given([])
      .when({ type: 'RenameParty', data: {} } as unknown as ReturnType<typeof registerParty>)
      .thenThrows('unknown_command', 'type');
  });
});

import { parseEffectiveTime } from '../shared/effective-time';
import { partyAsOf } from './party-as-of';
import { temporalSegments } from './temporal-segments';
import { cites, StreamBuilder } from './temporal-fixtures';

const LATER = '2030-01-01T00:00:00Z';

function belarus() {
  const stream = new StreamBuilder();
  const registered = stream.add({
    type: 'PartyRegistered',
    data: { partyId: 'BY', name: 'Republic of Belarus', kind: 'state' },
    effective: '1991-08-25',
    recordedAt: '2021-01-01T00:00:00Z',
  });
  return { stream, registered };
}

describe('partyAsOf', () => {
  it('exists once its registration counts and is recorded', () => {
    const { stream } = belarus();
    expect(partyAsOf(stream.events, '1991-08-24T23:59:59.999Z', LATER)).toBeUndefined();
    expect(partyAsOf(stream.events, '2021-06-01T00:00:00Z', '2020-12-31T23:59:59.999Z')).toBeUndefined();
    expect(partyAsOf([], '2021-06-01T00:00:00Z', LATER)).toBeUndefined();
  });

  it('states the party, uncertain during the day it is dated', () => {
    const { stream, registered } = belarus();
    expect(partyAsOf(stream.events, '1991-08-25T12:00:00Z', LATER)).toEqual({
      partyId: 'BY',
      name: 'Republic of Belarus',
      kind: 'state',
      streamVersion: 1,
      eventIds: ['e1'],
      uncertain: [{ eventId: 'e1', type: 'PartyRegistered', effectiveAt: registered.effectiveAt, until: '1991-08-26T00:00:00.000Z' }],
      sources: cites(registered, ['effectiveAt', 'partyId', 'name', 'kind']),
    });
    expect(partyAsOf(stream.events, '1991-08-25T23:59:59.998Z', LATER)?.uncertain).toHaveLength(1);
    expect(partyAsOf(stream.events, '1991-08-25T23:59:59.999Z', LATER)?.uncertain).toEqual([]);
    expect(partyAsOf(stream.events, '1991-08-26T00:00:00Z', LATER)?.uncertain).toEqual([]);
  });

  it('takes corrections of the name and of the date, once known', () => {
    const { stream, registered } = belarus();
    stream.correct(registered, { data: { name: 'Belarus' }, effectiveAt: parseEffectiveTime('1991') }, '2022-01-01T00:00:00Z');
    expect(partyAsOf(stream.events, '1991-03-01T00:00:00Z', '2021-12-31T00:00:00Z')).toBeUndefined();
    expect(partyAsOf(stream.events, '1991-03-01T00:00:00Z', LATER)).toMatchObject({ name: 'Belarus', streamVersion: 2 });
    expect(temporalSegments(stream.events, LATER, partyAsOf).map(({ validFrom, validTo }) => [validFrom, validTo])).toEqual([
      ['1991-01-01T00:00:00.000Z', '1991-12-31T23:59:59.999Z'],
      ['1991-12-31T23:59:59.999Z', null],
    ]);
  });

  it('never existed once its registration is retracted', () => {
    const { stream, registered } = belarus();
    stream.retract(registered, '2022-01-01T00:00:00Z');
    expect(partyAsOf(stream.events, '2021-01-01T00:00:00Z', '2021-12-31T00:00:00Z')).toBeDefined();
    expect(partyAsOf(stream.events, '2021-01-01T00:00:00Z', LATER)).toBeUndefined();
    expect(temporalSegments(stream.events, LATER, partyAsOf)).toEqual([]);
  });
});

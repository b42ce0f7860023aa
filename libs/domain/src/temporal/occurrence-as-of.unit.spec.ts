import { occurrenceAsOf } from './occurrence-as-of';
import { temporalSegments } from './temporal-segments';
import { cites, StreamBuilder } from './temporal-fixtures';

const LATER = '2030-01-01T00:00:00Z';

function forecast() {
  const stream = new StreamBuilder();
  const recorded = stream.add({
    type: 'OccurrenceRecorded',
    data: {
      occurrenceId: 'o-imf-forecast',
      kind: 'forecast',
      title: 'IMF forecast for Belarus',
      parties: ['BY'],
      value: '-6',
      unit: '% GDP',
      horizon: '2020',
    },
    effective: '2020-04-14',
    recordedAt: '2020-04-15T00:00:00Z',
  });
  return { stream, recorded };
}

describe('occurrenceAsOf', () => {
  it('does not exist before it happened, nor before it is recorded', () => {
    const { stream } = forecast();
    expect(occurrenceAsOf(stream.events, '2020-04-13T23:59:59.999Z', LATER)).toBeUndefined();
    expect(occurrenceAsOf(stream.events, '2021-01-01T00:00:00Z', '2020-04-14T23:59:59Z')).toBeUndefined();
  });

  it('states its data, uncertain during its day', () => {
    const { stream, recorded } = forecast();
    expect(occurrenceAsOf(stream.events, '2020-04-14T09:00:00Z', LATER)).toStrictEqual({
      occurrenceId: 'o-imf-forecast',
      kind: 'forecast',
      title: 'IMF forecast for Belarus',
      parties: ['BY'],
      value: '-6',
      unit: '% GDP',
      horizon: '2020',
      streamVersion: 1,
      eventIds: ['e1'],
      uncertain: [{ eventId: 'e1', type: 'OccurrenceRecorded', effectiveAt: recorded.effectiveAt, until: '2020-04-15T00:00:00.000Z' }],
      sources: cites(recorded, ['effectiveAt', 'occurrenceId', 'kind', 'title', 'parties', 'value', 'unit', 'horizon']),
    });
    expect(occurrenceAsOf(stream.events, '2020-04-15T00:00:00Z', LATER)?.uncertain).toEqual([]);
  });

  it('takes corrected data, drops removed fields and fields outside its shape', () => {
    const { stream, recorded } = forecast();
    stream.correct(recorded, { data: { value: '-3', valueMax: '-2', horizon: null, note: 'x' } }, '2020-05-01T00:00:00Z');
    const state = occurrenceAsOf(stream.events, '2020-06-01T00:00:00Z', LATER);
    expect(state).toMatchObject({ value: '-3', valueMax: '-2', streamVersion: 2 });
    expect(state).not.toHaveProperty('horizon');
    expect(state).not.toHaveProperty('note');
  });

  it('has two segments: uncertain during its day, then certain', () => {
    const { stream } = forecast();
    expect(temporalSegments(stream.events, LATER, occurrenceAsOf).map(({ validFrom, validTo }) => [validFrom, validTo])).toEqual([
      ['2020-04-14T00:00:00.000Z', '2020-04-14T23:59:59.999Z'],
      ['2020-04-14T23:59:59.999Z', null],
    ]);
  });
});

import { parseEffectiveTime } from '../shared/effective-time';
import { temporalSegments } from './temporal-segments';
import { cites, StreamBuilder } from './temporal-fixtures';
import { trackAsOf } from './track-as-of';

const LATER = '2030-01-01T00:00:00Z';
const TRACK_ID = 't-tax-code';

/** The tax programme: proposed in 2019, a deadline for 2021-12, signed on 10 September 2021. */
function taxProgramme() {
  const stream = new StreamBuilder();
  const opened = stream.add({
    type: 'TrackOpened',
    data: {
      trackId: TRACK_ID,
      title: 'Harmonisation of tax legislation',
      area: 'taxation',
      kind: 'program',
      parties: ['BY', 'RU'],
      status: 'proposed',
    },
    effective: '2019-09',
    recordedAt: '2020-01-01T00:00:00Z',
  });
  const deadline = stream.add({
    type: 'TrackDeadlineSet',
    data: { trackId: TRACK_ID, deadlineId: 'tax-code', description: 'Tax code harmonised', due: '2021-12' },
    effective: '2019-12-07',
    recordedAt: '2020-01-02T00:00:00Z',
  });
  const signed = stream.add({
    type: 'TrackStatusChanged',
    data: { trackId: TRACK_ID, from: 'proposed', to: 'signed' },
    effective: '2021-09-10',
    recordedAt: '2021-09-11T00:00:00Z',
  });
  return { stream, opened, deadline, signed };
}

describe('trackAsOf', () => {
  it('does not exist before it is opened, nor before it is recorded', () => {
    const { stream } = taxProgramme();
    expect(trackAsOf(stream.events, '2019-08-31T23:59:59.999Z', LATER)).toBeUndefined();
    expect(trackAsOf(stream.events, '2019-09-01T00:00:00Z', LATER)).toBeDefined();
    expect(trackAsOf(stream.events, '2021-01-01T00:00:00Z', '2019-12-31T23:59:59.999Z')).toBeUndefined();
  });

  it('states the track with its deadlines and the events still uncertain', () => {
    const { stream, opened, deadline } = taxProgramme();
    expect(trackAsOf(stream.events, '2019-12-07T10:00:00Z', LATER)).toEqual({
      trackId: TRACK_ID,
      title: 'Harmonisation of tax legislation',
      area: 'taxation',
      kind: 'program',
      parties: ['BY', 'RU'],
      status: 'proposed',
      description: null,
      deadlines: [
        {
          deadlineId: 'tax-code',
          description: 'Tax code harmonised',
          due: '2021-12',
          dueAt: '2021-12-01T00:00:00.000Z',
          dueUntil: '2022-01-01T00:00:00.000Z',
        },
      ],
      streamVersion: 3,
      eventIds: ['e1', 'e2'],
      uncertain: [{ eventId: 'e2', type: 'TrackDeadlineSet', effectiveAt: deadline.effectiveAt, until: '2019-12-08T00:00:00.000Z' }],
      sources: {
        ...cites(opened, ['effectiveAt', 'trackId', 'title', 'area', 'kind', 'parties', 'status']),
        ...cites(
          deadline,
          ['deadlineId', 'description', 'due', 'dueAt', 'dueUntil'].map((field) => `deadlines[tax-code].${field}`),
        ),
      },
    });
  });

  it('cites the status change for the status, each deadline the event that set it, and the opening source for the rest', () => {
    const { stream, opened, deadline, signed } = taxProgramme();
    const later = stream.add({
      type: 'TrackDeadlineSet',
      data: { trackId: TRACK_ID, deadlineId: 'customs', description: 'Customs code', due: '2020-06' },
      effective: '2020-01-15',
      recordedAt: '2020-02-01T00:00:00Z',
    });
    const moved = stream.add({
      type: 'TrackDeadlineSet',
      data: { trackId: TRACK_ID, deadlineId: 'tax-code', description: 'Tax code harmonised', due: '2022-06' },
      effective: '2021-11-01',
      recordedAt: '2021-11-02T00:00:00Z',
    });
    const state = trackAsOf(stream.events, '2021-12-01T00:00:00Z', LATER);
    expect(state?.sources.status).toEqual(cites(signed, ['status']).status);
    expect(state?.sources.title).toEqual(cites(opened, ['title']).title);
    expect(state?.sources['deadlines[customs].due']).toEqual(cites(later, ['x']).x);
    // The tax code's due date moved: it cites the event that moved it; its unchanged description keeps the first.
    expect(state?.sources['deadlines[tax-code].due']).toEqual(cites(moved, ['x']).x);
    expect(state?.sources['deadlines[tax-code].description']).toEqual(cites(deadline, ['x']).x);
  });

  it('changes status from the date of the change, as known', () => {
    const { stream } = taxProgramme();
    expect(trackAsOf(stream.events, '2021-09-09T23:59:59.999Z', LATER)?.status).toBe('proposed');
    expect(trackAsOf(stream.events, '2021-09-10T00:00:00Z', LATER)?.status).toBe('signed');
    expect(trackAsOf(stream.events, '2021-10-01T00:00:00Z', '2021-09-10T23:59:59Z')?.status).toBe('proposed');
  });

  it('sorts deadlines by due time; a deadline set again is moved, in valid-time order', () => {
    const { stream } = taxProgramme();
    stream.add({
      type: 'TrackDeadlineSet',
      data: { trackId: TRACK_ID, deadlineId: 'vat', description: 'VAT unified', due: '2020-09/2020-10' },
      effective: '2020-01',
      recordedAt: '2020-02-01T00:00:00Z',
    });
    // Recorded later but dated earlier than e2: e2 still wins after its own date.
    stream.add({
      type: 'TrackDeadlineSet',
      data: { trackId: TRACK_ID, deadlineId: 'tax-code', description: 'Tax code harmonised', due: '2019' },
      effective: '2019-10',
      recordedAt: '2020-03-01T00:00:00Z',
    });
    const dues = (asOf: string) => trackAsOf(stream.events, asOf, LATER)?.deadlines.map((d) => `${d.deadlineId}:${d.due}`);
    expect(dues('2019-11-01T00:00:00Z')).toEqual(['tax-code:2019']);
    expect(dues('2020-06-01T00:00:00Z')).toEqual(['vat:2020-09/2020-10', 'tax-code:2021-12']);
    expect(trackAsOf(stream.events, '2020-06-01T00:00:00Z', LATER)?.eventIds).toEqual(['e1', 'e5', 'e2', 'e4']);
  });

  it('applies corrections and retractions as known, and skips a deadline it cannot read', () => {
    const { stream, deadline, signed } = taxProgramme();
    stream.correct(deadline, { data: { due: '2022-06' } }, '2022-01-01T00:00:00Z');
    stream.retract(signed, '2022-01-02T00:00:00Z');
    stream.correct(signed, { effectiveAt: parseEffectiveTime('2021-01') }, '2022-01-03T00:00:00Z');
    expect(trackAsOf(stream.events, '2021-12-01T00:00:00Z', LATER)).toMatchObject({
      status: 'proposed',
      deadlines: [{ deadlineId: 'tax-code', due: '2022-06', dueAt: '2022-06-01T00:00:00.000Z' }],
      eventIds: ['e1', 'e2'],
      streamVersion: 6,
    });
    stream.correct(deadline, { data: { due: 'someday' } }, '2022-02-01T00:00:00Z');
    expect(trackAsOf(stream.events, '2021-12-01T00:00:00Z', LATER)?.deadlines).toEqual([]);
  });

  it('ignores events of another track and of other types, and never throws on odd streams', () => {
    const { stream } = taxProgramme();
    stream.add({
      type: 'TrackStatusChanged',
      data: { trackId: 't-other', from: 'x', to: 'dropped' },
      effective: '2020',
      recordedAt: '2022-01-01T00:00:00Z',
    });
    stream.add({
      type: 'TrackStatusChanged',
      data: { trackId: TRACK_ID, from: 'x', to: 'nonsense' },
      effective: '2020',
      recordedAt: '2022-01-02T00:00:00Z',
    });
    stream.add({ type: 'PartyRegistered', data: { partyId: 'BY' }, effective: '2020', recordedAt: '2022-01-03T00:00:00Z' });
    stream.add({
      type: 'TrackStatusChanged',
      data: { trackId: TRACK_ID, from: 'completed', to: 'dropped' },
      effective: '2021-10',
      recordedAt: '2022-01-04T00:00:00Z',
    });
    expect(trackAsOf(stream.events, '2021-06-01T00:00:00Z', LATER)).toMatchObject({ status: 'proposed', eventIds: ['e1', 'e2', 'e5'] });
    expect(trackAsOf(stream.events, '2021-12-01T00:00:00Z', LATER)?.status).toBe('dropped');
  });

  it('has one segment per change of state, down to the last instant of each uncertain period', () => {
    const { stream } = taxProgramme();
    const segments = temporalSegments(stream.events, LATER, trackAsOf);
    expect(segments.map(({ validFrom, validTo, state }) => [validFrom, validTo, state.status, state.uncertain.length])).toEqual([
      ['2019-09-01T00:00:00.000Z', '2019-09-30T23:59:59.999Z', 'proposed', 1],
      ['2019-09-30T23:59:59.999Z', '2019-12-07T00:00:00.000Z', 'proposed', 0],
      ['2019-12-07T00:00:00.000Z', '2019-12-07T23:59:59.999Z', 'proposed', 1],
      ['2019-12-07T23:59:59.999Z', '2021-09-10T00:00:00.000Z', 'proposed', 0],
      ['2021-09-10T00:00:00.000Z', '2021-09-10T23:59:59.999Z', 'signed', 1],
      ['2021-09-10T23:59:59.999Z', null, 'signed', 0],
    ]);
  });
});

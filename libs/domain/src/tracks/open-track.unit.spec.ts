import { deciderSpecification } from '../testing/decider-specification';
import { looseOpenTrack, openTrack, TRACK_ID, trackOpened } from './track-fixtures';
import { TRACK_KINDS, TRACK_STATUSES, trackDecider, TrackKind, TrackStatus } from './track';

const spec = deciderSpecification(trackDecider);

describe('OpenTrack', () => {
  it('opens a proposed programme between two parties', () => {
    spec.given([]).when(openTrack()).then([trackOpened()]);
  });

  it('keeps a description and stores title and area trimmed', () => {
    spec
      .given([])
      .when(openTrack({ title: ' Tax code ', area: ' taxation  ', description: 'Programme 3 of 28' }))
      .then([trackOpened({ title: 'Tax code', area: 'taxation', description: 'Programme 3 of 28' })]);
  });

  it.each<TrackKind>(['program', 'agreement', 'reform', 'union', 'plan'])('opens a %s', (kind) => {
    spec
      .given([])
      .when(openTrack({ kind }))
      .then([trackOpened({ kind })]);
  });

  it.each<TrackStatus>(['proposed', 'agreed', 'signed', 'in_implementation', 'completed', 'stalled', 'dropped'])(
    'opens a track already %s',
    (status) => {
      spec
        .given([])
        .when(openTrack({ status }))
        .then([trackOpened({ status })]);
    },
  );

  it('opens a track of one party, or of a bloc', () => {
    spec
      .given([])
      .when(openTrack({ parties: ['EAEU'] }))
      .then([trackOpened({ parties: ['EAEU'] })]);
  });

  it('lists the kinds and statuses', () => {
    expect(TRACK_KINDS).toEqual(['program', 'agreement', 'reform', 'union', 'plan']);
    expect(TRACK_STATUSES).toEqual(['proposed', 'agreed', 'signed', 'in_implementation', 'completed', 'stalled', 'dropped']);
  });

  it('refuses a second opening on the same stream', () => {
    spec.given([trackOpened()]).when(openTrack()).thenThrows('track_already_exists', 'trackId');
  });

  it('refuses a blank id', () => {
    spec
      .given([])
      .when(openTrack({ trackId: ' ' }))
      .thenThrows('track_id_required', 'trackId');
  });

  it.each(['', '  ', undefined])('refuses the title %p', (title) => {
    spec.given([]).when(looseOpenTrack({ title })).thenThrows('title_required', 'title');
  });

  it.each(['', '  ', undefined])('refuses the area %p', (area) => {
    spec.given([]).when(looseOpenTrack({ area })).thenThrows('area_required', 'area');
  });

  it.each(['programme', 'treaty', undefined])('refuses the kind %p', (kind) => {
    spec.given([]).when(looseOpenTrack({ kind })).thenThrows('invalid_track_kind', 'kind');
  });

  it.each(['open', 'closed', undefined])('refuses the status %p', (status) => {
    spec.given([]).when(looseOpenTrack({ status })).thenThrows('invalid_track_status', 'status');
  });

  it.each([[[]], [undefined], ['BY']])('refuses the parties %p', (parties) => {
    spec.given([]).when(looseOpenTrack({ parties })).thenThrows('parties_required', 'parties');
  });

  it.each([[['BY', 'ru']], [['BY', '']], [['BY', 'RU', 'BY']]])('refuses the parties %p', (parties) => {
    spec.given([]).when(looseOpenTrack({ parties })).thenThrows('invalid_party', 'parties');
  });

  it('refuses a blank description', () => {
    spec
      .given([])
      .when(openTrack({ description: ' ' }))
      .thenThrows('invalid_text', 'description');
  });

  it('uses the id of the command', () => {
    expect(trackDecider.decide(openTrack(), trackDecider.initialState())[0].data.trackId).toBe(TRACK_ID);
  });
});

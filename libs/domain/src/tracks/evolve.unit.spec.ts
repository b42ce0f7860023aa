import { deadlineSet, TRACK_ID, trackOpened, trackStatusChanged } from './track-fixtures';
import {
  evolveTrack,
  initialTrackState,
  isClosedTrackStatus,
  isTrackEventType,
  TRACK_EVENT_TYPES,
  TrackEvent,
  trackExists,
  TrackState,
  UnexpectedTrackEvent,
} from './track';

const fold = (events: readonly TrackEvent[]): TrackState => events.reduce(evolveTrack, initialTrackState());

describe('evolveTrack', () => {
  it('starts with no track', () => {
    expect(initialTrackState()).toEqual({ status: 'none' });
    expect(trackExists(initialTrackState())).toBe(false);
  });

  it('folds a whole history: a deadline moved keeps its place', () => {
    const state = fold([
      trackOpened({ description: 'Programme 3' }),
      deadlineSet(),
      deadlineSet({ deadlineId: 'vat-unified', description: 'VAT unified', due: '2021-06' }),
      trackStatusChanged('proposed', 'agreed'),
      deadlineSet({ due: '2022' }),
      trackStatusChanged('agreed', 'completed', 'signed 10 September 2021'),
    ]);
    expect(state).toEqual({
      status: 'completed',
      trackId: TRACK_ID,
      title: 'Harmonisation of tax legislation',
      area: 'taxation',
      kind: 'program',
      parties: ['BY', 'RU'],
      description: 'Programme 3',
      deadlines: [
        { deadlineId: 'tax-code-signed', description: 'Tax code harmonised', due: '2022' },
        { deadlineId: 'vat-unified', description: 'VAT unified', due: '2021-06' },
      ],
    });
    expect(state.status !== 'none' && isClosedTrackStatus(state.status)).toBe(true);
  });

  it('does not share the parties of the event it folded', () => {
    const opened = trackOpened();
    const state = fold([opened]);
    expect(state.status !== 'none' && state.parties).not.toBe(opened.data.parties);
  });

  it.each<[string, TrackEvent[]]>([
    ['a second opening', [trackOpened(), trackOpened()]],
    ['a status change before the opening', [trackStatusChanged('proposed', 'agreed')]],
    ['a deadline before the opening', [deadlineSet()]],
    ['an event of another track', [trackOpened(), { ...deadlineSet(), data: { ...deadlineSet().data, trackId: 'x' } }]],
    ['a status change from a status the track is not in', [trackOpened(), trackStatusChanged('agreed', 'signed')]],
    ['an unknown event type', [trackOpened(), { type: 'TrackRenamed', data: {} } as unknown as TrackEvent]],
  ])('refuses to fold %s', (_, events) => {
    expect(() => fold(events)).toThrow(UnexpectedTrackEvent);
  });

  it('lists every event type', () => {
    expect(TRACK_EVENT_TYPES).toEqual(['TrackOpened', 'TrackStatusChanged', 'TrackDeadlineSet']);
    expect(isTrackEventType('TrackDeadlineSet')).toBe(true);
    expect(isTrackEventType('PartyRegistered')).toBe(false);
  });
});

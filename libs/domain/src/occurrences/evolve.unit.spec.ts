import { occurrenceRecorded } from './occurrence-fixtures';
import {
  evolveOccurrence,
  initialOccurrenceState,
  isOccurrenceEventType,
  OCCURRENCE_EVENT_TYPES,
  OccurrenceEvent,
  occurrenceExists,
  OccurrenceState,
  UnexpectedOccurrenceEvent,
} from './occurrence';

const fold = (events: readonly OccurrenceEvent[]): OccurrenceState => events.reduce(evolveOccurrence, initialOccurrenceState());

describe('evolveOccurrence', () => {
  it('starts with no occurrence', () => {
    expect(initialOccurrenceState()).toEqual({ status: 'none' });
    expect(occurrenceExists(initialOccurrenceState())).toBe(false);
  });

  it('folds the record into its data', () => {
    const recorded = occurrenceRecorded({ place: 'Sochi' });
    expect(fold([recorded])).toEqual({ status: 'recorded', ...recorded.data });
  });

  it.each<[string, OccurrenceEvent[]]>([
    ['a second record', [occurrenceRecorded(), occurrenceRecorded()]],
    ['an unknown event type', [occurrenceRecorded(), { type: 'OccurrenceMoved', data: {} } as unknown as OccurrenceEvent]],
  ])('refuses to fold %s', (_, events) => {
    expect(() => fold(events)).toThrow(UnexpectedOccurrenceEvent);
  });

  it('lists every event type', () => {
    expect(OCCURRENCE_EVENT_TYPES).toEqual(['OccurrenceRecorded']);
    expect(isOccurrenceEventType('OccurrenceRecorded')).toBe(true);
    expect(isOccurrenceEventType('PartyRegistered')).toBe(false);
  });
});

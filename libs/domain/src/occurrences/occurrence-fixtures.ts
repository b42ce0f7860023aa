import type { OccurrenceData, OccurrenceRecorded, RecordOccurrence } from './occurrence';

/** The Sochi meeting of 7 December 2019, for tests. */
export const OCCURRENCE_ID = 'o-sochi-2019-12-07';

export const recordOccurrence = (overrides: Partial<OccurrenceData> = {}): RecordOccurrence => ({
  type: 'RecordOccurrence',
  data: {
    occurrenceId: OCCURRENCE_ID,
    kind: 'meeting',
    title: 'Lukashenko and Putin meet in Sochi',
    parties: ['BY', 'RU'],
    ...overrides,
  },
});

export const occurrenceRecorded = (overrides: Partial<OccurrenceData> = {}): OccurrenceRecorded => ({
  type: 'OccurrenceRecorded',
  data: { ...recordOccurrence().data, ...overrides },
});

/** A RecordOccurrence with data its static type does not allow, as decoded JSON may carry. */
export const looseRecordOccurrence = (data: Record<string, unknown>): RecordOccurrence => ({
  type: 'RecordOccurrence',
  data: { ...recordOccurrence().data, ...data },
});

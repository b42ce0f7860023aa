import type { OccurrenceData } from './events';

export interface RecordOccurrence {
  readonly type: 'RecordOccurrence';
  readonly data: OccurrenceData;
}

export type OccurrenceCommand = RecordOccurrence;

export type OccurrenceCommandType = OccurrenceCommand['type'];

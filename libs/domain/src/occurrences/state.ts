import type { OccurrenceData } from './events';

export interface NoOccurrence {
  readonly status: 'none';
}

/** An occurrence is a fact recorded once: the state is its data. */
export interface Occurrence extends OccurrenceData {
  readonly status: 'recorded';
}

export type OccurrenceState = NoOccurrence | Occurrence;

export function initialOccurrenceState(): OccurrenceState {
  return { status: 'none' };
}

export function occurrenceExists(state: OccurrenceState): state is Occurrence {
  return state.status !== 'none';
}

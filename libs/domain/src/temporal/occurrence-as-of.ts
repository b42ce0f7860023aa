import type { OccurrenceData } from '../occurrences/events';
import type { RecordedEvent } from '../shared/envelope';
import { dataOf, EntityFold, FoldFacts, foldAsOf, listOf } from './entity-fold';

/** An occurrence as it stood at a valid time, as known at a transaction time: its data and the fold facts. */
export type OccurrenceAsOf = OccurrenceData & FoldFacts;

/** The optional fields of an occurrence, kept when the (corrected) data has them. */
const OPTIONAL_FIELDS = [
  'place',
  'participants',
  'durationHours',
  'topics',
  'speaker',
  'quote',
  'value',
  'valueMax',
  'unit',
  'currency',
  'horizon',
  'description',
] as const satisfies readonly (keyof OccurrenceData)[];

const OCCURRENCE_FOLD: EntityFold<Readonly<Record<string, unknown>>, OccurrenceAsOf> = {
  creation: 'OccurrenceRecorded',
  changes: [],
  idField: 'occurrenceId',
  start: dataOf,
  evolve: (state) => state,
  answer: (data, facts) => {
    const optional: Record<string, unknown> = {};
    for (const field of OPTIONAL_FIELDS) {
      if (data[field] !== undefined && data[field] !== null) optional[field] = data[field];
    }
    return {
      occurrenceId: data.occurrenceId as string,
      kind: data.kind as OccurrenceData['kind'],
      title: data.title as string,
      parties: listOf<string>(data.parties),
      ...(optional as Partial<OccurrenceData>),
      ...facts,
    };
  },
};

/**
 * The occurrence as it stood at valid time `asOf`, as known at `knownAt`, with
 * the semantics of `commitmentAsOf`: it exists once its OccurrenceRecorded
 * event counts, with the data as corrected by the revisions known at
 * `knownAt` (fields outside the occurrence's shape dropped). `events` is one
 * occurrence stream, in any order. Undefined when the occurrence does not
 * exist at `asOf` as known at `knownAt`.
 */
export function occurrenceAsOf(
  events: readonly RecordedEvent[],
  asOf: string,
  knownAt: string,
  reportedBy?: string,
): OccurrenceAsOf | undefined {
  return foldAsOf(OCCURRENCE_FOLD, events, asOf, knownAt, reportedBy);
}

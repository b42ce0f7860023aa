import type { RecordedEvent } from '../shared/envelope';
import type { PartyKind } from '../parties/vocabulary';
import { dataOf, EntityFold, FoldFacts, foldAsOf } from './entity-fold';

/** A party as it stood at a valid time, as known at a transaction time. */
export interface PartyAsOf extends FoldFacts {
  readonly partyId: string;
  readonly name: string;
  readonly kind: PartyKind;
}

const PARTY_FOLD: EntityFold<Readonly<Record<string, unknown>>, PartyAsOf> = {
  creation: 'PartyRegistered',
  changes: [],
  idField: 'partyId',
  start: dataOf,
  evolve: (state) => state,
  answer: (data, facts) => ({
    partyId: data.partyId as string,
    name: data.name as string,
    kind: data.kind as PartyKind,
    ...facts,
  }),
};

/**
 * The party as it stood at valid time `asOf`, as known at `knownAt`, with the
 * semantics of `commitmentAsOf`: it exists once its PartyRegistered event
 * counts (its effective period has begun), with the data as corrected by the
 * revisions known at `knownAt`; a retracted registration never existed.
 * `events` is one party stream, in any order. Undefined when the party does
 * not exist at `asOf` as known at `knownAt`.
 */
export function partyAsOf(events: readonly RecordedEvent[], asOf: string, knownAt: string, reportedBy?: string): PartyAsOf | undefined {
  return foldAsOf(PARTY_FOLD, events, asOf, knownAt, reportedBy);
}

import { instantMillis } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { commitmentTimeline, CommitmentAsOf, evolveLeniently, foldOrder, snapshot, startFold } from './commitment-fold';

export type { CommitmentAsOf, UncertainEvent } from './commitment-fold';

/**
 * The commitment as it stood at valid time `asOf`, as the record stood at
 * transaction time `knownAt` (bitemporal: valid time is an event's
 * `effectiveAt`, transaction time its `recordedAt`). This is the oracle: plain
 * and slow, one fold per question; `commitmentSegments` answers the same for
 * every `asOf` at once.
 *
 * Semantics:
 * 1. Transaction time. Only events recorded at or before `knownAt` are known;
 *    the known revisions are applied to them (`applyRevisions(events, knownAt)`):
 *    retracted events and the revisions themselves drop out, corrected events
 *    take their corrected `effectiveAt` and `data`.
 * 2. Valid time. An event *counts* at `asOf` when its effective period has
 *    begun: `effectiveAt.at <= asOf`. A counting event is *uncertain* at
 *    `asOf` when its period has not ended — `asOf < effectiveUntil(effectiveAt)` —
 *    and its precision is not `instant` ("in 2021" counts from 1 January 2021
 *    but may have happened any time that year).
 * 3. The commitment exists at `asOf` iff its CommitmentRecorded event counts;
 *    if that event is retracted (as known at `knownAt`) it never exists.
 * 4. The state starts from the CommitmentRecorded event, then applies every
 *    other counting event in valid-time order (effectiveAt.at, then
 *    streamVersion) with a lenient evolve that never throws: amendments apply
 *    their changes (null removes a term), disbursements add their amount
 *    exactly whatever the currency, status changes set `to`. Events applied out
 *    of their decision order may therefore give states the strict decider
 *    would refuse (a negative outstanding, a terminal status reopened): those
 *    are kept as computed, since they show what the sources say.
 * 5. `streamVersion` is the highest stream version recorded at or before
 *    `knownAt`, revisions included; `eventIds` lists the counting events in
 *    fold order; `uncertain` the counting events uncertain at `asOf`.
 *
 * `events` is one commitment stream, in any order. `asOf` and `knownAt` are ISO
 * 8601 instants with a zone (a partial date means its first instant); anything
 * else throws InvalidEffectiveTime. Returns undefined when the commitment does
 * not exist at `asOf` as known at `knownAt`.
 */
export function commitmentAsOf(
  events: readonly RecordedEvent[],
  asOf: string,
  knownAt: string,
): CommitmentAsOf | undefined {
  const at = instantMillis(asOf);
  const timeline = commitmentTimeline(events, knownAt);
  if (!timeline || timeline.record.start > at) return undefined;
  const counting = [timeline.record, ...timeline.others.filter((timed) => timed.start <= at).sort(foldOrder)];
  let state = startFold(timeline.record.event);
  for (const timed of counting.slice(1)) state = evolveLeniently(state, timed.event);
  return snapshot(
    state,
    counting.map((timed) => timed.event.id),
    counting.filter((timed) => !timed.exact && at < timed.until).map((timed) => timed.uncertain),
    timeline.streamVersion,
  );
}

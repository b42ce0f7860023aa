import { instantMillis } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { commitmentTimeline, CommitmentAsOf, foldOrder, foldStep, isUncertainAt, snapshot, startFold } from './commitment-fold';

export type { CommitmentAsOf, UncertainEvent } from './commitment-fold';

export interface CommitmentAsOfOptions {
  /**
   * `false`: the status the events set, without the lapse derived from the
   * end of validity — for the audit views, which show what was recorded.
   * Default `true`.
   */
  readonly deriveLapse?: boolean;
  /**
   * Only what the sources had published by this instant (the reported axis,
   * see `resolveRevisions`); same forms as `asOf`. Default: all.
   */
  readonly reportedBy?: string;
}

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
 *    `asOf` when its period's last instant is after `asOf` —
 *    `asOf < effectiveUntil(effectiveAt) − 1 ms` — and its precision is not
 *    `instant` ("in 2021" counts from 1 January 2021 but may have happened any
 *    time that year; asked at the close of 31 December 2021, the last instant
 *    of 2021, it has happened).
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
 *    Validity ends: when the status so found is open (`requested`,
 *    `pledged`) and the terms state a `validUntil` whose period ended before
 *    `asOf` (`asOf >= effectiveUntil(validUntil)`), the status is `lapsed`,
 *    `lapsedAt` that instant, and nothing is outstanding. A later event that
 *    closes the commitment (fulfilled, broken…) or an amendment that extends
 *    the validity, once it counts, decides instead.
 *    A rate (`price`) has no `disbursed` and no `outstanding` (null).
 * 6. `sources` cites, for each fact, the source of its current value (see
 *    attribution.ts): the last counting event that changed it, or the last of
 *    that event's corrections that changed it.
 * 7. `streamVersion` is the highest stream version recorded at or before
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
  options: CommitmentAsOfOptions = {},
): CommitmentAsOf | undefined {
  const at = instantMillis(asOf);
  const timeline = commitmentTimeline(events, knownAt, options.reportedBy);
  if (!timeline || timeline.record.start > at) return undefined;
  const counting = [timeline.record, ...timeline.others.filter((timed) => timed.start <= at).sort(foldOrder)];
  let state = startFold(timeline.record);
  for (const timed of counting.slice(1)) state = foldStep(state, timed);
  return snapshot(
    state,
    options.deriveLapse === false ? Number.NEGATIVE_INFINITY : at,
    counting.map((timed) => timed.event.id),
    counting.filter((timed) => isUncertainAt(timed, at)).map((timed) => timed.uncertain),
    timeline.streamVersion,
  );
}

import { deepEqual } from '../shared/deep-equal';
import { temporalSegmentAt } from './temporal-segments';
import type { RecordedEvent } from '../shared/envelope';
import {
  CommitmentAsOf,
  commitmentTimeline,
  foldOrder,
  foldStep,
  isUncertainAt,
  lapsePoints,
  snapshot,
  startFold,
  TimedEvent,
} from './commitment-fold';

/** A stretch of valid time over which the commitment, as known at one transaction time, does not change. */
export interface CommitmentSegment {
  /** First instant of the segment, ISO 8601 UTC. */
  readonly validFrom: string;
  /** First instant after the segment, ISO 8601 UTC; null when it never ends. */
  readonly validTo: string | null;
  /** `commitmentAsOf(events, D, knownAt)` for every D in [validFrom, validTo). */
  readonly state: CommitmentAsOf;
}

/**
 * The whole valid-time line of the commitment as known at `knownAt`, for a
 * bitemporal read model: consecutive segments, sorted, without gaps or
 * overlaps, adjacent ones different, the last one open-ended (`validTo` null).
 * For every instant D in a segment, `commitmentAsOf(events, D, knownAt)`
 * deep-equals its `state`; before the first segment (and always, when the
 * commitment is unknown or retracted as known at `knownAt`) it is undefined.
 * Empty when the commitment does not exist at any valid time.
 *
 * One sweep: the state can only change where an event's period starts (it
 * starts counting), where, for non-instant precisions, its last instant is
 * (it stops being uncertain), or where a validity the terms state ends (the
 * commitment may lapse there). Events sorted in fold order are applied as the sweep passes their
 * start, so the state at each boundary is the fold of a prefix.
 */
export function commitmentSegments(events: readonly RecordedEvent[], knownAt: string, reportedBy?: string): CommitmentSegment[] {
  const timeline = commitmentTimeline(events, knownAt, reportedBy);
  if (!timeline) return [];
  const { record, streamVersion } = timeline;
  const begin = record.start;
  const pending = [...timeline.others].sort(foldOrder);

  const points = new Set<number>([begin]);
  for (const timed of [record, ...pending]) {
    if (timed.start > begin) points.add(timed.start);
    if (!timed.exact && timed.until - 1 > begin) points.add(timed.until - 1);
  }
  for (const point of lapsePoints(timeline)) if (point > begin) points.add(point);
  const boundaries = [...points].sort((a, b) => a - b);

  let state = startFold(record);
  const eventIds: string[] = [record.event.id];
  let open: TimedEvent[] = record.exact ? [] : [record];
  let next = 0;
  const segments: CommitmentSegment[] = [];

  boundaries.forEach((at, index) => {
    while (next < pending.length && pending[next].start <= at) {
      const timed = pending[next++];
      state = foldStep(state, timed);
      eventIds.push(timed.event.id);
      if (!timed.exact) open.push(timed);
    }
    open = open.filter((timed) => isUncertainAt(timed, at));
    const current = snapshot(
      state,
      at,
      [...eventIds],
      open.map((timed) => timed.uncertain),
      streamVersion,
    );
    const validTo = index + 1 < boundaries.length ? new Date(boundaries[index + 1]).toISOString() : null;
    const last = segments[segments.length - 1];
    if (last && deepEqual(last.state, current)) segments[segments.length - 1] = { ...last, validTo };
    else segments.push({ validFrom: new Date(at).toISOString(), validTo, state: current });
  });
  return segments;
}

/** The segment that covers `asOf`, if any. */
export function commitmentSegmentAt(segments: readonly CommitmentSegment[], asOf: string): CommitmentSegment | undefined {
  return temporalSegmentAt(segments, asOf);
}

import { EffectiveTime, effectiveUntil, instantMillis, parseEffectiveTime } from '../shared/effective-time';
import { deepEqual } from '../shared/deep-equal';
import type { RecordedEvent } from '../shared/envelope';
import { isEventCorrected } from '../shared/revisions';

export type { FoldFacts } from './entity-fold';

/**
 * An as-of fold: the entity at valid time `asOf` as known at transaction time
 * `knownAt`, undefined when it does not exist then.
 */
export type AsOfFold<S> = (events: readonly RecordedEvent[], asOf: string, knownAt: string) => S | undefined;

/** A stretch of valid time over which an entity, as known at one transaction time, does not change. */
export interface TemporalSegment<S> {
  /** First instant of the segment, ISO 8601 UTC. */
  readonly validFrom: string;
  /** First instant after the segment, ISO 8601 UTC; null when it never ends. */
  readonly validTo: string | null;
  /** `asOf(events, D, knownAt)` for every D in [validFrom, validTo). */
  readonly state: S;
}

/**
 * The whole valid-time line of one stream as known at `knownAt`, for a
 * bitemporal read model, for any as-of fold (`partyAsOf`, `trackAsOf`,
 * `deploymentAsOf`, `occurrenceAsOf`, `commitmentAsOf`): sorted segments
 * without overlaps, the last one open-ended (`validTo` null), adjacent ones
 * different (deep equality). Where the fold is undefined there is no segment:
 * for every instant D, the segment covering D (see `temporalSegmentAt`) has
 * the state `asOf(events, D, knownAt)` deep-equals, and none covers D exactly
 * when that is undefined. Empty when the entity exists at no valid time.
 *
 * The fold is evaluated once per boundary: every start and end
 * (`effectiveUntil`) of the effective time of an event recorded by `knownAt`,
 * and of every effective time a correction recorded by then gives. This is
 * exact for folds that, like those above, depend on `asOf` only by comparing
 * it with the effective periods of the events (an event counts from its
 * start, is uncertain until its last instant), and so are constant between boundaries
 * and undefined before the first. Each evaluation folds the whole stream:
 * quadratic, for streams of an entity, not for a whole log.
 */
export function temporalSegments<S>(events: readonly RecordedEvent[], knownAt: string, asOf: AsOfFold<S>): TemporalSegment<S>[] {
  const boundaries = validTimeBoundaries(events, knownAt);
  const segments: TemporalSegment<S>[] = [];
  boundaries.forEach((at, index) => {
    const validFrom = new Date(at).toISOString();
    const state = asOf(events, validFrom, knownAt);
    if (state === undefined) return;
    const validTo = index + 1 < boundaries.length ? new Date(boundaries[index + 1]).toISOString() : null;
    const last = segments[segments.length - 1];
    if (last && last.validTo === validFrom && deepEqual(last.state, state)) {
      segments[segments.length - 1] = { ...last, validTo };
    } else {
      segments.push({ validFrom, validTo, state });
    }
  });
  return segments;
}

/** The segment that covers `asOf`, if any. */
export function temporalSegmentAt<S>(segments: readonly TemporalSegment<S>[], asOf: string): TemporalSegment<S> | undefined {
  const at = instantMillis(asOf);
  return segments.find((segment) => Date.parse(segment.validFrom) <= at && (segment.validTo === null || at < Date.parse(segment.validTo)));
}

/**
 * Every instant, sorted, at which the effective time of an event known at
 * `knownAt`, or one a correction or a claim gives it, starts, has its last instant, or ends.
 */
function validTimeBoundaries(events: readonly RecordedEvent[], knownAt: string): number[] {
  const limit = instantMillis(knownAt);
  const points = new Set<number>();
  const add = (time: unknown) => {
    for (const point of periodEnds(time)) points.add(point);
  };
  for (const event of events) {
    if (!(Date.parse(event.recordedAt) <= limit)) continue;
    add(event.effectiveAt);
    if (isEventCorrected(event)) {
      const changes: unknown = (event.data as { changes?: unknown } | null)?.changes;
      if (typeof changes === 'object' && changes !== null) add((changes as { effectiveAt?: unknown }).effectiveAt);
    }
    if (event.type === 'ClaimRecorded') {
      const data = event.data as { field?: unknown; value?: unknown } | null;
      if (data?.field === 'effectiveAt' && typeof data.value === 'string') {
        try {
          add(parseEffectiveTime(data.value));
        } catch {
          // A claim whose date cannot be read changes no date.
        }
      }
    }
  }
  return [...points].sort((a, b) => a - b);
}

/** Start and end of an effective time in milliseconds; none when it is malformed. */
function periodEnds(time: unknown): number[] {
  if (typeof time !== 'object' || time === null) return [];
  const effective = time as EffectiveTime;
  if (typeof effective.at !== 'string') return [];
  let until: number;
  try {
    until = Date.parse(effectiveUntil(effective));
  } catch {
    return [];
  }
  const start = Date.parse(effective.at);
  // The period's last instant too: an event stops being uncertain there (asked at the close of its period).
  return [start, until - 1, until].filter((point) => isRepresentable(point));
}

// Instants `toISOString` writes with four year digits, so that `instantMillis` reads them back: years 0000 to 9999.
const FIRST_INSTANT = Date.parse('0000-01-01T00:00:00.000Z');
const AFTER_LAST_INSTANT = Date.parse('+010000-01-01T00:00:00.000Z');

function isRepresentable(millis: number): boolean {
  return Number.isFinite(millis) && millis >= FIRST_INSTANT && millis < AFTER_LAST_INSTANT;
}

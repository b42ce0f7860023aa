import { effectiveUntil, parseEffectiveTime } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import type { TrackKind, TrackStatus } from '../tracks/vocabulary';
import { isTrackStatus } from '../tracks/vocabulary';
import { dataOf, EntityFold, FoldFacts, foldAsOf, listOf, textOrNull } from './entity-fold';

/** A deadline of a track, with its due time placed on the valid-time line. */
export interface TrackDeadlineAsOf {
  readonly deadlineId: string;
  readonly description: string;
  /** Effective-time text, as set (`2021-12`, `2021-09/2021-10`). */
  readonly due: string;
  /** First instant of the due period, ISO 8601 UTC: `parseEffectiveTime(due).at`. */
  readonly dueAt: string;
  /** First instant after the due period, ISO 8601 UTC: its `effectiveUntil`. */
  readonly dueUntil: string;
}

/** A track as it stood at a valid time, as known at a transaction time. */
export interface TrackAsOf extends FoldFacts {
  readonly trackId: string;
  readonly title: string;
  readonly area: string;
  readonly kind: TrackKind;
  readonly parties: readonly string[];
  readonly status: TrackStatus;
  /** The description it was opened with, null when none. */
  readonly description: string | null;
  /** The deadlines set by the counting events, the last one counting for each id; sorted by dueAt, dueUntil, id. */
  readonly deadlines: readonly TrackDeadlineAsOf[];
}

interface TrackFoldState {
  readonly opened: Readonly<Record<string, unknown>>;
  readonly status: unknown;
  readonly deadlines: ReadonlyMap<string, TrackDeadlineAsOf>;
}

const TRACK_FOLD: EntityFold<TrackFoldState, TrackAsOf> = {
  creation: 'TrackOpened',
  changes: ['TrackStatusChanged', 'TrackDeadlineSet'],
  idField: 'trackId',
  start: (event) => {
    const opened = dataOf(event);
    return { opened, status: opened.status, deadlines: new Map() };
  },
  evolve: (state, event) => {
    const data = dataOf(event);
    switch (event.type) {
      case 'TrackStatusChanged':
        return isTrackStatus(data.to) ? { ...state, status: data.to } : state;
      case 'TrackDeadlineSet': {
        const deadline = readDeadline(data);
        if (!deadline) return state;
        return { ...state, deadlines: new Map(state.deadlines).set(deadline.deadlineId, deadline) };
      }
      default:
        return state;
    }
  },
  answer: ({ opened, status, deadlines }, facts) => ({
    trackId: opened.trackId as string,
    title: opened.title as string,
    area: opened.area as string,
    kind: opened.kind as TrackKind,
    parties: listOf<string>(opened.parties),
    status: status as TrackStatus,
    description: textOrNull(opened.description),
    deadlines: [...deadlines.values()].sort(byDue),
    ...facts,
  }),
};

/**
 * The track as it stood at valid time `asOf`, as known at `knownAt`, with the
 * semantics of `commitmentAsOf`: it exists once its TrackOpened event counts;
 * the other counting events apply in (effectiveAt.at, streamVersion) order,
 * leniently: a status change sets `to` whatever the status was, a deadline set
 * replaces the deadline of the same id. A deadline whose id or due cannot be
 * read (after a bad correction) is skipped. `events` is one track stream, in
 * any order. Undefined when the track does not exist at `asOf` as known at `knownAt`.
 */
export function trackAsOf(events: readonly RecordedEvent[], asOf: string, knownAt: string, reportedBy?: string): TrackAsOf | undefined {
  return foldAsOf(TRACK_FOLD, events, asOf, knownAt, reportedBy);
}

function readDeadline(data: Readonly<Record<string, unknown>>): TrackDeadlineAsOf | undefined {
  const { deadlineId, description, due } = data;
  if (typeof deadlineId !== 'string' || typeof due !== 'string') return undefined;
  try {
    const time = parseEffectiveTime(due);
    return { deadlineId, description: description as string, due, dueAt: time.at, dueUntil: effectiveUntil(time) };
  } catch {
    return undefined;
  }
}

function byDue(a: TrackDeadlineAsOf, b: TrackDeadlineAsOf): number {
  return (
    Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
    Date.parse(a.dueUntil) - Date.parse(b.dueUntil) ||
    (a.deadlineId < b.deadlineId ? -1 : a.deadlineId > b.deadlineId ? 1 : 0)
  );
}

/**
 * The as-of fold of `commitmentAsOf`, for any aggregate whose stream starts
 * with one creation event: which events take part (as known at a transaction
 * time), in which order, which count at a valid time and which are uncertain
 * then. Each aggregate supplies its lenient evolve and the shape of its
 * answer. Not exported from the package: use `partyAsOf`, `trackAsOf`,
 * `deploymentAsOf`, `occurrenceAsOf`.
 */
import { instantMillis } from '../shared/effective-time';
import type { RecordedEvent } from '../shared/envelope';
import { resolveRevisions } from '../shared/revisions';
import { attributeStep, dateAttribution, factPaths, Sources } from './attribution';
import { foldOrder, isUncertainAt, placeEvent, TimedEvent, UncertainEvent } from './commitment-fold';

/** What the fold itself knows, besides the state: the same three fields as `CommitmentAsOf`. */
export interface FoldFacts {
  /** Highest stream version recorded at or before knownAt, revisions included. */
  readonly streamVersion: number;
  /** Ids of the counting events, in fold order (the creation event first). */
  readonly eventIds: readonly string[];
  /** Counting events whose period has not ended at the asked time, in fold order. */
  readonly uncertain: readonly UncertainEvent[];
  /**
   * For each fact of the answer (`effectiveAt`, the date it began, and every
   * field, objects walked into: `name`, `status`, `deadlines`), the source of
   * its current value (see attribution.ts).
   */
  readonly sources: Sources;
}

/** The keys of FoldFacts: not facts of the entity, and kept out of its sources. */
const FOLD_FACT_KEYS: ReadonlySet<string> = new Set(['streamVersion', 'eventIds', 'uncertain', 'sources']);
const NO_FACTS: FoldFacts = { streamVersion: 0, eventIds: [], uncertain: [], sources: {} };

export interface EntityFold<State, Answer> {
  /** Type of the event that creates the entity; the first one by stream version is the creation. */
  readonly creation: string;
  /** Types of the other events folded; events of other types take no part. */
  readonly changes: readonly string[];
  /** The data field that names the entity: a change naming another entity takes no part. */
  readonly idField: string;
  readonly start: (creation: RecordedEvent) => State;
  /** Lenient: applies what the event says whatever came before; never throws. */
  readonly evolve: (state: State, event: RecordedEvent) => State;
  readonly answer: (state: State, facts: FoldFacts) => Answer;
}

/**
 * The entity as it stood at valid time `asOf`, as known at `knownAt`, with the
 * semantics of `commitmentAsOf`: revisions known at `knownAt` applied; an event
 * counts when `effectiveAt.at <= asOf`; the entity exists iff its creation
 * event counts; the other counting events apply in (effectiveAt.at,
 * streamVersion) order; uncertain are the counting events whose period has not
 * ended at `asOf` (its last instant is after `asOf`), unless their precision
 * is `instant`; `sources` cites the source of each fact's current value. Undefined when the
 * entity does not exist then. Throws InvalidEffectiveTime for a malformed
 * `asOf`, `knownAt` or `reportedBy`, nothing else. With `reportedBy`, only
 * what the sources had published then takes part (see `resolveRevisions`).
 */
export function foldAsOf<State, Answer>(
  fold: EntityFold<State, Answer>,
  events: readonly RecordedEvent[],
  asOf: string,
  knownAt: string,
  reportedBy?: string,
): Answer | undefined {
  const at = instantMillis(asOf);
  const timeline = entityTimeline(fold, events, knownAt, reportedBy);
  if (!timeline || timeline.creation.start > at) return undefined;
  const counting = [timeline.creation, ...timeline.others.filter((timed) => timed.start <= at).sort(foldOrder)];
  const view = (state: State) => factPaths(fold.answer(state, NO_FACTS) as object, FOLD_FACT_KEYS);
  const { creation } = timeline;
  let state = fold.start(creation.event);
  let facts = view(state);
  let sources: Sources = {
    effectiveAt: dateAttribution(creation),
    ...attributeStep({}, new Map(), facts, creation, (version) => view(fold.start(version))),
  };
  for (const timed of counting.slice(1)) {
    const before = state;
    state = fold.evolve(before, timed.event);
    if (state === before && timed.corrections.length === 0 && !timed.claims) continue;
    const next = view(state);
    sources = attributeStep(sources, facts, next, timed, (version) => view(fold.evolve(before, version)));
    facts = next;
  }
  return fold.answer(state, {
    streamVersion: timeline.streamVersion,
    eventIds: counting.map((timed) => timed.event.id),
    uncertain: counting.filter((timed) => isUncertainAt(timed, at)).map((timed) => timed.uncertain),
    sources,
  });
}

interface EntityTimeline {
  readonly creation: TimedEvent;
  readonly others: readonly TimedEvent[];
  readonly streamVersion: number;
}

/** As `commitmentTimeline`: the creation event and the changes of the same entity, revisions applied. */
function entityTimeline(
  fold: Pick<EntityFold<unknown, unknown>, 'creation' | 'changes' | 'idField'>,
  events: readonly RecordedEvent[],
  knownAt: string,
  reportedBy: string | undefined,
): EntityTimeline | undefined {
  const limit = instantMillis(knownAt);
  let streamVersion = 0;
  for (const event of events) {
    if (Date.parse(event.recordedAt) <= limit) streamVersion = Math.max(streamVersion, event.streamVersion);
  }
  let creation: TimedEvent | undefined;
  const candidates: TimedEvent[] = [];
  for (const resolved of resolveRevisions(events, knownAt, reportedBy)) {
    const event = resolved.event;
    const isCreation = event.type === fold.creation;
    if (!isCreation && !fold.changes.includes(event.type)) continue;
    const timed = placeEvent(resolved);
    if (!timed) continue;
    if (isCreation) {
      if (!creation) creation = timed;
    } else candidates.push(timed);
  }
  if (!creation) return undefined;
  const entityId = dataOf(creation.event)[fold.idField];
  const others = candidates.filter((timed) => {
    const id = dataOf(timed.event)[fold.idField];
    return typeof id !== 'string' || id === entityId;
  });
  return { creation, others, streamVersion };
}

export function dataOf(event: RecordedEvent): Record<string, unknown> {
  return isPlainObject(event.data) ? event.data : {};
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A text, or null when the value is not one (absent, or removed by a correction). */
export function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A copy of a list, or an empty list when the value is not one. */
export function listOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? [...(value as T[])] : [];
}

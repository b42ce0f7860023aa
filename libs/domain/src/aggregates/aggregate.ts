import type { DomainEvent, RecordedEvent } from '../shared/envelope';
import { applyRevisions } from '../shared/revisions';

/** A command as the writer handles it: a type and its data. */
export interface AggregateCommand {
  readonly type: string;
  readonly data: object;
}

/** A command of the right type whose data the compiler does not check (a data-set entry's data is checked by its JSON Schema, then by the decider). */
export interface UntypedCommand<Command extends AggregateCommand = AggregateCommand> {
  readonly type: Command['type'];
  readonly data: Record<string, unknown>;
}

/** A data-set entry's fact, or any event's type and data: what `commandFor` turns into the command a user would send. */
export interface EventContent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** An aggregate's as-of fold: the entity at valid time `asOf` as known at `knownAt`, or undefined when it does not exist then. */
export type AggregateAsOf = (events: readonly RecordedEvent[], asOf: string, knownAt: string, reportedBy?: string) => object | undefined;

/**
 * Everything the rest of the system needs to know of one aggregate: where its
 * events live, which event brings an entity into being, how a command names
 * its entity, the decider, the as-of fold the read models store, and how an
 * event's content becomes the command that makes it.
 *
 * Methods (not function properties) on purpose: an aggregate of a precise
 * State and Command can then be listed among all aggregates.
 */
export interface Aggregate<State = unknown, Command extends AggregateCommand = AggregateCommand> {
  /** Streams are named `<streamType>-<id>`. */
  readonly streamType: string;
  /** Every event type the aggregate decides, its creation event first. */
  readonly eventTypes: readonly string[];
  /** The event that brings an entity into being; a stream whose first such event was retracted holds nothing. */
  readonly creationEvent: string;
  /** The field of every command and event that carries the entity's id. */
  readonly idField: string;
  /** The id is a code the user gives in the creation command (a party's code), not one made for the entity (a UUID). */
  readonly naturalKey: boolean;
  readonly schemaVersion: number;
  idOf(command: Command): string;
  initialState(): State;
  evolve(state: State, event: DomainEvent): State;
  decide(command: Command, state: State): readonly DomainEvent[];
  asOf: AggregateAsOf;
  /** The command a user would send to make this event (throws for an event type of another aggregate). */
  commandFor(event: EventContent): UntypedCommand<Command>;
}

export function streamIdOf(aggregate: Pick<Aggregate, 'streamType'>, id: string): string {
  return `${aggregate.streamType}-${id}`;
}

/** The aggregate as recorded so far, corrections and retractions applied; a retracted creation leaves nothing. */
export function foldAggregate<State>(
  aggregate: Pick<Aggregate<State>, 'creationEvent' | 'initialState' | 'evolve'>,
  events: readonly RecordedEvent[],
): State {
  const resolved = applyRevisions(events);
  if (resolved.length === 0 || resolved[0].type !== aggregate.creationEvent) return aggregate.initialState();
  return resolved.reduce((state, event) => aggregate.evolve(state, event), aggregate.initialState());
}

import { COMMITMENT_EVENT_TYPES, CommitmentCommand, commitmentDecider, CommitmentEvent, CommitmentState } from '../commitments/commitment';
import { DEPLOYMENT_EVENT_TYPES, DeploymentCommand, deploymentDecider, DeploymentEvent, DeploymentState } from '../deployments/deployment';
import { OCCURRENCE_EVENT_TYPES, OccurrenceCommand, occurrenceDecider, OccurrenceEvent, OccurrenceState } from '../occurrences/occurrence';
import { PARTY_EVENT_TYPES, PartyCommand, partyDecider, PartyEvent, PartyState } from '../parties/party';
import type { DomainEvent } from '../shared/envelope';
import { commitmentAsOf } from '../temporal/commitment-as-of';
import { deploymentAsOf } from '../temporal/deployment-as-of';
import { occurrenceAsOf } from '../temporal/occurrence-as-of';
import { partyAsOf } from '../temporal/party-as-of';
import { trackAsOf } from '../temporal/track-as-of';
import { TRACK_EVENT_TYPES, TrackCommand, trackDecider, TrackEvent, TrackState } from '../tracks/track';
import type { Aggregate, AggregateAsOf, AggregateCommand, EventContent, UntypedCommand } from './aggregate';

/**
 * The one list of aggregates. The writer, revisions, the read models, data sets,
 * the generator and the HTTP routes all look here, so a new aggregate is added
 * in one place.
 */

interface AggregateSpec<State, Command extends AggregateCommand, Event extends DomainEvent> {
  readonly streamType: string;
  readonly eventTypes: readonly Event['type'][];
  readonly creationEvent: Event['type'];
  readonly idField: keyof Command['data'] & string;
  /** The id is a code the user gives (a party's code), not one made for the entity. */
  readonly naturalKey?: boolean;
  readonly decider: {
    initialState(): State;
    evolve(state: State, event: Event): State;
    decide(command: Command, state: State): readonly Event[];
  };
  readonly asOf: AggregateAsOf;
  /** For every event type (the compiler checks none is missing), the command that makes it from the event's data. */
  readonly commands: { readonly [Type in Event['type']]: (data: Record<string, unknown>) => UntypedCommand<Command> };
}

function aggregate<State, Command extends AggregateCommand, Event extends DomainEvent>(
  spec: AggregateSpec<State, Command, Event>,
): Aggregate<State, Command> {
  const { decider, commands, idField, streamType } = spec;
  return {
    streamType,
    eventTypes: spec.eventTypes,
    creationEvent: spec.creationEvent,
    idField,
    naturalKey: spec.naturalKey ?? false,
    schemaVersion: 1,
    idOf: (command) => String((command.data as Record<string, unknown>)[idField]),
    initialState: () => decider.initialState(),
    // The writer folds only this stream's events, revisions already applied.
    evolve: (state, event) => decider.evolve(state, event as Event),
    decide: (command, state) => decider.decide(command, state),
    asOf: spec.asOf,
    commandFor: (event: EventContent) => {
      if (!Object.hasOwn(commands, event.type)) throw new Error(`no ${streamType} command makes ${event.type}`);
      return commands[event.type as Event['type']](event.data);
    },
  };
}

/** A status change is recorded as `{from, to}` and asked for as `{status}`. */
function askedStatus({ from: _from, to: status, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return { ...rest, status };
}

export const commitmentAggregate = aggregate<CommitmentState, CommitmentCommand, CommitmentEvent>({
  streamType: 'commitment',
  eventTypes: COMMITMENT_EVENT_TYPES,
  creationEvent: 'CommitmentRecorded',
  idField: 'commitmentId',
  decider: commitmentDecider,
  asOf: (events, asOf, knownAt, reportedBy) => commitmentAsOf(events, asOf, knownAt, { reportedBy }),
  commands: {
    CommitmentRecorded: (data) => ({ type: 'RecordCommitment', data }),
    CommitmentTermsAmended: (data) => ({ type: 'AmendCommitmentTerms', data }),
    CommitmentDisbursed: (data) => ({ type: 'RecordDisbursement', data }),
    CommitmentStatusChanged: (data) => ({ type: 'ChangeCommitmentStatus', data: askedStatus(data) }),
  },
});

export const partyAggregate = aggregate<PartyState, PartyCommand, PartyEvent>({
  streamType: 'party',
  eventTypes: PARTY_EVENT_TYPES,
  creationEvent: 'PartyRegistered',
  idField: 'partyId',
  naturalKey: true,
  decider: partyDecider,
  asOf: partyAsOf,
  commands: {
    PartyRegistered: (data) => ({ type: 'RegisterParty', data }),
  },
});

export const trackAggregate = aggregate<TrackState, TrackCommand, TrackEvent>({
  streamType: 'track',
  eventTypes: TRACK_EVENT_TYPES,
  creationEvent: 'TrackOpened',
  idField: 'trackId',
  decider: trackDecider,
  asOf: trackAsOf,
  commands: {
    TrackOpened: (data) => ({ type: 'OpenTrack', data }),
    TrackStatusChanged: (data) => ({ type: 'ChangeTrackStatus', data: askedStatus(data) }),
    TrackDeadlineSet: (data) => ({ type: 'SetTrackDeadline', data }),
  },
});

export const deploymentAggregate = aggregate<DeploymentState, DeploymentCommand, DeploymentEvent>({
  streamType: 'deployment',
  eventTypes: DEPLOYMENT_EVENT_TYPES,
  creationEvent: 'DeploymentStarted',
  idField: 'deploymentId',
  decider: deploymentDecider,
  asOf: deploymentAsOf,
  commands: {
    DeploymentStarted: (data) => ({ type: 'StartDeployment', data }),
    DeploymentEnded: (data) => ({ type: 'EndDeployment', data }),
  },
});

export const occurrenceAggregate = aggregate<OccurrenceState, OccurrenceCommand, OccurrenceEvent>({
  streamType: 'occurrence',
  eventTypes: OCCURRENCE_EVENT_TYPES,
  creationEvent: 'OccurrenceRecorded',
  idField: 'occurrenceId',
  decider: occurrenceDecider,
  asOf: occurrenceAsOf,
  commands: {
    OccurrenceRecorded: (data) => ({ type: 'RecordOccurrence', data }),
  },
});

export const AGGREGATES: readonly Aggregate[] = [
  commitmentAggregate,
  partyAggregate,
  trackAggregate,
  deploymentAggregate,
  occurrenceAggregate,
];

/** Commitments have read models of their own (commitment_versions); the other aggregates share entity_versions. */
export const COMMITMENT_STREAM_TYPE = commitmentAggregate.streamType;

const BY_STREAM_TYPE = new Map(AGGREGATES.map((entry) => [entry.streamType, entry]));
const BY_EVENT_TYPE = new Map(AGGREGATES.flatMap((entry) => entry.eventTypes.map((type) => [type, entry] as const)));

/** The aggregate whose streams have this type, if any. */
export function aggregateOfStream(streamType: string): Aggregate | undefined {
  return BY_STREAM_TYPE.get(streamType);
}

/** The aggregate that decides events of this type (revisions and claims belong to none). */
export function aggregateOfEvent(eventType: string): Aggregate | undefined {
  return BY_EVENT_TYPE.get(eventType);
}

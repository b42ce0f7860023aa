import { deploymentEnded, deploymentStarted } from '../deployments/deployment-fixtures';
import { occurrenceRecorded } from '../occurrences/occurrence-fixtures';
import { partyRegistered } from '../parties/party-fixtures';
import type { DomainEvent } from '../shared/envelope';
import { StreamBuilder } from '../temporal/temporal-fixtures';
import { disbursed, loanRecorded, statusChanged, termsAmended } from '../testing/commitment-fixtures';
import { deadlineSet, trackOpened, trackStatusChanged } from '../tracks/track-fixtures';
import { foldAggregate, streamIdOf } from './aggregate';
import { AGGREGATES, aggregateOfEvent, aggregateOfStream, COMMITMENT_STREAM_TYPE, commitmentAggregate } from './registry';

/** Written out by hand, as the data-set reader's table was: the registry must say the same. */
const EXPECTED: Record<string, { streamType: string; idField: string; creates: boolean; command: string }> = {
  CommitmentRecorded: { streamType: 'commitment', idField: 'commitmentId', creates: true, command: 'RecordCommitment' },
  CommitmentTermsAmended: { streamType: 'commitment', idField: 'commitmentId', creates: false, command: 'AmendCommitmentTerms' },
  CommitmentDisbursed: { streamType: 'commitment', idField: 'commitmentId', creates: false, command: 'RecordDisbursement' },
  CommitmentStatusChanged: { streamType: 'commitment', idField: 'commitmentId', creates: false, command: 'ChangeCommitmentStatus' },
  PartyRegistered: { streamType: 'party', idField: 'partyId', creates: true, command: 'RegisterParty' },
  TrackOpened: { streamType: 'track', idField: 'trackId', creates: true, command: 'OpenTrack' },
  TrackStatusChanged: { streamType: 'track', idField: 'trackId', creates: false, command: 'ChangeTrackStatus' },
  TrackDeadlineSet: { streamType: 'track', idField: 'trackId', creates: false, command: 'SetTrackDeadline' },
  DeploymentStarted: { streamType: 'deployment', idField: 'deploymentId', creates: true, command: 'StartDeployment' },
  DeploymentEnded: { streamType: 'deployment', idField: 'deploymentId', creates: false, command: 'EndDeployment' },
  OccurrenceRecorded: { streamType: 'occurrence', idField: 'occurrenceId', creates: true, command: 'RecordOccurrence' },
};

/** One event of every type, and the creation event of its entity. */
const EXAMPLES: Record<string, { event: DomainEvent; after?: DomainEvent }> = {
  CommitmentRecorded: { event: loanRecorded() },
  CommitmentTermsAmended: { event: termsAmended({ amount: '700000000' }, 'renegotiated'), after: loanRecorded() },
  CommitmentDisbursed: { event: disbursed('200000000'), after: loanRecorded() },
  CommitmentStatusChanged: { event: statusChanged('pledged', 'fulfilled', 'repaid'), after: loanRecorded() },
  PartyRegistered: { event: partyRegistered() },
  TrackOpened: { event: trackOpened() },
  TrackStatusChanged: { event: trackStatusChanged('proposed', 'agreed', 'signed off'), after: trackOpened() },
  TrackDeadlineSet: { event: deadlineSet(), after: trackOpened() },
  DeploymentStarted: { event: deploymentStarted() },
  DeploymentEnded: { event: deploymentEnded('rotated out'), after: deploymentStarted() },
  OccurrenceRecorded: { event: occurrenceRecorded() },
};

/** The events as the store would hand them back, one stream, effective in January 2020 and recorded on 1 February. */
function stream(...events: DomainEvent[]) {
  const builder = new StreamBuilder();
  for (const { type, data } of events) builder.add({ type, data, effective: '2020-01', recordedAt: '2020-02-01T00:00:00Z' });
  return builder.events;
}

describe('the aggregate registry', () => {
  const allEventTypes = AGGREGATES.flatMap((entry) => entry.eventTypes);

  it('lists every event type once, each with its stream type, id field and whether it creates the entity', () => {
    expect(allEventTypes).toEqual(Object.keys(EXPECTED));
    for (const type of allEventTypes) {
      const entry = aggregateOfEvent(type)!;
      const { streamType, idField, creates } = EXPECTED[type];
      expect({ type, streamType: entry.streamType, idField: entry.idField, creates: entry.creationEvent === type }).toEqual({
        type,
        streamType,
        idField,
        creates,
      });
    }
  });

  it('finds each aggregate by its stream type, and no other', () => {
    expect(AGGREGATES.map((entry) => entry.streamType)).toEqual(['commitment', 'party', 'track', 'deployment', 'occurrence']);
    for (const entry of AGGREGATES) expect(aggregateOfStream(entry.streamType)).toBe(entry);
    expect(aggregateOfStream('revision')).toBeUndefined();
    expect(aggregateOfEvent('EventCorrected')).toBeUndefined();
    expect(COMMITMENT_STREAM_TYPE).toBe('commitment');
  });

  it('names the creation event first among the event types', () => {
    for (const entry of AGGREGATES) expect(entry.eventTypes[0]).toBe(entry.creationEvent);
  });

  it.each(Object.keys(EXAMPLES))('turns %s back into the command that, decided, makes it again', (type) => {
    const { event, after } = EXAMPLES[type];
    const entry = aggregateOfEvent(type)!;
    const command = entry.commandFor({ type, data: event.data as Record<string, unknown> });
    expect(command.type).toBe(EXPECTED[type].command);
    const state = after ? entry.evolve(entry.initialState(), after) : entry.initialState();
    expect(entry.decide(command, state)).toEqual([event]);
    expect(entry.idOf(command)).toBe((event.data as Record<string, unknown>)[entry.idField]);
  });

  it('gives the commands of a status change the status asked for, not the one it changes from', () => {
    expect(commitmentAggregate.commandFor(statusChanged('pledged', 'broken', 'not repaid'))).toEqual({
      type: 'ChangeCommitmentStatus',
      data: { commitmentId: 'c-ru-by-loan', status: 'broken', reason: 'not repaid' },
    });
  });

  it("refuses to make a command for another aggregate's event", () => {
    expect(() => commitmentAggregate.commandFor(partyRegistered())).toThrow('no commitment command makes PartyRegistered');
  });

  it('folds a stream as recorded, and a stream that does not begin with the creation event to nothing', () => {
    const commitment = commitmentAggregate;
    const folded = foldAggregate(commitment, stream(loanRecorded(), disbursed('200000000')));
    expect(folded).toEqual(commitment.evolve(commitment.evolve(commitment.initialState(), loanRecorded()), disbursed('200000000')));
    expect(folded).not.toEqual(commitment.initialState());
    expect(foldAggregate(commitment, stream(disbursed('1')))).toEqual(commitment.initialState());
    expect(streamIdOf(commitmentAggregate, 'c-1')).toBe('commitment-c-1');
  });

  it('keys a party by the code the user gives, every other entity by an id made for it', () => {
    expect(AGGREGATES.filter((entry) => entry.naturalKey).map((entry) => entry.streamType)).toEqual(['party']);
  });

  it.each(AGGREGATES.map((entry) => [entry.streamType, entry] as const))(
    'folds a %s as of a date as the read models store it',
    (_, entry) => {
      const created = EXAMPLES[entry.creationEvent].event;
      const id = (created.data as Record<string, unknown>)[entry.idField];
      const known = '2020-06-01T00:00:00.000Z';
      expect(entry.asOf(stream(created), known, known)).toMatchObject({ [entry.idField]: id });
      expect(entry.asOf(stream(created), '2019-06-01T00:00:00.000Z', known)).toBeUndefined();
      expect(entry.asOf(stream(created), known, '2020-01-15T00:00:00.000Z')).toBeUndefined();
    },
  );
});

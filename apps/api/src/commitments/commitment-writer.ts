import { Injectable } from '@nestjs/common';
import { commitmentDecider, CommitmentCommand, CommitmentState, RecordedEvent } from '@timeline/domain';
import { AggregateDefinition, AggregateWriter, FactInput, foldAggregate, streamIdOf, WriteAnswer } from '../aggregates/aggregate-writer';
import type { WriteContext } from '../http/write-context';

export type { FactInput, WriteAnswer, WriteBody } from '../aggregates/aggregate-writer';

export const COMMITMENT_STREAM_TYPE = 'commitment';

export const COMMITMENTS: AggregateDefinition<CommitmentState, CommitmentCommand> = {
  streamType: COMMITMENT_STREAM_TYPE,
  creationEvent: 'CommitmentRecorded',
  schemaVersion: 1,
  idOf: (command) => command.data.commitmentId,
  initialState: commitmentDecider.initialState,
  evolve: (state, event) => commitmentDecider.evolve(state, event as Parameters<typeof commitmentDecider.evolve>[1]),
  decide: (command, state) => commitmentDecider.decide(command, state),
};

export function commitmentStreamId(commitmentId: string): string {
  return streamIdOf(COMMITMENTS, commitmentId);
}

/** The commitment as recorded so far; a retracted record leaves nothing. */
export function foldCommitment(events: readonly RecordedEvent[]): CommitmentState {
  return foldAggregate(COMMITMENTS as AggregateDefinition<CommitmentState, never>, events);
}

@Injectable()
export class CommitmentWriter {
  constructor(private readonly writer: AggregateWriter) {}

  execute(command: CommitmentCommand, fact: FactInput, context: WriteContext, successStatus: number): Promise<WriteAnswer> {
    return this.writer.execute(COMMITMENTS, command, fact, context, successStatus);
  }
}

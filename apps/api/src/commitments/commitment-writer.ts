import { Injectable } from '@nestjs/common';
import { commitmentAggregate, CommitmentCommand, CommitmentState, foldAggregate, RecordedEvent, streamIdOf } from '@timeline/domain';
import { AggregateWriter, FactInput, WriteAnswer } from '../aggregates/aggregate-writer';
import type { WriteContext } from '../http/write-context';

export type { FactInput, WriteAnswer, WriteBody } from '../aggregates/aggregate-writer';

export function commitmentStreamId(commitmentId: string): string {
  return streamIdOf(commitmentAggregate, commitmentId);
}

/** The commitment as recorded so far; a retracted record leaves nothing. */
export function foldCommitment(events: readonly RecordedEvent[]): CommitmentState {
  return foldAggregate(commitmentAggregate, events);
}

@Injectable()
export class CommitmentWriter {
  constructor(private readonly writer: AggregateWriter) {}

  execute(command: CommitmentCommand, fact: FactInput, context: WriteContext, successStatus: number): Promise<WriteAnswer> {
    return this.writer.execute(commitmentAggregate, command, fact, context, successStatus);
  }
}

import { aggregateOfStream } from '@timeline/domain';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { WriteContext } from '../http/write-context';
import { AggregateWriter, FactInput, WriteAnswer } from './aggregate-writer';

type Command = { type: string; data: Record<string, unknown> };

/** Any aggregate's command, through the command bus. */
export class ExecuteAggregateCommand {
  constructor(
    readonly streamType: string,
    readonly command: Command,
    readonly fact: FactInput,
    readonly context: WriteContext,
    readonly successStatus: number,
  ) {}
}

@CommandHandler(ExecuteAggregateCommand)
export class ExecuteAggregateHandler implements ICommandHandler<ExecuteAggregateCommand, WriteAnswer> {
  constructor(private readonly writer: AggregateWriter) {}

  execute({ streamType, command, fact, context, successStatus }: ExecuteAggregateCommand): Promise<WriteAnswer> {
    const aggregate = aggregateOfStream(streamType);
    if (!aggregate) throw new Error(`no aggregate for stream type ${streamType}`);
    return this.writer.execute(aggregate, command, fact, context, successStatus);
  }
}

export function executeAggregate(bus: CommandBus, command: ExecuteAggregateCommand): Promise<WriteAnswer> {
  return bus.execute<ExecuteAggregateCommand, WriteAnswer>(command);
}

import { deploymentDecider, DomainEvent, occurrenceDecider, partyDecider, trackDecider } from '@timeline/domain';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { WriteContext } from '../http/write-context';
import { COMMITMENTS } from '../commitments/commitment-writer';
import { AggregateDefinition, AggregateWriter, FactInput, WriteAnswer } from './aggregate-writer';

type Command = { type: string; data: Record<string, unknown> };

interface Decider {
  initialState(): unknown;
  evolve(state: never, event: never): unknown;
  decide(command: never, state: never): unknown;
}

function definition(streamType: string, creationEvent: string, idField: string, decider: Decider): AggregateDefinition<unknown, Command> {
  return {
    streamType,
    creationEvent,
    schemaVersion: 1,
    idOf: (command) => String(command.data[idField]),
    initialState: () => decider.initialState(),
    evolve: (state, event) => decider.evolve(state as never, event as never),
    decide: (command, state) => {
      const decided = decider.decide(command as never, state as never) as DomainEvent | readonly DomainEvent[];
      return Array.isArray(decided) ? (decided as readonly DomainEvent[]) : [decided as DomainEvent];
    },
  };
}

/** Every aggregate by stream type: the one table the writer, revisions and seeds look in. */
export const AGGREGATES: Readonly<Record<string, AggregateDefinition<unknown, Command>>> = {
  commitment: COMMITMENTS,
  party: definition('party', 'PartyRegistered', 'partyId', partyDecider),
  track: definition('track', 'TrackOpened', 'trackId', trackDecider),
  deployment: definition('deployment', 'DeploymentStarted', 'deploymentId', deploymentDecider),
  occurrence: definition('occurrence', 'OccurrenceRecorded', 'occurrenceId', occurrenceDecider),
};

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
    const definition = AGGREGATES[streamType];
    if (!definition) throw new Error(`no aggregate for stream type ${streamType}`);
    return this.writer.execute(definition, command, fact, context, successStatus);
  }
}

export function executeAggregate(bus: CommandBus, command: ExecuteAggregateCommand): Promise<WriteAnswer> {
  return bus.execute<ExecuteAggregateCommand, WriteAnswer>(command);
}

import { Body, Controller, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Response } from 'express';
import {
  aggregateOfStream,
  Confidence,
  CorrectEvent,
  decideRevision,
  foldAggregate,
  parseEffectiveTime,
  RetractEvent,
  RevisionCommand,
  Source,
} from '@timeline/domain';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { ProblemException } from '../http/problem';
import { IsEffectiveTime } from '../http/validation';
import { Write, WriteMeta } from '../http/write-context';
import { SourceDto, SourcedDto, sentFields, WriteResponseDto } from '../commitments/commitment.dto';
import { sendWriteAnswer } from '../write/write-command';

export const REVISION_SCHEMA_VERSION = 1;

class RevisionDto extends SourcedDto {
  @ApiProperty({ example: 'The meeting took place on 9 September, not 10 September' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class CorrectionDto extends RevisionDto {
  @ApiPropertyOptional({ example: '2021-09-09', description: 'The corrected effective time of the event' })
  @IsOptional()
  @IsEffectiveTime()
  effectiveAt?: string;

  @ApiPropertyOptional({ example: { terms: { amount: '630000000' } }, description: 'Corrected data: merged; null removes a field' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export class RetractionDto extends RevisionDto {}

export class EventIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID(undefined, { message: 'eventId must be a UUID' })
  eventId!: string;
}

/** A command about an event already recorded (a revision or a claim), with the source it rests on and who writes. */
export abstract class EventWriteCommand<Command> {
  constructor(
    readonly command: Command,
    readonly sourced: { readonly source: Source; readonly confidence?: Confidence },
    readonly meta: WriteMeta,
  ) {}
}

export class CorrectEventCommand extends EventWriteCommand<CorrectEvent> {}
export class RetractEventCommand extends EventWriteCommand<RetractEvent> {}

/** A correction or a retraction, decided on the stream of the event it fixes, with that aggregate's fold as the check. */
function revise(writer: CommandWriter, { command, sourced, meta }: EventWriteCommand<RevisionCommand>): Promise<WriteOutcome> {
  return writer.annotate(command.data.eventId, { schemaVersion: REVISION_SCHEMA_VERSION, ...sourced }, meta, (stream, target) => {
    const aggregate = aggregateOfStream(target.streamType);
    return decideRevision(command, stream, aggregate && ((events) => void foldAggregate(aggregate, events)));
  });
}

@CommandHandler(CorrectEventCommand)
export class CorrectEventHandler implements ICommandHandler<CorrectEventCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute(command: CorrectEventCommand): Promise<WriteOutcome> {
    return revise(this.writer, command);
  }
}

@CommandHandler(RetractEventCommand)
export class RetractEventHandler implements ICommandHandler<RetractEventCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute(command: RetractEventCommand): Promise<WriteOutcome> {
    return revise(this.writer, command);
  }
}

@ApiTags('revisions')
@ApiBearerAuth()
@Controller('v1/events')
export class ReviseEventController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':eventId/corrections')
  @HttpCode(201)
  @ApiResponse({ status: 201, type: WriteResponseDto, description: 'The correction, appended to the stream of the event it fixes' })
  async correct(
    @Param() params: EventIdParams,
    @Body() body: CorrectionDto,
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (body.effectiveAt === undefined && body.data === undefined) {
      throw new ProblemException(
        HttpStatus.BAD_REQUEST,
        'invalid_request',
        'The request is not valid',
        'a correction changes effectiveAt, data or both',
        [{ field: 'effectiveAt', message: 'or data is required' }],
      );
    }
    const command: CorrectEvent = {
      type: 'CorrectEvent',
      data: {
        eventId: params.eventId,
        effectiveAt: body.effectiveAt ? parseEffectiveTime(body.effectiveAt) : undefined,
        changes: body.data,
        reason: body.reason,
      },
    };
    const sourced = { source: sentFields(body.source) as SourceDto, confidence: body.confidence };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<CorrectEventCommand, WriteOutcome>(new CorrectEventCommand(command, sourced, meta)),
    );
  }

  @Post(':eventId/retraction')
  @HttpCode(201)
  @ApiResponse({ status: 201, type: WriteResponseDto, description: 'The retraction, appended to the stream of the event it withdraws' })
  async retract(
    @Param() params: EventIdParams,
    @Body() body: RetractionDto,
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const command: RetractEvent = { type: 'RetractEvent', data: { eventId: params.eventId, reason: body.reason } };
    const sourced = { source: sentFields(body.source) as SourceDto, confidence: body.confidence };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<RetractEventCommand, WriteOutcome>(new RetractEventCommand(command, sourced, meta)),
    );
  }
}

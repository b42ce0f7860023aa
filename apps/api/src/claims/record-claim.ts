import { Body, Controller, HttpCode, HttpStatus, Inject, Injectable, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { ClaimCommand, Confidence, decideClaim } from '@timeline/domain';
import type { EventStore } from '@timeline/event-store';
import { ProblemException } from '../http/problem';
import { Write, WriteContext } from '../http/write-context';
import { AggregateWriter } from '../aggregates/aggregate-writer';
import { SourceDto, SourcedDto, sentFields, WriteResponseDto } from '../commitments/commitment.dto';
import { sendWriteAnswer } from '../commitments/write-answer';
import type { WriteAnswer } from '../commitments/commitment-writer';
import { EventIdParams } from '../revisions/revise-event';
import { EVENT_STORE } from '../runtime/tokens';

export const CLAIM_SCHEMA_VERSION = 1;

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Another source confirms the event: `source` is that source. */
export class CorroborationDto extends SourcedDto {}

/** Another source gives another value for one field of the event. */
export class ClaimDto extends SourcedDto {
  @ApiProperty({ example: 'terms.amount', description: 'effectiveAt, or a dotted path into the data of the event' })
  @IsString()
  @Matches(FIELD, { message: 'field must be effectiveAt or a dotted path into the data (terms.amount)' })
  @MaxLength(200)
  field!: string;

  @ApiProperty({
    example: '630000000',
    description: "What this source says the field is: an effective time as text for effectiveAt, else the field's own type",
  })
  @IsDefined({ message: 'value is required' })
  value!: unknown;
}

/** The analyst chooses the current claim of a field, citing what the choice rests on. */
export class ClaimChoiceDto extends SourcedDto {
  @ApiProperty({ example: 'terms.amount' })
  @IsString()
  @Matches(FIELD, { message: 'field must be effectiveAt or a dotted path into the data (terms.amount)' })
  @MaxLength(200)
  field!: string;

  @ApiProperty({ format: 'uuid', description: 'A ClaimRecorded event, or the event itself for the value it was recorded with' })
  @IsUUID(undefined, { message: 'claimId must be a UUID' })
  claimId!: string;

  @ApiProperty({ example: 'The later report names the meeting where it was agreed' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class ClaimEventCommand {
  constructor(
    readonly command: ClaimCommand,
    readonly source: SourceDto,
    readonly confidence: Confidence | undefined,
    readonly context: WriteContext,
  ) {}
}

/** Appends a corroboration, a competing claim or a choice to the stream of the event it is about. */
@Injectable()
@CommandHandler(ClaimEventCommand)
export class ClaimEventHandler implements ICommandHandler<ClaimEventCommand, WriteAnswer> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly writer: AggregateWriter,
  ) {}

  async execute({ command, source, confidence, context }: ClaimEventCommand): Promise<WriteAnswer> {
    const target = await this.store.readEvent(command.data.eventId);
    if (!target) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'event_not_found', 'Not found', `no event has id ${command.data.eventId}`, [
        { field: 'eventId', message: 'no event has this id' },
      ]);
    }
    return this.writer.appendDecided(
      { streamId: target.streamId, streamType: target.streamType, answerId: target.streamId, context, successStatus: 201 },
      (stream) =>
        decideClaim(command, stream).map((decided) => ({
          id: uuidv7(),
          type: decided.type,
          schemaVersion: CLAIM_SCHEMA_VERSION,
          data: decided.data,
          effectiveAt: decided.effectiveAt,
          source,
          confidence: confidence ?? 'reported',
          actor: context.actor,
          correlationId: context.correlationId,
          causationId: target.id,
        })),
    );
  }
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller('v1/events')
export class ClaimEventController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':eventId/corroborations')
  @HttpCode(201)
  @ApiResponse({
    status: 201,
    type: WriteResponseDto,
    description: 'A SourceCorroborated event: another source confirms this event; no second entity',
  })
  async corroborate(
    @Param() params: EventIdParams,
    @Body() body: CorroborationDto,
    @Write() context: WriteContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const source = sentFields(body.source) as SourceDto;
    const command: ClaimCommand = { type: 'CorroborateSource', data: { eventId: params.eventId, source } };
    return sendWriteAnswer(response, await this.commandBus.execute(new ClaimEventCommand(command, source, body.confidence, context)));
  }

  @Post(':eventId/claims')
  @HttpCode(201)
  @ApiResponse({
    status: 201,
    type: WriteResponseDto,
    description: 'A ClaimRecorded event: a source that disagrees on one field, kept beside the others',
  })
  async claim(
    @Param() params: EventIdParams,
    @Body() body: ClaimDto,
    @Write() context: WriteContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const source = sentFields(body.source) as SourceDto;
    const command: ClaimCommand = { type: 'RecordClaim', data: { eventId: params.eventId, field: body.field, value: body.value, source } };
    return sendWriteAnswer(response, await this.commandBus.execute(new ClaimEventCommand(command, source, body.confidence, context)));
  }

  @Post(':eventId/claims/choice')
  @HttpCode(201)
  @ApiResponse({
    status: 201,
    type: WriteResponseDto,
    description: "A ClaimChosen event: the analyst's choice of the current claim of a field, with a reason",
  })
  async choose(
    @Param() params: EventIdParams,
    @Body() body: ClaimChoiceDto,
    @Write() context: WriteContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const source = sentFields(body.source) as SourceDto;
    const command: ClaimCommand = {
      type: 'ChooseClaim',
      data: { eventId: params.eventId, field: body.field, claimId: body.claimId, reason: body.reason },
    };
    return sendWriteAnswer(response, await this.commandBus.execute(new ClaimEventCommand(command, source, body.confidence, context)));
  }
}

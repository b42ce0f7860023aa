import { Body, Controller, HttpCode, HttpStatus, Inject, Injectable, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import {
  aggregateOfStream,
  Confidence,
  decideRevision,
  EffectiveTime,
  foldAggregate,
  parseEffectiveTime,
  RecordedEvent,
  RevisionCommand,
} from '@timeline/domain';
import type { EventStore } from '@timeline/event-store';
import { ProblemException } from '../http/problem';
import { IsEffectiveTime } from '../http/validation';
import { Write, WriteContext } from '../http/write-context';
import { AggregateWriter } from '../aggregates/aggregate-writer';
import { SourceDto, SourcedDto, sentFields, WriteResponseDto } from '../commitments/commitment.dto';
import { sendWriteAnswer } from '../commitments/write-answer';
import type { WriteAnswer } from '../commitments/commitment-writer';
import { EVENT_STORE } from '../runtime/tokens';

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

export interface Revision {
  readonly kind: 'correction' | 'retraction';
  readonly eventId: string;
  readonly effectiveAt?: EffectiveTime;
  readonly data?: Record<string, unknown>;
  readonly reason: string;
  readonly source: SourceDto;
  readonly confidence?: Confidence;
}

export class ReviseEventCommand {
  constructor(
    readonly revision: Revision,
    readonly context: WriteContext,
  ) {}
}

/** Appends a correction or a retraction to the stream of the event it fixes. */
@Injectable()
@CommandHandler(ReviseEventCommand)
export class ReviseEventHandler implements ICommandHandler<ReviseEventCommand, WriteAnswer> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly writer: AggregateWriter,
  ) {}

  async execute({ revision, context }: ReviseEventCommand): Promise<WriteAnswer> {
    const target = await this.store.readEvent(revision.eventId);
    if (!target) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'event_not_found', 'Not found', `no event has id ${revision.eventId}`, [
        { field: 'eventId', message: 'no event has this id' },
      ]);
    }
    const command: RevisionCommand =
      revision.kind === 'retraction'
        ? { type: 'RetractEvent', data: { eventId: target.id, reason: revision.reason } }
        : {
            type: 'CorrectEvent',
            data: { eventId: target.id, effectiveAt: revision.effectiveAt, changes: revision.data, reason: revision.reason },
          };
    const aggregate = aggregateOfStream(target.streamType);
    const check = aggregate && ((events: readonly RecordedEvent[]) => void foldAggregate(aggregate, events));
    return this.writer.appendDecided(
      { streamId: target.streamId, streamType: target.streamType, answerId: target.streamId, context, successStatus: 201 },
      (stream) =>
        decideRevision(command, stream, check).map((decided) => ({
          id: uuidv7(),
          type: decided.type,
          schemaVersion: REVISION_SCHEMA_VERSION,
          data: decided.data,
          effectiveAt: decided.effectiveAt,
          source: revision.source,
          confidence: revision.confidence ?? 'reported',
          actor: context.actor,
          correlationId: context.correlationId,
          causationId: target.id,
        })),
    );
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
    @Write() context: WriteContext,
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
    const revision: Revision = {
      kind: 'correction',
      eventId: params.eventId,
      effectiveAt: body.effectiveAt ? parseEffectiveTime(body.effectiveAt) : undefined,
      data: body.data,
      reason: body.reason,
      source: sentFields(body.source) as SourceDto,
      confidence: body.confidence,
    };
    return sendWriteAnswer(response, await this.commandBus.execute(new ReviseEventCommand(revision, context)));
  }

  @Post(':eventId/retraction')
  @HttpCode(201)
  @ApiResponse({ status: 201, type: WriteResponseDto, description: 'The retraction, appended to the stream of the event it withdraws' })
  async retract(
    @Param() params: EventIdParams,
    @Body() body: RetractionDto,
    @Write() context: WriteContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const revision: Revision = {
      kind: 'retraction',
      eventId: params.eventId,
      reason: body.reason,
      source: sentFields(body.source) as SourceDto,
      confidence: body.confidence,
    };
    return sendWriteAnswer(response, await this.commandBus.execute(new ReviseEventCommand(revision, context)));
  }
}

import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { ChooseClaim, ClaimCommand, CorroborateSource, decideClaim, RecordClaim } from '@timeline/domain';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { Write, WriteMeta } from '../http/write-context';
import { SourceDto, SourcedDto, sentFields, WriteResponseDto } from '../commitments/commitment.dto';
import { sendWriteAnswer } from '../write/write-command';
import { EventIdParams, EventWriteCommand } from '../revisions/revise-event';

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

export class CorroborateSourceCommand extends EventWriteCommand<CorroborateSource> {}
export class RecordClaimCommand extends EventWriteCommand<RecordClaim> {}
export class ChooseClaimCommand extends EventWriteCommand<ChooseClaim> {}

/** A corroboration, a competing claim or a choice, decided on the stream of the event it is about. */
function claim(writer: CommandWriter, { command, sourced, meta }: EventWriteCommand<ClaimCommand>): Promise<WriteOutcome> {
  return writer.annotate(command.data.eventId, { schemaVersion: CLAIM_SCHEMA_VERSION, ...sourced }, meta, (stream) =>
    decideClaim(command, stream),
  );
}

@CommandHandler(CorroborateSourceCommand)
export class CorroborateSourceHandler implements ICommandHandler<CorroborateSourceCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute(command: CorroborateSourceCommand): Promise<WriteOutcome> {
    return claim(this.writer, command);
  }
}

@CommandHandler(RecordClaimCommand)
export class RecordClaimHandler implements ICommandHandler<RecordClaimCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute(command: RecordClaimCommand): Promise<WriteOutcome> {
    return claim(this.writer, command);
  }
}

@CommandHandler(ChooseClaimCommand)
export class ChooseClaimHandler implements ICommandHandler<ChooseClaimCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute(command: ChooseClaimCommand): Promise<WriteOutcome> {
    return claim(this.writer, command);
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
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const source = sentFields(body.source) as SourceDto;
    const command: CorroborateSource = { type: 'CorroborateSource', data: { eventId: params.eventId, source } };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<CorroborateSourceCommand, WriteOutcome>(
        new CorroborateSourceCommand(command, { source, confidence: body.confidence }, meta),
      ),
    );
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
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const source = sentFields(body.source) as SourceDto;
    const command: RecordClaim = { type: 'RecordClaim', data: { eventId: params.eventId, field: body.field, value: body.value, source } };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<RecordClaimCommand, WriteOutcome>(
        new RecordClaimCommand(command, { source, confidence: body.confidence }, meta),
      ),
    );
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
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const source = sentFields(body.source) as SourceDto;
    const command: ChooseClaim = {
      type: 'ChooseClaim',
      data: { eventId: params.eventId, field: body.field, claimId: body.claimId, reason: body.reason },
    };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<ChooseClaimCommand, WriteOutcome>(
        new ChooseClaimCommand(command, { source, confidence: body.confidence }, meta),
      ),
    );
  }
}

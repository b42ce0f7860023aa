import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import type { Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import {
  COMMITMENT_KINDS,
  commitmentAggregate,
  CommitmentKind,
  OPEN_STATUSES,
  OpenStatus,
  PARTY_CODE,
  RecordCommitment,
  Terms,
} from '@timeline/domain';
import { Write, WriteMeta } from '../../http/write-context';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { FactDto, factOf, sentFields, TermsDto, WriteResponseDto } from '../commitment.dto';
import { AggregateWriteCommand, sendWriteAnswer } from '../../write/write-command';

export class RecordCommitmentDto extends FactDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Chosen by the client; a UUIDv7 is made when absent' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ enum: COMMITMENT_KINDS })
  @IsIn(COMMITMENT_KINDS)
  kind!: CommitmentKind;

  @ApiProperty({ example: 'Russian state loan to refinance debt' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title!: string;

  @ApiProperty({ example: 'RU', description: 'Party that pledges, or is asked' })
  @Matches(PARTY_CODE, { message: 'by must be a party code of 2 to 10 capitals, digits or -, like "RU"' })
  by!: string;

  @ApiProperty({ example: 'BY', description: 'Party that receives, or asks' })
  @Matches(PARTY_CODE, { message: 'to must be a party code of 2 to 10 capitals, digits or -, like "BY"' })
  to!: string;

  @ApiProperty({ enum: OPEN_STATUSES, description: '`requested`: a demand not granted; `pledged`: a promise' })
  @IsIn(OPEN_STATUSES)
  status!: OpenStatus;

  @ApiProperty({ type: TermsDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TermsDto)
  terms!: TermsDto;
}

export class RecordCommitmentCommand extends AggregateWriteCommand<RecordCommitment> {}

@CommandHandler(RecordCommitmentCommand)
export class RecordCommitmentHandler implements ICommandHandler<RecordCommitmentCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: RecordCommitmentCommand): Promise<WriteOutcome> {
    return this.writer.execute(commitmentAggregate, command, fact, meta);
  }
}

@ApiTags('commitments')
@ApiBearerAuth()
@Controller('v1/commitments')
export class RecordCommitmentController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 201, type: WriteResponseDto, description: 'Recorded; Location and ETag name the new commitment' })
  @ApiResponse({ status: 400, description: 'Invalid body; the problem document names each field' })
  @ApiResponse({ status: 409, description: 'A commitment with this id exists' })
  async record(@Body() body: RecordCommitmentDto, @Write() meta: WriteMeta, @Res({ passthrough: true }) response: Response) {
    const command = {
      type: 'RecordCommitment' as const,
      data: {
        commitmentId: body.id ?? uuidv7(),
        kind: body.kind,
        title: body.title,
        by: body.by,
        to: body.to,
        status: body.status,
        terms: sentFields(body.terms) as Terms,
      },
    };
    const answer = await this.commandBus.execute<RecordCommitmentCommand, WriteOutcome>(
      new RecordCommitmentCommand(command, factOf(body), meta),
    );
    response.location(`/v1/commitments/${answer.id}`);
    return sendWriteAnswer(response, answer);
  }
}

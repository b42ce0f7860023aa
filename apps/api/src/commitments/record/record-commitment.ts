import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import type { Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { COMMITMENT_KINDS, CommitmentKind, OPEN_STATUSES, OpenStatus, PARTY_CODE, Terms } from '@timeline/domain';
import { Write, WriteContext } from '../../http/write-context';
import { CommitmentWriter, FactInput, WriteAnswer } from '../commitment-writer';
import { FactDto, factOf, sentFields, TermsDto, WriteResponseDto } from '../commitment.dto';
import { sendWriteAnswer } from '../write-answer';

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

export class RecordCommitmentCommand {
  constructor(
    readonly commitmentId: string,
    readonly body: RecordCommitmentDto,
    readonly fact: FactInput,
    readonly context: WriteContext,
  ) {}
}

@CommandHandler(RecordCommitmentCommand)
export class RecordCommitmentHandler implements ICommandHandler<RecordCommitmentCommand, WriteAnswer> {
  constructor(private readonly writer: CommitmentWriter) {}

  execute({ commitmentId, body, fact, context }: RecordCommitmentCommand): Promise<WriteAnswer> {
    const command = {
      type: 'RecordCommitment' as const,
      data: {
        commitmentId,
        kind: body.kind,
        title: body.title,
        by: body.by,
        to: body.to,
        status: body.status,
        terms: sentFields(body.terms) as Terms,
      },
    };
    return this.writer.execute(command, fact, context, 201);
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
  async record(@Body() body: RecordCommitmentDto, @Write() context: WriteContext, @Res({ passthrough: true }) response: Response) {
    const commitmentId = body.id ?? uuidv7();
    const answer = await this.commandBus.execute<RecordCommitmentCommand, WriteAnswer>(
      new RecordCommitmentCommand(commitmentId, body, factOf(body), context),
    );
    response.location(`/v1/commitments/${answer.body.id}`);
    return sendWriteAnswer(response, answer);
  }
}

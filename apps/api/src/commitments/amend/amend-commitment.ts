import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { Response } from 'express';
import type { TermChanges } from '@timeline/domain';
import { Write, WriteContext } from '../../http/write-context';
import { CommitmentIdParams } from '../commitment-id.params';
import { CommitmentWriter, FactInput, WriteAnswer } from '../commitment-writer';
import { FactDto, factOf, sentFields, TermsDto, WriteResponseDto } from '../commitment.dto';
import { sendWriteAnswer } from '../write-answer';

export class AmendCommitmentDto extends FactDto {
  @ApiProperty({ type: TermsDto, description: 'Only the terms that change; `null` removes a term' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TermsDto)
  terms!: TermsDto;

  @ApiPropertyOptional({ example: 'Amount raised after the September meeting' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class AmendCommitmentCommand {
  constructor(
    readonly commitmentId: string,
    readonly changes: TermChanges,
    readonly reason: string | undefined,
    readonly fact: FactInput,
    readonly context: WriteContext,
  ) {}
}

@CommandHandler(AmendCommitmentCommand)
export class AmendCommitmentHandler implements ICommandHandler<AmendCommitmentCommand, WriteAnswer> {
  constructor(private readonly writer: CommitmentWriter) {}

  execute({ commitmentId, changes, reason, fact, context }: AmendCommitmentCommand): Promise<WriteAnswer> {
    return this.writer.execute(
      { type: 'AmendCommitmentTerms', data: { commitmentId, changes, ...(reason ? { reason } : {}) } },
      fact,
      context,
      200,
    );
  }
}

@ApiTags('commitments')
@ApiBearerAuth()
@Controller('v1/commitments')
export class AmendCommitmentController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/amendments')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version from the ETag; 412 if it moved on' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 200, type: WriteResponseDto })
  @ApiResponse({ status: 412, description: 'If-Match does not name the current version' })
  @ApiResponse({ status: 422, description: 'The commitment does not allow this change' })
  async amend(
    @Param() params: CommitmentIdParams,
    @Body() body: AmendCommitmentDto,
    @Write() context: WriteContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const changes = sentFields(body.terms) as TermChanges;
    const answer = await this.commandBus.execute<AmendCommitmentCommand, WriteAnswer>(
      new AmendCommitmentCommand(params.id, changes, body.reason, factOf(body), context),
    );
    return sendWriteAnswer(response, answer);
  }
}

import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { Response } from 'express';
import { AmendCommitmentTerms, commitmentAggregate, TermChanges } from '@timeline/domain';
import { Write, WriteMeta } from '../../http/write-context';
import { CommitmentIdParams } from '../commitment-id.params';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { FactDto, factOf, sentFields, TermsDto, WriteResponseDto } from '../commitment.dto';
import { AggregateWriteCommand, sendWriteAnswer } from '../../write/write-command';

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

export class AmendCommitmentCommand extends AggregateWriteCommand<AmendCommitmentTerms> {}

@CommandHandler(AmendCommitmentCommand)
export class AmendCommitmentHandler implements ICommandHandler<AmendCommitmentCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: AmendCommitmentCommand): Promise<WriteOutcome> {
    return this.writer.execute(commitmentAggregate, command, fact, meta);
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
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const changes = sentFields(body.terms) as TermChanges;
    const command = {
      type: 'AmendCommitmentTerms' as const,
      data: { commitmentId: params.id, changes, ...(body.reason ? { reason: body.reason } : {}) },
    };
    const answer = await this.commandBus.execute<AmendCommitmentCommand, WriteOutcome>(
      new AmendCommitmentCommand(command, factOf(body), meta),
    );
    return sendWriteAnswer(response, answer);
  }
}

import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { COMMITMENT_STATUSES, CommitmentStatus } from '@timeline/domain';
import { Write, WriteContext } from '../../http/write-context';
import { CommitmentIdParams } from '../commitment-id.params';
import { CommitmentWriter, FactInput, WriteAnswer } from '../commitment-writer';
import { FactDto, factOf, WriteResponseDto } from '../commitment.dto';
import { sendWriteAnswer } from '../write-answer';

export class ChangeCommitmentStatusDto extends FactDto {
  @ApiProperty({ enum: COMMITMENT_STATUSES, example: 'fulfilled' })
  @IsIn(COMMITMENT_STATUSES)
  status!: CommitmentStatus;

  @ApiPropertyOptional({ example: 'Last tranche paid' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class ChangeCommitmentStatusCommand {
  constructor(
    readonly commitmentId: string,
    readonly status: CommitmentStatus,
    readonly reason: string | undefined,
    readonly fact: FactInput,
    readonly context: WriteContext,
  ) {}
}

@CommandHandler(ChangeCommitmentStatusCommand)
export class ChangeCommitmentStatusHandler implements ICommandHandler<ChangeCommitmentStatusCommand, WriteAnswer> {
  constructor(private readonly writer: CommitmentWriter) {}

  execute({ commitmentId, status, reason, fact, context }: ChangeCommitmentStatusCommand): Promise<WriteAnswer> {
    return this.writer.execute(
      { type: 'ChangeCommitmentStatus', data: { commitmentId, status, ...(reason ? { reason } : {}) } },
      fact,
      context,
      200,
    );
  }
}

@ApiTags('commitments')
@ApiBearerAuth()
@Controller('v1/commitments')
export class ChangeCommitmentStatusController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/status')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 200, type: WriteResponseDto })
  @ApiResponse({ status: 422, description: 'The lifecycle does not allow this transition' })
  async change(
    @Param() params: CommitmentIdParams,
    @Body() body: ChangeCommitmentStatusDto,
    @Write() context: WriteContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const answer = await this.commandBus.execute<ChangeCommitmentStatusCommand, WriteAnswer>(
      new ChangeCommitmentStatusCommand(params.id, body.status, body.reason, factOf(body), context),
    );
    return sendWriteAnswer(response, answer);
  }
}

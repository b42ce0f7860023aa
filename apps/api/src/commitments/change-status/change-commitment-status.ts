import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { ChangeCommitmentStatus, COMMITMENT_STATUSES, commitmentAggregate, CommitmentStatus } from '@timeline/domain';
import { Write, WriteMeta } from '../../http/write-context';
import { CommitmentIdParams } from '../commitment-id.params';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { FactDto, factOf, WriteResponseDto } from '../commitment.dto';
import { AggregateWriteCommand, sendWriteAnswer } from '../../write/write-command';

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

export class ChangeCommitmentStatusCommand extends AggregateWriteCommand<ChangeCommitmentStatus> {}

@CommandHandler(ChangeCommitmentStatusCommand)
export class ChangeCommitmentStatusHandler implements ICommandHandler<ChangeCommitmentStatusCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: ChangeCommitmentStatusCommand): Promise<WriteOutcome> {
    return this.writer.execute(commitmentAggregate, command, fact, meta);
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
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const command = {
      type: 'ChangeCommitmentStatus' as const,
      data: { commitmentId: params.id, status: body.status, ...(body.reason ? { reason: body.reason } : {}) },
    };
    const answer = await this.commandBus.execute<ChangeCommitmentStatusCommand, WriteOutcome>(
      new ChangeCommitmentStatusCommand(command, factOf(body), meta),
    );
    return sendWriteAnswer(response, answer);
  }
}

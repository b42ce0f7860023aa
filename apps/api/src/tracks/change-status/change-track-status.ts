import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { ChangeTrackStatus, TRACK_STATUSES, trackAggregate } from '@timeline/domain';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { FactDto, factOf, WriteResponseDto } from '../../commitments/commitment.dto';
import { EntityIdParams } from '../../http/entity-id.params';
import { Write, WriteMeta } from '../../http/write-context';
import { AggregateWriteCommand, commandData, sendWriteAnswer } from '../../write/write-command';

export class ChangeTrackStatusDto extends FactDto {
  @ApiProperty({ enum: TRACK_STATUSES }) @IsIn(TRACK_STATUSES) status!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class ChangeTrackStatusCommand extends AggregateWriteCommand<ChangeTrackStatus> {}

@CommandHandler(ChangeTrackStatusCommand)
export class ChangeTrackStatusHandler implements ICommandHandler<ChangeTrackStatusCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: ChangeTrackStatusCommand): Promise<WriteOutcome> {
    return this.writer.execute(trackAggregate, command, fact, meta);
  }
}

@ApiTags('parties, tracks, deployments, occurrences')
@ApiBearerAuth()
@Controller('v1/tracks')
export class ChangeTrackStatusController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/status')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 200, type: WriteResponseDto, description: 'The status change, appended' })
  async changeTrackStatus(
    @Param() params: EntityIdParams,
    @Body() body: ChangeTrackStatusDto,
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const command = { type: 'ChangeTrackStatus' as const, data: { ...commandData(body), trackId: params.id } as ChangeTrackStatus['data'] };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<ChangeTrackStatusCommand, WriteOutcome>(new ChangeTrackStatusCommand(command, factOf(body), meta)),
    );
  }
}

import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { SetTrackDeadline, trackAggregate } from '@timeline/domain';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { FactDto, factOf, WriteResponseDto } from '../../commitments/commitment.dto';
import { EntityIdParams } from '../../http/entity-id.params';
import { IsEffectiveTime } from '../../http/validation';
import { Write, WriteMeta } from '../../http/write-context';
import { AggregateWriteCommand, commandData, sendWriteAnswer } from '../../write/write-command';

export class SetTrackDeadlineDto extends FactDto {
  @ApiProperty({ example: 'principles' })
  @Matches(/^[a-z0-9-]{1,60}$/, { message: 'deadlineId must be a lower-case slug' })
  deadlineId!: string;
  @ApiProperty({ example: 'Central banks agree principles and mechanisms' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  description!: string;
  @ApiProperty({ example: '2022-12', description: 'When it is due, at the precision the source gives' }) @IsEffectiveTime() due!: string;
}

export class SetTrackDeadlineCommand extends AggregateWriteCommand<SetTrackDeadline> {}

@CommandHandler(SetTrackDeadlineCommand)
export class SetTrackDeadlineHandler implements ICommandHandler<SetTrackDeadlineCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: SetTrackDeadlineCommand): Promise<WriteOutcome> {
    return this.writer.execute(trackAggregate, command, fact, meta);
  }
}

@ApiTags('parties, tracks, deployments, occurrences')
@ApiBearerAuth()
@Controller('v1/tracks')
export class SetTrackDeadlineController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/deadlines')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 200, type: WriteResponseDto, description: 'The deadline, set or moved' })
  async setTrackDeadline(
    @Param() params: EntityIdParams,
    @Body() body: SetTrackDeadlineDto,
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const command = { type: 'SetTrackDeadline' as const, data: { ...commandData(body), trackId: params.id } as SetTrackDeadline['data'] };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<SetTrackDeadlineCommand, WriteOutcome>(new SetTrackDeadlineCommand(command, factOf(body), meta)),
    );
  }
}

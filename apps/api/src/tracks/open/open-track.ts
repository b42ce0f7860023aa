import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import type { Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { OpenTrack, PARTY_CODE, TRACK_KINDS, TRACK_STATUSES, trackAggregate } from '@timeline/domain';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { FactDto, factOf, WriteResponseDto } from '../../commitments/commitment.dto';
import { PARTY_TEXT } from '../../http/entity-fields';
import { Write, WriteMeta } from '../../http/write-context';
import { AggregateWriteCommand, commandData, sendWriteAnswer } from '../../write/write-command';

export class OpenTrackDto extends FactDto {
  @ApiProperty({ example: 'Harmonization of Monetary Policy' }) @IsString() @IsNotEmpty() @MaxLength(500) title!: string;
  @ApiProperty({ example: 'monetary policy' }) @IsString() @IsNotEmpty() @MaxLength(200) area!: string;
  @ApiProperty({ enum: TRACK_KINDS }) @IsIn(TRACK_KINDS) kind!: string;
  @ApiProperty({ example: ['BY', 'RU'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(PARTY_CODE, { each: true, message: `parties ${PARTY_TEXT}` })
  parties!: string[];
  @ApiProperty({ enum: TRACK_STATUSES }) @IsIn(TRACK_STATUSES) status!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) description?: string;
}

export class OpenTrackCommand extends AggregateWriteCommand<OpenTrack> {}

@CommandHandler(OpenTrackCommand)
export class OpenTrackHandler implements ICommandHandler<OpenTrackCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: OpenTrackCommand): Promise<WriteOutcome> {
    return this.writer.execute(trackAggregate, command, fact, meta);
  }
}

@ApiTags('parties, tracks, deployments, occurrences')
@ApiBearerAuth()
@Controller('v1/tracks')
export class OpenTrackController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 201, type: WriteResponseDto, description: 'Opened; the answer names the new programme' })
  async openTrack(@Body() body: OpenTrackDto, @Write() meta: WriteMeta, @Res({ passthrough: true }) response: Response) {
    const command = { type: 'OpenTrack' as const, data: { ...commandData(body), trackId: uuidv7() } as OpenTrack['data'] };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<OpenTrackCommand, WriteOutcome>(new OpenTrackCommand(command, factOf(body), meta)),
    );
  }
}

import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
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
  ValidateNested,
} from 'class-validator';
import type { Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { OCCURRENCE_KINDS, occurrenceAggregate, PARTY_CODE, RecordOccurrence } from '@timeline/domain';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { CURRENCY, CURRENCY_MESSAGE, FactDto, factOf, WriteResponseDto } from '../../commitments/commitment.dto';
import { DECIMAL_TEXT, PARTY_TEXT, SIGNED_DECIMAL } from '../../http/entity-fields';
import { IsEffectiveTime } from '../../http/validation';
import { Write, WriteMeta } from '../../http/write-context';
import { AggregateWriteCommand, commandData, sendWriteAnswer } from '../../write/write-command';

class TopicDto {
  @ApiProperty({ example: 'military matters' }) @IsString() @IsNotEmpty() @MaxLength(500) topic!: string;
  @ApiPropertyOptional({ example: '3.5' }) @IsOptional() @Matches(SIGNED_DECIMAL, { message: `hours ${DECIMAL_TEXT}` }) hours?: string;
}

export class RecordOccurrenceDto extends FactDto {
  @ApiProperty({ enum: OCCURRENCE_KINDS }) @IsIn(OCCURRENCE_KINDS) kind!: string;
  @ApiProperty({ example: 'Putin and Lukashenka meet' }) @IsString() @IsNotEmpty() @MaxLength(500) title!: string;
  @ApiProperty({ example: ['BY', 'RU'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(PARTY_CODE, { each: true, message: `parties ${PARTY_TEXT}` })
  parties!: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) place?: string;
  @ApiPropertyOptional() @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) participants?: string[];
  @ApiPropertyOptional({ example: '8' })
  @IsOptional()
  @Matches(SIGNED_DECIMAL, { message: `durationHours ${DECIMAL_TEXT}` })
  durationHours?: string;
  @ApiPropertyOptional({ type: [TopicDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TopicDto)
  topics?: TopicDto[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) speaker?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) quote?: string;
  @ApiPropertyOptional({ example: '-6' }) @IsOptional() @Matches(SIGNED_DECIMAL, { message: `value ${DECIMAL_TEXT}` }) value?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(SIGNED_DECIMAL, { message: `valueMax ${DECIMAL_TEXT}` }) valueMax?: string;
  @ApiPropertyOptional({ example: '% of GDP' }) @IsOptional() @IsString() @MaxLength(100) unit?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CURRENCY, { message: `currency ${CURRENCY_MESSAGE}` }) currency?: string;
  @ApiPropertyOptional({ example: '2022' }) @IsOptional() @IsEffectiveTime() horizon?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) description?: string;
}

export class RecordOccurrenceCommand extends AggregateWriteCommand<RecordOccurrence> {}

@CommandHandler(RecordOccurrenceCommand)
export class RecordOccurrenceHandler implements ICommandHandler<RecordOccurrenceCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: RecordOccurrenceCommand): Promise<WriteOutcome> {
    return this.writer.execute(occurrenceAggregate, command, fact, meta);
  }
}

@ApiTags('parties, tracks, deployments, occurrences')
@ApiBearerAuth()
@Controller('v1/occurrences')
export class RecordOccurrenceController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 201, type: WriteResponseDto, description: 'Recorded; the answer names the new occurrence' })
  async recordOccurrence(@Body() body: RecordOccurrenceDto, @Write() meta: WriteMeta, @Res({ passthrough: true }) response: Response) {
    const command = {
      type: 'RecordOccurrence' as const,
      data: {
        ...commandData(body),
        ...(body.topics ? { topics: body.topics.map(commandData) } : {}),
        occurrenceId: uuidv7(),
      } as RecordOccurrence['data'],
    };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<RecordOccurrenceCommand, WriteOutcome>(new RecordOccurrenceCommand(command, factOf(body), meta)),
    );
  }
}

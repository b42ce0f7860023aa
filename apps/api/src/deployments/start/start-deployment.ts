import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { deploymentAggregate, PARTY_CODE, StartDeployment } from '@timeline/domain';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { FactDto, factOf, WriteResponseDto } from '../../commitments/commitment.dto';
import { DECIMAL_TEXT, PARTY_TEXT, SIGNED_DECIMAL } from '../../http/entity-fields';
import { Write, WriteMeta } from '../../http/write-context';
import { AggregateWriteCommand, commandData, sendWriteAnswer } from '../../write/write-command';

export class StartDeploymentDto extends FactDto {
  @ApiProperty({ example: 'Su-30SM multirole fighters' }) @IsString() @IsNotEmpty() @MaxLength(500) asset!: string;
  @ApiPropertyOptional({ example: '4' }) @IsOptional() @Matches(SIGNED_DECIMAL, { message: `quantity ${DECIMAL_TEXT}` }) quantity?: string;
  @ApiPropertyOptional({ example: 'aircraft' }) @IsOptional() @IsString() @MaxLength(100) unit?: string;
  @ApiProperty({ example: 'Baranovichi' }) @IsString() @IsNotEmpty() @MaxLength(500) place!: string;
  @ApiProperty({ example: 'BY' }) @Matches(PARTY_CODE, { message: `host ${PARTY_TEXT}` }) host!: string;
  @ApiProperty({ example: 'RU' }) @Matches(PARTY_CODE, { message: `by ${PARTY_TEXT}` }) by!: string;
  @ApiPropertyOptional({ example: 'RU' }) @IsOptional() @Matches(PARTY_CODE, { message: `commandedBy ${PARTY_TEXT}` }) commandedBy?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) purpose?: string;
}

export class StartDeploymentCommand extends AggregateWriteCommand<StartDeployment> {}

@CommandHandler(StartDeploymentCommand)
export class StartDeploymentHandler implements ICommandHandler<StartDeploymentCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: StartDeploymentCommand): Promise<WriteOutcome> {
    return this.writer.execute(deploymentAggregate, command, fact, meta);
  }
}

@ApiTags('parties, tracks, deployments, occurrences')
@ApiBearerAuth()
@Controller('v1/deployments')
export class StartDeploymentController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 201, type: WriteResponseDto, description: 'Started; the answer names the new deployment' })
  async startDeployment(@Body() body: StartDeploymentDto, @Write() meta: WriteMeta, @Res({ passthrough: true }) response: Response) {
    const command = { type: 'StartDeployment' as const, data: { ...commandData(body), deploymentId: uuidv7() } as StartDeployment['data'] };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<StartDeploymentCommand, WriteOutcome>(new StartDeploymentCommand(command, factOf(body), meta)),
    );
  }
}

import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { deploymentAggregate, EndDeployment } from '@timeline/domain';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { FactDto, factOf, WriteResponseDto } from '../../commitments/commitment.dto';
import { EntityIdParams } from '../../http/entity-id.params';
import { Write, WriteMeta } from '../../http/write-context';
import { AggregateWriteCommand, commandData, sendWriteAnswer } from '../../write/write-command';

export class EndDeploymentDto extends FactDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class EndDeploymentCommand extends AggregateWriteCommand<EndDeployment> {}

@CommandHandler(EndDeploymentCommand)
export class EndDeploymentHandler implements ICommandHandler<EndDeploymentCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: EndDeploymentCommand): Promise<WriteOutcome> {
    return this.writer.execute(deploymentAggregate, command, fact, meta);
  }
}

@ApiTags('parties, tracks, deployments, occurrences')
@ApiBearerAuth()
@Controller('v1/deployments')
export class EndDeploymentController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/end')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 200, type: WriteResponseDto, description: 'The end of the deployment, appended' })
  async endDeployment(
    @Param() params: EntityIdParams,
    @Body() body: EndDeploymentDto,
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const command = { type: 'EndDeployment' as const, data: { ...commandData(body), deploymentId: params.id } as EndDeployment['data'] };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<EndDeploymentCommand, WriteOutcome>(new EndDeploymentCommand(command, factOf(body), meta)),
    );
  }
}

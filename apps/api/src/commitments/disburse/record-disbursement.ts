import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsDefined, Matches } from 'class-validator';
import type { Response } from 'express';
import { commitmentAggregate, RecordDisbursement } from '@timeline/domain';
import { Write, WriteMeta } from '../../http/write-context';
import { CommitmentIdParams } from '../commitment-id.params';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { CURRENCY, CURRENCY_MESSAGE, DECIMAL, DECIMAL_MESSAGE, FactDto, factOf, WriteResponseDto } from '../commitment.dto';
import { AggregateWriteCommand, sendWriteAnswer } from '../../write/write-command';

export class RecordDisbursementDto extends FactDto {
  @ApiProperty({ example: '500000000' })
  @IsDefined()
  @Matches(DECIMAL, { message: `amount ${DECIMAL_MESSAGE}` })
  amount!: string;

  @ApiProperty({ example: 'USD' })
  @IsDefined()
  @Matches(CURRENCY, { message: `currency ${CURRENCY_MESSAGE}` })
  currency!: string;
}

export class RecordDisbursementCommand extends AggregateWriteCommand<RecordDisbursement> {}

@CommandHandler(RecordDisbursementCommand)
export class RecordDisbursementHandler implements ICommandHandler<RecordDisbursementCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: RecordDisbursementCommand): Promise<WriteOutcome> {
    return this.writer.execute(commitmentAggregate, command, fact, meta);
  }
}

@ApiTags('commitments')
@ApiBearerAuth()
@Controller('v1/commitments')
export class RecordDisbursementController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/disbursements')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 200, type: WriteResponseDto })
  @ApiResponse({ status: 422, description: 'Not pledged, closed, another currency, or more than outstanding' })
  async disburse(
    @Param() params: CommitmentIdParams,
    @Body() body: RecordDisbursementDto,
    @Write() meta: WriteMeta,
    @Res({ passthrough: true }) response: Response,
  ) {
    const command = {
      type: 'RecordDisbursement' as const,
      data: { commitmentId: params.id, amount: body.amount, currency: body.currency },
    };
    const answer = await this.commandBus.execute<RecordDisbursementCommand, WriteOutcome>(
      new RecordDisbursementCommand(command, factOf(body), meta),
    );
    return sendWriteAnswer(response, answer);
  }
}

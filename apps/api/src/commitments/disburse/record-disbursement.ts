import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsDefined, Matches } from 'class-validator';
import type { Response } from 'express';
import { Write, WriteContext } from '../../http/write-context';
import { CommitmentIdParams } from '../commitment-id.params';
import { CommitmentWriter, FactInput, WriteAnswer } from '../commitment-writer';
import { CURRENCY, CURRENCY_MESSAGE, DECIMAL, DECIMAL_MESSAGE, FactDto, factOf, WriteResponseDto } from '../commitment.dto';
import { sendWriteAnswer } from '../write-answer';

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

export class RecordDisbursementCommand {
  constructor(
    readonly commitmentId: string,
    readonly amount: string,
    readonly currency: string,
    readonly fact: FactInput,
    readonly context: WriteContext,
  ) {}
}

@CommandHandler(RecordDisbursementCommand)
export class RecordDisbursementHandler implements ICommandHandler<RecordDisbursementCommand, WriteAnswer> {
  constructor(private readonly writer: CommitmentWriter) {}

  execute({ commitmentId, amount, currency, fact, context }: RecordDisbursementCommand): Promise<WriteAnswer> {
    return this.writer.execute({ type: 'RecordDisbursement', data: { commitmentId, amount, currency } }, fact, context, 200);
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
    @Write() context: WriteContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    const answer = await this.commandBus.execute<RecordDisbursementCommand, WriteAnswer>(
      new RecordDisbursementCommand(params.id, body.amount, body.currency, factOf(body), context),
    );
    return sendWriteAnswer(response, answer);
  }
}

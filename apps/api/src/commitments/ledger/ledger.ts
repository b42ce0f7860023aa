import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { LedgerDto } from './ledger.dto';
import { IsOptional, Matches } from 'class-validator';
import type { Request } from 'express';
import { PARTY_CODE } from '@timeline/domain';
import { LedgerRow, ReadModel } from '@timeline/projections';
import { Column, exportFormat, exportRows } from '../../http/export';
import { CLOCK } from '../../runtime/tokens';
import { ProjectionWait, resolveTime, TimeParams } from '../../time-travel/time-params';

export class LedgerParams extends TimeParams {
  @ApiPropertyOptional({ example: 'RU', description: 'The party that pledged' })
  @IsOptional()
  @Matches(PARTY_CODE, { message: 'by must be a party code like "RU"' })
  by?: string;
  @ApiPropertyOptional({ example: 'BY', description: 'The party that receives' })
  @IsOptional()
  @Matches(PARTY_CODE, { message: 'to must be a party code like "BY"' })
  to?: string;
}

const LEDGER_COLUMNS: Column<LedgerRow>[] = [
  'by',
  'to',
  'kind',
  'currency',
  'pledged',
  'disbursed',
  'outstanding',
  'requested',
  'commitments',
].map((name) => ({ name, value: (row: LedgerRow) => row[name as keyof LedgerRow] }));

/** Pledged against delivered, per pair of parties, kind and currency (or unit), as of (asOf, knownAt, reportedBy). */
@ApiTags('audit')
@Controller('v1/ledger')
export class LedgerController {
  constructor(
    private readonly readModel: ReadModel,
    private readonly wait: ProjectionWait,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  @Get()
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  @ApiOkResponse({ type: LedgerDto })
  async ledger(@Query() params: LedgerParams, @Req() request: Request) {
    const { asOf, knownAt, reportedBy } = resolveTime(params, this.clock());
    await this.wait.until(this.readModel, params.minPosition);
    const rows = await this.readModel.ledger(asOf, knownAt, { by: params.by, to: params.to, reportedBy });
    const format = exportFormat(request);
    if (format) return exportRows(format, rows, LEDGER_COLUMNS, `ledger-${asOf.slice(0, 10)}`);
    return { asOf, knownAt, ...(reportedBy && { reportedBy }), rows };
  }
}

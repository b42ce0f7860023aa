import { Controller, Get, HttpStatus, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { HistoryDto, LedgerDto } from './answers.dto';
import { Transform } from 'class-transformer';
import { commaList, PartyList } from '../http/query';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Request } from 'express';
import { commitmentHistory, effectiveAxis, HistoryVersion, knowledgeAxis, PARTY_CODE, reportedEvents } from '@timeline/domain';
import { EVENT_TYPES } from '@timeline/event-schemas';
import { AuditEntry, LedgerRow, ReadModel } from '@timeline/projections';
import { CommitmentIdParams } from '../commitments/commitment-id.params';
import { Column, exportFormat, exportRows, pages, sourceColumns } from '../http/export';
import { ProblemException } from '../http/problem';
import { CLOCK } from '../runtime/tokens';
import { ConsistencyParams, endOfPeriod, ProjectionWait, resolveTime, startOfPeriod, TimeParams } from '../time-travel/time-params';

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

export class AuditParams extends ConsistencyParams {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'Recorded at or after the start of this date' })
  @IsOptional()
  @IsString()
  from?: string;
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Recorded by the end of this date' }) @IsOptional() @IsString() to?: string;
  @ApiPropertyOptional({ example: 'seed:belarus-russia-2021' }) @IsOptional() @IsString() @MaxLength(200) actor?: string;
  @PartyList()
  party?: string[];
  @ApiPropertyOptional({ example: 'EventCorrected,EventRetracted' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(EVENT_TYPES, { each: true, message: `type must be among ${EVENT_TYPES.join(', ')}` })
  type?: string[];
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be a nextCursor from an earlier page' })
  cursor?: string;
  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;
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

const AUDIT_COLUMNS: Column<AuditEntry>[] = [
  { name: 'position', value: (row) => row.position },
  { name: 'recordedAt', value: (row) => row.recordedAt },
  { name: 'actor', value: (row) => row.actor },
  { name: 'type', value: (row) => row.type },
  { name: 'eventId', value: (row) => row.eventId },
  { name: 'streamId', value: (row) => row.streamId },
  { name: 'streamVersion', value: (row) => row.streamVersion },
  { name: 'effectiveAt', value: (row) => (row.effectiveAt as { at: string }).at },
  { name: 'precision', value: (row) => (row.effectiveAt as { precision: string }).precision },
  { name: 'confidence', value: (row) => row.confidence },
  ...sourceColumns<AuditEntry>((row) => row.source),
  { name: 'causationId', value: (row) => row.causationId },
  { name: 'data', value: (row) => row.data },
];

const HISTORY_COLUMNS: Column<HistoryVersion>[] = [
  { name: 'version', value: (row) => row.version },
  { name: 'type', value: (row) => row.type },
  { name: 'eventId', value: (row) => row.eventId },
  { name: 'effectiveAt', value: (row) => row.effectiveAt.at },
  { name: 'precision', value: (row) => row.effectiveAt.precision },
  { name: 'recordedAt', value: (row) => row.recordedAt },
  { name: 'actor', value: (row) => row.actor },
  { name: 'confidence', value: (row) => row.confidence },
  ...sourceColumns<HistoryVersion>((row) => row.source),
  {
    name: 'changes',
    value: (row) => row.changes.map((change) => `${change.path}: ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`),
  },
  { name: 'fixes', value: (row) => row.fixes?.eventId },
];

/** How commitments changed, who recorded what, and pledged against delivered. */
@ApiTags('audit')
@Controller('v1')
export class AuditController {
  constructor(
    private readonly readModel: ReadModel,
    private readonly wait: ProjectionWait,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  /** Every version in recorded order, with field-level changes, actor and source; corrections point at what they fix. */
  @Get('commitments/:id/history')
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  @ApiOkResponse({ type: HistoryDto })
  async history(@Param() params: CommitmentIdParams, @Query() consistency: ConsistencyParams, @Req() request: Request) {
    const events = await this.events(params.id, consistency);
    const versions = commitmentHistory(events);
    const format = exportFormat(request);
    if (format) return exportRows(format, versions, HISTORY_COLUMNS, `history-${params.id}`);
    return { id: params.id, versions };
  }

  /** The two axes: how the commitment changed over effective time, and how our knowledge of it changed over recorded time. */
  @Get('commitments/:id/axes')
  async axes(@Param() params: CommitmentIdParams, @Query() consistency: ConsistencyParams) {
    const events = await this.events(params.id, consistency);
    const { knownAt } = resolveTime({ knownAt: consistency.knownAt }, this.clock());
    return { id: params.id, knownAt, effective: effectiveAxis(events, knownAt), knowledge: knowledgeAxis(events) };
  }

  @Get('ledger')
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

  @Get('audit')
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  async audit(@Query() params: AuditParams, @Req() request: Request) {
    await this.wait.until(this.readModel, params.minPosition);
    const query = {
      from: params.from ? startOfPeriod(params.from, 'from') : undefined,
      to: params.to ? endOfPeriod(params.to, 'to') : undefined,
      actor: params.actor,
      parties: params.party,
      types: params.type,
    };
    const format = exportFormat(request);
    if (format) {
      const rows = pages(
        (after: string | undefined, limit) => this.readModel.audit({ ...query, after, limit }),
        (row) => row.position,
      );
      return exportRows(format, rows, AUDIT_COLUMNS, 'audit');
    }
    const limit = params.limit ?? 100;
    const items = await this.readModel.audit({ ...query, after: params.cursor, limit: limit + 1 });
    const page = items.slice(0, limit);
    return { items: page, nextCursor: items.length > limit ? page[page.length - 1].position : null };
  }

  private async events(id: string, consistency: ConsistencyParams) {
    await this.wait.until(this.readModel, consistency.minPosition);
    const { reportedBy } = resolveTime({ reportedBy: consistency.reportedBy }, this.clock());
    const events = await this.readModel.stream(`commitment-${id}`);
    if (events.length === 0) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'commitment_not_found', 'Not found', `no commitment has id ${id}`, [
        { field: 'id', message: 'no commitment has this id' },
      ]);
    }
    // On the reported axis: the versions whose sources had been published by then.
    return reportedBy ? reportedEvents(events, reportedBy) : events;
  }
}

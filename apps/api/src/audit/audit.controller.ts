import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { commaList, PartyList } from '../http/query';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Request } from 'express';
import { EVENT_TYPES } from '@timeline/event-schemas';
import { AuditEntry, ReadModel } from '@timeline/projections';
import { Column, exportFormat, exportRows, pages, sourceColumns } from '../http/export';
import { ConsistencyParams, endOfPeriod, ProjectionWait, startOfPeriod } from '../time-travel/time-params';

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

/** Who recorded what, and when: the log of recorded events, filtered and paged, or streamed as CSV or NDJSON. */
@ApiTags('audit')
@Controller('v1')
export class AuditController {
  constructor(
    private readonly readModel: ReadModel,
    private readonly wait: ProjectionWait,
  ) {}

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
}

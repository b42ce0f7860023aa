import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Request } from 'express';
import { COMMITMENT_KINDS, COMMITMENT_STATUSES } from '@timeline/domain';
import { CommitmentAsOfView, CommitmentFilter, ReadModel } from '@timeline/projections';
import { Column, exportFormat, exportRows, pages } from '../../http/export';
import { commaList, PartyList } from '../../http/query';
import { CLOCK } from '../../runtime/tokens';
import { CommitmentPageDto } from '../../time-travel/answers.dto';
import { decodeIdCursor, encodeIdCursor } from '../../time-travel/id-cursor';
import { ProjectionWait, resolveTime, TimeParams } from '../../time-travel/time-params';
import { citation, claimsCell, commitmentAnswer, corroborationsCell, sourceIds } from '../commitment-answer';

export class CommitmentListParams extends TimeParams {
  @PartyList()
  party?: string[];

  @ApiPropertyOptional({ example: 'pledged,requested', description: 'Comma-separated statuses' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(COMMITMENT_STATUSES, { each: true, message: `status must be among ${COMMITMENT_STATUSES.join(', ')}` })
  status?: string[];

  @ApiPropertyOptional({ example: 'loan', description: 'Comma-separated kinds' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(COMMITMENT_KINDS, { each: true, message: `kind must be among ${COMMITMENT_KINDS.join(', ')}` })
  kind?: string[];

  @ApiPropertyOptional({ description: 'From `nextCursor` of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{2,400}$/, { message: 'cursor must be a nextCursor from an earlier page' })
  cursor?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000, description: 'Commitments per page, in id order' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;
}

@ApiTags('time travel')
@Controller('v1/commitments')
export class ListCommitmentsController {
  constructor(
    private readonly readModel: ReadModel,
    private readonly wait: ProjectionWait,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  /** Commitments as of a date, as known at a time, by indexed lookup in the bitemporal read model. */
  @Get()
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    type: CommitmentPageDto,
    description: 'A page of commitments; CSV adds lapsedAt and the sources of status, amount, validUntil and disbursed',
  })
  async list(@Query() params: CommitmentListParams, @Req() request: Request) {
    const { asOf, knownAt, reportedBy } = resolveTime(params, this.clock());
    await this.wait.until(this.readModel, params.minPosition);
    const filter: CommitmentFilter = { parties: params.party, status: params.status, kind: params.kind };
    const format = exportFormat(request);
    if (format) {
      // Every commitment that matches, page by page in id order: memory stays flat.
      const rows = pages(
        async (after: string | undefined, limit) =>
          (await this.readModel.commitments(asOf, knownAt, filter, { after, limit }, reportedBy)).map(commitmentAnswer),
        (row) => row.id,
      );
      return exportRows(format, rows, COMMITMENT_COLUMNS, `commitments-${asOf.slice(0, 10)}`);
    }
    const limit = params.limit ?? 100;
    const after = params.cursor === undefined ? undefined : decodeIdCursor(params.cursor);
    const items = await this.readModel.commitments(asOf, knownAt, filter, { after, limit: limit + 1 }, reportedBy);
    const page = items.slice(0, limit);
    const nextCursor = items.length > limit ? encodeIdCursor(page[page.length - 1].id) : null;
    return { asOf, knownAt, ...(reportedBy && { reportedBy }), count: page.length, items: page.map(commitmentAnswer), nextCursor };
  }
}

const COMMITMENT_COLUMNS: Column<CommitmentAsOfView>[] = [
  { name: 'id', value: (row) => row.id },
  { name: 'title', value: (row) => row.title },
  { name: 'kind', value: (row) => row.kind },
  { name: 'by', value: (row) => row.by },
  { name: 'to', value: (row) => row.to },
  { name: 'status', value: (row) => row.status },
  { name: 'pledged', value: (row) => row.pledged },
  { name: 'disbursed', value: (row) => row.disbursed },
  { name: 'outstanding', value: (row) => row.outstanding },
  { name: 'currency', value: (row) => row.currency },
  { name: 'unit', value: (row) => row.unit },
  { name: 'validFrom', value: (row) => row.terms.validFrom },
  { name: 'validUntil', value: (row) => row.terms.validUntil },
  { name: 'restrictions', value: (row) => row.terms.restrictions },
  { name: 'conditions', value: (row) => row.terms.conditions },
  { name: 'version', value: (row) => row.version },
  { name: 'uncertainEvents', value: (row) => row.uncertain.map((fact) => fact.eventId) },
  // New columns go last, so that readers of the earlier columns by position keep working.
  { name: 'lapsedAt', value: (row) => row.lapsedAt },
  { name: 'statusSource', value: (row) => citation(row.sources.status) },
  { name: 'amountSource', value: (row) => citation(row.sources['terms.amount']) },
  { name: 'validUntilSource', value: (row) => citation(row.sources['terms.validUntil']) },
  { name: 'disbursedSource', value: (row) => citation(row.sources.disbursed) },
  { name: 'sources', value: (row) => sourceIds(row.sources) },
  { name: 'claims', value: (row) => claimsCell(row.sources) },
  { name: 'corroboratedBy', value: (row) => corroborationsCell(Object.values(row.sources)) },
];

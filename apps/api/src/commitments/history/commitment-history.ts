import { Controller, Get, HttpStatus, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HistoryDto } from './history.dto';
import type { Request } from 'express';
import { commitmentHistory, effectiveAxis, HistoryVersion, knowledgeAxis, reportedEvents } from '@timeline/domain';
import { ReadModel } from '@timeline/projections';
import { Column, exportFormat, exportRows, sourceColumns } from '../../http/export';
import { ProblemException } from '../../http/problem';
import { CLOCK } from '../../runtime/tokens';
import { ConsistencyParams, ProjectionWait, resolveTime } from '../../time-travel/time-params';
import { CommitmentIdParams } from '../commitment-id.params';

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

/** How one commitment changed: every version with field-level changes, and its two time axes. */
@ApiTags('audit')
@Controller('v1/commitments')
export class CommitmentHistoryController {
  constructor(
    private readonly readModel: ReadModel,
    private readonly wait: ProjectionWait,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  /** Every version in recorded order, with field-level changes, actor and source; corrections point at what they fix. */
  @Get(':id/history')
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
  @Get(':id/axes')
  async axes(@Param() params: CommitmentIdParams, @Query() consistency: ConsistencyParams) {
    const events = await this.events(params.id, consistency);
    const { knownAt } = resolveTime({ knownAt: consistency.knownAt }, this.clock());
    return { id: params.id, knownAt, effective: effectiveAxis(events, knownAt), knowledge: knowledgeAxis(events) };
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

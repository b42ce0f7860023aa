import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { PartyListDto } from './answers.dto';
import { Transform } from 'class-transformer';
import { commaList, PartyList } from '../http/query';
import { IsBooleanString, IsIn, IsOptional } from 'class-validator';
import {
  Aggregate,
  deploymentAggregate,
  OCCURRENCE_KINDS,
  occurrenceAggregate,
  partyAggregate,
  TRACK_STATUSES,
  trackAggregate,
} from '@timeline/domain';
import { ReadModel } from '@timeline/projections';
import { CLOCK } from '../runtime/tokens';
import { endOfPeriod, ProjectionWait, resolveTime, startOfPeriod, TimeParams } from '../time-travel/time-params';

class EntityListParams extends TimeParams {
  @PartyList()
  party?: string[];
}
class TrackListParams extends EntityListParams {
  @ApiPropertyOptional({ example: 'signed,in_implementation' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(TRACK_STATUSES, { each: true, message: `status must be among ${TRACK_STATUSES.join(', ')}` })
  status?: string[];
}
class DeadlineParams extends TrackListParams {
  @ApiPropertyOptional({ example: '2022', description: 'Deadlines whose due period ends after the start of this date' })
  @IsOptional()
  from?: string;
  @ApiPropertyOptional({ example: '2023', description: 'Deadlines whose due period starts before the end of this date' })
  @IsOptional()
  to?: string;
}
class DeploymentListParams extends EntityListParams {
  @ApiPropertyOptional({ example: 'true', description: 'Only deployments active at asOf (default true)' })
  @IsOptional()
  @IsBooleanString({ message: 'active must be true or false' })
  active?: string;
}
class OccurrenceListParams extends EntityListParams {
  @ApiPropertyOptional({ example: 'meeting,exercise' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(OCCURRENCE_KINDS, { each: true, message: `kind must be among ${OCCURRENCE_KINDS.join(', ')}` })
  kind?: string[];
}

interface TrackView {
  trackId: string;
  title: string;
  status: string;
  deadlines: { deadlineId: string; description: string; due: string; dueAt: string; dueUntil: string }[];
  sources?: Record<string, unknown>;
}

/** Parties, tracks, deployments and occurrences as of (asOf, knownAt); their commands are slices of their own (parties/, tracks/, deployments/, occurrences/). */
@ApiTags('parties, tracks, deployments, occurrences')
@Controller('v1')
export class EntitiesController {
  constructor(
    private readonly readModel: ReadModel,
    private readonly wait: ProjectionWait,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  private async read(aggregate: Aggregate, params: TimeParams & { party?: string[] }, activeOnly = false) {
    const { asOf, knownAt, reportedBy } = resolveTime(params, this.clock());
    await this.wait.until(this.readModel, params.minPosition);
    const items = await this.readModel.entities(aggregate.streamType, asOf, knownAt, { parties: params.party, activeOnly, reportedBy });
    return { asOf, knownAt, ...(reportedBy && { reportedBy }), items };
  }

  @Get('parties')
  @ApiOkResponse({ type: PartyListDto })
  async parties(@Query() params: EntityListParams) {
    const result = await this.read(partyAggregate, params);
    return { ...result, count: result.items.length };
  }

  @Get('tracks')
  async tracks(@Query() params: TrackListParams) {
    const result = await this.read(trackAggregate, params);
    const items = params.status ? result.items.filter((item) => params.status!.includes(String(item.status))) : result.items;
    return { ...result, count: items.length, items };
  }

  /** Deadlines of the tracks known at (asOf, knownAt) that fall in [from, to]. */
  @Get('deadlines')
  async deadlines(@Query() params: DeadlineParams) {
    const from = params.from ? startOfPeriod(params.from, 'from') : undefined;
    const to = params.to ? endOfPeriod(params.to, 'to') : undefined;
    const result = await this.read(trackAggregate, params);
    const items = (result.items as unknown as TrackView[])
      .filter((track) => !params.status || params.status.includes(track.status))
      .flatMap((track) =>
        track.deadlines.map((deadline) => ({
          ...deadline,
          trackId: track.trackId,
          track: track.title,
          trackStatus: track.status,
          // The source of the due date as it now stands: the event that set it, or the correction that changed it.
          source: track.sources?.[`deadlines[${deadline.deadlineId}].due`] ?? null,
        })),
      )
      .filter((deadline) => (!from || deadline.dueUntil > from) && (!to || deadline.dueAt <= to))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.track.localeCompare(b.track));
    return { asOf: result.asOf, knownAt: result.knownAt, count: items.length, items };
  }

  @Get('deployments')
  async deployments(@Query() params: DeploymentListParams) {
    const result = await this.read(deploymentAggregate, params, params.active !== 'false');
    return { ...result, count: result.items.length };
  }

  @Get('occurrences')
  async occurrences(@Query() params: OccurrenceListParams) {
    const result = await this.read(occurrenceAggregate, params);
    const items = params.kind ? result.items.filter((item) => params.kind!.includes(String(item.kind))) : result.items;
    return { ...result, count: items.length, items };
  }
}

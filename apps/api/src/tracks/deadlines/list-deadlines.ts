import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { trackAggregate } from '@timeline/domain';
import { EntityReader } from '../../time-travel/entity-reader';
import { endOfPeriod, startOfPeriod } from '../../time-travel/time-params';
import { TrackListParams } from '../list/list-tracks';

class DeadlineParams extends TrackListParams {
  @ApiPropertyOptional({ example: '2022', description: 'Deadlines whose due period ends after the start of this date' })
  @IsOptional()
  from?: string;
  @ApiPropertyOptional({ example: '2023', description: 'Deadlines whose due period starts before the end of this date' })
  @IsOptional()
  to?: string;
}

interface TrackView {
  trackId: string;
  title: string;
  status: string;
  deadlines: { deadlineId: string; description: string; due: string; dueAt: string; dueUntil: string }[];
  sources?: Record<string, unknown>;
}

@ApiTags('parties, tracks, deployments, occurrences')
@Controller('v1/deadlines')
export class ListDeadlinesController {
  constructor(private readonly entities: EntityReader) {}

  /** Deadlines of the tracks known at (asOf, knownAt) that fall in [from, to]. */
  @Get()
  async deadlines(@Query() params: DeadlineParams) {
    const from = params.from ? startOfPeriod(params.from, 'from') : undefined;
    const to = params.to ? endOfPeriod(params.to, 'to') : undefined;
    const result = await this.entities.read(trackAggregate, params);
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
}

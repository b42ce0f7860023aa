import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { TRACK_STATUSES, trackAggregate } from '@timeline/domain';
import { commaList } from '../../http/query';
import { EntityListParams, EntityReader } from '../../time-travel/entity-reader';

export class TrackListParams extends EntityListParams {
  @ApiPropertyOptional({ example: 'signed,in_implementation' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(TRACK_STATUSES, { each: true, message: `status must be among ${TRACK_STATUSES.join(', ')}` })
  status?: string[];
}

@ApiTags('parties, tracks, deployments, occurrences')
@Controller('v1/tracks')
export class ListTracksController {
  constructor(private readonly entities: EntityReader) {}

  /** The tracks (integration programmes) as of (asOf, knownAt, reportedBy), optionally of some statuses. */
  @Get()
  async tracks(@Query() params: TrackListParams) {
    const result = await this.entities.read(trackAggregate, params);
    const items = params.status ? result.items.filter((item) => params.status!.includes(String(item.status))) : result.items;
    return { ...result, count: items.length, items };
  }
}

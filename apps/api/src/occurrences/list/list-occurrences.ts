import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { OCCURRENCE_KINDS, occurrenceAggregate } from '@timeline/domain';
import { commaList } from '../../http/query';
import { EntityListParams, EntityReader } from '../../time-travel/entity-reader';

class OccurrenceListParams extends EntityListParams {
  @ApiPropertyOptional({ example: 'meeting,exercise' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(OCCURRENCE_KINDS, { each: true, message: `kind must be among ${OCCURRENCE_KINDS.join(', ')}` })
  kind?: string[];
}

@ApiTags('parties, tracks, deployments, occurrences')
@Controller('v1/occurrences')
export class ListOccurrencesController {
  constructor(private readonly entities: EntityReader) {}

  /** Meetings, exercises and other dated occurrences as of (asOf, knownAt, reportedBy), optionally of some kinds. */
  @Get()
  async occurrences(@Query() params: OccurrenceListParams) {
    const result = await this.entities.read(occurrenceAggregate, params);
    const items = params.kind ? result.items.filter((item) => params.kind!.includes(String(item.kind))) : result.items;
    return { ...result, count: items.length, items };
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { partyAggregate } from '@timeline/domain';
import { EntityListParams, EntityReader } from '../../time-travel/entity-reader';

@ApiTags('parties, tracks, deployments, occurrences')
@Controller('v1/parties')
export class ListPartiesController {
  constructor(private readonly entities: EntityReader) {}

  /** The parties as of (asOf, knownAt, reportedBy). */
  @Get()
  async parties(@Query() params: EntityListParams) {
    const result = await this.entities.read(partyAggregate, params);
    return { ...result, count: result.items.length };
  }
}

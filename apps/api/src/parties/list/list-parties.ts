import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { partyAggregate } from '@timeline/domain';
import { EntityListParams, EntityReader } from '../../time-travel/entity-reader';
import { PartyListDto } from '../../time-travel/entity-answers.dto';

@ApiTags('parties, tracks, deployments, occurrences')
@Controller('v1/parties')
export class ListPartiesController {
  constructor(private readonly entities: EntityReader) {}

  /** The parties as of (asOf, knownAt, reportedBy). */
  @Get()
  @ApiOkResponse({ type: PartyListDto })
  async parties(@Query() params: EntityListParams) {
    const result = await this.entities.read(partyAggregate, params);
    return { ...result, count: result.items.length };
  }
}

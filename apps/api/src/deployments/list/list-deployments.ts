import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBooleanString, IsOptional } from 'class-validator';
import { deploymentAggregate } from '@timeline/domain';
import { EntityListParams, EntityReader } from '../../time-travel/entity-reader';

class DeploymentListParams extends EntityListParams {
  @ApiPropertyOptional({ example: 'true', description: 'Only deployments active at asOf (default true)' })
  @IsOptional()
  @IsBooleanString({ message: 'active must be true or false' })
  active?: string;
}

@ApiTags('parties, tracks, deployments, occurrences')
@Controller('v1/deployments')
export class ListDeploymentsController {
  constructor(private readonly entities: EntityReader) {}

  /** The deployments as of (asOf, knownAt, reportedBy): those active at asOf unless `active=false`. */
  @Get()
  async deployments(@Query() params: DeploymentListParams) {
    const result = await this.entities.read(deploymentAggregate, params, params.active !== 'false');
    return { ...result, count: result.items.length };
  }
}

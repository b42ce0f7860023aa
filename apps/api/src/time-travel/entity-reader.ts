import { Inject, Injectable } from '@nestjs/common';
import type { Aggregate } from '@timeline/domain';
import { ReadModel } from '@timeline/projections';
import { PartyList } from '../http/query';
import { CLOCK } from '../runtime/tokens';
import { ProjectionWait, resolveTime, TimeParams } from './time-params';

/** What every list of parties, tracks, deployments or occurrences takes: the three axes and a party filter. */
export class EntityListParams extends TimeParams {
  @PartyList()
  party?: string[];
}

/** One aggregate's entities as of (asOf, knownAt, reportedBy), for the list slices of parties, tracks, deployments and occurrences. */
@Injectable()
export class EntityReader {
  constructor(
    private readonly readModel: ReadModel,
    private readonly wait: ProjectionWait,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  async read(aggregate: Aggregate, params: EntityListParams, activeOnly = false) {
    const { asOf, knownAt, reportedBy } = resolveTime(params, this.clock());
    await this.wait.until(this.readModel, params.minPosition);
    const items = await this.readModel.entities(aggregate.streamType, asOf, knownAt, { parties: params.party, activeOnly, reportedBy });
    return { asOf, knownAt, ...(reportedBy && { reportedBy }), items };
  }
}

import { Controller, Get, HttpStatus, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  commitmentAggregate,
  commitmentAsOf,
  commitmentExists,
  foldAggregate,
  outstanding,
  RECORDED,
  Sources,
  streamIdOf,
  Terms,
  validityEnd,
} from '@timeline/domain';
import { commitmentAnswer } from '../commitment-answer';
import { CommitmentAnswerDto } from '../../time-travel/answers.dto';
import type { EventStore } from '@timeline/event-store';
import { ProblemException } from '../../http/problem';
import { ReadModel } from '@timeline/projections';
import { CLOCK, EVENT_STORE } from '../../runtime/tokens';
import { ProjectionWait, resolveTime, TimeParams } from '../../time-travel/time-params';
import { CommitmentIdParams } from '../commitment-id.params';

export interface CommitmentView {
  id: string;
  version: number;
  kind: string;
  title: string;
  by: string;
  to: string;
  /** As recorded, except that an open status whose validity (terms.validUntil) has ended by now is `lapsed`. */
  status: string;
  /** For a derived lapse, the first instant after terms.validUntil; null otherwise. */
  lapsedAt: string | null;
  terms: Terms;
  /** Sum of disbursements, in the terms' currency (or unit); absent for a rate (a price). */
  disbursed?: string;
  /** Amount less disbursed, when the terms have an amount; null once lapsed; absent for a rate. */
  outstanding?: string | null;
  /** For each fact, the source of its current value (the correction's for a corrected value). */
  sources: Sources;
  currency: string | null;
  amendments: number;
  disbursements: number;
  firstRecordedAt: string;
  lastRecordedAt: string;
  position: string;
}

export class GetCommitmentQuery {
  constructor(readonly commitmentId: string) {}
}

/** Current state of one commitment, folded from its stream (an indexed read of one stream). */
@QueryHandler(GetCommitmentQuery)
export class GetCommitmentHandler implements IQueryHandler<GetCommitmentQuery, CommitmentView | undefined> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  async execute({ commitmentId }: GetCommitmentQuery): Promise<CommitmentView | undefined> {
    const events = await this.store.readStream(streamIdOf(commitmentAggregate, commitmentId));
    const state = foldAggregate(commitmentAggregate, events);
    if (!commitmentExists(state)) return undefined;
    const last = events[events.length - 1];
    const now = this.clock().getTime();
    const end = state.status === 'requested' || state.status === 'pledged' ? validityEnd(state.terms) : undefined;
    const lapsed = end !== undefined && end <= now;
    // Every fact recorded so far, whatever its date: the sources of the fold at the end of valid time.
    const recorded = commitmentAsOf(events, EVERYTHING, new Date(now).toISOString(), RECORDED);
    const sources = recorded?.sources ?? {};
    return commitmentAnswer({
      id: commitmentId,
      version: last.streamVersion,
      kind: state.kind,
      title: state.title,
      by: state.by,
      to: state.to,
      status: lapsed ? 'lapsed' : state.status,
      lapsedAt: lapsed ? new Date(end).toISOString() : null,
      sources: lapsed && sources['terms.validUntil'] ? { ...sources, status: sources['terms.validUntil'] } : sources,
      terms: state.terms,
      disbursed: state.disbursed,
      outstanding: lapsed || state.status === 'lapsed' ? null : (outstanding(state) ?? null),
      currency: state.terms.currency ?? null,
      amendments: state.amendmentCount,
      disbursements: state.disbursementCount,
      firstRecordedAt: events[0].recordedAt,
      lastRecordedAt: last.recordedAt,
      position: last.position,
    });
  }
}

/** The last instant of valid time: every recorded fact counts. */
const EVERYTHING = '9999-12-31T23:59:59.999Z';

@ApiTags('commitments')
@Controller('v1/commitments')
export class GetCommitmentController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly readModel: ReadModel,
    private readonly wait: ProjectionWait,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  /** The commitment at a valid time as known at a transaction time, from the bitemporal read model. */
  private async asOf(id: string, time: TimeParams) {
    const { asOf, knownAt, reportedBy } = resolveTime(time, this.clock());
    await this.wait.until(this.readModel, time.minPosition);
    const view = await this.readModel.commitment(id, asOf, knownAt, reportedBy);
    if (!view) {
      const reported = reportedBy ? `, as reported by ${reportedBy}` : '';
      throw new ProblemException(
        HttpStatus.NOT_FOUND,
        'commitment_not_found',
        'Not found',
        `commitment ${id} did not exist on ${asOf} as known at ${knownAt}${reported}`,
        [{ field: 'id', message: 'no such commitment at that date' }],
      );
    }
    return { asOf, knownAt, ...(reportedBy && { reportedBy }), ...commitmentAnswer(view) };
  }

  @Get(':id')
  @ApiResponse({
    status: 200,
    type: CommitmentAnswerDto,
    description:
      'The commitment; ETag is its version. Without asOf/knownAt: as recorded so far (with amendments, disbursements, firstRecordedAt, lastRecordedAt, position), lapsed when its validity ended before now',
  })
  @ApiResponse({ status: 304, description: 'If-None-Match names the current version' })
  @ApiResponse({ status: 404, description: 'No such commitment' })
  async get(
    @Param() params: CommitmentIdParams,
    @Query() time: TimeParams,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (time.asOf !== undefined || time.knownAt !== undefined || time.reportedBy !== undefined || time.minPosition !== undefined) {
      return this.asOf(params.id, time);
    }
    const view = await this.queryBus.execute<GetCommitmentQuery, CommitmentView | undefined>(new GetCommitmentQuery(params.id));
    if (!view) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'commitment_not_found', 'Not found', `no commitment has id ${params.id}`, [
        { field: 'id', message: 'no commitment has this id' },
      ]);
    }
    const etag = `"${view.version}"`;
    response.setHeader('ETag', etag);
    if (request.header('if-none-match') === etag) {
      response.status(304);
      return undefined;
    }
    return view;
  }
}

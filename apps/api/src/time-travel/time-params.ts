import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@timeline/event-store';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { effectiveUntil, InvalidEffectiveTime, parseEffectiveTime } from '@timeline/domain';
import { ReadModel } from '@timeline/projections';
import { FieldError, invalidRequest, ProblemException } from '../http/problem';
import { EVENT_STORE } from '../runtime/tokens';

/** Transaction time and read-your-writes, taken by every read. */
export class ConsistencyParams {
  @ApiPropertyOptional({
    description: 'Transaction time: only what had been recorded by the end of this date or this instant. Default: now.',
    example: '2021-10-01T12:00:00Z',
  })
  @IsOptional()
  knownAt?: string;

  @ApiPropertyOptional({
    description:
      "Reported time: only what the sources had published by the end of this date or this instant (each source's publishedAt, " +
      'counted from the first instant of its period, as asOf counts effectiveAt). Default: everything recorded.',
    example: '2021-09-08',
  })
  @IsOptional()
  reportedBy?: string;

  @ApiPropertyOptional({ description: 'Wait (briefly) until the write at this position is in the read models', example: '1042' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'minPosition must be a position from a write answer, like "1042"' })
  minPosition?: string;
}

export class TimeParams extends ConsistencyParams {
  @ApiPropertyOptional({
    description: 'Valid time: the state at the end of this date (YYYY, YYYY-MM, YYYY-MM-DD) or at this instant. Default: now.',
    example: '2021-09-30',
  })
  @IsOptional()
  asOf?: string;
}

/**
 * A date in a query names a whole period: `asOf=2021-09-30` means the state at
 * the end of that day, `asOf=2021` at the end of the year. An instant is taken as it is.
 */
export function endOfPeriod(text: string, field: string): string {
  try {
    const time = parseEffectiveTime(text);
    if (time.precision === 'instant') return time.at;
    return new Date(Date.parse(effectiveUntil(time)) - 1).toISOString();
  } catch (error) {
    if (error instanceof InvalidEffectiveTime) throw invalidRequest([{ field, message: error.message }]);
    throw error;
  }
}

/** The first instant of the period a query date names (`from=2022` starts on 1 January 2022). */
export function startOfPeriod(text: string, field: string): string {
  try {
    return parseEffectiveTime(text).at;
  } catch (error) {
    if (error instanceof InvalidEffectiveTime) throw invalidRequest([{ field, message: error.message }]);
    throw error;
  }
}

export interface ResolvedTime {
  readonly asOf: string;
  readonly knownAt: string;
  /** Absent when not asked: then every source counts, whenever published. */
  readonly reportedBy?: string;
}

export function resolveTime(params: TimeParams & Pick<ConsistencyParams, 'reportedBy'>, now: Date): ResolvedTime {
  const errors: FieldError[] = [];
  const take = (value: string | undefined, field: string) => {
    if (value === undefined) return now.toISOString();
    try {
      return endOfPeriod(value, field);
    } catch (error) {
      if (error instanceof ProblemException && error.errors) errors.push(...error.errors);
      return now.toISOString();
    }
  };
  const asOf = take(params.asOf, 'asOf');
  const knownAt = take(params.knownAt, 'knownAt');
  const reportedBy = params.reportedBy === undefined ? undefined : take(params.reportedBy, 'reportedBy');
  if (errors.length) throw invalidRequest(errors);
  return { asOf, knownAt, ...(reportedBy !== undefined && { reportedBy }) };
}

const WAIT_MS = 2_000;
const POLL_MS = 25;

/**
 * Read your writes: waits for the projector to reach a position, else 503
 * with Retry-After. A position no write has reached yet is the client's
 * mistake (400), not something to wait for. Read models that do not exist
 * yet are a 503 too, from the problem filter, whatever query meets them first.
 */
@Injectable()
export class ProjectionWait {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async until(readModel: ReadModel, minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const head = await this.store.headPosition();
    if (BigInt(minPosition) > BigInt(head)) {
      throw invalidRequest([
        { field: 'minPosition', message: `is beyond the newest recorded event (position ${head}); take it from a write's answer` },
      ]);
    }
    const deadline = Date.now() + WAIT_MS;
    while (!(await readModel.hasProjected(minPosition))) {
      if (Date.now() >= deadline) throw notYet(`the read models have not reached position ${minPosition} yet`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

export function notYet(detail: string): ProblemException {
  return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, 'projection_behind', 'Service unavailable', detail, undefined, {
    retryAfterSeconds: 1,
  });
}

import { Controller, Get, Inject, OnModuleDestroy, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { commaList } from '../http/query';
import { ArrayMaxSize, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import { PARTY_CODE } from '@timeline/domain';
import { EVENT_TYPES } from '@timeline/event-schemas';
import { invalidRequest } from '../http/problem';
import { endOfPeriod } from '../time-travel/time-params';
import { RUNTIME } from '../runtime/tokens';
import { EventFeed, type Runtime } from '@timeline/runtime';
import { RecordedEventDto, StreamOverflowDto } from './streamed-event.dto';
import { Subscriber } from './subscriber';

export class StreamParams {
  @ApiPropertyOptional({ example: 'CommitmentRecorded,DeploymentStarted' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(EVENT_TYPES, { each: true, message: `types must be among ${EVENT_TYPES.join(', ')}` })
  types?: string[];

  @ApiPropertyOptional({ example: 'BY,RU' })
  @IsOptional()
  @Transform(commaList)
  @ArrayMaxSize(50)
  @Matches(PARTY_CODE, { each: true, message: 'parties must be party codes like "BY"' })
  parties?: string[];

  @ApiPropertyOptional({ example: 'commitment-0190f5a8-0000-7000-8000-000000000001' })
  @IsOptional()
  @Transform(commaList)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  streams?: string[];

  @ApiPropertyOptional({ example: '1042', description: 'Resume after this position (Last-Event-ID wins); 0 for everything' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'from must be a position, like "1042"' })
  from?: string;

  @ApiPropertyOptional({
    example: '2021-09-08',
    description:
      "Reported time: only events whose source had been published by the end of this date or this instant (the source's " +
      'publishedAt, counted from the first instant of its period), in the catch-up and live alike. Default: every event.',
  })
  @IsOptional()
  @IsString()
  reportedBy?: string;
}

export const SSE_LIMITS = { heartbeatMs: 15_000, maxQueuedEvents: 1_000 };

/** New events as Server-Sent Events: filtered, resumable, with heartbeats. */
@ApiTags('subscriptions')
@Controller('v1/events')
export class SubscriptionsController implements OnModuleDestroy {
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    private readonly feed: EventFeed,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Get('stream')
  @ApiProduces('text/event-stream')
  @ApiExtraModels(RecordedEventDto, StreamOverflowDto)
  @ApiOkResponse({
    description:
      'Server-sent events. Each event is a frame `id: <position>`, `event: <type>`, `data: <JSON>`, the JSON a ' +
      '`#/components/schemas/RecordedEventDto`; a subscriber that falls behind gets one `event: overflow` frame ' +
      '(data: a `#/components/schemas/StreamOverflowDto`) and is disconnected; ' +
      'comment lines (`: heartbeat`) keep the connection open.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        examples: {
          event: { value: 'id: 1042\nevent: CommitmentRecorded\ndata: {"id":"…","type":"CommitmentRecorded","position":"1042",…}\n\n' },
        },
      },
    },
  })
  async stream(@Query() params: StreamParams, @Req() request: Request, @Res() response: Response): Promise<void> {
    const lastEventId = request.header('last-event-id');
    if (lastEventId !== undefined && !/^\d{1,18}$/.test(lastEventId)) {
      throw invalidRequest([{ field: 'Last-Event-ID', message: 'must be the id of an event received, like "1042"' }]);
    }
    const from = lastEventId ?? params.from ?? this.feed.position;
    // Refused with a problem document before the stream's headers are sent.
    const reportedBy = params.reportedBy === undefined ? undefined : Date.parse(endOfPeriod(params.reportedBy, 'reportedBy'));
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // A HEAD has no body to stream: its headers are the whole answer (found by the fuzz job: it hung).
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    response.write('retry: 1000\n\n');
    const filter = {
      types: params.types ? new Set(params.types) : undefined,
      parties: params.parties ? new Set(params.parties) : undefined,
      streams: params.streams ? new Set(params.streams) : undefined,
      reportedBy,
    };
    let unsubscribe = () => undefined as unknown;
    const heartbeat = setInterval(() => subscriber.heartbeat(), this.runtime.config.sseHeartbeatMs ?? SSE_LIMITS.heartbeatMs);
    const subscriber: Subscriber = new Subscriber(
      response,
      filter,
      { maxQueuedEvents: this.runtime.config.sseMaxQueuedEvents ?? SSE_LIMITS.maxQueuedEvents },
      from,
      () => {
        clearInterval(heartbeat);
        unsubscribe();
        this.subscribers.delete(subscriber);
      },
    );
    this.subscribers.add(subscriber);
    request.on('close', () => subscriber.close());
    unsubscribe = this.feed.subscribe((item) => subscriber.onLive(item));
    await subscriber.catchUp(this.runtime.db.pool, (event) => this.feed.partiesOf(event));
  }

  onModuleDestroy(): void {
    for (const subscriber of this.subscribers) subscriber.close();
  }
}

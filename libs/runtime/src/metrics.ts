import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppendRequest, AppendResult, EventStore } from '@timeline/event-store';
import { WrongExpectedVersion } from '@timeline/event-store';

/** Sources the gauges read at scrape time; each is optional, as not every process runs every role. */
export interface MetricSources {
  /** Events committed to the table and not yet on the topic (Kafka mode). */
  relayLag?: () => Promise<number>;
  /** Records (or table events) the read models are behind, per partition. */
  projectorLag?: () => Promise<readonly { partition: number; lag: number }[]>;
  /** The same with each partition's lag age and stall (see ProjectorStaleness). */
  projectorStaleness?: () => Promise<readonly { partition: number; oldestUnprojectedAgeMs: number; stalled: boolean }[]>;
  /** Labels the stall gauge. */
  projectorGroup?: string;
  subscribers?: () => number;
}

/**
 * The Prometheus metrics of one process, in a registry of its own (several
 * runtimes can live in one test process). Names follow Prometheus' rules:
 * a `timeline_` prefix, base units (seconds), `_total` on counters.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly appends: Counter<'stream_type' | 'outcome'>;
  readonly appendedEvents: Counter<'stream_type'>;
  readonly appendDuration: Histogram<'outcome'>;
  readonly deadLetters: Counter<'topic' | 'partition'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.appends = new Counter({
      name: 'timeline_appends_total',
      help: 'Appends to the event store, by stream type and outcome (ok, conflict, error)',
      labelNames: ['stream_type', 'outcome'],
      registers: [this.registry],
    });
    this.appendedEvents = new Counter({
      name: 'timeline_appended_events_total',
      help: 'Events committed to the event store by this process',
      labelNames: ['stream_type'],
      registers: [this.registry],
    });
    this.appendDuration = new Histogram({
      name: 'timeline_append_duration_seconds',
      help: 'Time to append to the event store (one transaction), in seconds',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.deadLetters = new Counter({
      name: 'timeline_dead_letters_total',
      help: 'Poison records this process put on the dead-letter topic',
      labelNames: ['topic', 'partition'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'timeline_http_request_duration_seconds',
      help: 'HTTP requests by method, route and status code, in seconds (event streams: until they end)',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /**
   * The gauges read at scrape time, once the runtime has built its parts; a
   * process without a source (no relay on the embedded log) has no such gauge.
   */
  observe({ relayLag, projectorLag, projectorStaleness, projectorGroup, subscribers }: MetricSources): void {
    if (relayLag) {
      new Gauge({
        name: 'timeline_relay_lag_events',
        help: 'Events committed to PostgreSQL and not yet published to the Kafka topic',
        registers: [this.registry],
        async collect() {
          // A source that cannot answer (database down) leaves the gauge empty rather than failing the scrape.
          this.reset();
          await relayLag().then(
            (value) => this.set(value),
            () => undefined,
          );
        },
      });
    }
    if (projectorLag) {
      new Gauge({
        name: 'timeline_projector_lag_records',
        help: 'Records of the log not yet in the read models, per partition (-1: the events table)',
        labelNames: ['partition'],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const { partition, lag } of await projectorLag().catch(() => [])) this.set({ partition: String(partition) }, lag);
        },
      });
    }
    if (projectorStaleness) {
      new Gauge({
        name: 'timeline_projector_lag_age_seconds',
        help: 'Age of the oldest record of the log not yet in the read models, per partition (0: none waiting)',
        labelNames: ['partition'],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const { partition, oldestUnprojectedAgeMs } of await projectorStaleness().catch(() => [])) {
            this.set({ partition: String(partition) }, oldestUnprojectedAgeMs / 1000);
          }
        },
      });
      new Gauge({
        name: 'timeline_projector_stalled',
        help: 'Per partition: 1 when records wait and the read models made no progress for READY_MAX_PROJECTOR_STALL_MS, else 0',
        labelNames: ['partition', 'group'],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const { partition, stalled } of await projectorStaleness().catch(() => [])) {
            this.set({ partition: String(partition), group: projectorGroup ?? 'table' }, stalled ? 1 : 0);
          }
        },
      });
    }
    if (subscribers) {
      new Gauge({
        name: 'timeline_sse_subscribers',
        help: 'Server-Sent Events subscribers connected to this process',
        registers: [this.registry],
        collect() {
          this.set(subscribers());
        },
      });
    }
  }
}

/** Times every HTTP request by its route pattern (not its path, so that ids do not multiply the series). */
export function httpMetricsMiddleware(metrics: Metrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    response.once('close', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ method: request.method, route, status_code: String(response.statusCode) });
    });
    next();
  };
}

/** The event store, timing and counting every append. */
export class MeteredEventStore implements EventStore {
  constructor(
    private readonly store: EventStore,
    private readonly metrics: Metrics,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    const stop = this.metrics.appendDuration.startTimer();
    try {
      const result = await this.store.append(request);
      stop({ outcome: 'ok' });
      this.metrics.appends.inc({ stream_type: request.streamType, outcome: 'ok' });
      this.metrics.appendedEvents.inc({ stream_type: request.streamType }, result.events.length);
      return result;
    } catch (error) {
      const outcome = error instanceof WrongExpectedVersion ? 'conflict' : 'error';
      stop({ outcome });
      this.metrics.appends.inc({ stream_type: request.streamType, outcome });
      throw error;
    }
  }

  readStream = (streamId: string) => this.store.readStream(streamId);
  readAll: EventStore['readAll'] = (options) => this.store.readAll(options);
  readEvent = (eventId: string) => this.store.readEvent(eventId);
  headPosition = () => this.store.headPosition();
  findIdempotentResponse = (key: string) => this.store.findIdempotentResponse(key);
}

import type { Pool, PoolClient } from 'pg';
import type { RecordedEvent } from '@timeline/domain';
import { readEventsAfter } from '@timeline/event-store';
import { LogFollower, LogHandler, TABLE_LOG_PARTITION } from './log-follower';
import { WakeableSleep } from './wake-up';

type Queryable = Pick<Pool, 'query'> | PoolClient;

export interface TableLogOptions<Db extends Queryable> {
  readonly pool: Pool;
  readonly batchSize?: number;
  /** The longest wait between looks at the table. */
  readonly pollIntervalMs?: number;
  /** How a page is read; `readEventsAfter` on the round's connection by default. */
  readonly read?: (db: Db, page: { after: string; limit: number }) => Promise<RecordedEvent[]>;
  /** Read page after page to the end before sleeping (default), or one page per look. */
  readonly untilEnd?: boolean;
}

/**
 * The log of the embedded default: the events table, read by position. The table has one
 * partition, `TABLE_LOG_PARTITION`; a position is an event's global position. Readers never
 * skip an event: positions become visible in commit order (the append's advisory lock).
 */
export class TableLog<Db extends Queryable = Pool> implements LogFollower<Db> {
  private stopping = false;
  private loop?: Promise<void>;
  private readonly pause = new WakeableSleep();

  constructor(private readonly options: TableLogOptions<Db>) {}

  get following(): boolean {
    return this.loop !== undefined && !this.stopping;
  }

  async start(handler: LogHandler<Db>): Promise<void> {
    this.stopping = false;
    this.pause.restart();
    this.loop = this.follow(handler);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.stop();
    await this.loop;
    this.loop = undefined;
  }

  /** Hands over what is committed so far (one page without `untilEnd`); returns how many events were handled. */
  async catchUp(handler: LogHandler<Db>): Promise<number> {
    const limit = this.options.batchSize ?? 500;
    const read = this.options.read ?? ((db: Db, page: { after: string; limit: number }) => readEventsAfter(db, page));
    // Without a round of the reader's, Db is the pool (the default type argument).
    const round = (work: (db: Db) => Promise<number>) => (handler.round ? handler.round(work) : work(this.options.pool as unknown as Db));
    let total = 0;
    for (;;) {
      const handled = await round(async (db) => {
        const next = (await handler.nextPosition?.(TABLE_LOG_PARTITION, db)) ?? 1n;
        const events = await read(db, { after: String(next - 1n), limit });
        if (events.length === 0) return 0;
        const batch = { partition: TABLE_LOG_PARTITION, events, poison: [], messages: [], last: events[events.length - 1].position };
        return (await handler.handle(batch, db)) ?? events.length;
      });
      total += handled;
      if (handled === 0 || this.options.untilEnd === false) return total;
    }
  }

  private async follow(handler: LogHandler<Db>): Promise<void> {
    while (!this.stopping) {
      try {
        await this.catchUp(handler);
        handler.caughtUp?.();
      } catch (error) {
        handler.failed?.(error as Error, 'round');
      }
      await this.pause.sleep(this.options.pollIntervalMs ?? 100);
    }
  }
}

import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { partiesMentioned, RecordedEvent } from '@timeline/domain';
import type { EventStore } from '@timeline/event-store';
import { LogBatch, readerGroupFor, TableLog, TopicLog } from '@timeline/log';
import type { Pool } from 'pg';

export interface FeedItem {
  readonly event: RecordedEvent;
  /** Parties of the event's stream, for filtering. */
  readonly parties: readonly string[];
}

type Listener = (item: FeedItem) => void;

export const FILL_PAGE = 100;

/**
 * New events for this api instance's subscribers, in global position order,
 * each once. In Kafka mode one consumer (a group of its own, so every
 * instance sees every record) feeds it; records from several partitions are
 * put back in position order, and a position that does not arrive in time is
 * read from PostgreSQL, which has every committed event. In the embedded
 * default it follows the events table.
 */
export class EventFeed {
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Map<bigint, RecordedEvent>();
  private readonly parties = new Map<string, readonly string[]>();
  private delivered = 0n;
  private readonly table: TableLog;
  private topic?: TopicLog;
  private delivering: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly kafka?: { client: Kafka; topic: string },
    private readonly options: { pollIntervalMs?: number; log?: (message: string, details?: Record<string, unknown>) => void } = {},
  ) {
    // Small pages, one per look: a page reaches every subscriber in one turn, and must fit in their queues.
    this.table = new TableLog({
      pool,
      batchSize: FILL_PAGE,
      pollIntervalMs: options.pollIntervalMs ?? (kafka ? 250 : 50),
      read: (_pool, page) => store.readAll(page),
      untilEnd: false,
    });
  }

  /** Position of the last event handed to subscribers. */
  get position(): string {
    return this.delivered.toString();
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  async start(): Promise<void> {
    this.delivered = BigInt(await this.store.headPosition());
    if (this.kafka) {
      this.topic = new TopicLog(this.kafka.client, {
        topic: this.kafka.topic,
        groupId: readerGroupFor(this.kafka.topic, 'sse', `${hostname()}-${process.pid}-${randomUUID()}`),
        // The group is this process's alone and starts at the end: an offset committed for it is
        // never read again, and committing one would cost a request to the broker per fetch.
        fromBeginning: false,
      });
      // No position of its own on the topic: records bring events at once, in any partition's order.
      await this.topic.start({ handle: async (batch) => this.collect(batch) });
    }
    // With Kafka too: the table fills what is late or was committed before the consumer joined its group.
    await this.table.start({
      // A look at the store waits for the deliveries in hand, and they for it; its failure is the
      // follower's to report (the same promise, so no rejection is left unhandled).
      round: (work) => {
        const round = this.delivering.then(() => work(this.pool));
        this.delivering = round;
        return round;
      },
      nextPosition: async () => this.delivered + 1n,
      handle: (batch) => this.fill(batch),
      failed: (error) => this.options.log?.('event feed: reading the store failed', { error: error.message }),
    });
  }

  async stop(): Promise<void> {
    await this.table.stop();
    await this.topic?.stop();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private schedule(): void {
    this.delivering = this.delivering
      .then(() => this.drain())
      .catch((error: Error) => {
        this.options.log?.('event feed: delivery failed', { error: error.message });
      });
  }

  /** Hands over every pending event that is next in position order. */
  private async drain(): Promise<void> {
    for (let next = this.delivered + 1n; this.pending.has(next); next = this.delivered + 1n) {
      const event = this.pending.get(next)!;
      this.pending.delete(next);
      await this.deliver(event);
    }
  }

  /**
   * Records from Kafka wait for the positions before them. A poison record is the projector's
   * to dead-letter; here it is skipped, never retried, and the store fills in any position it
   * should have brought.
   */
  private collect({ events }: LogBatch): void {
    for (const event of events) {
      const position = BigInt(event.position);
      if (position > this.delivered) this.pending.set(position, event);
    }
    this.schedule();
  }

  /** What the store has that Kafka has not brought yet (or everything, without Kafka). */
  private async fill({ events }: LogBatch): Promise<void> {
    for (const event of events) {
      const position = BigInt(event.position);
      if (position <= this.delivered) continue;
      this.pending.delete(position);
      await this.deliver(event);
    }
  }

  private async deliver(event: RecordedEvent): Promise<void> {
    // With no one listening the parties are not needed: no query on the write path's database.
    if (this.listeners.size === 0) {
      this.delivered = BigInt(event.position);
      return;
    }
    const item = { event, parties: await this.partiesOf(event) };
    this.delivered = BigInt(event.position);
    for (const listener of this.listeners) listener(item);
  }

  /** Parties of an event's stream, named by its first event (cached), for party filters. */
  async partiesOf(event: RecordedEvent): Promise<readonly string[]> {
    const known = this.parties.get(event.streamId);
    if (known) return known;
    const { rows } = await this.pool.query<{ data: Record<string, unknown> }>(
      'SELECT data FROM events WHERE stream_id = $1 ORDER BY stream_version LIMIT 1',
      [event.streamId],
    );
    const parties = partiesMentioned(rows[0]?.data ?? event.data);
    if (this.parties.size > 100_000) this.parties.clear();
    this.parties.set(event.streamId, parties);
    return parties;
  }
}

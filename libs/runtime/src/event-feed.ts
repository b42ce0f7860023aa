import type { Consumer, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { partiesMentioned, RecordedEvent } from '@timeline/domain';
import type { EventStore } from '@timeline/event-store';
import { CONSUMER_ASSIGNERS, readerGroupFor, readRecord, WakeableSleep } from '@timeline/log';
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
  private readonly pause = new WakeableSleep();
  private delivered = 0n;
  private consumer?: Consumer;
  private loop?: Promise<void>;
  private stopping = false;
  private delivering = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly kafka?: { client: Kafka; topic: string },
    private readonly options: { pollIntervalMs?: number; log?: (message: string, details?: Record<string, unknown>) => void } = {},
  ) {}

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
      const consumer = this.kafka.client.consumer({
        groupId: readerGroupFor(this.kafka.topic, 'sse', `${hostname()}-${process.pid}-${randomUUID()}`),
        ...CONSUMER_ASSIGNERS,
      });
      this.consumer = consumer;
      await consumer.connect();
      await consumer.subscribe({ topic: this.kafka.topic, fromBeginning: false });
      await consumer.run({
        // The group is this process's alone and starts at the end: an offset committed for it is
        // never read again, and committing one would cost a request to the broker per fetch.
        autoCommit: false,
        eachMessage: async ({ message }) => {
          // A poison record is the projector's to dead-letter; here it is skipped, never retried,
          // and the store fills in any position it should have brought.
          const read = readRecord(message);
          if (!('event' in read)) return;
          const event = read.event;
          const position = BigInt(event.position);
          if (position > this.delivered) this.pending.set(position, event);
          this.schedule();
        },
      });
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.stop();
    await this.loop;
    await this.consumer?.disconnect();
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

  /** Reads from PostgreSQL what Kafka has not brought yet (or everything, without Kafka). */
  private async fill(): Promise<void> {
    // Small pages: a page reaches every subscriber in one turn, and must fit in their queues.
    const events = await this.store.readAll({ after: this.delivered.toString(), limit: FILL_PAGE });
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

  private async run(): Promise<void> {
    const interval = this.options.pollIntervalMs ?? (this.kafka ? 250 : 50);
    while (!this.stopping) {
      try {
        // With Kafka too: records bring events at once, this read fills what is late or was
        // committed before the consumer joined its group.
        await (this.delivering = this.delivering.then(() => this.fill()));
      } catch (error) {
        this.options.log?.('event feed: reading the store failed', { error: (error as Error).message });
      }
      await this.pause.sleep(interval);
    }
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

import type { PoolClient } from 'pg';
import type { Kafka, Producer } from 'kafkajs';
import type { RecordedEvent } from '@timeline/domain';
import { Database } from '@timeline/event-store';
import { deadLetter, ensureTopic, failpoint, LogBatch, LogFollower, LogHandler, PoisonRecord } from '@timeline/log';
import { GenerationStatistics } from './statistics';
import { activeGeneration, ensureActiveGeneration, Generation } from './generations';
import { projectEvents } from './project-events';
import { loadCheckpoints, saveCheckpoint } from './checkpoints';
import { consecutiveAppends, DeadLetterNotice, inProjectionTransaction, Projector, ProjectorLog, ProjectorStatus } from './projector';

/** Where a projector sets poison records aside: a dead-letter topic, noted in `dead_letters`. */
export interface DeadLetterTarget {
  readonly kafka: Kafka;
  readonly topic: string;
  /** The topic the records came from, and the group that could not read them. */
  readonly from: string;
  readonly groupId: string;
  readonly onDeadLetter?: (notice: DeadLetterNotice) => void;
}

export interface LogProjectorOptions {
  /** The checkpoint source: `table`, or `kafka:<topic>`. */
  readonly source: string;
  readonly log?: ProjectorLog;
  /**
   * Project a batch one append at a time and commit early when a command waits for a connection:
   * the embedded store has one, and a write would otherwise wait for a batch of hundreds.
   */
  readonly yieldToCommands?: boolean;
  /** Read each batch inside the projection transaction (the table log: its only connection). */
  readonly readInTransaction?: boolean;
  readonly deadLetters?: DeadLetterTarget;
}

/**
 * Follows the log into the read models. Each batch's rows and checkpoint commit in one
 * transaction against the active generation (held FOR SHARE, so a rebuild's switch waits);
 * the checkpoints are where the log adapter goes on from. A record it cannot read (poison) is
 * put on the dead-letter topic with the reason, before the transaction, and noted in
 * `dead_letters` in it; the partition goes on with the next record.
 */
export class LogProjector implements Projector {
  private status: { projected: number; deadLetters: number; generation?: number; lastError?: string } = { projected: 0, deadLetters: 0 };
  private readonly statistics: GenerationStatistics;
  private producer?: Producer;
  /** The generation each projection transaction in progress holds, by its connection. */
  private readonly transactions = new WeakMap<PoolClient, Generation>();
  protected readonly handler: LogHandler<PoolClient | undefined>;

  constructor(
    protected readonly db: Database,
    private readonly follower: LogFollower<PoolClient | undefined>,
    private readonly options: LogProjectorOptions,
  ) {
    this.statistics = new GenerationStatistics(db.pool, options.log);
    this.handler = {
      nextPosition: (partition, client) => this.nextPosition(partition, client),
      handle: (batch, client) => (client ? this.write(client, batch) : this.commit(batch)),
      // The table log is read on the transaction's connection: the embedded pool has only one.
      round: options.readInTransaction
        ? async (work) => {
            const { projected, schema } = await this.transaction(work);
            if (projected > 0) await this.statistics.noteProjected(schema, projected);
            return projected;
          }
        : undefined,
      caughtUp: () => (this.status.lastError = undefined),
      failed: (error, during, details) => {
        if (during === 'round') this.failed(error);
        else if (during === 'seek') options.log?.('projector: could not seek to the stored offsets', { error: error.message });
        else {
          this.status.lastError = error.message;
          options.log?.('projector: consumer crashed', { error: error.message, ...details });
        }
      },
    };
  }

  async start(): Promise<void> {
    await ensureActiveGeneration(this.db.pool, this.db.schema);
    const target = this.options.deadLetters;
    if (target) {
      await ensureTopic(target.kafka, {
        topic: target.topic,
        partitions: Math.max(await topicPartitions(target.kafka, target.from), 1),
        replicationFactor: 1,
      });
      this.producer = target.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    await this.follower.start(this.handler);
  }

  /** Stops after the batch in hand is projected and its checkpoint committed. */
  async stop(): Promise<void> {
    await this.follower.stop();
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  getStatus(): ProjectorStatus & { deadLetters?: number } {
    const { deadLetters, ...status } = this.status;
    return {
      running: this.follower.following,
      source: this.options.source,
      ...status,
      ...(this.options.deadLetters ? { deadLetters } : {}),
    };
  }

  /** A batch read outside the transaction (Kafka): dead letters out first, then rows and checkpoint in one commit. */
  private async commit(batch: LogBatch): Promise<number> {
    try {
      if (batch.poison.length > 0) await this.sendToDeadLetters(batch.partition, batch.poison);
      const fresh: PoisonRecord[] = [];
      const { projected, schema } = await this.transaction((client) => this.write(client, batch, fresh));
      failpoint('projector.after-commit');
      await this.statistics.noteProjected(schema, projected);
      this.status.lastError = undefined;
      for (const { message, reason } of fresh) this.deadLettered(batch.partition, message.offset, reason);
      return projected;
    } catch (error) {
      this.failed(error as Error);
      throw error;
    }
  }

  /**
   * Projects the batch, notes its poison records (the new ones into `fresh`) and saves its
   * checkpoint, in the transaction of `client`; returns how many events it took.
   */
  private async write(client: PoolClient, batch: LogBatch, fresh: PoisonRecord[] = []): Promise<number> {
    const { schema } = this.transactions.get(client)!;
    const events = this.options.yieldToCommands ? await this.projectUntilSomeoneWaits(client, schema, batch.events) : batch.events;
    if (!this.options.yieldToCommands) this.status.projected += await projectEvents(client, schema, events);
    fresh.push(...(await this.noteDeadLetters(client, batch.partition, batch.poison)));
    const last = events.length < batch.events.length ? events[events.length - 1].position : batch.last;
    await saveCheckpoint(client, schema, this.options.source, batch.partition, last);
    failpoint('projector.before-commit');
    return events.length;
  }

  /** Runs `work` in a projection transaction; returns what it projected, and where. */
  private async transaction(work: (client: PoolClient) => Promise<number>): Promise<{ projected: number; schema: string }> {
    let schema = '';
    const projected = await inProjectionTransaction(this.db.pool, async (client, generation) => {
      this.status.generation = generation.generation;
      this.transactions.set(client, generation);
      schema = generation.schema;
      try {
        return await work(client);
      } finally {
        this.transactions.delete(client);
      }
    });
    return { projected, schema };
  }

  /**
   * Projects the batch one append at a time and stops early, keeping what it did, when a command
   * is waiting for a connection. The embedded store has one: a write that arrives while a batch
   * of hundreds of events is projected would otherwise wait for all of them, not for one append.
   */
  private async projectUntilSomeoneWaits(
    client: PoolClient,
    schema: string,
    events: readonly RecordedEvent[],
  ): Promise<readonly RecordedEvent[]> {
    let done = 0;
    for (const append of consecutiveAppends(events)) {
      this.status.projected += await projectEvents(client, schema, append);
      done += append.length;
      if (this.db.pool.waitingCount > 0) break;
    }
    return events.slice(0, done);
  }

  /** The position after the last one stored with the read models (in the transaction's generation, when in one). */
  private async nextPosition(partition: number, client: PoolClient | undefined): Promise<bigint | undefined> {
    const generation = client ? this.transactions.get(client) : await activeGeneration(this.db.pool);
    if (!generation) throw new Error('no active read-model generation');
    const stored = (await loadCheckpoints(client ?? this.db.pool, generation.schema, this.options.source)).get(partition);
    return stored === undefined ? undefined : BigInt(stored) + 1n;
  }

  private failed(error: Error): void {
    this.status.lastError = error.message;
    this.options.log?.('projector: batch failed, will retry', { error: error.message });
  }

  private async sendToDeadLetters(partition: number, poison: readonly PoisonRecord[]): Promise<void> {
    const target = this.options.deadLetters!;
    const now = new Date();
    await this.producer!.send({
      topic: target.topic,
      acks: -1,
      messages: poison.map(({ message, reason }) =>
        deadLetter(message, { topic: target.from, partition, groupId: target.groupId, reason }, now),
      ),
    });
  }

  /** Notes dead letters once each (a redelivered poison record is not counted again); returns the new ones. */
  private async noteDeadLetters(client: PoolClient, partition: number, poison: readonly PoisonRecord[]): Promise<PoisonRecord[]> {
    const target = this.options.deadLetters;
    if (!target) return [];
    const fresh: PoisonRecord[] = [];
    for (const item of poison) {
      const { rowCount } = await client.query(
        `INSERT INTO dead_letters (topic, partition, record_offset, reason, dead_letter_topic, consumer_group)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [target.from, partition, item.message.offset, item.reason, target.topic, target.groupId],
      );
      if (rowCount === 1) fresh.push(item);
    }
    return fresh;
  }

  private deadLettered(partition: number, offset: string, reason: string): void {
    const target = this.options.deadLetters!;
    this.status.deadLetters++;
    this.options.log?.('projector: poison record sent to the dead-letter topic', {
      topic: target.from,
      partition,
      offset,
      deadLetterTopic: target.topic,
      reason,
    });
    target.onDeadLetter?.({ topic: target.from, partition, offset, reason });
  }
}

async function topicPartitions(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions.length ?? 1;
  } finally {
    await admin.disconnect();
  }
}

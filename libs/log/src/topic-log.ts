import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { RecordedEvent } from '@timeline/domain';
import { fromKafkaMessage } from './cloudevents';
import { CONSUMER_ASSIGNERS } from './consumer-groups';
import { readRecord } from './dead-letters';
import { LogBatch, LogFollower, LogHandler, PoisonRecord } from './log-follower';

export interface TopicLogOptions {
  readonly topic: string;
  readonly groupId: string;
  /** Consumer settings besides the group (session timeout, fetch sizes and waits). */
  readonly consumer?: Omit<ConsumerConfig, 'groupId' | 'partitionAssigners'>;
  /** Where a partition starts when the reader has no `nextPosition` and the group no offset (default true). */
  readonly fromBeginning?: boolean;
  /** Commit the handled offsets to Kafka too (where a group's own tools see them); off by default. */
  readonly commitOffsets?: boolean;
  readonly partitionsConsumedConcurrently?: number;
  /**
   * How records are read: `sorted` (default) into events and poison (readRecord); `strict` into
   * events, failing the batch on a record that is not a CloudEvent; `raw` not at all (`messages` only).
   */
  readonly records?: 'sorted' | 'strict' | 'raw';
}

/**
 * The log as a Kafka topic, followed by a member of a consumer group. With the reader's
 * `nextPosition`, each partition is sought to it when the member joins, records before it are
 * dropped (a redelivery), and a batch that starts past it is read again from it (fetched before
 * the seek landed). Batches of a partition come one at a time; the offset of a handled batch
 * is resolved, and committed with `commitOffsets`.
 */
export class TopicLog implements LogFollower {
  private consumer?: Consumer;
  private admin?: Admin;
  private running = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TopicLogOptions,
  ) {}

  get following(): boolean {
    return this.running;
  }

  async start(handler: LogHandler): Promise<void> {
    const { topic } = this.options;
    const consumer = this.kafka.consumer({ groupId: this.options.groupId, ...CONSUMER_ASSIGNERS, ...this.options.consumer });
    this.consumer = consumer;
    if (handler.nextPosition) {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        // Start each partition where the reader is, whatever Kafka committed for the group.
        this.seekTo(handler, consumer, payload.memberAssignment[topic] ?? []).catch((error: Error) => handler.failed?.(error, 'seek'));
      });
    }
    consumer.on(consumer.events.CRASH, ({ payload }) => handler.failed?.(payload.error, 'crash', { restart: payload.restart }));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: this.options.commitOffsets ?? false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(handler, payload),
    });
    this.running = true;
  }

  /** Leaves the group after the batch in hand is handled (and its offset committed). */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect();
    this.consumer = undefined;
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  private async seekTo(handler: LogHandler, consumer: Consumer, partitions: number[]): Promise<void> {
    for (const partition of partitions) {
      consumer.seek({ topic: this.options.topic, partition, offset: String(await this.nextPosition(handler, partition)) });
    }
  }

  private async handleBatch(handler: LogHandler, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
    let messages = batch.messages;
    if (handler.nextPosition) {
      // The reader decides where this partition goes on, not Kafka's committed offset: a batch past
      // it would hand over a stream's later events without its earlier ones, so it is read again.
      const next = await this.nextPosition(handler, batch.partition);
      if (BigInt(messages[0].offset) > next) {
        this.consumer?.seek({ topic: this.options.topic, partition: batch.partition, offset: String(next) });
        return;
      }
      messages = messages.filter((message) => BigInt(message.offset) >= next);
    }
    const last = batch.messages[batch.messages.length - 1].offset;
    await handler.handle({ partition: batch.partition, ...this.read(messages), messages, last }, undefined);
    payload.resolveOffset(last);
    if (this.options.commitOffsets) await payload.commitOffsetsIfNecessary();
    await payload.heartbeat();
  }

  private read(messages: KafkaMessage[]): Pick<LogBatch, 'events' | 'poison'> {
    if (this.options.records === 'raw') return { events: [], poison: [] };
    if (this.options.records === 'strict') return { events: messages.map(fromKafkaMessage), poison: [] };
    const events: RecordedEvent[] = [];
    const poison: PoisonRecord[] = [];
    for (const message of messages) {
      const read = readRecord(message);
      if ('event' in read) events.push(read.event);
      else poison.push({ message, reason: read.poison });
    }
    return { events, poison };
  }

  /** The reader's position in the partition; the partition's start when it has none. */
  private async nextPosition(handler: LogHandler, partition: number): Promise<bigint> {
    const next = await handler.nextPosition!(partition, undefined);
    if (next !== undefined) return next;
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const offsets = await this.admin.fetchTopicOffsets(this.options.topic);
    return BigInt(offsets.find((offset) => offset.partition === partition)?.low ?? '0');
  }
}

/** A partition's ends: records from `low` to `high - 1`; `high` is the offset the next record gets. */
export interface PartitionEnds {
  readonly low: bigint;
  readonly high: bigint;
}

/** Each partition's ends, as the broker has them now. */
export async function topicEnds(kafka: Kafka, topic: string): Promise<Map<number, PartitionEnds>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((entry) => [entry.partition, { low: BigInt(entry.low), high: BigInt(entry.high) }]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Follows the topic until every partition reached the end it had (`ends`), then stops.
 * Partitions empty at the start are not waited for, nor handed over.
 */
export async function followToEnds(
  log: TopicLog,
  ends: ReadonlyMap<number, PartitionEnds>,
  handle: (batch: LogBatch) => Promise<void>,
): Promise<void> {
  const pending = new Map([...ends].filter(([, end]) => end.high > end.low).map(([partition, end]) => [partition, end.high]));
  if (pending.size === 0) return;
  try {
    await new Promise<void>((resolve, reject) => {
      log
        .start({
          handle: async (batch) => {
            const end = pending.get(batch.partition);
            if (end === undefined) return;
            await handle(batch);
            if (BigInt(batch.last) >= end - 1n) {
              pending.delete(batch.partition);
              if (pending.size === 0) resolve();
            }
          },
          failed: (error, during) => {
            if (during === 'crash') reject(error);
          },
        })
        .catch(reject);
    });
  } finally {
    await log.stop();
  }
}

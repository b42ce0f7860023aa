import type { Pool, PoolClient } from 'pg';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { RecordedEvent } from '@timeline/domain';
import { Database } from '@timeline/event-store';
import { CONSUMER_ASSIGNERS, deadLetter, ensureTopic, failpoint, projectorGroupFor, readRecord } from '@timeline/log';
import { GenerationStatistics } from './statistics';
import { activeGeneration, ensureActiveGeneration } from './generations';
import { projectEvents } from './project-events';
import { loadCheckpoints, saveCheckpoint } from './checkpoints';
import { DeadLetterNotice, inProjectionTransaction, PartitionLag, Projector, ProjectorLog, ProjectorStatus } from './projector';

export interface KafkaProjectorOptions {
  readonly topic: string;
  /** `<topic>.projector` by default. */
  readonly groupId?: string;
  /** Where poison records go; `<topic>.dlq` by default. */
  readonly deadLetterTopic?: string;
  /** Consumer-group session timeout; a crashed member's partitions move on after it. */
  readonly sessionTimeoutMs?: number;
  readonly log?: ProjectorLog;
  readonly onDeadLetter?: (notice: DeadLetterNotice) => void;
}

/**
 * A member of a Kafka consumer group. Offsets live in PostgreSQL with the
 * projection, committed in the same transaction. On joining, the member seeks
 * its partitions to them, and every batch is checked against them: records
 * already projected are skipped (a redelivery), and a batch that starts past
 * them is read again from them (fetched before the seek landed). The
 * same offsets are then committed to Kafka too, where the group starts from
 * and where Kafka's own tools show its lag; PostgreSQL stays the truth.
 *
 * A record it cannot read (poison) is put on the dead-letter topic with the
 * reason and noted in `dead_letters` in the batch's transaction; the
 * partition goes on with the next record.
 */
export class KafkaProjector implements Projector {
  private consumer?: Consumer;
  private producer?: Producer;
  private admin?: Admin;
  private status: { projected: number; deadLetters: number; generation?: number; lastError?: string; running: boolean } = {
    projected: 0,
    deadLetters: 0,
    running: false,
  };
  private readonly source: string;
  private readonly groupId: string;
  private readonly deadLetterTopic: string;
  private readonly statistics: GenerationStatistics;

  constructor(
    private readonly db: Database,
    private readonly kafka: Kafka,
    private readonly options: KafkaProjectorOptions,
  ) {
    this.statistics = new GenerationStatistics(db.pool, options.log);
    this.source = `kafka:${options.topic}`;
    this.groupId = options.groupId ?? projectorGroupFor(options.topic);
    this.deadLetterTopic = options.deadLetterTopic ?? `${options.topic}.dlq`;
  }

  async start(): Promise<void> {
    await ensureActiveGeneration(this.db.pool, this.db.schema);
    const partitions = await topicPartitions(this.kafka, this.options.topic);
    await ensureTopic(this.kafka, { topic: this.deadLetterTopic, partitions: Math.max(partitions, 1), replicationFactor: 1 });
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      ...CONSUMER_ASSIGNERS,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.round((this.options.sessionTimeoutMs ?? 30_000) / 10),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // Start each partition where the read models are, whatever Kafka committed (a new generation,
      // offsets forgotten). Batches fetched before the seek lands are checked the same way.
      this.seekToStoredOffsets(consumer, payload.memberAssignment[this.options.topic] ?? []).catch((error: Error) => {
        this.options.log?.('projector: could not seek to the stored offsets', { error: error.message });
      });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.status.lastError = payload.error.message;
      this.options.log?.('projector: consumer crashed', { error: payload.error.message, restart: payload.restart });
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.projectBatch(payload),
    });
    this.status.running = true;
  }

  /** Leaves the group after the batch in hand is projected and its offset committed. */
  async stop(): Promise<void> {
    this.status.running = false;
    await this.consumer?.disconnect();
    this.consumer = undefined;
    await this.producer?.disconnect();
    this.producer = undefined;
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  getStatus(): ProjectorStatus & { deadLetters: number } {
    return { source: this.source, ...this.status };
  }

  private async seekToStoredOffsets(consumer: Consumer, partitions: number[]): Promise<void> {
    for (const partition of partitions) {
      consumer.seek({ topic: this.options.topic, partition, offset: String(await this.nextOffset(partition)) });
    }
  }

  private async projectBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
    // PostgreSQL decides where this partition goes on, not Kafka's committed offset: a batch
    // past the stored offset (a new generation, Kafka offsets committed ahead of it) would build a stream's
    // rows without its earlier events, so the partition is read again from the stored offset.
    const next = await this.nextOffset(batch.partition);
    if (BigInt(batch.messages[0].offset) > next) {
      this.consumer?.seek({ topic: this.options.topic, partition: batch.partition, offset: String(next) });
      return;
    }
    const events: RecordedEvent[] = [];
    const poison: { message: KafkaMessage; reason: string }[] = [];
    for (const message of batch.messages) {
      if (BigInt(message.offset) < next) continue; // projected already: a redelivery
      const read = readRecord(message);
      if ('event' in read) events.push(read.event);
      else poison.push({ message, reason: read.poison });
    }
    const lastOffset = batch.messages[batch.messages.length - 1].offset;
    try {
      if (poison.length > 0) await this.sendToDeadLetters(batch.partition, poison);
      let schema = '';
      const noted = await inProjectionTransaction(this.db.pool, async (client, generation) => {
        this.status.generation = generation.generation;
        schema = generation.schema;
        this.status.projected += await projectEvents(client, generation.schema, events);
        const fresh = await noteDeadLetters(client, this.options.topic, batch.partition, poison, this.deadLetterTopic, this.groupId);
        await saveCheckpoint(client, generation.schema, this.source, batch.partition, lastOffset);
        failpoint('projector.before-commit');
        return fresh;
      });
      failpoint('projector.after-commit');
      await this.statistics.noteProjected(schema, events.length);
      this.status.lastError = undefined;
      for (const { message, reason } of noted) {
        this.status.deadLetters++;
        this.options.log?.('projector: poison record sent to the dead-letter topic', {
          topic: this.options.topic,
          partition: batch.partition,
          offset: message.offset,
          deadLetterTopic: this.deadLetterTopic,
          reason,
        });
        this.options.onDeadLetter?.({ topic: this.options.topic, partition: batch.partition, offset: message.offset, reason });
      }
    } catch (error) {
      this.status.lastError = (error as Error).message;
      this.options.log?.('projector: batch failed, will retry', { error: (error as Error).message });
      throw error;
    }
    payload.resolveOffset(lastOffset);
    await payload.commitOffsetsIfNecessary();
    await payload.heartbeat();
  }

  /** The offset after the last one stored with the read models; the partition's start when none is. */
  private async nextOffset(partition: number): Promise<bigint> {
    const generation = await activeGeneration(this.db.pool);
    if (!generation) throw new Error('no active read-model generation');
    const stored = (await loadCheckpoints(this.db.pool, generation.schema, this.source)).get(partition);
    if (stored !== undefined) return BigInt(stored) + 1n;
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const offsets = await this.admin.fetchTopicOffsets(this.options.topic);
    return BigInt(offsets.find((offset) => offset.partition === partition)?.low ?? '0');
  }

  private async sendToDeadLetters(partition: number, poison: { message: KafkaMessage; reason: string }[]): Promise<void> {
    const now = new Date();
    await this.producer!.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: poison.map(({ message, reason }) =>
        deadLetter(message, { topic: this.options.topic, partition, groupId: this.groupId, reason }, now),
      ),
    });
  }
}

/** Notes dead letters once each (a redelivered poison record is not counted again); returns the new ones. */
async function noteDeadLetters<T extends { message: KafkaMessage; reason: string }>(
  client: PoolClient,
  topic: string,
  partition: number,
  poison: T[],
  deadLetterTopic: string,
  groupId: string,
): Promise<T[]> {
  const fresh: T[] = [];
  for (const item of poison) {
    const { rowCount } = await client.query(
      `INSERT INTO dead_letters (topic, partition, record_offset, reason, dead_letter_topic, consumer_group)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [topic, partition, item.message.offset, item.reason, deadLetterTopic, groupId],
    );
    if (rowCount === 1) fresh.push(item);
  }
  return fresh;
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

/**
 * How far the active generation is behind the topic, per partition: records
 * after its stored offset, up to the partition's high watermark.
 */
export async function kafkaProjectorLag(pool: Pool, admin: Admin, topic: string): Promise<PartitionLag[]> {
  const generation = await activeGeneration(pool);
  if (!generation) throw new Error('no active read-model generation');
  const stored = await loadCheckpoints(pool, generation.schema, `kafka:${topic}`);
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map(({ partition, high, low }) => {
      const next = stored.has(partition) ? BigInt(stored.get(partition)!) + 1n : BigInt(low);
      const from = next > BigInt(low) ? next : BigInt(low);
      const lag = BigInt(high) - from;
      return { partition, lag: Number(lag > 0n ? lag : 0n), next: String(from), end: high };
    })
    .sort((a, b) => a.partition - b.partition);
}

import type { Pool } from 'pg';
import type { Admin, Kafka } from 'kafkajs';
import type { Database } from '@timeline/event-store';
import { TopicLog, projectorGroupFor } from '@timeline/log';
import { activeGeneration } from './generations';
import { loadCheckpoints } from './checkpoints';
import { LogProjector } from './log-projector';
import type { DeadLetterNotice, PartitionLag, ProjectorLog } from './projector';

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
 * A member of a Kafka consumer group projecting the topic. Offsets live in PostgreSQL with the
 * projection, committed in the same transaction; the log adapter seeks to them on joining and
 * checks every batch against them (topic-log.ts). The same offsets are then committed to Kafka
 * too, where the group starts from and where Kafka's own tools show its lag; PostgreSQL stays
 * the truth. Poison records go to the dead-letter topic (log-projector.ts).
 */
export class KafkaProjector extends LogProjector {
  constructor(db: Database, kafka: Kafka, options: KafkaProjectorOptions) {
    const groupId = options.groupId ?? projectorGroupFor(options.topic);
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    const topic = new TopicLog(kafka, {
      topic: options.topic,
      groupId,
      consumer: { sessionTimeout, heartbeatInterval: Math.round(sessionTimeout / 10) },
      commitOffsets: true,
    });
    super(db, topic, {
      source: `kafka:${options.topic}`,
      log: options.log,
      deadLetters: {
        kafka,
        topic: options.deadLetterTopic ?? `${options.topic}.dlq`,
        from: options.topic,
        groupId,
        onDeadLetter: options.onDeadLetter,
      },
    });
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

import type { Pool, PoolClient } from 'pg';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { RecordedEvent } from '@timeline/domain';
import { Database, inTransaction, readEventsAfter } from '@timeline/event-store';
import { fromKafkaMessage, WakeableSleep } from '@timeline/log';
import { activeGeneration, ensureActiveGeneration, Generation } from './generations';
import { projectEvents } from './project-events';
import { quoteIdent } from './read-model-schema';

export const TABLE_SOURCE = 'table';
const TABLE_PARTITION = -1;

export interface ProjectorStatus {
  readonly running: boolean;
  readonly source: string;
  readonly generation?: number;
  readonly projected: number;
  readonly lastError?: string;
}

export interface Projector {
  start(): Promise<void>;
  stop(): Promise<void>;
  getStatus(): ProjectorStatus;
}

type Log = (message: string, details?: Record<string, unknown>) => void;

/**
 * Runs `work` in one transaction against the active generation, held FOR
 * SHARE so that a rebuild's switch waits for it: projection changes and the
 * checkpoint commit together, or neither does.
 */
export function inProjectionTransaction<T>(
  pool: Pool,
  work: (client: PoolClient, generation: Generation) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, async (client) => {
    const generation = await activeGeneration(client, true);
    if (!generation) throw new Error('no active read-model generation');
    return work(client, generation);
  });
}

export async function loadCheckpoints(db: Pool | PoolClient, schema: string, source: string): Promise<Map<number, string>> {
  const { rows } = await db.query<{ partition: number; position: string }>(
    `SELECT partition, position FROM ${quoteIdent(schema)}.checkpoints WHERE source = $1`,
    [source],
  );
  return new Map(rows.map((row) => [row.partition, String(row.position)]));
}

export async function saveCheckpoint(client: PoolClient, schema: string, source: string, partition: number, position: string) {
  await client.query(
    `INSERT INTO ${quoteIdent(schema)}.checkpoints (source, partition, position) VALUES ($1, $2, $3)
     ON CONFLICT (source, partition) DO UPDATE SET position = GREATEST(${quoteIdent(schema)}.checkpoints.position, EXCLUDED.position)`,
    [source, partition, position],
  );
}

/** Follows the events table by position: the log of the embedded default. */
export class TableProjector implements Projector {
  private stopping = false;
  private loop?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private status: { projected: number; generation?: number; lastError?: string } = { projected: 0 };

  constructor(
    private readonly db: Database,
    private readonly options: { batchSize?: number; pollIntervalMs?: number; log?: Log } = {},
  ) {}

  async start(): Promise<void> {
    await ensureActiveGeneration(this.db.pool, this.db.schema);
    this.stopping = false;
    this.pause.restart();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.stop();
    await this.loop;
    this.loop = undefined;
  }

  getStatus(): ProjectorStatus {
    return { running: this.loop !== undefined && !this.stopping, source: TABLE_SOURCE, ...this.status };
  }

  /** Projects what is committed so far; returns how many events it read. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const read = await inProjectionTransaction(this.db.pool, async (client, generation) => {
        this.status.generation = generation.generation;
        const checkpoints = await loadCheckpoints(client, generation.schema, TABLE_SOURCE);
        const after = checkpoints.get(TABLE_PARTITION) ?? '0';
        // On this transaction's connection: the embedded pool has only one.
        const events = await readEventsAfter(client, { after, limit: this.options.batchSize ?? 500 });
        if (events.length === 0) return 0;
        this.status.projected += await projectEvents(client, generation.schema, events);
        await saveCheckpoint(client, generation.schema, TABLE_SOURCE, TABLE_PARTITION, events[events.length - 1].position);
        return events.length;
      });
      if (read === 0) return total;
      total += read;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.catchUp();
        this.status.lastError = undefined;
      } catch (error) {
        this.status.lastError = (error as Error).message;
        this.options.log?.('projector: batch failed, will retry', { error: (error as Error).message });
      }
      await this.pause.sleep(this.options.pollIntervalMs ?? 100);
    }
  }
}

/**
 * A member of a Kafka consumer group. Offsets live in PostgreSQL with the
 * projection, committed in the same transaction; on joining, the member seeks
 * its partitions to them. Kafka's own offset commits are off.
 */
export class KafkaProjector implements Projector {
  private consumer?: Consumer;
  private status: { projected: number; generation?: number; lastError?: string; running: boolean } = {
    projected: 0,
    running: false,
  };
  private readonly source: string;

  constructor(
    private readonly db: Database,
    private readonly kafka: Kafka,
    private readonly options: { topic: string; groupId?: string; log?: Log },
  ) {
    this.source = `kafka:${options.topic}`;
  }

  async start(): Promise<void> {
    await ensureActiveGeneration(this.db.pool, this.db.schema);
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId ?? 'timeline-projector',
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      void this.seekToStoredOffsets(consumer, payload.memberAssignment[this.options.topic] ?? []);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.status.lastError = payload.error.message;
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.projectBatch(payload),
    });
    this.status.running = true;
  }

  async stop(): Promise<void> {
    this.status.running = false;
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  getStatus(): ProjectorStatus {
    return { source: this.source, ...this.status };
  }

  private async seekToStoredOffsets(consumer: Consumer, partitions: number[]): Promise<void> {
    const generation = await activeGeneration(this.db.pool);
    if (!generation) return;
    const stored = await loadCheckpoints(this.db.pool, generation.schema, this.source);
    for (const partition of partitions) {
      const offset = stored.get(partition);
      if (offset !== undefined) {
        consumer.seek({ topic: this.options.topic, partition, offset: String(BigInt(offset) + 1n) });
      }
    }
  }

  private async projectBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const events: RecordedEvent[] = [];
    for (const message of batch.messages) events.push(fromKafkaMessage(message));
    const lastOffset = batch.messages[batch.messages.length - 1].offset;
    try {
      await inProjectionTransaction(this.db.pool, async (client, generation) => {
        this.status.generation = generation.generation;
        this.status.projected += await projectEvents(client, generation.schema, events);
        await saveCheckpoint(client, generation.schema, this.source, batch.partition, lastOffset);
      });
      this.status.lastError = undefined;
    } catch (error) {
      this.status.lastError = (error as Error).message;
      this.options.log?.('projector: batch failed, will retry', { error: (error as Error).message });
      throw error;
    }
    resolveOffset(lastOffset);
    await heartbeat();
  }
}

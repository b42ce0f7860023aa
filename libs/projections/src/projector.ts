import type { Pool, PoolClient } from 'pg';
import type { RecordedEvent } from '@timeline/domain';
import { inTransaction } from '@timeline/event-store';
import { activeGeneration, Generation } from './generations';

/**
 * What the projectors share: one projector follows the log into the read models, from the
 * events table (table-projector.ts) or a Kafka consumer group (kafka-projector.ts), and
 * commits its checkpoint (checkpoints.ts) in the same transaction as the rows it wrote.
 */

export interface ProjectorStatus {
  readonly running: boolean;
  readonly source: string;
  readonly generation?: number;
  readonly projected: number;
  readonly lastError?: string;
}

/** How far the read models are behind the log, per partition (-1: the events table). */
export interface PartitionLag {
  readonly partition: number;
  /** Records (events on the table log) not yet projected. */
  readonly lag: number;
  /** Where the read models go on: the next offset (or the last projected position on the table log). */
  readonly next?: string;
  /** The log's end: the high watermark (or the head position on the table log). */
  readonly end?: string;
}

export interface Projector {
  start(): Promise<void>;
  stop(): Promise<void>;
  getStatus(): ProjectorStatus;
}

export interface DeadLetterNotice {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly reason: string;
}

/** Where a projector says what it does. */
export type ProjectorLog = (message: string, details?: Record<string, unknown>) => void;

/**
 * Runs `work` in one transaction against the active generation, held FOR
 * SHARE so that a rebuild's switch waits for it: projection changes and the
 * checkpoint commit together, or neither does.
 */
export function inProjectionTransaction<T>(pool: Pool, work: (client: PoolClient, generation: Generation) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    const generation = await activeGeneration(client, true);
    if (!generation) throw new Error('no active read-model generation');
    return work(client, generation);
  });
}

/** The batch cut where the stream or the recording instant changes: the events of one append stay together. */
export function consecutiveAppends(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const appends: RecordedEvent[][] = [];
  for (const event of events) {
    const current = appends[appends.length - 1];
    const previous = current?.[current.length - 1];
    if (previous && previous.streamId === event.streamId && previous.recordedAt === event.recordedAt) current.push(event);
    else appends.push([event]);
  }
  return appends;
}

import type { KafkaMessage } from 'kafkajs';
import type { RecordedEvent } from '@timeline/domain';

/**
 * The log, followed from a position: the events table (table-log.ts) or the Kafka topic
 * (topic-log.ts), one port with two adapters. The projector, the rebuild, the SSE feed and the
 * dead-letter replay follow it; where each reader stands is its own business (a checkpoint
 * committed with its rows, a map in memory, a position in the feed), asked through
 * `nextPosition` and moved by `handle`.
 */

/** The events table's one partition. */
export const TABLE_LOG_PARTITION = -1;

export interface PoisonRecord {
  readonly message: KafkaMessage;
  readonly reason: string;
}

/** Records of one partition, in log order, none of them before the reader's position. */
export interface LogBatch {
  readonly partition: number;
  /** The records read into events. */
  readonly events: readonly RecordedEvent[];
  /** Kafka only: records that cannot be read (see readRecord), to be dead-lettered or skipped. */
  readonly poison: readonly PoisonRecord[];
  /** Kafka only: the records as they came, for readers that want them undecoded (the dead-letter replay). */
  readonly messages: readonly KafkaMessage[];
  /** The position of the batch's last record (an offset on Kafka): the partition's checkpoint once handled. */
  readonly last: string;
}

/**
 * A reader's side of the port. `db` is the connection the batch was read on when the adapter
 * reads inside the reader's own transaction (the table log with a `round`); otherwise undefined.
 */
export interface LogHandler<Db = undefined> {
  /**
   * Where the reader goes on in `partition`: the position after the last one it handled, or
   * undefined for the partition's start. A reader without it follows from wherever its consumer
   * group stands (Kafka only), and no redelivery is dropped for it.
   */
  nextPosition?(partition: number, db: Db): Promise<bigint | undefined>;
  /** Handles a batch; the table log counts what it returns as handled (fewer than read: read again). */
  handle(batch: LogBatch, db: Db): Promise<number | void>;
  /**
   * Table log: runs one round (where to go on, the read, the handling) on the connection it
   * gives, e.g. in the reader's transaction; returns what the round returned. By default on the pool.
   */
  round?(work: (db: Db) => Promise<number>): Promise<number>;
  /** Table log: the log was read to its end, every round succeeded. */
  caughtUp?(): void;
  /**
   * Something failed that the follower goes on after: a round of the table log (retried after the
   * poll interval), a seek to `nextPosition` on joining the group, a crash of the consumer.
   */
  failed?(error: Error, during: 'round' | 'seek' | 'crash', details?: Record<string, unknown>): void;
}

export interface LogFollower<Db = undefined> {
  /** Starts following; resolves once following, batches go to `handler` until stop(). */
  start(handler: LogHandler<Db>): Promise<void>;
  /** Returns after the batch in hand is handled. */
  stop(): Promise<void>;
  readonly following: boolean;
}

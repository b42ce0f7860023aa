import type { Client, Pool } from 'pg';
import { Client as PgClient } from 'pg';
import type { Producer } from 'kafkajs';
import type { RecordedEvent } from '@timeline/domain';
import type { Database, EventStore } from '@timeline/event-store';
import { toKafkaMessage } from './cloudevents';
import { failpoint } from './failpoints';
import { WakeableSleep } from './wake-up';

export interface RelayOptions {
  readonly topic: string;
  /** The service's public base URL: `ce_dataschema` points there; absent, it is a URN. */
  readonly publicBaseUrl?: string;
  /** Checkpoint row name; one per topic the relay feeds. */
  readonly name?: string;
  readonly batchSize?: number;
  /** Longest wait between looks at the table when no notification comes. */
  readonly pollIntervalMs?: number;
  /**
   * Wait this long after a wake-up before reading, so that appends committed
   * just after the first go in the same send (as a producer's linger.ms).
   */
  readonly lingerMs?: number;
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
  /** Called after a batch is on the topic and before its checkpoint is saved. */
  readonly afterSend?: (events: readonly RecordedEvent[]) => Promise<void> | void;
  /** Called after each batch's checkpoint is saved (progress of long runs). */
  readonly onPublished?: (count: number) => void;
}

export interface RelayStatus {
  readonly running: boolean;
  readonly leader: boolean;
  readonly checkpoint: string;
  readonly published: number;
  readonly lastError?: string;
}

// Advisory locks are database-wide: the key pairs a constant with the schema, so that
// deployments sharing a database under different schemas each have their own leader.
const LEADER_LOCK_CLASS = 731052;

/**
 * Under a steady stream of single-event commands, each notification would
 * otherwise cost a read, a send and a checkpoint for one event; 10 ms lets a
 * few gather, and stays small beside the write-to-subscriber budget (bench/).
 */
const DEFAULT_LINGER_MS = 10;

/**
 * Publishes committed events to the Kafka topic in position order: the
 * transactional-outbox half of "PostgreSQL decides, Kafka is the log".
 *
 * At-least-once: the checkpoint is saved after the broker acknowledged the
 * batch, so a crash in between publishes that batch again. Readers drop the
 * repeats by event id or stream version. With several relays on one
 * database, a session advisory lock lets one publish and keeps the others
 * waiting, so per-stream order holds on the topic.
 */
export class Relay {
  private readonly name: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private stopping = false;
  private flushOnStop = false;
  private loop?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private listener?: Client;
  private status: { leader: boolean; checkpoint: string; published: number; lastError?: string } = {
    leader: false,
    checkpoint: '0',
    published: 0,
  };

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly producer: Producer,
    private readonly options: RelayOptions,
  ) {
    this.name = options.name ?? `relay:${options.topic}`;
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.pause.restart();
    this.loop = this.run();
  }

  /**
   * Stops the loop. With `flush`, a leading relay first publishes everything
   * committed so far (a graceful shutdown, after the api stopped taking writes);
   * what it cannot publish stays in the table for the next relay.
   */
  async stop(options: { flush?: boolean } = {}): Promise<void> {
    this.flushOnStop = options.flush ?? false;
    this.stopping = true;
    this.pause.stop();
    await this.loop;
    this.loop = undefined;
  }

  getStatus(): RelayStatus {
    return { running: this.loop !== undefined && !this.stopping, ...this.status };
  }

  /** Publishes everything committed so far; returns how many events it sent. */
  async publishPending(): Promise<number> {
    let sent = 0;
    let checkpoint = await loadCheckpoint(this.db.pool, this.name);
    for (;;) {
      const events = await this.store.readAll({ after: checkpoint, limit: this.batchSize });
      if (events.length === 0) break;
      await this.producer.send({
        topic: this.options.topic,
        acks: -1,
        messages: events.map((event) => toKafkaMessage(event, { publicBaseUrl: this.options.publicBaseUrl })),
      });
      failpoint('relay.after-send');
      await this.options.afterSend?.(events);
      checkpoint = events[events.length - 1].position;
      await saveCheckpoint(this.db.pool, this.name, checkpoint);
      sent += events.length;
      this.status.checkpoint = checkpoint;
      this.status.published += events.length;
      this.options.onPublished?.(events.length);
    }
    this.status.checkpoint = checkpoint;
    return sent;
  }

  /**
   * Publishes everything committed so far as the leader, for a one-off job
   * (`timeline generate`); `false` when another relay leads and will publish it.
   */
  async publishOnceAsLeader(): Promise<boolean> {
    try {
      if (!(await this.lead())) return false;
      await this.publishPending();
      return true;
    } finally {
      await this.dropListener();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!(await this.lead())) {
          await this.pause.sleep(1000);
          continue;
        }
        await this.publishPending();
        this.status.lastError = undefined;
        await this.pause.sleep(this.pollIntervalMs);
        if (this.lingerMs > 0 && !this.stopping) await new Promise((resolve) => setTimeout(resolve, this.lingerMs));
      } catch (error) {
        this.status.lastError = (error as Error).message;
        this.options.log?.('relay: publishing failed, will retry', { error: (error as Error).message });
        await this.dropListener();
        await this.pause.sleep(1000);
      }
    }
    if (this.flushOnStop && this.status.leader) {
      try {
        const sent = await this.publishPending();
        this.options.log?.('relay: flushed before stopping', { published: sent, checkpoint: this.status.checkpoint });
      } catch (error) {
        this.options.log?.('relay: could not flush before stopping; the next relay publishes the rest', {
          error: (error as Error).message,
        });
      }
    }
    await this.dropListener();
  }

  /** Holds leadership on a connection of its own, which also listens for appends. */
  private async lead(): Promise<boolean> {
    if (this.db.kind === 'pglite') {
      // One process owns an embedded database: no one to share the work with.
      this.status.leader = true;
      return true;
    }
    if (this.listener) return true;
    const client = new PgClient({
      connectionString: this.db.connectionString,
      options: `-c search_path=${this.db.schema}`,
      application_name: `${this.db.applicationName} relay`,
    });
    client.on('error', () => {
      this.status.leader = false;
      if (this.listener === client) this.listener = undefined;
      this.pause.wakeUp();
    });
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
      LEADER_LOCK_CLASS,
      `${this.db.schema}:${this.name}`,
    ]);
    if (!rows[0].locked) {
      await client.end().catch(() => undefined);
      this.status.leader = false;
      return false;
    }
    client.on('notification', () => this.pause.wakeUp());
    await client.query('LISTEN timeline_events');
    this.listener = client;
    this.status.leader = true;
    this.options.log?.('relay: leading, publishing to the topic', { topic: this.options.topic });
    return true;
  }

  private async dropListener(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    this.status.leader = false;
    await client?.end().catch(() => undefined);
  }
}

export async function loadCheckpoint(pool: Pool, name: string): Promise<string> {
  const { rows } = await pool.query<{ position: string }>('SELECT position FROM checkpoints WHERE name = $1', [name]);
  return rows[0]?.position ?? '0';
}

/**
 * The relay's checkpoint, committed without waiting for the WAL flush
 * (`synchronous_commit` off for this one statement's transaction). A crash
 * of PostgreSQL may lose the last checkpoints; the relay then publishes those
 * events again, which readers drop by stream version as they drop any
 * redelivery. The appends themselves stay durable: only their relay's note
 * of progress is not waited for.
 */
export async function saveCheckpoint(pool: Pool, name: string, position: string): Promise<void> {
  await pool.query(
    `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))
     INSERT INTO checkpoints (name, position) SELECT $1, $2 FROM relaxed
     ON CONFLICT (name) DO UPDATE SET position = GREATEST(checkpoints.position, EXCLUDED.position), updated_at = now()`,
    [name, position],
  );
}

/** Events committed to the table and not yet on the topic: the relay's lag. */
export async function unpublishedEvents(pool: Pool, topic: string, name = `relay:${topic}`): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    `SELECT count(*)::text AS count FROM events
      WHERE position > coalesce((SELECT position FROM checkpoints WHERE name = $1), 0)`,
    [name],
  );
  return Number(rows[0].count);
}

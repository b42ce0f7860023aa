import type { Pool, PoolClient } from 'pg';
import type { RecordedEvent } from '@timeline/domain';
import { Database, readEventsAfter } from '@timeline/event-store';
import { failpoint, WakeableSleep } from '@timeline/log';
import { GenerationStatistics } from './statistics';
import { activeGeneration, ensureActiveGeneration } from './generations';
import { projectEvents } from './project-events';
import { loadCheckpoints, saveCheckpoint, TABLE_PARTITION, TABLE_SOURCE } from './checkpoints';
import { consecutiveAppends, inProjectionTransaction, PartitionLag, Projector, ProjectorLog, ProjectorStatus } from './projector';

/** Follows the events table by position: the log of the embedded default. */
export class TableProjector implements Projector {
  private stopping = false;
  private loop?: Promise<void>;
  private readonly pause = new WakeableSleep();
  private status: { projected: number; generation?: number; lastError?: string } = { projected: 0 };
  private readonly statistics: GenerationStatistics;

  constructor(
    private readonly db: Database,
    private readonly options: { batchSize?: number; pollIntervalMs?: number; log?: ProjectorLog } = {},
  ) {
    this.statistics = new GenerationStatistics(db.pool, options.log);
  }

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
      let schema = '';
      const read = await inProjectionTransaction(this.db.pool, async (client, generation) => {
        this.status.generation = generation.generation;
        schema = generation.schema;
        const checkpoints = await loadCheckpoints(client, generation.schema, TABLE_SOURCE);
        const after = checkpoints.get(TABLE_PARTITION) ?? '0';
        // On this transaction's connection: the embedded pool has only one.
        const events = await readEventsAfter(client, { after, limit: this.options.batchSize ?? 500 });
        if (events.length === 0) return 0;
        const projected = await this.projectUntilSomeoneWaits(client, generation.schema, events);
        await saveCheckpoint(client, generation.schema, TABLE_SOURCE, TABLE_PARTITION, projected[projected.length - 1].position);
        failpoint('projector.before-commit');
        return projected.length;
      });
      if (read === 0) return total;
      total += read;
      await this.statistics.noteProjected(schema, read);
    }
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

/** How far the active generation is behind the events table (the embedded log). */
export async function tableProjectorLag(pool: Pool): Promise<PartitionLag[]> {
  const generation = await activeGeneration(pool);
  if (!generation) throw new Error('no active read-model generation');
  const stored = await loadCheckpoints(pool, generation.schema, TABLE_SOURCE);
  const checkpoint = stored.get(TABLE_PARTITION) ?? '0';
  const { rows } = await pool.query<{ count: string; head: string | null }>(
    'SELECT count(*)::text AS count, max(position)::text AS head FROM events WHERE position > $1',
    [checkpoint],
  );
  return [{ partition: TABLE_PARTITION, lag: Number(rows[0].count), next: checkpoint, end: rows[0].head ?? checkpoint }];
}

import type { Pool, PoolClient } from 'pg';
import type { Database } from '@timeline/event-store';
import { LogHandler, TableLog } from '@timeline/log';
import { activeGeneration } from './generations';
import { loadCheckpoints, TABLE_PARTITION, TABLE_SOURCE } from './checkpoints';
import { LogProjector } from './log-projector';
import type { PartitionLag, ProjectorLog } from './projector';

/** The projector of the embedded default: follows the events table by position. */
export class TableProjector extends LogProjector {
  private readonly table: TableLog<PoolClient>;

  constructor(db: Database, options: { batchSize?: number; pollIntervalMs?: number; log?: ProjectorLog } = {}) {
    const table = new TableLog<PoolClient>({ pool: db.pool, batchSize: options.batchSize, pollIntervalMs: options.pollIntervalMs });
    super(db, table, { source: TABLE_SOURCE, log: options.log, yieldToCommands: true, readInTransaction: true });
    this.table = table;
  }

  /** Projects what is committed so far; returns how many events it read. */
  catchUp(): Promise<number> {
    // The handler is the projector's for either log; the table log always reads on a client.
    return this.table.catchUp(this.handler as LogHandler<PoolClient>);
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

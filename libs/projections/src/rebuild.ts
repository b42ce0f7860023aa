import type { Pool, PoolClient } from 'pg';
import type { Database } from '@timeline/event-store';
import { inTransaction, readEventsAfter } from '@timeline/event-store';
import { activate, activeGeneration, createGeneration, dropGeneration, Generation } from './generations';
import { projectEvents } from './project-events';
import { saveCheckpoint, TABLE_SOURCE } from './projector';
import { quoteIdent } from './read-model-schema';

export interface RebuildProgress {
  readonly done: number;
  readonly total: number;
  readonly phase: 'replaying' | 'switching' | 'done';
}

export interface RebuildResult {
  readonly generation: number;
  readonly previous?: number;
  readonly events: number;
  readonly seconds: number;
}

const TABLE_PARTITION = -1;

/**
 * Rebuilds every read model from the log into a fresh generation while reads
 * keep using the active one, then switches in one transaction. The switch
 * holds the generation pointer FOR UPDATE, so a live projector's batch either
 * committed before it (and its events are caught up here) or runs after it,
 * against the new generation, where repeats are dropped by stream version.
 */
export async function rebuildReadModels(
  db: Database,
  options: { batchSize?: number; onProgress?: (progress: RebuildProgress) => void } = {},
): Promise<RebuildResult> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 2_000;
  await dropAbandonedGenerations(db.pool);
  const generation = await createGeneration(db.pool, db.schema);
  try {
    const { rows } = await db.pool.query<{ total: string }>('SELECT count(*)::text AS total FROM events');
    let total = Number(rows[0].total);
    let done = 0;
    let after = '0';
    const report = (phase: RebuildProgress['phase']) => options.onProgress?.({ done, total: Math.max(total, done), phase });
    report('replaying');
    for (;;) {
      const read = await replayBatch(db.pool, generation, after, batchSize);
      if (read.count === 0) break;
      after = read.last;
      done += read.count;
      report('replaying');
    }

    report('switching');
    const previous = await switchTo(db.pool, generation, after, batchSize, (count) => {
      done += count;
      total = Math.max(total, done);
    });
    report('done');
    return { generation: generation.generation, previous, events: done, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    await db.pool.query("UPDATE projection_generations SET status = 'failed' WHERE generation = $1", [generation.generation]);
    throw error;
  }
}

function replayBatch(pool: Pool, generation: Generation, after: string, limit: number) {
  return inTransaction(pool, (client) => replayInto(client, generation, after, limit));
}

async function replayInto(client: PoolClient, generation: Generation, after: string, limit: number) {
  const events = await readEventsAfter(client, { after, limit });
  if (events.length === 0) return { count: 0, last: after };
  await projectEvents(client, generation.schema, events);
  const last = events[events.length - 1].position;
  await saveCheckpoint(client, generation.schema, TABLE_SOURCE, TABLE_PARTITION, last);
  return { count: events.length, last };
}

async function switchTo(
  pool: Pool,
  generation: Generation,
  after: string,
  batchSize: number,
  onCaughtUp: (count: number) => void,
): Promise<number | undefined> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT active_generation FROM projection_state FOR UPDATE');
    for (let position = after; ; ) {
      const read = await replayInto(client, generation, position, batchSize);
      if (read.count === 0) break;
      onCaughtUp(read.count);
      position = read.last;
    }
    const previous = await activeGeneration(client);
    if (previous) {
      // Everything the old generation took from Kafka is in the new one now: carry its offsets over.
      for (const [partition, offset] of await kafkaCheckpoints(client, previous.schema)) {
        await saveCheckpoint(client, generation.schema, partition.source, partition.partition, offset);
      }
    }
    await activate(client, generation);
    return previous?.generation;
  });
}

async function kafkaCheckpoints(client: PoolClient, schema: string) {
  const { rows } = await client.query<{ source: string; partition: number; position: string }>(
    `SELECT source, partition, position::text FROM ${quoteIdent(schema)}.checkpoints WHERE source LIKE 'kafka:%'`,
  );
  return rows.map((row) => [{ source: row.source, partition: row.partition }, row.position] as const);
}

/** Generations left by an earlier rebuild that failed or was superseded. */
async function dropAbandonedGenerations(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ generation: number; schema_name: string }>(
    "SELECT generation, schema_name FROM projection_generations WHERE status IN ('retired', 'failed', 'building')",
  );
  for (const row of rows) await dropGeneration(pool, { generation: row.generation, schema: row.schema_name });
}


import type { Pool, PoolClient } from 'pg';
import { quoteIdent } from './read-model-schema';

/** Where each projector stands in its log, per partition, kept in the generation's schema with its rows. */

/** The events table's checkpoint source and its one partition. */
export const TABLE_SOURCE = 'table';
export const TABLE_PARTITION = -1;

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

import type { Pool, PoolClient } from 'pg';
import { quoteIdent, READ_MODEL_VERSION, readModelDdl } from './read-model-schema';

export interface Generation {
  readonly generation: number;
  readonly schema: string;
}

type Queryable = Pool | PoolClient;

/** A new, empty generation in state 'building'. */
export async function createGeneration(pool: Pool, baseSchema: string, options: { indexes?: boolean } = {}): Promise<Generation> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE projection_generations IN EXCLUSIVE MODE');
    const { rows } = await client.query<{ next: number }>('SELECT coalesce(max(generation), 0) + 1 AS next FROM projection_generations');
    const generation = rows[0].next;
    const schema = `${baseSchema}_rm${generation}_v${READ_MODEL_VERSION}`;
    await client.query(readModelDdl(schema, options));
    await client.query("INSERT INTO projection_generations (generation, schema_name, status) VALUES ($1, $2, 'building')", [
      generation,
      schema,
    ]);
    await client.query('COMMIT');
    return { generation, schema };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The generation reads use; `lock` takes it FOR SHARE so a switch waits for this transaction. */
export async function activeGeneration(db: Queryable, lock = false): Promise<Generation | undefined> {
  // The lock is taken in a sub-query, not on a join: a join that waited for a switch is
  // re-checked against the old generation's row and comes back empty; the sub-query
  // re-reads the state row and yields the generation it now points to.
  const { rows } = await db.query<{ generation: number; schema_name: string }>(
    lock
      ? `SELECT generation, schema_name FROM projection_generations
          WHERE generation = (SELECT active_generation FROM projection_state FOR SHARE)`
      : `SELECT g.generation, g.schema_name
           FROM projection_state s JOIN projection_generations g ON g.generation = s.active_generation`,
  );
  return rows[0] && { generation: rows[0].generation, schema: rows[0].schema_name };
}

/**
 * The active generation, made on first use. A generation built for an older
 * READ_MODEL_VERSION is not used: a new one is made, to be filled from the log.
 */
export async function ensureActiveGeneration(pool: Pool, baseSchema: string): Promise<Generation> {
  const active = await activeGeneration(pool);
  if (active && active.schema.endsWith(`_v${READ_MODEL_VERSION}`)) return active;
  const created = await createGeneration(pool, baseSchema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ active_generation: number | null }>('SELECT active_generation FROM projection_state FOR UPDATE');
    if (rows[0].active_generation !== (active?.generation ?? null)) {
      // Another process activated one meanwhile: use it, drop ours.
      await client.query('ROLLBACK');
      await dropGeneration(pool, created);
      return (await activeGeneration(pool))!;
    }
    await activate(client, created);
    await client.query('COMMIT');
    return created;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Points reads at `generation`; run inside the transaction that holds projection_state FOR UPDATE. */
export async function activate(client: PoolClient, generation: Generation): Promise<void> {
  await client.query(
    `UPDATE projection_generations SET status = 'retired'
      WHERE generation = (SELECT active_generation FROM projection_state) AND generation <> $1`,
    [generation.generation],
  );
  await client.query("UPDATE projection_generations SET status = 'active', activated_at = now() WHERE generation = $1", [
    generation.generation,
  ]);
  await client.query('UPDATE projection_state SET active_generation = $1', [generation.generation]);
}

export async function dropGeneration(pool: Pool, generation: Generation): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(generation.schema)} CASCADE`);
  await pool.query('DELETE FROM projection_generations WHERE generation = $1', [generation.generation]);
}

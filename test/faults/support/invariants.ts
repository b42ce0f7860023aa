import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { quoteIdent } from '@timeline/projections';
import { consumeTopic } from '../../support/kafka';
import type { AnsweredWrite } from './load';

/** Every event id of the whole topic, read from the beginning to each partition's end. */
export async function readWholeTopic(kafka: Kafka, admin: Admin, topic: string): Promise<{ ids: string[]; records: number }> {
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, BigInt(high)]));
  const reached = (records: { partition: number; offset: string }[]) => {
    const last = new Map<number, bigint>();
    for (const record of records) last.set(record.partition, BigInt(record.offset));
    return [...ends].every(([partition, high]) => high === 0n || (last.get(partition) ?? -1n) >= high - 1n);
  };
  if (reached([])) return { ids: [], records: 0 };
  const records = await consumeTopic(kafka, topic, reached, 60_000);
  return { ids: records.map((record) => record.event.id), records: records.length };
}

/** Streams whose versions are not exactly 1..n, or whose `streams` row disagrees with its events. */
export async function brokenStreams(pool: Pool): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT e.stream_id, count(*)::int AS events, min(e.stream_version) AS first, max(e.stream_version) AS last, s.version
       FROM events e LEFT JOIN streams s USING (stream_id)
      GROUP BY e.stream_id, s.version
     HAVING count(*) <> max(e.stream_version) OR min(e.stream_version) <> 1 OR s.version IS DISTINCT FROM max(e.stream_version)`,
  );
  return rows;
}

/** Idempotency keys whose stored answer names events that are not stored (a half-applied write). */
export async function idempotencyKeysWithoutEvents(pool: Pool): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT k.key, id
       FROM idempotency_keys k, jsonb_array_elements_text(k.response -> 'eventIds') AS id
      WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = id::uuid)`,
  );
  return rows;
}

/** Answered writes whose key is not stored with the very events the client was told about. */
export async function answersNotStoredAsGiven(pool: Pool, answered: AnsweredWrite[]): Promise<unknown[]> {
  const { rows } = await pool.query<{ key: string; event_ids: string[] }>(
    `SELECT key, ARRAY(SELECT jsonb_array_elements_text(response -> 'eventIds')) AS event_ids FROM idempotency_keys`,
  );
  // Keys are stored scoped to the caller: JSON [actor, key].
  const stored = new Map(rows.map((row) => [(JSON.parse(row.key) as string[])[1], row.event_ids.join(',')]));
  return answered
    .filter((write) => stored.get(write.idempotencyKey) !== write.eventIds.join(','))
    .map((write) => ({ key: write.idempotencyKey, told: write.eventIds, stored: stored.get(write.idempotencyKey) }));
}

export const READ_MODEL_TABLES = [
  'stream_events',
  'commitment_versions',
  'commitment_reported_versions',
  'entity_versions',
  'timeline',
] as const;

/** Rows that differ between two generations' read models, table by table (both directions, with multiplicity). */
export async function readModelDifferences(pool: Pool, live: string, rebuilt: string): Promise<Record<string, number>> {
  const differences: Record<string, number> = {};
  for (const table of READ_MODEL_TABLES) {
    const a = `${quoteIdent(live)}.${table}`;
    const b = `${quoteIdent(rebuilt)}.${table}`;
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ((TABLE ${a} EXCEPT ALL TABLE ${b}) UNION ALL (TABLE ${b} EXCEPT ALL TABLE ${a})) AS d`,
    );
    differences[table] = Number(rows[0].n);
  }
  return differences;
}

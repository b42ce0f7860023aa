import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Kafka } from 'kafkajs';
import type { Database } from '@timeline/event-store';
import { inTransaction } from '@timeline/event-store';
import { followToEnds, PartitionEnds, readerGroupFor, TableLog, TopicLog, topicEnds } from '@timeline/log';
import { activate, activeGeneration, createGeneration, dropGeneration, Generation } from './generations';
import { projectEvents } from './project-events';
import { loadCheckpoints, saveCheckpoint, TABLE_SOURCE } from './checkpoints';
import { quoteIdent } from './read-model-schema';
import { deriveReadModels, indexGeneration, loadStreamEvents } from './bulk/bulk-load';

export interface RebuildProgress {
  /** Events done in this phase, of `total`. */
  readonly done: number;
  readonly total: number;
  readonly phase: 'loading' | 'deriving' | 'indexing' | 'catching up' | 'switching' | 'done';
}

export interface RebuildResult {
  readonly generation: number;
  readonly previous?: number;
  readonly events: number;
  readonly seconds: number;
}

export interface RebuildOptions {
  readonly batchSize?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

const TABLE_PARTITION = -1;

/**
 * Rebuilds every read model from the events table into a fresh generation
 * while reads keep using the active one, then switches in one transaction.
 *
 * The bulk of the log is copied and derived in bulk (see bulk/bulk-load.ts).
 * The switch holds the generation pointer FOR UPDATE, so a live projector's
 * batch either committed before it (and its events are caught up here, one
 * append at a time as the live projector would) or runs after it, against
 * the new generation, where repeats are dropped by stream version.
 */
export async function rebuildReadModels(db: Database, options: RebuildOptions = {}): Promise<RebuildResult> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 10_000;
  await dropAbandonedGenerations(db.pool);
  const generation = await createGeneration(db.pool, db.schema, { indexes: false });
  try {
    const { rows } = await db.pool.query<{ total: string }>('SELECT count(*)::text AS total FROM events');
    const total = Number(rows[0].total);
    const progress = phaseProgress(options.onProgress);
    progress.start('loading', total);
    let after = '0';
    await new TableLog({ pool: db.pool, batchSize }).catchUp({
      nextPosition: async () => BigInt(after) + 1n,
      handle: async ({ events, last }) => {
        await loadStreamEvents(db.pool, generation, events, { copy: db.kind === 'postgres' });
        after = last;
        progress.add(events.length);
      },
    });
    const loaded = progress.done;
    await deriveAndIndex(db, generation, loaded, progress);
    await inTransaction(db.pool, (client) => saveCheckpoint(client, generation.schema, TABLE_SOURCE, TABLE_PARTITION, after));

    progress.start('switching', 0);
    let caughtUp = 0;
    const previous = await switchTo(db.pool, generation, after, batchSize, (count) => {
      caughtUp += count;
      progress.add(count);
    });
    progress.start('done', loaded + caughtUp);
    return { generation: generation.generation, previous, events: loaded + caughtUp, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    await markFailed(db.pool, generation);
    throw error;
  }
}

/**
 * Rebuilds every read model from the Kafka topic, as a fresh consumer that
 * reads it from the beginning: the topic is the log everyone replays.
 *
 * 1. A consumer group of its own reads every partition up to the end
 *    offsets seen at the start, copying the records into stream_events.
 * 2. The other tables are derived from them in bulk, then indexed.
 * 3. A second consumer goes on from there, one batch at a time as the live
 *    projector does, until the new generation has every record the active
 *    one has; then, holding the generation pointer FOR UPDATE (the live
 *    projector's batches wait), it carries the offsets over and switches.
 */
export async function rebuildFromTopic(db: Database, kafka: Kafka, options: RebuildOptions & { topic: string }): Promise<RebuildResult> {
  const started = Date.now();
  const { topic } = options;
  const source = `kafka:${topic}`;
  await dropAbandonedGenerations(db.pool);
  const generation = await createGeneration(db.pool, db.schema, { indexes: false });
  const groupId = readerGroupFor(topic, 'rebuild', `${generation.generation}-${randomBytes(4).toString('hex')}`);
  const progress = phaseProgress(options.onProgress);
  try {
    const ends = await topicEnds(kafka, topic);
    const total = [...ends.values()].reduce((sum, end) => sum + Number(end.high - end.low), 0);
    progress.start('loading', total);
    const reached = new Map<number, bigint>();
    const bulk = new TopicLog(kafka, {
      topic,
      groupId,
      consumer: { ...REBUILD_CONSUMER, maxBytes: 12 << 20, maxBytesPerPartition: 4 << 20 },
      partitionsConsumedConcurrently: ends.size,
      records: 'strict',
    });
    await followToEnds(bulk, ends, async ({ partition, events, last }) => {
      await loadStreamEvents(db.pool, generation, events, { copy: db.kind === 'postgres' });
      reached.set(partition, BigInt(last));
      progress.add(events.length);
    });
    const loaded = progress.done;
    await deriveAndIndex(db, generation, loaded, progress);
    await inTransaction(db.pool, async (client) => {
      for (const [partition, offset] of reached) await saveCheckpoint(client, generation.schema, source, partition, offset.toString());
    });

    progress.start('catching up', 0);
    const previous = await catchUpAndSwitch(db, kafka, generation, {
      topic,
      groupId,
      source,
      ends,
      applied: reached,
      onEvents: (count) => progress.add(count),
    });
    const events = loaded + progress.done;
    progress.start('done', events);
    return { generation: generation.generation, previous, events, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    await markFailed(db.pool, generation);
    throw error;
  }
}

async function deriveAndIndex(db: Database, generation: Generation, events: number, progress: PhaseProgress): Promise<void> {
  progress.start('deriving', events);
  // PGlite's socket server is not known to take COPY FROM STDIN: it gets INSERTs.
  await deriveReadModels(db.pool, generation, { onEvents: (count) => progress.add(count), copy: db.kind === 'postgres' });
  progress.start('indexing', 0);
  await indexGeneration(db.pool, generation);
}

/**
 * How long the broker holds a fetch that finds nothing new. Disconnecting
 * waits for the fetch in flight, so kafkajs' default (5 s) was a fixed wait at
 * the end of each consumer; a fetch that finds records returns at once anyway.
 */
const REBUILD_CONSUMER = { sessionTimeout: 60_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 200 };

/**
 * Follows the topic into the new generation until it holds every record the
 * active generation holds (and at least the ends seen at the start), then
 * switches. Batches and switch attempts run one at a time.
 */
async function catchUpAndSwitch(
  db: Database,
  kafka: Kafka,
  generation: Generation,
  context: {
    topic: string;
    groupId: string;
    source: string;
    ends: Map<number, PartitionEnds>;
    /** The last offset in the generation, per partition. */
    applied: Map<number, bigint>;
    onEvents: (count: number) => void;
  },
): Promise<number | undefined> {
  const { topic, source } = context;
  // Nothing appended since the start (the usual case): switch without joining the group again.
  const already = await trySwitch(db.pool, generation, source, context.ends);
  if (already) return already.previous;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
  let switched: { previous: number | undefined } | undefined;
  let crashed: Error | undefined;
  const { applied } = context;
  const follower = new TopicLog(kafka, { topic, groupId: context.groupId, consumer: REBUILD_CONSUMER });
  try {
    await follower.start({
      nextPosition: async (partition) => {
        const done = applied.get(partition);
        return done === undefined ? (context.ends.get(partition)?.low ?? 0n) : done + 1n;
      },
      handle: ({ partition, events, last }) =>
        serial(async () => {
          if (switched || events.length === 0) return;
          await inTransaction(db.pool, async (client) => {
            await projectEvents(client, generation.schema, events);
            await saveCheckpoint(client, generation.schema, source, partition, last);
          });
          applied.set(partition, BigInt(last));
          context.onEvents(events.length);
        }),
      failed: (error, during) => {
        if (during === 'crash') crashed = error;
      },
    });
    for (;;) {
      if (crashed) throw crashed;
      await serial(async () => {
        const previous = await trySwitch(db.pool, generation, source, context.ends);
        if (previous) switched = previous;
      });
      if (switched) return switched.previous;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await follower.stop();
  }
}

/** Switches when the new generation holds every record of the topic the active one holds; undefined when it does not yet. */
async function trySwitch(
  pool: Pool,
  generation: Generation,
  source: string,
  ends: Map<number, PartitionEnds>,
): Promise<{ previous: number | undefined } | undefined> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT active_generation FROM projection_state FOR UPDATE');
    const previous = await activeGeneration(client);
    const ours = await loadCheckpoints(client, generation.schema, source);
    const theirs = previous ? await kafkaCheckpoints(client, previous.schema) : [];
    const needed = new Map<number, bigint>([...ends].map(([partition, end]) => [partition, end.high - 1n]));
    for (const [{ source: theirSource, partition }, offset] of theirs) {
      if (theirSource === source && BigInt(offset) > (needed.get(partition) ?? -1n)) needed.set(partition, BigInt(offset));
    }
    for (const [partition, offset] of needed) {
      if (offset >= 0n && BigInt(ours.get(partition) ?? '-1') < offset) return undefined;
    }
    for (const [{ source: theirSource, partition }, offset] of theirs) {
      if (theirSource !== source) await saveCheckpoint(client, generation.schema, theirSource, partition, offset);
    }
    await activate(client, generation);
    return { previous: previous?.generation };
  });
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
    let position = after;
    await new TableLog<PoolClient>({ pool, batchSize }).catchUp({
      round: (work) => work(client),
      nextPosition: async () => BigInt(position) + 1n,
      handle: async ({ events, last }) => {
        await projectEvents(client, generation.schema, events);
        await saveCheckpoint(client, generation.schema, TABLE_SOURCE, TABLE_PARTITION, last);
        onCaughtUp(events.length);
        position = last;
      },
    });
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

async function markFailed(pool: Pool, generation: Generation): Promise<void> {
  await pool
    .query("UPDATE projection_generations SET status = 'failed' WHERE generation = $1", [generation.generation])
    .catch(() => undefined);
}

/** Generations left by an earlier rebuild that failed or was superseded. */
async function dropAbandonedGenerations(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ generation: number; schema_name: string }>(
    "SELECT generation, schema_name FROM projection_generations WHERE status IN ('retired', 'failed', 'building')",
  );
  for (const row of rows) await dropGeneration(pool, { generation: row.generation, schema: row.schema_name });
}

interface PhaseProgress {
  start(phase: RebuildProgress['phase'], total: number): void;
  add(count: number): void;
  readonly done: number;
}

function phaseProgress(onProgress: RebuildOptions['onProgress']): PhaseProgress {
  let phase: RebuildProgress['phase'] = 'loading';
  let total = 0;
  let done = 0;
  const report = () => onProgress?.({ phase, done, total: Math.max(total, done) });
  return {
    start(next, nextTotal) {
      phase = next;
      total = nextTotal;
      done = 0;
      report();
    },
    add(count) {
      done += count;
      report();
    },
    get done() {
      return done;
    },
  };
}

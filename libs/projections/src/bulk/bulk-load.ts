import type { Pool, PoolClient } from 'pg';
import type { RecordedEvent } from '@timeline/domain';
import { EventRow, fromRow } from '@timeline/event-store';
import type { Generation } from '../generations';
import { quoteIdent, readModelIndexes } from '../read-model-schema';
import { BULK_TABLES, BulkTable, bulkInsert, streamEventRow, streamRows, StreamRows } from './stream-rows';
import { copyRows, CopyWriter } from './copy-rows';

/**
 * The bulk half of a rebuild: copy the log into a new generation's
 * stream_events, then derive every other table stream by stream, then build
 * the indexes. Each step is a few large statements; nothing is updated or
 * deleted. The generation is not visible to readers until it is switched to,
 * so its writes need not wait for the disk (synchronous_commit off): a crash
 * leaves a generation in state 'building', which the next rebuild drops.
 */

/**
 * Copies events from the log into stream_events; a record seen twice is kept once.
 * With `copy` (a real PostgreSQL server) the rows go by COPY, which cannot skip
 * a row already there: when a record of the batch is already in the table
 * (the topic can hold a record twice), the COPY fails as a whole and the batch
 * goes again by the INSERT that skips it.
 */
export async function loadStreamEvents(
  pool: Pool,
  generation: Generation,
  events: readonly RecordedEvent[],
  options: { copy?: boolean } = {},
): Promise<void> {
  if (events.length === 0) return;
  const s = quoteIdent(generation.schema);
  const rows = events.map(streamEventRow);
  if (options.copy) {
    try {
      await inAsyncCommit(pool, (client) => copyRows(client, s, BULK_TABLES.streamEvents, rows));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    }
  }
  const { text, values } = bulkInsert(s, BULK_TABLES.streamEvents, rows, 'ON CONFLICT DO NOTHING');
  await withAsyncCommit(pool, text, values);
}

const UNIQUE_VIOLATION = '23505';

/**
 * Reads stream_events stream by stream (keyset pages in primary-key order)
 * and writes the rows of commitment_versions, commitment_reported_versions, entity_versions and timeline.
 * The next page is read while this one is derived. `onEvents` counts events
 * as they are derived. With `copy` (a real PostgreSQL server, not PGlite) each
 * stream's rows go into the tables' COPY as soon as they are made, so memory
 * holds a page of events and a chunk of COPY text per table, not a page's
 * rows; without it (PGlite) a page's rows are gathered and inserted together.
 */
export async function deriveReadModels(
  pool: Pool,
  generation: Generation,
  options: { pageSize?: number; onEvents?: (count: number) => void; copy?: boolean } = {},
): Promise<void> {
  const s = quoteIdent(generation.schema);
  // Events per page: with COPY, a page of events and the next one read ahead are what memory
  // holds; without it, a page's rows too (about twelve per commitment event: versions and their
  // reported axis), under the rebuild thread's heap cap (apps/cli/src/rebuild/rebuild-in-worker.ts).
  const pageSize = options.pageSize ?? 2_000;
  const pages = pagesOfStreams(pool, s, pageSize);
  if (options.copy) await deriveByCopy(pool, s, pages, options.onEvents);
  else await deriveByInsert(pool, s, pages, options.onEvents);
}

/** The tables derived from stream_events, by their names in StreamRows and BULK_TABLES, in the order they are written. */
const DERIVED_TABLES: readonly (keyof StreamRows)[] = ['commitmentVersions', 'commitmentReportedVersions', 'entityVersions', 'timeline'];

/** Pages of whole streams in stream-id order; each next page is read while the caller works on this one. */
async function* pagesOfStreams(pool: Pool, s: string, pageSize: number): AsyncGenerator<RecordedEvent[][]> {
  let next = readPage(pool, s, '', pageSize);
  for (;;) {
    const page = await next;
    if (page.streams.length === 0) return;
    next = page.after === undefined ? Promise.resolve({ streams: [], after: undefined }) : readPage(pool, s, page.after, pageSize);
    // A failed read ahead is thrown when it is awaited; until then it must not go unhandled.
    next.catch(() => undefined);
    yield page.streams;
  }
}

/**
 * Each page's rows go to four COPYs (one transaction per table and page) while
 * the page is derived: PostgreSQL parses and stores rows while Node derives the
 * next ones, and waits only when the connection is busier than it takes. A
 * page's COPYs end and commit while the next page is derived.
 */
async function deriveByCopy(
  pool: Pool,
  s: string,
  pages: AsyncIterable<RecordedEvent[][]>,
  onEvents: ((count: number) => void) | undefined,
): Promise<void> {
  let ending: Promise<void> = Promise.resolve();
  for await (const streams of pages) {
    const writers = DERIVED_TABLES.map((table) => ({ table, writer: new CopyWriter(pool, s, BULK_TABLES[table]) }));
    const all = writers.map(({ writer }) => writer);
    let events = 0;
    try {
      for (const history of streams) {
        const derived = streamRows(history);
        for (const { table, writer } of writers) await writer.add(derived[table]);
        events += history.length;
      }
      await ending;
    } catch (error) {
      await Promise.all(all.map((writer) => writer.abort()));
      await ending.catch(() => undefined);
      throw error;
    }
    ending = Promise.all(all.map((writer) => writer.end())).then(() => onEvents?.(events));
    // A failed COPY is thrown by the next `await ending`; until then it must not go unhandled.
    ending.catch(() => undefined);
  }
  await ending;
}

/** Derives a page's rows, then inserts them while the next page is derived. */
async function deriveByInsert(
  pool: Pool,
  s: string,
  pages: AsyncIterable<RecordedEvent[][]>,
  onEvents: ((count: number) => void) | undefined,
): Promise<void> {
  // One page is written while the next is read and derived: PostgreSQL and Node work at the same time.
  let writing: Promise<void> = Promise.resolve();
  for await (const streams of pages) {
    const rows = DERIVED_TABLES.map(() => [] as unknown[][]);
    let events = 0;
    for (const history of streams) {
      const derived = streamRows(history);
      DERIVED_TABLES.forEach((table, index) => append(rows[index], derived[table]));
      events += history.length;
    }
    await writing;
    writing = Promise.all(DERIVED_TABLES.map((table, index) => writeRows(pool, s, BULK_TABLES[table], rows[index]))).then(() =>
      onEvents?.(events),
    );
    // A failed write is thrown by the next `await writing`; until then it must not go unhandled.
    writing.catch(() => undefined);
  }
  await writing;
}

/** Builds the secondary indexes of a generation filled in bulk, and its planner statistics. */
export async function indexGeneration(pool: Pool, generation: Generation): Promise<void> {
  const statements = readModelIndexes(generation.schema)
    .split(';')
    .map((statement) => statement.trim())
    .filter(Boolean);
  // Largest first, on two connections: index builds use one core each.
  statements.sort((a, b) => indexWeight(b) - indexWeight(a));
  const worker = async () => {
    const client = await pool.connect();
    try {
      // Index builds sort in memory up to this much (server memory, this session only).
      await client.query("SET maintenance_work_mem = '256MB'");
      for (let statement = statements.shift(); statement; statement = statements.shift()) await client.query(statement);
    } finally {
      await client.query('RESET maintenance_work_mem').catch(() => undefined);
      client.release();
    }
  };
  await Promise.all([worker(), worker()]);
  const s = quoteIdent(generation.schema);
  await pool.query(`ANALYZE ${s}.stream_events`);
  // VACUUM marks the pages all-visible, so the pages of commitments, entities and the timeline,
  // and the state's counts, walk their covering indexes alone (index-only scans) and read only
  // the rows they answer.
  await pool.query(`VACUUM (ANALYZE) ${s}.commitment_versions`);
  await pool.query(`VACUUM (ANALYZE) ${s}.commitment_reported_versions`);
  await pool.query(`VACUUM (ANALYZE) ${s}.entity_versions`);
  await pool.query(`VACUUM (ANALYZE) ${s}.timeline`);
}

function indexWeight(statement: string): number {
  if (/gin \(search\)/.test(statement)) return 3;
  if (/gist/.test(statement)) return 2;
  return 1;
}

interface Page {
  readonly streams: RecordedEvent[][];
  /** Where the next page starts (after this stream id); undefined when this was the last page. */
  readonly after: string | undefined;
}

/**
 * Whole streams after `after`, about `pageSize` events. A page that ends
 * inside a stream leaves that stream to the next page; a stream longer than
 * a page is read with a larger limit.
 */
async function readPage(pool: Pool, s: string, after: string, pageSize: number): Promise<Page> {
  for (let limit = pageSize; ; limit *= 2) {
    const { rows } = await pool.query<EventRow>(
      `SELECT event_id AS id, stream_id, stream_type, stream_version, position, type, schema_version, effective_at,
              effective_precision, effective_until, recorded_at, actor, source, confidence, correlation_id, causation_id, data
         FROM ${s}.stream_events WHERE stream_id > $1 ORDER BY stream_id, stream_version LIMIT $2`,
      [after, limit],
    );
    const full = rows.length === limit;
    const lastStream = rows[rows.length - 1]?.stream_id;
    const kept = full ? rows.filter((row) => row.stream_id !== lastStream) : rows;
    if (full && kept.length === 0) continue;
    const streams: RecordedEvent[][] = [];
    for (const row of kept) {
      const event = fromRow(row);
      const current = streams[streams.length - 1];
      if (current && current[0].streamId === event.streamId) current.push(event);
      else streams.push([event]);
    }
    return { streams, after: full ? kept[kept.length - 1].stream_id : undefined };
  }
}

async function writeRows(pool: Pool, s: string, table: BulkTable, rows: unknown[][]): Promise<void> {
  const chunk = 20_000;
  for (let start = 0; start < rows.length; start += chunk) {
    const { text, values } = bulkInsert(s, table, rows.slice(start, start + chunk));
    await withAsyncCommit(pool, text, values);
  }
}

async function withAsyncCommit(pool: Pool, text: string, values: unknown[]): Promise<void> {
  await inAsyncCommit(pool, async (client) => {
    await client.query(text, values);
  });
}

async function inAsyncCommit(pool: Pool, work: (client: PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL synchronous_commit = off');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@timeline/domain';
import { quoteIdent, readModelDdl } from '@timeline/projections';
import { loadStreamEvents } from '@timeline/projections/bulk/bulk-load';
import { copyRows, CopyWriter } from '@timeline/projections/bulk/copy-rows';
import { BULK_TABLES, bulkInsert } from '@timeline/projections/bulk/stream-rows';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * A bulk rebuild writes read-model rows with COPY; the same rows written by
 * the INSERT the embedded store uses must read back the same, whatever
 * characters their texts and JSON hold.
 */
const AWKWARD = 'tab\there, line\nbreak, return\r, back\\slash, "quotes", {braces}, (parens), [brackets], comma, é, \\N, ✓';

function commitmentRow(id: string, upper: string | null): unknown[] {
  return [
    id,
    '2020-01-01T00:00:00.000Z',
    upper,
    '2021-02-03T04:05:06.789Z',
    null,
    3,
    'pledge',
    AWKWARD,
    'BY',
    'RU',
    'pledged',
    JSON.stringify({ amount: '12.50', note: AWKWARD }),
    '12.50',
    'USD',
    null,
    '0',
    null,
    JSON.stringify(['a\\b']),
    JSON.stringify([]),
    '2023-01-01T00:00:00.000Z',
    JSON.stringify({ cite: [{ eventId: 'e', source: { title: AWKWARD } }], paths: { status: 0 } }),
  ];
}

function entityRow(id: string): unknown[] {
  return [
    'party',
    id,
    '2019-12-31T23:59:59.999Z',
    null,
    '2021-02-03T04:05:06.789Z',
    '2022-01-01T00:00:00.000Z',
    1,
    '{BY,RU}',
    false,
    JSON.stringify({ name: AWKWARD }),
  ];
}

function timelineRow(): unknown[] {
  return [
    randomUUID(),
    '42',
    'occurrence-x',
    'occurrence',
    1,
    'OccurrenceRecorded',
    '2020-01-01T00:00:00.000Z',
    'day',
    '2020-01-02T00:00:00.000Z',
    '2021-02-03T04:05:06.789Z',
    null,
    '2021-02-03T04:05:06.789Z',
    'actor\twith tab',
    'reported',
    JSON.stringify({ title: AWKWARD }),
    JSON.stringify({ text: AWKWARD }),
    '{}',
    `summary ${AWKWARD}`,
    JSON.stringify({ source: { source: { title: AWKWARD } }, corrected: {} }),
    '2021-09-10T00:00:00.000Z',
  ];
}

function recordedEvent(streamId: string, streamVersion: number, position: number): RecordedEvent {
  return {
    id: randomUUID(),
    type: 'OccurrenceRecorded',
    schemaVersion: 1,
    streamId,
    streamType: 'occurrence',
    streamVersion,
    position: String(position),
    recordedAt: '2021-02-03T04:05:06.789Z',
    effectiveAt: { at: '2020-01-01T00:00:00.000Z', precision: 'day' },
    source: { title: AWKWARD, publishedAt: '2020-01-02' },
    confidence: 'reported',
    actor: 'actor\twith tab',
    correlationId: randomUUID(),
    causationId: streamVersion > 1 ? randomUUID() : null,
    data: { text: AWKWARD, nested: { list: [1, 'two', null] } },
  } as unknown as RecordedEvent;
}

describe('COPY of read-model rows', () => {
  let testDb: TestDatabase;
  const inserted = `${'copy'}_${randomUUID().slice(0, 8)}_i`;
  const copied = `${'copy'}_${randomUUID().slice(0, 8)}_c`;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres', 2);
    for (const schema of [inserted, copied]) await testDb.db.pool.query(readModelDdl(schema));
  });
  afterAll(async () => {
    for (const schema of [inserted, copied]) await testDb.db.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await testDb.dispose();
  });

  it('reads back every table exactly as the INSERT path writes it', async () => {
    const rows = {
      commitmentVersions: [commitmentRow('c-1', null), commitmentRow('c-2', '2020-06-01T00:00:00.000Z')],
      entityVersions: [entityRow('BY'), entityRow('RU')],
      timeline: [timelineRow(), timelineRow()],
    };
    const client = await testDb.db.pool.connect();
    try {
      for (const key of Object.keys(rows) as (keyof typeof rows)[]) {
        const { text, values } = bulkInsert(quoteIdent(inserted), BULK_TABLES[key], rows[key]);
        await client.query(text, values);
        await copyRows(client, quoteIdent(copied), BULK_TABLES[key], rows[key]);
      }
    } finally {
      client.release();
    }
    for (const table of ['commitment_versions', 'entity_versions', 'timeline']) {
      const read = async (schema: string) =>
        (
          await testDb.db.pool.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${quoteIdent(schema)}.${table} t ORDER BY 1`)
        ).rows.map((row) => row.row);
      const expected = await read(inserted);
      expect(expected).toHaveLength(2);
      expect(await read(copied)).toEqual(expected);
    }
    const { rows: search } = await testDb.db.pool.query<{ search: string }>(
      `SELECT search::text FROM ${quoteIdent(copied)}.timeline LIMIT 1`,
    );
    expect(search[0].search).toContain("'summary'");
  });

  it('streams rows by a CopyWriter, in more than one chunk, as the INSERT path writes them; a failed COPY is thrown and commits nothing', async () => {
    // About 490,000 characters of COPY text: two chunks, the first sent while rows are still being added.
    const rows = Array.from({ length: 2_000 }, (_, index) => entityRow(`streamed-${index}`));
    const { text, values } = bulkInsert(quoteIdent(inserted), BULK_TABLES.entityVersions, rows);
    await testDb.db.pool.query(text, values);
    const writer = new CopyWriter(testDb.db.pool, quoteIdent(copied), BULK_TABLES.entityVersions);
    for (let start = 0; start < rows.length; start += 100) await writer.add(rows.slice(start, start + 100));
    await writer.end();
    const read = async (schema: string) =>
      (
        await testDb.db.pool.query<{ row: string }>(
          `SELECT row_to_json(t)::text AS row FROM ${quoteIdent(schema)}.entity_versions t WHERE entity_id LIKE 'streamed-%' ORDER BY 1`,
        )
      ).rows.map((row) => row.row);
    const expected = await read(inserted);
    expect(expected).toHaveLength(2_000);
    expect(await read(copied)).toEqual(expected);

    const failing = new CopyWriter(testDb.db.pool, quoteIdent(copied), BULK_TABLES.entityVersions);
    const bad = entityRow('failing-0');
    bad[6] = 'not a number';
    await failing.add([...rows.slice(0, 1_000).map((row) => ['failing', ...row.slice(1)]), bad]);
    await expect(failing.end()).rejects.toThrow(/invalid input syntax/);
    const { rows: left } = await testDb.db.pool.query(`SELECT 1 FROM ${quoteIdent(copied)}.entity_versions WHERE entity_type = 'failing'`);
    expect(left).toHaveLength(0);
  });

  it('loads stream_events by COPY as the INSERT path does, and keeps a record the topic holds twice once', async () => {
    const events = [recordedEvent('occurrence-a', 1, 1), recordedEvent('occurrence-a', 2, 2), recordedEvent('occurrence-b', 1, 3)];
    const generation = (schema: string) => ({ generation: 0, schema });
    await loadStreamEvents(testDb.db.pool, generation(inserted), events);
    await loadStreamEvents(testDb.db.pool, generation(copied), events.slice(0, 2), { copy: true });
    // The second batch repeats a record of the first: the COPY fails on it and the batch goes by INSERT.
    await loadStreamEvents(testDb.db.pool, generation(copied), events.slice(1), { copy: true });
    const read = async (schema: string) =>
      (
        await testDb.db.pool.query<{ row: string }>(
          `SELECT row_to_json(t)::text AS row FROM ${quoteIdent(schema)}.stream_events t ORDER BY stream_id, stream_version`,
        )
      ).rows.map((row) => row.row);
    const expected = await read(inserted);
    expect(expected).toHaveLength(3);
    expect(await read(copied)).toEqual(expected);
  });
});

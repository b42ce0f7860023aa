import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { IdempotencyKeyTaken, migrate, openDatabase, PostgresEventStore, WrongExpectedVersion } from '@timeline/event-store';
import type { RecordedEvent } from '@timeline/domain';
import { BACKENDS, createTestDatabase, TestDatabase } from '../support/test-database';
import { newTestEvent } from '../support/events';
import { testDatabaseUrl } from '../setup/environment';

describe.each(BACKENDS)('event store contract on %s', (backend) => {
  let testDb: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    store = new PostgresEventStore(testDb.db.pool);
  });
  afterAll(() => testDb.dispose());

  const stream = () => `test-${uuidv7()}`;

  it('stores the complete envelope and assigns version, position and recordedAt', async () => {
    const streamId = stream();
    const before = Date.now();
    const first = newTestEvent({ data: { n: 1 }, causationId: uuidv7() });
    const second = newTestEvent({ data: { n: 2 }, effectiveAt: { at: '2021-01-01T00:00:00.000Z', precision: 'year' } });
    const result = await store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [first, second] });

    expect(result.version).toBe(2);
    expect(result.events.map((event) => event.id)).toEqual([first.id, second.id]);
    expect(BigInt(result.events[1].position)).toBe(BigInt(result.events[0].position) + 1n);
    expect(result.position).toBe(result.events[1].position);

    const read = await store.readStream(streamId);
    expect(read).toHaveLength(2);
    const [stored] = read;
    expect(stored).toEqual({
      ...first,
      streamId,
      streamType: 'test',
      streamVersion: 1,
      position: result.events[0].position,
      recordedAt: result.events[0].recordedAt,
    });
    expect(read[1].effectiveAt).toEqual({ at: '2021-01-01T00:00:00.000Z', precision: 'year' });
    const recordedAt = Date.parse(stored.recordedAt);
    expect(recordedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(recordedAt).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await store.readEvent(second.id)).toEqual(read[1]);
  });

  it('refuses a new stream that exists, and a stale expected version, naming the actual version', async () => {
    const streamId = stream();
    await store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] });

    await expect(
      store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] }),
    ).rejects.toMatchObject({ name: 'WrongExpectedVersion', actual: 1, expected: 'no_stream' });
    await expect(store.append({ streamId, streamType: 'test', expectedVersion: 3, events: [newTestEvent()] })).rejects.toBeInstanceOf(
      WrongExpectedVersion,
    );
    await expect(
      store.append({ streamId: stream(), streamType: 'test', expectedVersion: 1, events: [newTestEvent()] }),
    ).rejects.toMatchObject({ actual: 0 });

    const ok = await store.append({ streamId, streamType: 'test', expectedVersion: 1, events: [newTestEvent()] });
    expect(ok.version).toBe(2);
    const any = await store.append({ streamId, streamType: 'test', expectedVersion: 'any', events: [newTestEvent()] });
    expect(any.version).toBe(3);
    expect((await store.readStream(streamId)).map((event) => event.streamVersion)).toEqual([1, 2, 3]);
  });

  it('lets exactly one of many concurrent writers at the same expected version win', async () => {
    const streamId = stream();
    await store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] });
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, () => store.append({ streamId, streamType: 'test', expectedVersion: 1, events: [newTestEvent()] })),
    );
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    for (const attempt of attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected')) {
      expect(attempt.reason).toBeInstanceOf(WrongExpectedVersion);
    }
    expect(await store.readStream(streamId)).toHaveLength(2);
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE of events', async () => {
    const streamId = stream();
    await store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] });
    const pool = testDb.db.pool;
    await expect(pool.query("UPDATE events SET actor = 'mallory' WHERE stream_id = $1", [streamId])).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(pool.query('DELETE FROM events WHERE stream_id = $1', [streamId])).rejects.toThrow(/append-only: DELETE refused/);
    await expect(pool.query('TRUNCATE events')).rejects.toThrow(/append-only: TRUNCATE refused/);
    const [event] = await store.readStream(streamId);
    expect(event.actor).toBe('test-suite');
  });

  it('appends all of a batch or nothing: a duplicate event id leaves the stream unchanged', async () => {
    const streamId = stream();
    const existing = newTestEvent();
    await store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [existing] });
    await expect(
      store.append({ streamId, streamType: 'test', expectedVersion: 1, events: [newTestEvent(), { ...existing }] }),
    ).rejects.toThrow(/duplicate key/);
    expect(await store.readStream(streamId)).toHaveLength(1);
    const next = await store.append({ streamId, streamType: 'test', expectedVersion: 1, events: [newTestEvent()] });
    expect(next.version).toBe(2);
  });

  it('keeps the answer of an idempotent write with the events, and refuses the key a second time', async () => {
    const streamId = stream();
    const key = `actor:${uuidv7()}`;
    const idempotency = {
      key,
      fingerprint: 'sha256:abc',
      respond: (result: { streamId: string; version: number }) => ({ id: result.streamId, version: result.version }),
    };
    await store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()], idempotency });
    expect(await store.findIdempotentResponse(key)).toEqual({
      fingerprint: 'sha256:abc',
      body: { id: streamId, version: 1 },
    });
    await expect(
      store.append({ streamId, streamType: 'test', expectedVersion: 1, events: [newTestEvent()], idempotency }),
    ).rejects.toBeInstanceOf(IdempotencyKeyTaken);
    expect(await store.readStream(streamId)).toHaveLength(1);
    expect(await store.findIdempotentResponse('actor:never-used')).toBeUndefined();
  });

  describe('appends that arrive together (group commit)', () => {
    it('writes concurrent appends to many streams in fewer commits, each with its own versions and positions', async () => {
      const streams = Array.from({ length: 40 }, stream);
      const results = await Promise.all(
        streams.map((streamId) =>
          store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent(), newTestEvent()] }),
        ),
      );

      expect(results.map((result) => result.version)).toEqual(streams.map(() => 2));
      const positions = results.flatMap((result) => result.events.map((event) => BigInt(event.position)));
      expect(new Set(positions).size).toBe(80);
      for (const result of results) expect(BigInt(result.events[1].position)).toBe(BigInt(result.events[0].position) + 1n);
      for (const [i, streamId] of streams.entries()) {
        expect((await store.readStream(streamId)).map((event) => event.id)).toEqual(results[i].events.map((event) => event.id));
      }
      // The first goes alone; the 39 that arrive while it is written go together.
      expect(await transactionsThatWrote(streams)).toBeLessThanOrEqual(2);
    });

    it('fails only the append whose expected version is stale; the others of its batch are written', async () => {
      const stale = stream();
      await store.append({ streamId: stale, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] });
      const fresh = Array.from({ length: 6 }, stream);
      const attempts = await Promise.allSettled([
        ...fresh.map((streamId) => store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] })),
        store.append({ streamId: stale, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] }),
        store.append({ streamId: stale, streamType: 'test', expectedVersion: 7, events: [newTestEvent()] }),
      ]);
      expect(attempts.slice(0, 6).every((attempt) => attempt.status === 'fulfilled')).toBe(true);
      expect(attempts[6]).toMatchObject({ status: 'rejected', reason: { name: 'WrongExpectedVersion', actual: 1, expected: 'no_stream' } });
      expect(attempts[7]).toMatchObject({ status: 'rejected', reason: { name: 'WrongExpectedVersion', actual: 1, expected: 7 } });
      expect(await store.readStream(stale)).toHaveLength(1);
      for (const streamId of fresh) expect(await store.readStream(streamId)).toHaveLength(1);
    });

    it('fails only the append with a broken event, and only the idempotent write whose key is taken', async () => {
      const existing = newTestEvent();
      const taken = `actor:${uuidv7()}`;
      const respond = (result: { version: number }) => ({ version: result.version });
      await store.append({ streamId: stream(), streamType: 'test', expectedVersion: 'no_stream', events: [existing] });
      await store.append({
        streamId: stream(),
        streamType: 'test',
        expectedVersion: 'no_stream',
        events: [newTestEvent()],
        idempotency: { key: taken, fingerprint: 'f', respond },
      });

      const good = Array.from({ length: 5 }, stream);
      const kept = `actor:${uuidv7()}`;
      // The first append is written at once, alone; the ones after it arrive while it is written and go together.
      const [, duplicate, reused, ...rest] = await Promise.allSettled([
        store.append({ streamId: stream(), streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] }),
        store.append({ streamId: stream(), streamType: 'test', expectedVersion: 'no_stream', events: [{ ...existing }] }),
        store.append({
          streamId: stream(),
          streamType: 'test',
          expectedVersion: 'no_stream',
          events: [newTestEvent()],
          idempotency: { key: taken, fingerprint: 'f', respond },
        }),
        store.append({
          streamId: good[0],
          streamType: 'test',
          expectedVersion: 'no_stream',
          events: [newTestEvent()],
          idempotency: { key: kept, fingerprint: 'g', respond },
        }),
        ...good
          .slice(1)
          .map((streamId) => store.append({ streamId, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] })),
      ]);
      expect(duplicate).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/duplicate key/) } });
      expect(reused).toMatchObject({ status: 'rejected', reason: { name: 'IdempotencyKeyTaken' } });
      expect(rest.every((attempt) => attempt.status === 'fulfilled')).toBe(true);
      for (const streamId of good) expect(await store.readStream(streamId)).toHaveLength(1);
      expect(await store.findIdempotentResponse(kept)).toEqual({ fingerprint: 'g', body: { version: 1 } });
    });
  });

  /** How many transactions wrote these streams' events (rows written by one share its xmin). */
  async function transactionsThatWrote(streamIds: string[]): Promise<number> {
    const { rows } = await testDb.db.pool.query<{ transactions: number }>(
      'SELECT count(DISTINCT xmin::text)::int AS transactions FROM events WHERE stream_id = ANY($1)',
      [streamIds],
    );
    return rows[0].transactions;
  }

  it('a reader following by position sees every event of concurrent writers, in order, none skipped', async () => {
    const start = await store.headPosition();
    const writers = 8;
    const appendsPerWriter = 15;
    let writing = true;
    const seen: RecordedEvent[] = [];
    const reader = (async () => {
      let after = start;
      for (;;) {
        const finished = !writing;
        const batch = await store.readAll({ after, limit: 50 });
        for (const event of batch) {
          expect(BigInt(event.position)).toBeGreaterThan(BigInt(after));
          after = event.position;
          seen.push(event);
        }
        if (finished && batch.length === 0) return;
      }
    })();
    const written = await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        const streamId = stream();
        const ids: string[] = [];
        for (let i = 0; i < appendsPerWriter; i++) {
          const events = [newTestEvent({ data: { writer, i } }), newTestEvent({ data: { writer, i, second: true } })];
          await store.append({ streamId, streamType: 'test', expectedVersion: i === 0 ? 'no_stream' : i * 2, events });
          ids.push(...events.map((event) => event.id));
        }
        return ids;
      }),
    );
    writing = false;
    await reader;

    const all = await store.readAll({ after: start, limit: 10_000 });
    expect(all).toHaveLength(writers * appendsPerWriter * 2);
    expect(seen.map((event) => event.id)).toEqual(all.map((event) => event.id));
    expect(new Set(seen.map((event) => event.id))).toEqual(new Set(written.flat()));
  });

  if (backend === 'postgres') {
    it('a reader never sees a later position while an earlier append is still uncommitted', async () => {
      const slow = new Client({ connectionString: testDb.db.connectionString, options: `-c search_path=${testDb.db.schema}` });
      await slow.connect();
      try {
        const start = await store.headPosition();
        await slow.query('BEGIN');
        const slowEvent = newTestEvent({ data: { slow: true } });
        const { rows } = await slow.query('SELECT event_position FROM append_to_stream($1, $2, $3, $4)', [
          stream(),
          'test',
          0,
          JSON.stringify([{ ...slowEvent, effectiveAt: slowEvent.effectiveAt.at, precision: 'day' }]),
        ]);
        const slowPosition = BigInt(rows[0].event_position);

        const fastEvent = newTestEvent({ data: { fast: true } });
        const fast = store.append({ streamId: stream(), streamType: 'test', expectedVersion: 'no_stream', events: [fastEvent] });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await store.readAll({ after: start, limit: 10 })).toEqual([]);

        await slow.query('COMMIT');
        const fastResult = await fast;
        expect(BigInt(fastResult.position)).toBeGreaterThan(slowPosition);
        const read = await store.readAll({ after: start, limit: 10 });
        expect(read.map((event) => event.id)).toEqual([slowEvent.id, fastEvent.id]);
      } finally {
        await slow.end();
      }
    });
  }
});

describe('migrations on a shared database', () => {
  // node-pg-migrate's own lock: one for the whole database, whatever the schema.
  const DATABASE_WIDE_MIGRATION_LOCK = '7241865325823964';

  it('are not stopped by a migration of another schema holding the database-wide lock', async () => {
    const url = testDatabaseUrl();
    const holder = new Client({ connectionString: url });
    await holder.connect();
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const db = await openDatabase({ url, schema });
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [DATABASE_WIDE_MIGRATION_LOCK]);
      const { applied } = await migrate(db);
      expect(applied).toContain('1764341800000_append-batches');
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [DATABASE_WIDE_MIGRATION_LOCK]).catch(() => undefined);
      await holder.end();
      await db.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    }
  });
});

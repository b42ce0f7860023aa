import { appendBulk } from '@timeline/event-store';
import { activeGeneration, consecutiveAppends, quoteIdent, TableProjector } from '@timeline/projections';
import { SyntheticHistory } from '../../apps/cli/src/generate/synthetic-history';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The embedded store has one connection. A write that asks for it while the projector works
 * through a batch gets it after the append being projected, not after the whole batch: the
 * projector commits what it did and goes on after the write.
 */
describe('the table projector on the embedded store', () => {
  let testDb: TestDatabase;
  const history = new SyntheticHistory({
    events: 200,
    seed: 11,
    from: new Date('2015-01-01'),
    until: new Date('2025-01-01'),
    prefix: 'y-',
  });

  beforeAll(async () => {
    testDb = await createTestDatabase('pglite');
    await appendBulk(testDb.db.pool, history.next(120));
  });
  afterAll(() => testDb?.dispose());

  it('hands the connection to a waiting query after one append, keeping what it projected', async () => {
    const projector = new TableProjector(testDb.db);
    const { rows: logged } = await testDb.db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM events');
    await projector.start();
    await projector.stop();
    // start() projected the whole log once; add a second batch to see the hand-over in.
    await appendBulk(testDb.db.pool, history.next(80));
    const generation = (await activeGeneration(testDb.db.pool))!;

    const catchingUp = projector.catchUp();
    // Asked for while the projector holds the only connection: answered between two appends.
    const seenByTheWaitingQuery = testDb.db.pool.query<{ projected: number }>(
      `SELECT count(*)::int AS projected FROM ${quoteIdent(generation.schema)}.stream_events`,
    );
    const [total, { rows }] = await Promise.all([catchingUp, seenByTheWaitingQuery]);

    expect(total).toBe(80);
    expect(rows[0].projected).toBeGreaterThan(logged[0].count);
    expect(rows[0].projected).toBeLessThan(logged[0].count + 80);
    const { rows: after } = await testDb.db.pool.query<{ projected: number }>(
      `SELECT count(*)::int AS projected FROM ${quoteIdent(generation.schema)}.stream_events`,
    );
    expect(after[0].projected).toBe(logged[0].count + 80);
  });
});

describe('consecutiveAppends', () => {
  const event = (streamId: string, recordedAt: string, streamVersion: number) =>
    ({ streamId, recordedAt, streamVersion }) as Parameters<typeof consecutiveAppends>[0][number];

  it('cuts where the stream or the recording instant changes, and keeps the order', () => {
    const a1 = event('a', 't1', 1);
    const a2 = event('a', 't1', 2);
    const b1 = event('b', 't1', 1);
    const a3 = event('a', 't2', 3);
    const a4 = event('a', 't2', 4);
    expect(consecutiveAppends([a1, a2, b1, a3, a4])).toEqual([[a1, a2], [b1], [a3, a4]]);
    expect(consecutiveAppends([])).toEqual([]);
  });
});

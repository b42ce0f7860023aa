import { appendBulk } from '@timeline/event-store';
import { activeGeneration, ensureActiveGeneration, quoteIdent, TableProjector } from '@timeline/projections';
import { SyntheticHistory } from '../../apps/cli/src/generate/synthetic-history';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * A generation filled by the live projector gets planner statistics, as a rebuilt one does:
 * without them a timeline page on a server with autovacuum off scanned and sorted every row.
 */
describe.each([{ backend: 'postgres' as const }, { backend: 'pglite' as const }])(
  'statistics of a live-projected generation on $backend',
  ({ backend }) => {
    let testDb: TestDatabase;

    beforeAll(async () => {
      testDb = await createTestDatabase(backend);
    });
    afterAll(() => testDb?.dispose());

    const estimatedRows = async (schema: string) => {
      const { rows } = await testDb.db.pool.query<{ reltuples: number }>(
        `SELECT reltuples FROM pg_class WHERE oid = '${quoteIdent(schema)}.timeline'::regclass`,
      );
      return Number(rows[0].reltuples);
    };

    it('is analyzed once the projector has projected a thousand events, and the timeline page then walks its index', async () => {
      await ensureActiveGeneration(testDb.db.pool, testDb.db.schema);
      const { schema } = (await activeGeneration(testDb.db.pool))!;
      const projector = new TableProjector(testDb.db, { batchSize: 200 });
      const history = new SyntheticHistory({
        events: 1500,
        seed: 3,
        from: new Date('2015-01-01'),
        until: new Date('2025-01-01'),
        prefix: 's-',
      });
      await appendBulk(testDb.db.pool, history.next(600));
      await projector.catchUp();
      // Fewer than a thousand: not analyzed yet (a never-analyzed table estimates -1 or 0 rows).
      expect(await estimatedRows(schema)).toBeLessThanOrEqual(0);

      await appendBulk(testDb.db.pool, history.next(900));
      await projector.catchUp();
      const { rows } = await testDb.db.pool.query<{ count: string }>(`SELECT count(*)::text AS count FROM ${quoteIdent(schema)}.timeline`);
      const estimated = await estimatedRows(schema);
      // Analyzed at the thousandth event (the next time at the two-thousandth): the estimate is the count then.
      expect(estimated).toBeGreaterThan(Number(rows[0].count) * 0.5);
      expect(estimated).toBeLessThanOrEqual(Number(rows[0].count));

      // With statistics, a page of the timeline is read in order from the covering index, not sorted whole.
      const plan = await testDb.db.pool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT effective_at, position FROM ${quoteIdent(schema)}.timeline t WHERE recorded @> now() ORDER BY t.effective_at, t.position LIMIT 101`,
      );
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index (Only )?Scan using \S*timeline_effective_at_position/);
      expect(text).not.toMatch(/Sort/);
    });
  },
);

import { appendBulk } from '@timeline/event-store';
import { activeGeneration, quoteIdent, ReadModel, rebuildReadModels } from '@timeline/projections';
import { SyntheticHistory } from '../../apps/cli/src/generate/synthetic-history';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The pages that are asked in a shape built for speed (the timeline from a date, split in
 * parts; a page of commitments through the covering index) return exactly what the plain
 * definition returns, on a generated history with every precision, corrections and retractions.
 */
describe('read-model pages equal their plain definition', () => {
  let testDb: TestDatabase;
  let readModel: ReadModel;
  let s: string;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    const history = new SyntheticHistory({ events: 4000, seed: 11, from: new Date('2015-01-01'), until: new Date('2025-01-01'), prefix: 'p-' });
    for (let batch = history.next(1000); batch.length > 0; batch = history.next(1000)) await appendBulk(testDb.db.pool, batch);
    await rebuildReadModels(testDb.db);
    readModel = new ReadModel(testDb.db.pool);
    s = quoteIdent((await activeGeneration(testDb.db.pool))!.schema);
  });
  afterAll(() => testDb?.dispose());

  let seed = 3;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const instant = (from: number, to: number) => new Date(from + random() * (to - from)).toISOString();
  const START = Date.UTC(2014, 0, 1);
  const END = Date.UTC(2025, 6, 1);

  it('a timeline page from a date: every event whose period ends after it, in effective order', async () => {
    let compared = 0;
    for (let run = 0; run < 60; run++) {
      // Dates at the start of a year, month or day, and any instant.
      const from = [instant(START, END).slice(0, 4) + '-01-01T00:00:00.000Z', instant(START, END).slice(0, 7) + '-01T00:00:00.000Z', instant(START, END)][run % 3];
      const knownAt = run % 2 ? new Date().toISOString() : instant(Date.parse(from), END);
      const party = ['BY', 'RU', 'KZ', undefined][run % 4];
      const limit = [5, 50, 200][run % 3];
      const page = await readModel.timeline({ knownAt, from, party, limit });
      const { rows } = await testDb.db.pool.query<{ event_id: string; position: string }>(
        `SELECT event_id, position::text FROM ${s}.timeline t
          WHERE recorded @> $1::timestamptz AND effective_until > $2::timestamptz AND ($3::text IS NULL OR parties @> ARRAY[$3::text])
          ORDER BY t.effective_at, t.position LIMIT $4`,
        [knownAt, from, party ?? null, limit],
      );
      expect(page.map((entry) => `${entry.eventId}@${entry.position}`)).toEqual(rows.map((row) => `${row.event_id}@${row.position}`));
      compared += rows.length;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('a page of commitments: those that hold at (asOf, knownAt), in id order', async () => {
    let compared = 0;
    for (let run = 0; run < 60; run++) {
      const asOf = instant(START, END);
      const knownAt = run % 2 ? new Date().toISOString() : instant(Date.parse(asOf), END);
      const filter = { party: ['BY', 'RU', 'KZ', undefined][run % 4], status: [['pledged'], ['requested', 'pledged'], undefined][run % 3] };
      const page = await readModel.commitments(asOf, knownAt, filter, { limit: 30 });
      const all = await readModel.commitments(asOf, knownAt, filter);
      expect(page.map((view) => view.id)).toEqual(all.map((view) => view.id).sort().slice(0, 30));
      expect(page).toEqual(page.map((view) => all.find((other) => other.id === view.id)));
      compared += page.length;
    }
    expect(compared).toBeGreaterThan(500);
  });
});

import { appendBulk } from '@timeline/event-store';
import { activeGeneration, quoteIdent, READ_MODEL_VERSION, ReadModel, rebuildReadModels, TableProjector } from '@timeline/projections';
import { SyntheticHistory } from '../../apps/cli/src/generate/synthetic-history';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * A store whose active generation was built by an older READ_MODEL_VERSION (other tables or
 * indexes) is not read or migrated: the projector makes a generation of this version, fills
 * it from the log, and the answers are what a rebuild gives.
 */
describe('a generation of an older read-model version', () => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    const history = new SyntheticHistory({
      events: 600,
      seed: 5,
      from: new Date('2015-01-01'),
      until: new Date('2025-01-01'),
      prefix: 'v-',
    });
    for (let batch = history.next(300); batch.length > 0; batch = history.next(300)) await appendBulk(testDb.db.pool, batch);
  });
  afterAll(() => testDb?.dispose());

  it('is replaced by a generation of this version, filled from the log, when the projector starts', async () => {
    await rebuildReadModels(testDb.db);
    const readModel = new ReadModel(testDb.db.pool);
    const asOf = '2020-06-30T00:00:00.000Z';
    const knownAt = new Date().toISOString();
    const expected = await readModel.commitments(asOf, knownAt, { parties: ['BY'], status: ['pledged'] }, { limit: 50 });
    expect(expected.length).toBeGreaterThan(5);

    // Make the active generation look as an older version left it.
    const current = (await activeGeneration(testDb.db.pool))!;
    const older = current.schema.replace(`_v${READ_MODEL_VERSION}`, `_v${READ_MODEL_VERSION - 1}`);
    await testDb.db.pool.query(`ALTER SCHEMA ${quoteIdent(current.schema)} RENAME TO ${quoteIdent(older)}`);
    await testDb.db.pool.query('UPDATE projection_generations SET schema_name = $1 WHERE generation = $2', [older, current.generation]);

    const projector = new TableProjector(testDb.db);
    await projector.start();
    await projector.stop();
    const replaced = (await activeGeneration(testDb.db.pool))!;
    expect(replaced.generation).toBeGreaterThan(current.generation);
    expect(replaced.schema.endsWith(`_v${READ_MODEL_VERSION}`)).toBe(true);
    expect(await projector.catchUp()).toBeGreaterThanOrEqual(0);
    const { rows } = await testDb.db.pool.query<{ projected: number; logged: number }>(
      `SELECT (SELECT count(*)::int FROM ${quoteIdent(replaced.schema)}.stream_events) AS projected, (SELECT count(*)::int FROM events) AS logged`,
    );
    expect(rows[0].projected).toBe(rows[0].logged);
    expect(await readModel.commitments(asOf, knownAt, { parties: ['BY'], status: ['pledged'] }, { limit: 50 })).toEqual(expected);
  });
});

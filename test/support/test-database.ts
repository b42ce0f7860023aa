import { randomBytes } from 'node:crypto';
import { Database, migrate, openDatabase } from '@timeline/event-store';
import { assertTestDatabase, testDatabaseUrl } from '../setup/environment';

export type Backend = 'postgres' | 'pglite';
export const BACKENDS: Backend[] = ['postgres', 'pglite'];

export interface TestDatabase {
  db: Database;
  /** Closes the pool and removes what the test created. */
  dispose(): Promise<void>;
}

/**
 * A migrated, empty store of its own: a fresh schema on the real server, or an
 * in-memory PGlite, so that test files can run in parallel.
 */
export async function createTestDatabase(backend: Backend, poolSize = 10): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db);
    return { db, dispose: () => db.close() };
  }
  const url = testDatabaseUrl();
  assertTestDatabase(url);
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ url, schema, poolSize });
  await migrate(db);
  return {
    db,
    dispose: async () => {
      await db.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}

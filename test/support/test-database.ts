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
      // The store's schema and the read-model generations made beside it (<schema>_rm<n>_v<m>).
      const { rows } = await db.pool.query<{ name: string }>(
        "SELECT nspname AS name FROM pg_namespace WHERE nspname = $1 OR nspname LIKE $1 || '\\_rm%'",
        [schema],
      );
      for (const { name } of rows) await db.pool.query(`DROP SCHEMA ${name} CASCADE`);
      await db.close();
    },
  };
}

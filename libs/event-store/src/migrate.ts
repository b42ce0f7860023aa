import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Database } from './database';

/** `migrations/` at the project root, found from here both in the sources and in `dist/`. */
export const MIGRATIONS_DIR = findProjectDir('migrations');

function findProjectDir(name: string): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`cannot find the ${name}/ folder above ${__dirname}`);
}

export interface MigrationReport {
  applied: string[];
}

// node-pg-migrate's own lock is one key for the whole database and fails at once when taken:
// processes migrating other schemas of the same database would refuse to start. Ours is per
// schema, and waits.
const MIGRATION_LOCK_CLASS = 731053;

/** Brings the schema up to date with `migrations/`; safe to run on every start. */
export async function migrate(db: Database, log: (line: string) => void = () => undefined): Promise<MigrationReport> {
  const client = await db.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, db.schema]);
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      schema: db.schema,
      createSchema: true,
      checkOrder: true,
      singleTransaction: true,
      noLock: true,
      log: () => undefined,
      logger: { debug: () => undefined, info: () => undefined, warn: log, error: log },
    });
    for (const migration of applied) log(`applied migration ${migration.name}`);
    return { applied: applied.map((migration) => migration.name) };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, db.schema]).catch(() => undefined);
    client.release();
  }
}

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

/**
 * Brings the schema up to date with `migrations/`; safe to run on every start.
 * Processes started together (api, relay, projector) take turns: node-pg-migrate
 * refuses while another holds its lock, so a refusal is retried for a while.
 */
export async function migrate(db: Database, log: (line: string) => void = () => undefined): Promise<MigrationReport> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db, log);
    } catch (error) {
      if (!/Another migration is already running/.test((error as Error).message) || attempt >= 60) throw error;
      await new Promise((done) => setTimeout(done, 250 + Math.random() * 250));
    }
  }
}

async function migrateOnce(db: Database, log: (line: string) => void): Promise<MigrationReport> {
  const client = await db.pool.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      schema: db.schema,
      createSchema: true,
      checkOrder: true,
      singleTransaction: true,
      log: () => undefined,
      logger: { debug: () => undefined, info: () => undefined, warn: log, error: log },
    });
    for (const migration of applied) log(`applied migration ${migration.name}`);
    return { applied: applied.map((migration) => migration.name) };
  } finally {
    client.release();
  }
}

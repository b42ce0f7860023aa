import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { assertTestDatabase, DEFAULT_TEST_KAFKA_BROKERS, testDatabaseUrl } from './environment';

const KAFKA_SCRIPT = resolve(__dirname, '../../scripts/kafka/kafka.sh');

/** Runs once per Jest project (int, e2e); both may call it in one run. */
export default async function globalSetup(): Promise<void> {
  await checkTestDatabase();
  if (!process.env.KAFKA_BROKERS) {
    // Idempotent: returns at once when the broker is already serving.
    execFileSync('bash', [KAFKA_SCRIPT, 'start'], { stdio: 'inherit' });
    process.env.KAFKA_BROKERS = DEFAULT_TEST_KAFKA_BROKERS;
  }
}

export async function checkTestDatabase(): Promise<void> {
  const url = testDatabaseUrl();
  assertTestDatabase(url);
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`the tests need PostgreSQL at ${url}: ${(error as Error).message}. Set DATABASE_URL.`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

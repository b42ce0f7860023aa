/**
 * Where the integration and end-to-end tests find their real services.
 * `DATABASE_URL` and `KAFKA_BROKERS` win when set; otherwise the machine's
 * PostgreSQL and a local broker started by `npm run kafka:start`.
 */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_TEST_KAFKA_BROKERS = '127.0.0.1:9092';

export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

export function testKafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS || DEFAULT_TEST_KAFKA_BROKERS).split(',').map((broker) => broker.trim());
}

/** Tests create and drop schemas: refuse any database whose name does not say it is for tests. */
export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/test/i.test(name)) {
    throw new Error(
      `refusing to run tests against database "${name}" (${url.replace(/:[^:@/]*@/, ':***@')}): ` + 'its name must contain "test"',
    );
  }
}

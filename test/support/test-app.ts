import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@timeline/config';
import { createApp } from '../../apps/api/src/app';
import { createRuntime, Runtime } from '../../apps/api/src/runtime/runtime';
import { testKafkaBrokers } from '../setup/environment';
import { uniqueTopic } from './kafka';
import { Backend, createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  runtime: Runtime;
  testDb: TestDatabase;
  topic?: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  backend: Backend;
  /** Run the relay to a fresh Kafka topic. */
  kafka?: boolean;
  env?: Record<string, string>;
}

/** The whole service in process, on a store of its own, as `timeline serve` builds it. */
export async function startTestApp({ backend, kafka = false, env = {} }: TestAppOptions): Promise<TestApp> {
  const testDb = await createTestDatabase(backend);
  const topic = kafka ? uniqueTopic('test.api') : undefined;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    TIMELINE_SEED: 'none',
    PORT: '0',
    ...(topic ? { KAFKA_BROKERS: testKafkaBrokers().join(','), KAFKA_TOPIC: topic, KAFKA_PARTITIONS: '3' } : {}),
    ...env,
  });
  const runtime = await createRuntime(config, { db: testDb.db });
  const app = await createApp(runtime);
  await app.init();
  return {
    app,
    runtime,
    testDb,
    topic,
    close: async () => {
      await app.close();
      await runtime.close();
      await testDb.dispose();
    },
  };
}

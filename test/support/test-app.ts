import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiKeyStore, KeyRole } from '@timeline/keys';
import { loadConfig } from '@timeline/config';
import { createApp } from '../../apps/api/src/app';
import { createRuntime, Runtime } from '@timeline/runtime';
import { testKafkaBrokers } from '../setup/environment';
import { uniqueTopic } from './kafka';
import { Backend, createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  runtime: Runtime;
  testDb: TestDatabase;
  topic?: string;
  /** An admin key, made for this app (owner `test-admin`). */
  adminKey: string;
  /** Requests to the app, carrying the admin key. */
  http(): ReturnType<typeof request.agent>;
  /** Requests with no key at all. */
  anonymous(): ReturnType<typeof request>;
  /** A fresh key of that role (owner defaults to `test-<role>`). */
  createKey(role: KeyRole, owner?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  backend: Backend;
  /** Run the relay to a fresh Kafka topic. */
  kafka?: boolean;
  env?: Record<string, string>;
}

/**
 * The whole service in process, on a store of its own, as `timeline serve`
 * builds it. Every request needs a key there, as in production: `http()`
 * sends the app's admin key, `anonymous()` none. No rate limit unless `env` sets one.
 */
export async function startTestApp({ backend, kafka = false, env = {} }: TestAppOptions): Promise<TestApp> {
  const testDb = await createTestDatabase(backend);
  const topic = kafka ? uniqueTopic('test.api') : undefined;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    TIMELINE_SEED: 'none',
    TIMELINE_RATE_LIMIT: '0',
    PORT: '0',
    ...(topic ? { KAFKA_BROKERS: testKafkaBrokers().join(','), KAFKA_TOPIC: topic, KAFKA_PARTITIONS: '3' } : {}),
    ...env,
  });
  const runtime = await createRuntime(config, { db: testDb.db });
  const app = await createApp(runtime);
  await app.init();
  const keys = app.get(ApiKeyStore);
  const createKey = async (role: KeyRole, owner = `test-${role}`) => (await keys.create({ owner, role, createdBy: 'test' })).key;
  const adminKey = await createKey('admin', 'test-admin');
  return {
    app,
    runtime,
    testDb,
    topic,
    adminKey,
    http: () => request.agent(app.getHttpServer()).set('Authorization', `Bearer ${adminKey}`),
    anonymous: () => request(app.getHttpServer()),
    createKey,
    close: async () => {
      await app.close();
      await runtime.close();
      await testDb.dispose();
    },
  };
}

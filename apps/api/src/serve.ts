import pino from 'pino';
import { AppConfig } from '@timeline/config';
import { createApp } from './app';
import { createRuntime, Runtime } from './runtime/runtime';
import { SeedLoader } from './seeds/seed-loader';

/**
 * Runs the roles this process is configured for. With the defaults that is
 * the whole service in one process: api, relay (when Kafka is configured).
 */
export async function serve(config: AppConfig): Promise<void> {
  const logger = pino({ level: config.logLevel });
  const log = (message: string, details?: Record<string, unknown>) => logger.info(details ?? {}, message);
  logger.info(
    {
      database: config.databaseUrl ? 'postgres' : `embedded PGlite in ${config.dataDir}`,
      log: config.kafka ? `kafka topic ${config.kafka.topic}` : 'events table',
      roles: [...config.roles],
    },
    'starting negotiation-timeline',
  );
  if (!config.bootstrapAdminKey) {
    logger.warn('TIMELINE_BOOTSTRAP_ADMIN_KEY is not set: writes are open and recorded as "anonymous"');
  }
  const runtime = await createRuntime(config, { log });
  if (!config.roles.has('api')) {
    logger.info('no api role: running without HTTP');
    await waitForSignal();
    await runtime.close();
    return;
  }
  const app = await createApp(runtime);
  // Command handlers are registered at init; seed before answering anyone.
  await app.init();
  await seedEmptyStore(app.get(SeedLoader), runtime, log);
  await app.listen(config.port, config.host);
  logger.info({ url: `http://localhost:${config.port}`, openapi: `http://localhost:${config.port}/openapi.json` }, 'listening');
  await waitForSignal();
  logger.info('shutting down: draining requests, flushing the relay');
  await app.close();
  await runtime.close();
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Loads TIMELINE_SEED into a store that holds no events yet; a store with events is left alone. */
export async function seedEmptyStore(loader: SeedLoader, runtime: Runtime, log: (message: string, details?: Record<string, unknown>) => void) {
  const name = runtime.config.seed;
  if (name === 'none') return;
  if ((await runtime.store.headPosition()) !== '0') return;
  const set = loader.read(name);
  const report = await loader.load(set);
  log('loaded data set into the empty store', { ...report });
}

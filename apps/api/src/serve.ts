import pino from 'pino';
import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppConfig } from '@timeline/config';
import { createApp } from './app';
import { createRuntime, Runtime } from './runtime/runtime';
import { SeedLoader } from './seeds/seed-loader';
import { ApiKeyStore } from './auth/api-keys';

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
  const keyFile = await writeFirstAdminKey(app.get(ApiKeyStore), runtime);
  if (keyFile) logger.info({ file: keyFile }, 'made the first admin key; it is in this file (readable by you only)');
  if (config.anonymousReads) logger.info('anonymous reads are on: GET requests need no key; writes do');
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

/**
 * On the embedded store (a workstation), a store without a key that works
 * gets an admin key at start (the first start, or after every key was revoked), written to `DATA_DIR/admin.key` with
 * mode 0600; only the file's path is logged. On a PostgreSQL server the first
 * key comes from TIMELINE_BOOTSTRAP_ADMIN_KEY or `timeline keys create`.
 */
export async function writeFirstAdminKey(keys: ApiKeyStore, runtime: Runtime): Promise<string | undefined> {
  const { config } = runtime;
  if (config.databaseUrl || config.bootstrapAdminKey || (await keys.countActive()) > 0) return undefined;
  const created = await keys.create({ owner: 'admin', role: 'admin', createdBy: 'first start' });
  const file = resolve(join(config.dataDir, 'admin.key'));
  try {
    await writeFile(file, `${created.key}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  } catch (error) {
    // A key no one can read is no use: withdraw it; the next start tries again.
    await keys.revoke(created.id, 'first start');
    throw error;
  }
  return file;
}

import type { Server } from 'node:http';
import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppConfig } from '@timeline/config';
import { ApiKeyStore } from '@timeline/keys';
import { banner, logTo, processLogger, Runtime, serveWithoutApi, shutDown, startRuntime, waitForSignal } from '@timeline/runtime';
import { createApp } from './app';
import { SeedLoader } from './seeds/seed-loader';

export { exitAfterShutdown } from '@timeline/runtime';

/**
 * Runs the roles this process is configured for. With the defaults that is
 * the whole service in one process: api, relay (when Kafka is configured).
 *
 * SIGTERM (or SIGINT) shuts down gracefully: readiness fails at once, the HTTP
 * server stops accepting and lets in-flight requests finish, the relay
 * publishes everything appended, the projector finishes its batch and commits
 * its offsets; then the process exits 0. Past SHUTDOWN_TIMEOUT_MS it exits 1.
 */
export async function serve(config: AppConfig): Promise<void> {
  if (config.roles.has('api')) process.stdout.write(banner(config));
  const logger = processLogger(config);
  const log = logTo(logger);
  const runtime = await startRuntime(config, logger);
  if (!config.roles.has('api')) return serveWithoutApi(config, logger, runtime);
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
  await shutDown(
    logger,
    config,
    async () => {
      // Stops accepting connections and waits for the requests in flight (event streams are ended).
      // Answers given from now on close their connections; those left idle are closed as they idle.
      const server = app.getHttpServer() as Server;
      const sweeper = setInterval(() => server.closeIdleConnections(), 100);
      try {
        await app.close();
      } finally {
        clearInterval(sweeper);
      }
      await runtime.close();
    },
    runtime,
  );
}

/** Loads TIMELINE_SEED into a store that holds no events yet; a store with events is left alone. */
export async function seedEmptyStore(
  loader: SeedLoader,
  runtime: Runtime,
  log: (message: string, details?: Record<string, unknown>) => void,
) {
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

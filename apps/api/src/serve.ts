import { createServer, Server } from 'node:http';
import pino from 'pino';
import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppConfig } from '@timeline/config';
import { createApp } from './app';
import { createRuntime, Runtime } from './runtime/runtime';
import { SeedLoader } from './seeds/seed-loader';
import { ApiKeyStore } from './auth/api-keys';
import { banner, logDestination } from './observability/terminal';

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
  const destination = logDestination();
  const logger = destination ? pino({ level: config.logLevel }, destination) : pino({ level: config.logLevel });
  const log = (message: string, details?: Record<string, unknown>) =>
    details && 'error' in details ? logger.warn(details, message) : logger.info(details ?? {}, message);
  logger.info(
    {
      database: config.databaseUrl ? 'postgres' : `embedded PGlite in ${config.dataDir}`,
      log: config.kafka ? `kafka topic ${config.kafka.topic}` : 'events table',
      roles: [...config.roles],
    },
    'starting negotiation-timeline',
  );
  const runtime = await createRuntime(config, {
    log,
    kafkaLog: (level, message, details) => logger[level](details, message),
  });
  if (!config.roles.has('api')) {
    logger.info({ roles: [...config.roles] }, 'no api role: running without the HTTP API');
    const metricsServer = config.metricsPort === undefined ? undefined : await serveMetrics(runtime, config.metricsPort, config.host);
    await waitForSignal();
    await shutDown(
      logger,
      config,
      async () => {
        await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
        await runtime.close();
      },
      runtime,
    );
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

async function shutDown(logger: pino.Logger, config: AppConfig, stop: () => Promise<void>, runtime: Runtime): Promise<void> {
  runtime.beginShutdown();
  logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutting down: draining requests, flushing the relay, committing offsets');
  const guard = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  guard.unref();
  await stop();
  clearTimeout(guard);
  logger.info('stopped');
}

/** /metrics and /health/live for a process that runs no HTTP API (a relay or projector of its own). */
async function serveMetrics(runtime: Runtime, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      runtime.metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': runtime.metrics.registry.contentType }).end(text),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
      );
    } else if (request.url === '/health/live') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: this process serves /metrics and /health/live');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}

/**
 * After a graceful shutdown everything of ours is closed; a client library's
 * lingering timer or socket must not keep the process from exiting 0.
 */
export function exitAfterShutdown(): void {
  process.exit(0);
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
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

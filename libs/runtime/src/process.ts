import { createServer, Server } from 'node:http';
import pino from 'pino';
import type { AppConfig } from '@timeline/config';
import { createRuntime, Runtime } from './runtime';
import { logDestination } from './terminal';

/**
 * What every process of the service does around its own work: one logger (readable in a
 * terminal, JSON lines otherwise), the runtime made from the configuration, and a graceful
 * shutdown on SIGTERM or SIGINT. A process with the api role adds its HTTP app
 * (apps/api/src/serve.ts); one without it (a relay or projector of its own) runs here alone.
 */
export function processLogger(config: AppConfig): pino.Logger {
  const destination = logDestination();
  return destination ? pino({ level: config.logLevel }, destination) : pino({ level: config.logLevel });
}

/** The service's log calls as pino lines: a detail named `error` makes a warning. */
export function logTo(logger: pino.Logger): (message: string, details?: Record<string, unknown>) => void {
  return (message, details) => (details && 'error' in details ? logger.warn(details, message) : logger.info(details ?? {}, message));
}

/** The runtime for `config`, logging through `logger`; says first what it is about to open. */
export async function startRuntime(config: AppConfig, logger: pino.Logger): Promise<Runtime> {
  logger.info(
    {
      database: config.databaseUrl ? 'postgres' : `embedded PGlite in ${config.dataDir}`,
      log: config.kafka ? `kafka topic ${config.kafka.topic}` : 'events table',
      roles: [...config.roles],
    },
    'starting negotiation-timeline',
  );
  return createRuntime(config, {
    log: logTo(logger),
    kafkaLog: (level, message, details) => logger[level](details, message),
  });
}

/**
 * A process without the HTTP API: the relay and/or the projector, with /metrics and
 * /health/live on METRICS_PORT when set, until SIGTERM or SIGINT.
 */
export async function serveWithoutApi(config: AppConfig, logger = processLogger(config), runtime?: Runtime): Promise<void> {
  const running = runtime ?? (await startRuntime(config, logger));
  logger.info({ roles: [...config.roles] }, 'no api role: running without the HTTP API');
  const metricsServer = config.metricsPort === undefined ? undefined : await serveMetrics(running, config.metricsPort, config.host);
  await waitForSignal();
  await shutDown(
    logger,
    config,
    async () => {
      await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
      await running.close();
    },
    running,
  );
}

/**
 * Stops the process's work within SHUTDOWN_TIMEOUT_MS: readiness fails at once, then `stop`
 * (draining requests, flushing the relay, committing offsets); past the limit it exits 1.
 */
export async function shutDown(logger: pino.Logger, config: AppConfig, stop: () => Promise<void>, runtime: Runtime): Promise<void> {
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

/** Signals that arrive this soon after the first are the same request to stop, delivered twice. */
const REPEATED_SIGNAL_MS = 1_000;

/**
 * Resolves at the first SIGINT or SIGTERM: the process drains and stops. The
 * same request often arrives twice at once (Ctrl-C reaches the whole process
 * group, and `timeline serve` passes signals on to the service it runs), so a
 * signal within a second of the first is ignored; one after that stops the
 * process without draining (what was appended stays in the store, and the
 * relay publishes it at the next start).
 */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    let first: number | undefined;
    const stop = () => {
      if (first !== undefined) return false;
      first = Date.now();
      resolve();
      return true;
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (!stop() && Date.now() - first! >= REPEATED_SIGNAL_MS) {
        process.stderr.write(`${signal} again: stopping without draining\n`);
        process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Started by `timeline serve`: when that process is gone, stop as if it had passed on a SIGTERM.
    if (process.send) process.once('disconnect', stop);
  });
}

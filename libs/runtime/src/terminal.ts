import { resolve, join } from 'node:path';
import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '@timeline/config';

/**
 * What a person at a terminal reads: log lines pretty-printed when stdout is a
 * terminal (time, level, message, details), JSON lines otherwise — as log
 * collectors expect. undefined means pino's own JSON on stdout.
 */
export function logDestination(): DestinationStream | undefined {
  if (!process.stdout.isTTY) return undefined;
  return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true, destination: 1 });
}

/**
 * The few lines `npm start` prints before any log line: where the page is, what
 * data set an empty store is given, where the admin key is. Plain text, also
 * when stdout is not a terminal (a log collector sees it once, before the JSON).
 */
export function banner(config: AppConfig): string {
  const page = `http://localhost:${config.port}/`;
  const store = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${resolve(config.dataDir)}`;
  const dataSet = config.seed === 'none' ? 'none (TIMELINE_SEED=none)' : `${config.seed} (loaded when the store is empty)`;
  const adminKey = config.bootstrapAdminKey
    ? 'the one in TIMELINE_BOOTSTRAP_ADMIN_KEY'
    : config.databaseUrl
      ? 'none made here: set TIMELINE_BOOTSTRAP_ADMIN_KEY or run `npx timeline keys create`'
      : `${resolve(join(config.dataDir, 'admin.key'))} (made at the first start, readable by you only)`;
  const reads = config.anonymousReads ? 'anonymous (GET needs no key; writes do)' : 'need a key (Authorization: Bearer …)';
  return [
    '',
    '  negotiation-timeline',
    `  page       ${page}`,
    `  API        ${page}openapi.json`,
    `  data set   ${dataSet}`,
    `  store      ${store}`,
    `  admin key  ${adminKey}`,
    `  reads      ${reads}`,
    '',
    '',
  ].join('\n');
}

/** pino-http's options, with the pretty destination when stdout is a terminal. */
export function withDestination<Options extends object>(options: Options): Options | [Options, DestinationStream] {
  const destination = logDestination();
  return destination ? [options, destination] : options;
}

import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { loadConfig } from '@timeline/config';
import { appendBulk, Database, migrate, openDatabase, PostgresEventStore } from '@timeline/event-store';
import { createKafka, ensureTopic, loadCheckpoint, Relay } from '@timeline/log';
import { partyAggregate, streamIdOf } from '@timeline/domain';

const RELAY_NAME_PREFIX = 'relay:';

/** A progress bar with rate and ETA; off a terminal, a line every two seconds. */
export function progressBar(label: string, unit: string, suffix = ''): SingleBar {
  return new SingleBar(
    {
      format: `${label} |{bar}| {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted} ${suffix}`,
      hideCursor: true,
      etaBuffer: 20,
      // Off a terminal (CI, a log file) the bar is written as a line every few seconds.
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
}

interface GenerateOptions {
  events: string;
  seed: string;
  from: string;
  until?: string;
  batchSize: string;
  prefix?: string;
  publish: boolean;
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description(
      'append a made-up but realistic history (parties, commitments with amendments, corrections and retractions, tracks, deployments, occurrences) for load and benchmarks',
    )
    .option('--events <n>', 'how many events (0: only publish what the topic lacks)', '100000')
    .option('--seed <n>', 'same seed, same history', '1')
    .option('--from <date>', 'recorded times start after this date (or after the last recorded event)', '2015-01-01')
    .option('--until <date>', 'recorded times end at this date (default: now)')
    .option('--batch-size <n>', 'events per transaction', '5000')
    .option('--prefix <text>', 'start of every generated id (default: g<seed>-)')
    .option('--no-publish', 'with KAFKA_BROKERS set, leave publishing to a running relay')
    .action(async (options: GenerateOptions) => {
      const count = positiveInteger(options.events, '--events', 0);
      const seed = positiveInteger(options.seed, '--seed', 0);
      const batchSize = positiveInteger(options.batchSize, '--batch-size');
      const prefix = options.prefix ?? `g${seed}-`;
      if (!/^[a-z0-9-]{0,20}$/.test(prefix)) throw new Error('--prefix: use at most 20 lower-case letters, digits and -');
      const config = loadConfig();
      const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
      try {
        await migrate(db);
        const until = options.until ? date(options.until, '--until') : new Date();
        const from = new Date(Math.max(date(options.from, '--from').getTime(), (await lastRecorded(db)) ?? 0));
        if (from >= until)
          throw new Error(`--until (${until.toISOString()}) must be after the last recorded event and --from (${from.toISOString()})`);
        if (count === 0) {
          if (config.kafka && options.publish) await publish(db, config.kafka, config.publicBaseUrl);
          return;
        }
        const started = Date.now();
        // Loaded here: it brings the aggregates (and NestJS's CQRS module), which other commands need not load.
        const { SyntheticHistory } = await import('./synthetic-history');
        const history = new SyntheticHistory({ events: count, seed, from, until, prefix, registeredParties: await registeredParties(db) });
        const bar = progressBar('generate', 'events');
        bar.start(count, 0, { rate: 0 });
        try {
          for (let batch = history.next(batchSize); batch.length > 0; batch = history.next(batchSize)) {
            await appendBulk(db.pool, batch);
            bar.update(history.done, { rate: Math.round(history.done / Math.max((Date.now() - started) / 1000, 0.001)) });
          }
        } finally {
          bar.stop();
        }
        const seconds = (Date.now() - started) / 1000;
        console.log(`appended ${history.done} events in ${seconds.toFixed(1)} s (${Math.round(history.done / seconds)} events/s)`);
        if (config.kafka && options.publish) await publish(db, config.kafka, config.publicBaseUrl);
      } finally {
        await db.close();
      }
    });
}

/** Puts the new events on the topic now (as the relay would), unless a running relay leads. */
async function publish(
  db: Database,
  kafkaConfig: NonNullable<ReturnType<typeof loadConfig>['kafka']>,
  publicBaseUrl?: string,
): Promise<void> {
  const kafka = createKafka(kafkaConfig);
  await ensureTopic(kafka, kafkaConfig);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const store = new PostgresEventStore(db.pool);
  const name = `${RELAY_NAME_PREFIX}${kafkaConfig.topic}`;
  const head = Number(await store.headPosition());
  const start = Number(await loadCheckpoint(db.pool, name));
  const bar = progressBar('publish', 'events');
  const started = Date.now();
  let done = 0;
  bar.start(Math.max(head - start, 1), 0, { rate: 0 });
  try {
    const relay = new Relay(db, store, producer, {
      topic: kafkaConfig.topic,
      publicBaseUrl,
      name,
      batchSize: 2000,
      onPublished: (count) => {
        done += count;
        bar.update(done, { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
      },
    });
    if (!(await relay.publishOnceAsLeader())) {
      // A running service's relay leads: it publishes them; wait until it has.
      for (let at = start; at < head; at = Number(await loadCheckpoint(db.pool, name))) {
        bar.update(at - start, { rate: Math.round((at - start) / Math.max((Date.now() - started) / 1000, 0.001)) });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    bar.stop();
    await producer.disconnect();
  }
  console.log(`the topic ${kafkaConfig.topic} holds every event up to position ${head}`);
}

/** Parties the store has already (the generator registers the others). */
export async function registeredParties(db: Database): Promise<Set<string>> {
  const { rows } = await db.pool.query<{ stream_id: string }>('SELECT stream_id FROM streams WHERE stream_type = $1', [
    partyAggregate.streamType,
  ]);
  const prefix = streamIdOf(partyAggregate, '');
  return new Set(rows.map((row) => row.stream_id.slice(prefix.length)));
}

async function lastRecorded(db: Database): Promise<number | undefined> {
  const { rows } = await db.pool.query<{ last: Date | null }>('SELECT max(recorded_at) AS last FROM events');
  return rows[0].last?.getTime();
}

function positiveInteger(value: string, name: string, min = 1): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new Error(`${name} must be a whole number of at least ${min}, not "${value}"`);
  }
  return Number(value);
}

function date(value: string, name: string): Date {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new Error(`${name} must be a date like 2015-01-01, not "${value}"`);
  return parsed;
}

import type { Kafka, Producer } from 'kafkajs';
import type { AppConfig } from '@timeline/config';
import { Database, EventStore, migrate, openDatabase, PostgresEventStore } from '@timeline/event-store';
import { createKafka, ensureTopic, Relay } from '@timeline/log';
import { EventFeed } from '../subscriptions/event-feed';
import { ensureActiveGeneration, KafkaProjector, Projector, TableProjector } from '@timeline/projections';

/**
 * What a process holds open: the database, the store, and, with Kafka
 * configured, the producer and the relay. Made before the Nest app so that
 * start-up fails early, with a clear message, when a dependency is missing.
 */
export interface Runtime {
  readonly config: AppConfig;
  readonly db: Database;
  readonly store: EventStore;
  readonly kafka?: Kafka;
  readonly relay?: Relay;
  readonly projector?: Projector;
  /** New events for this instance's subscribers (started with the api role). */
  readonly feed: EventFeed;
  readonly clock: () => Date;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Use this database instead of opening one from the configuration (tests). */
  readonly db?: Database;
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
}

export async function createRuntime(config: AppConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? (() => undefined);
  const db =
    options.db ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      schema: config.databaseSchema,
      applicationName: 'negotiation-timeline',
    }));
  let producer: Producer | undefined;
  let relay: Relay | undefined;
  let projector: Projector | undefined;
  let feed: EventFeed | undefined;
  try {
    const { applied } = await migrate(db, log);
    if (applied.length > 0) log('database migrated', { applied });
    const store = new PostgresEventStore(db.pool);

    let kafka: Kafka | undefined;
    if (config.kafka) {
      kafka = createKafka(config.kafka);
      if (await ensureTopic(kafka, config.kafka)) log('created Kafka topic', { topic: config.kafka.topic });
      if (config.roles.has('relay')) {
        producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        relay = new Relay(db, store, producer, { topic: config.kafka.topic, log });
        relay.start();
      }
    }

    if (config.roles.has('projector')) {
      projector =
        kafka && config.kafka
          ? new KafkaProjector(db, kafka, { topic: config.kafka.topic, groupId: config.kafka.projectorGroup, log })
          : new TableProjector(db, { log });
      await projector.start();
    } else {
      await ensureActiveGeneration(db.pool, db.schema);
    }

    feed = new EventFeed(store, db.pool, kafka && config.kafka ? { client: kafka, topic: config.kafka.topic } : undefined, { log });
    if (config.roles.has('api')) await feed.start();

    return {
      config,
      db,
      store,
      kafka,
      relay,
      projector,
      feed,
      clock: () => new Date(),
      close: async () => {
        await feed?.stop();
        await projector?.stop();
        await relay?.stop();
        await producer?.disconnect();
        if (!options.db) await db.close();
      },
    };
  } catch (error) {
    // A start that fails half-way stops what it had started.
    await feed?.stop().catch(() => undefined);
    await projector?.stop().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (!options.db) await db.close().catch(() => undefined);
    throw error;
  }
}

import type { Admin, Kafka, Producer } from 'kafkajs';
import type { AppConfig } from '@timeline/config';
import { Database, EventStore, migrate, openDatabase, PostgresEventStore } from '@timeline/event-store';
import { createKafka, ensureTopic, KafkaLog, Relay, unpublishedEvents } from '@timeline/log';
import { EventFeed } from './event-feed';
import {
  ensureActiveGeneration,
  KafkaProjector,
  kafkaProjectorLag,
  PartitionLag,
  PartitionStaleness,
  Projector,
  ProjectorStaleness,
  TableProjector,
  tableProjectorLag,
} from '@timeline/projections';
import { MeteredEventStore, Metrics } from './metrics';

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
  readonly metrics: Metrics;
  /** Records the read models are behind the log, per partition (whichever process projects). */
  projectorLag(): Promise<PartitionLag[]>;
  /** The lag with its age and whether the read models make progress, per partition (sampled in the background too). */
  projectorStaleness(): Promise<PartitionStaleness[]>;
  /** The projectors' consumer group; undefined on the table log. */
  readonly projectorGroup?: string;
  /** Events not yet on the topic; undefined without Kafka. */
  relayLag(): Promise<number | undefined>;
  /** Throws when the Kafka cluster does not answer; resolves at once without Kafka. */
  pingKafka(): Promise<void>;
  /** True from the moment a shutdown began: readiness fails so that load balancers stop sending. */
  readonly shuttingDown: boolean;
  beginShutdown(): void;
  /** Stops the feed, flushes the relay (publishes what is appended), stops the projector, closes the rest. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Use this database instead of opening one from the configuration (tests). */
  readonly db?: Database;
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
  /** kafkajs' own messages; unset: kafkajs prints its errors itself. */
  readonly kafkaLog?: KafkaLog;
}

export async function createRuntime(config: AppConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? (() => undefined);
  const db =
    options.db ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      schema: config.databaseSchema,
      applicationName: config.databaseApplicationName,
    }));
  let producer: Producer | undefined;
  let admin: Admin | undefined;
  let relay: Relay | undefined;
  let projector: Projector | undefined;
  let feed: EventFeed | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    const { applied } = await migrate(db, log);
    if (applied.length > 0) log('database migrated', { applied });
    const metrics = new Metrics();
    const store = new MeteredEventStore(new PostgresEventStore(db.pool), metrics);

    let kafka: Kafka | undefined;
    if (config.kafka) {
      kafka = createKafka(config.kafka, options.kafkaLog);
      if (await ensureTopic(kafka, config.kafka)) log('created Kafka topic', { topic: config.kafka.topic });
      if (config.roles.has('relay')) {
        producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        relay = new Relay(db, store, producer, { topic: config.kafka.topic, publicBaseUrl: config.publicBaseUrl, log });
        relay.start();
      }
    }

    if (config.roles.has('projector')) {
      projector =
        kafka && config.kafka
          ? new KafkaProjector(db, kafka, {
              topic: config.kafka.topic,
              groupId: config.kafka.projectorGroup,
              deadLetterTopic: config.kafka.deadLetterTopic,
              sessionTimeoutMs: config.kafka.sessionTimeoutMs,
              log,
              onDeadLetter: ({ topic, partition }) => metrics.deadLetters.inc({ topic, partition: String(partition) }),
            })
          : new TableProjector(db, { log });
      await projector.start();
    } else {
      await ensureActiveGeneration(db.pool, db.schema);
    }

    feed = new EventFeed(store, db.pool, kafka && config.kafka ? { client: kafka, topic: config.kafka.topic } : undefined, { log });
    if (config.roles.has('api')) await feed.start();

    const kafkaAdmin = async (): Promise<Admin> => {
      if (!admin) {
        const created = kafka!.admin();
        await created.connect();
        admin = created;
      }
      return admin;
    };
    const topic = config.kafka?.topic;
    const projectorLag = () =>
      topic ? kafkaAdmin().then((connected) => kafkaProjectorLag(db.pool, connected, topic)) : tableProjectorLag(db.pool);
    const relayLag = async () => (topic ? unpublishedEvents(db.pool, topic) : undefined);
    const staleness = new ProjectorStaleness(config.readyMaxProjectorStallMs);
    const projectorStaleness = async () => staleness.observe(await projectorLag());
    // Ages are as precise as the samples: take one every few seconds besides those of checks and scrapes.
    sampler = setInterval(
      () => void projectorStaleness().catch(() => undefined),
      Math.min(5_000, Math.max(200, Math.round(config.readyMaxProjectorStallMs / 5))),
    );
    sampler.unref();
    const projectorGroup = config.kafka?.projectorGroup;
    const activeFeed = feed;
    metrics.observe({
      projectorLag,
      projectorStaleness,
      projectorGroup,
      relayLag: topic ? () => unpublishedEvents(db.pool, topic) : undefined,
      subscribers: () => activeFeed.subscriberCount,
    });
    let shuttingDown = false;

    return {
      config,
      db,
      store,
      kafka,
      relay,
      projector,
      feed,
      clock: () => new Date(),
      metrics,
      projectorLag,
      projectorStaleness,
      projectorGroup,
      relayLag,
      pingKafka: async () => {
        if (!kafka) return;
        const connected = await kafkaAdmin();
        await connected.describeCluster();
      },
      get shuttingDown() {
        return shuttingDown;
      },
      beginShutdown: () => {
        shuttingDown = true;
      },
      close: async () => {
        shuttingDown = true;
        clearInterval(sampler);
        await feed?.stop();
        await relay?.stop({ flush: true });
        await projector?.stop();
        await producer?.disconnect();
        await admin?.disconnect().catch(() => undefined);
        if (!options.db) await db.close();
      },
    };
  } catch (error) {
    // A start that fails half-way stops what it had started.
    clearInterval(sampler);
    await feed?.stop().catch(() => undefined);
    await projector?.stop().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (!options.db) await db.close().catch(() => undefined);
    throw error;
  }
}

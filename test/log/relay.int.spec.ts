import { v7 as uuidv7 } from 'uuid';
import type { Kafka, Producer } from 'kafkajs';
import type { RecordedEvent } from '@timeline/domain';
import { PostgresEventStore } from '@timeline/event-store';
import { createKafka, ensureTopic, loadCheckpoint, Relay } from '@timeline/log';
import { testKafkaBrokers } from '../setup/environment';
import { newTestEvent } from '../support/events';
import { consumeTopic, uniqueTopic } from '../support/kafka';
import { BACKENDS, createTestDatabase, TestDatabase } from '../support/test-database';

describe.each(BACKENDS)('relay from the %s event store to the Kafka topic', (backend) => {
  let testDb: TestDatabase;
  let store: PostgresEventStore;
  let kafka: Kafka;
  let producer: Producer;

  // A store of its own for each test: the relay publishes everything in it.
  beforeEach(async () => {
    testDb = await createTestDatabase(backend);
    store = new PostgresEventStore(testDb.db.pool);
  });
  afterEach(() => testDb.dispose());

  beforeAll(async () => {
    kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'relay-test' });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
  });

  async function appendStreams(streams: number, eventsPerStream: number): Promise<RecordedEvent[]> {
    const ids = await Promise.all(
      Array.from({ length: streams }, async () => {
        const streamId = `commitment-${uuidv7()}`;
        for (let version = 0; version < eventsPerStream; version += 2) {
          await store.append({
            streamId,
            streamType: 'commitment',
            expectedVersion: version === 0 ? 'no_stream' : version,
            events: [newTestEvent({ data: { version } }), newTestEvent({ data: { version: version + 1 } })],
          });
        }
        return streamId;
      }),
    );
    const all = await store.readAll({ after: '0', limit: 100_000 });
    expect(new Set(all.map((event) => event.streamId))).toEqual(new Set(ids));
    return all;
  }

  it('creates the topic with the configured partitions, once', async () => {
    const topic = uniqueTopic('test.topic');
    expect(await ensureTopic(kafka, { topic, partitions: 4, replicationFactor: 1 })).toBe(true);
    expect(await ensureTopic(kafka, { topic, partitions: 4, replicationFactor: 1 })).toBe(false);
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0].partitions).toHaveLength(4);
  });

  it('publishes events committed while it was down, each once, as CloudEvents, in per-stream order', async () => {
    const topic = uniqueTopic('test.relay');
    await ensureTopic(kafka, { topic, partitions: 3, replicationFactor: 1 });
    // Committed before any relay runs: as if the process died between commit and publish.
    const committed = await appendStreams(6, 20);

    const relay = new Relay(testDb.db, store, producer, { topic, name: `relay:${topic}`, pollIntervalMs: 50 });
    relay.start();
    const records = await consumeTopic(kafka, topic, (seen) => seen.length >= committed.length);
    await relay.stop();

    expect(records).toHaveLength(committed.length);
    const byId = new Map(records.map((record) => [record.event.id, record]));
    expect(byId.size).toBe(committed.length);
    for (const event of committed) {
      const record = byId.get(event.id)!;
      expect(record.event).toEqual(event);
      expect(record.key).toBe(event.streamId);
      expect(record.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: event.id,
        ce_type: event.type,
        ce_source: '/negotiation-timeline/commitment',
        ce_subject: event.streamId,
        ce_time: event.recordedAt,
        ce_streamversion: String(event.streamVersion),
        ce_position: event.position,
        ce_effectiveat: event.effectiveAt.at,
        ce_precision: event.effectiveAt.precision,
        ce_recordedat: event.recordedAt,
        ce_actor: event.actor,
        ce_confidence: event.confidence,
        ce_correlationid: event.correlationId,
        'content-type': 'application/json',
      });
    }
    assertPerStreamOrder(records.map((record) => record.event));
    expect(await loadCheckpoint(testDb.db.pool, `relay:${topic}`)).toBe(committed[committed.length - 1].position);
  });

  it('publishes a batch again after a crash before its checkpoint, and readers dropping repeats see each event once', async () => {
    const topic = uniqueTopic('test.redeliver');
    await ensureTopic(kafka, { topic, partitions: 3, replicationFactor: 1 });
    const committed = await appendStreams(3, 10);
    const name = `relay:${topic}`;

    const crashing = new Relay(testDb.db, store, producer, {
      topic,
      name,
      batchSize: 12,
      afterSend: () => {
        throw new Error('process died after send');
      },
    });
    await expect(crashing.publishPending()).rejects.toThrow('process died after send');
    expect(await loadCheckpoint(testDb.db.pool, name)).toBe('0');

    const restarted = new Relay(testDb.db, store, producer, { topic, name, batchSize: 12 });
    expect(await restarted.publishPending()).toBe(committed.length);

    const records = await consumeTopic(kafka, topic, (seen) => seen.length >= committed.length + 12);
    expect(records).toHaveLength(committed.length + 12);
    // A reader keeps, per stream, only the next version it has not applied.
    const applied = new Map<string, number>();
    const effective: RecordedEvent[] = [];
    for (const { event } of records) {
      const last = applied.get(event.streamId) ?? 0;
      if (event.streamVersion <= last) continue;
      expect(event.streamVersion).toBe(last + 1);
      applied.set(event.streamId, event.streamVersion);
      effective.push(event);
    }
    expect(new Set(effective.map((event) => event.id))).toEqual(new Set(committed.map((event) => event.id)));
  });

  if (backend === 'postgres') {
    it('lets one relay publish at a time on one database', async () => {
      const topic = uniqueTopic('test.leader');
      await ensureTopic(kafka, { topic, partitions: 1, replicationFactor: 1 });
      const first = new Relay(testDb.db, store, producer, { topic, pollIntervalMs: 50 });
      const second = new Relay(testDb.db, store, producer, { topic, pollIntervalMs: 50 });
      first.start();
      await waitFor(() => first.getStatus().leader);
      second.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(second.getStatus().leader).toBe(false);
      await first.stop();
      await waitFor(() => second.getStatus().leader);
      await second.stop();
    });
  }
});

function assertPerStreamOrder(events: RecordedEvent[]): void {
  const last = new Map<string, number>();
  for (const event of events) {
    expect(event.streamVersion).toBe((last.get(event.streamId) ?? 0) + 1);
    last.set(event.streamId, event.streamVersion);
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

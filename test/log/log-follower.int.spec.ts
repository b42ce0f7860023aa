import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@timeline/domain';
import { EVENT_TYPES } from '@timeline/event-schemas';
import { PostgresEventStore } from '@timeline/event-store';
import { ensureTopic, followToEnds, LogBatch, TABLE_LOG_PARTITION, TableLog, toKafkaMessage, TopicLog, topicEnds } from '@timeline/log';
import { testKafkaBrokers } from '../setup/environment';
import { newTestEvent } from '../support/events';
import { uniqueTopic } from '../support/kafka';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The log port's contract, on both adapters: a reader gets every record after its position,
 * in log order, once; where it goes on is the position it reports, whatever it was handed.
 */
async function until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the table log', () => {
  let testDb: TestDatabase;
  let store: PostgresEventStore;
  const append = async (count: number) => {
    for (let i = 0; i < count; i++) {
      await store.append({ streamId: `log-${randomUUID()}`, streamType: 'test', expectedVersion: 'no_stream', events: [newTestEvent()] });
    }
  };

  beforeEach(async () => {
    testDb = await createTestDatabase('postgres');
    store = new PostgresEventStore(testDb.db.pool);
  });
  afterEach(() => testDb.dispose());

  it('hands over every event after the position, in pages, in position order', async () => {
    await append(7);
    const all = await store.readAll({ after: '0', limit: 100 });
    let next = BigInt(all[1].position) + 1n;
    const batches: LogBatch[] = [];
    const handled = await new TableLog({ pool: testDb.db.pool, batchSize: 2 }).catchUp({
      nextPosition: async () => next,
      handle: async (batch) => {
        batches.push(batch);
        next = BigInt(batch.last) + 1n;
      },
    });
    expect(handled).toBe(5);
    expect(batches.map((batch) => batch.events.length)).toEqual([2, 2, 1]);
    expect(batches.every((batch) => batch.partition === TABLE_LOG_PARTITION && batch.poison.length === 0)).toBe(true);
    expect(batches.flatMap((batch) => batch.events.map((event) => event.id))).toEqual(all.slice(2).map((event) => event.id));
  });

  it('goes on from the position the reader reports: what it did not take is read again', async () => {
    await append(4);
    let next = 1n;
    const seen: string[] = [];
    await new TableLog({ pool: testDb.db.pool, batchSize: 10 }).catchUp({
      nextPosition: async () => next,
      // Takes one event of each batch, as the table projector does when a command waits.
      handle: async ({ events }) => {
        seen.push(events[0].position);
        next = BigInt(events[0].position) + 1n;
        return 1;
      },
    });
    const all = await store.readAll({ after: '0', limit: 100 });
    expect(seen).toEqual(all.map((event) => event.position));
  });

  it('reads one page per look without untilEnd, and follows appends until stopped', async () => {
    await append(3);
    let next = 1n;
    const seen: RecordedEvent[] = [];
    const log = new TableLog({ pool: testDb.db.pool, batchSize: 2, pollIntervalMs: 20, untilEnd: false });
    const handler = {
      nextPosition: async () => next,
      handle: async ({ events, last }: LogBatch) => {
        seen.push(...events);
        next = BigInt(last) + 1n;
      },
    };
    expect(await log.catchUp(handler)).toBe(2);
    await log.start(handler);
    expect(log.following).toBe(true);
    await append(2);
    await until('five events', () => seen.length === 5);
    await log.stop();
    expect(log.following).toBe(false);
    expect(new Set(seen.map((event) => event.id)).size).toBe(5);
  });

  it('runs each round on the connection the reader gives, and reports a failed round and goes on', async () => {
    await append(2);
    const failures: string[] = [];
    let rounds = 0;
    let next = 1n;
    const log = new TableLog<PoolClient>({ pool: testDb.db.pool, pollIntervalMs: 20 });
    await log.start({
      round: async (work) => {
        rounds++;
        if (rounds === 1) throw new Error('first round fails');
        const client = await testDb.db.pool.connect();
        try {
          return await work(client);
        } finally {
          client.release();
        }
      },
      nextPosition: async () => next,
      handle: async ({ last }) => {
        next = BigInt(last) + 1n;
      },
      failed: (error, during) => failures.push(`${during}: ${error.message}`),
    });
    await until('the events after the failed round', () => next > 2n);
    await log.stop();
    expect(failures).toEqual(['round: first round fails']);
  });
});

describe('the topic log', () => {
  const kafka = new Kafka({ clientId: 'log-follower-test', brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
  let topic: string;
  let events: RecordedEvent[];

  beforeAll(async () => {
    topic = uniqueTopic('log-follower');
    await ensureTopic(kafka, { topic, partitions: 2, replicationFactor: 1 });
    // A type this release knows: any other is poison to readRecord.
    events = Array.from({ length: 6 }, (_, i) => ({
      ...newTestEvent({ type: EVENT_TYPES[0], data: { n: i } }),
      streamId: `log-${i % 2}`,
      streamType: 'test',
      streamVersion: Math.floor(i / 2) + 1,
      position: String(i + 1),
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    }));
    const producer = kafka.producer();
    await producer.connect();
    // Partition 0: three events, a poison record, then nothing; partition 1: three events.
    await producer.send({
      topic,
      messages: [
        ...events.filter((_, i) => i % 2 === 0).map((event) => ({ ...toKafkaMessage(event), partition: 0 })),
        { key: 'log-0', value: 'not a cloud event', partition: 0 },
        ...events.filter((_, i) => i % 2 === 1).map((event) => ({ ...toKafkaMessage(event), partition: 1 })),
      ],
    });
    await producer.disconnect();
  });

  it("starts each partition at the reader's position, drops what is before it, and sorts out poison", async () => {
    const ends = await topicEnds(kafka, topic);
    expect([ends.get(0)?.high, ends.get(1)?.high]).toEqual([4n, 3n]);
    const positions = new Map<number, bigint>([[0, 1n]]); // partition 0 from its second record, 1 from its start
    const handed: LogBatch[] = [];
    const log = new TopicLog(kafka, { topic, groupId: `log-follower-${randomUUID()}`, consumer: { maxWaitTimeInMs: 100 } });
    await log.start({
      nextPosition: async (partition) => positions.get(partition),
      handle: async (batch) => {
        handed.push(batch);
        positions.set(batch.partition, BigInt(batch.last) + 1n);
      },
    });
    try {
      await until('both partitions at their ends', () => positions.get(0) === 4n && positions.get(1) === 3n);
    } finally {
      await log.stop();
    }
    const of = (partition: number) => handed.filter((batch) => batch.partition === partition);
    expect(of(0).flatMap((batch) => batch.events.map((event) => event.id))).toEqual([events[2].id, events[4].id]);
    expect(of(0).flatMap((batch) => batch.poison.map(({ message }) => message.offset))).toEqual(['3']);
    expect(of(1).flatMap((batch) => batch.events.map((event) => event.id))).toEqual([events[1].id, events[3].id, events[5].id]);
    expect(log.following).toBe(false);
  });

  it('followToEnds reads every partition to the end it had, raw when asked, and stops', async () => {
    const ends = await topicEnds(kafka, topic);
    const offsets: string[] = [];
    const log = new TopicLog(kafka, { topic, groupId: `log-follower-${randomUUID()}`, records: 'raw', consumer: { maxWaitTimeInMs: 100 } });
    await followToEnds(log, ends, async ({ partition, events, messages }) => {
      expect(events).toEqual([]);
      offsets.push(...messages.map((message) => `${partition}@${message.offset}`));
    });
    expect(offsets.sort()).toEqual(['0@0', '0@1', '0@2', '0@3', '1@0', '1@1', '1@2']);
    expect(log.following).toBe(false);
  });
});

import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka, unpublishedEvents } from '@timeline/log';
import { activeGeneration, loadCheckpoints } from '@timeline/projections';
import { serviceAuthEnv } from '../support/auth';
import { uniqueTopic } from '../support/kafka';
import { connectSse } from '../support/sse';
import { childEnv, freePort, ServiceProcess, startServe } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { FaultsBroker } from './support/broker';
import { readWholeTopic } from './support/invariants';
import { WriteLoad } from './support/load';

/**
 * `timeline serve` with every role, stopped by SIGTERM in the middle of a load of
 * writes: it must answer what it had accepted, publish every appended event,
 * commit the projector's offsets, log JSON only, and exit 0.
 */
describe('graceful shutdown on SIGTERM', () => {
  const broker = new FaultsBroker();
  const suffix = randomBytes(4).toString('hex');
  const group = `shutdown-projector-${suffix}`;
  const topic = uniqueTopic('shutdown');
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  let testDb: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    broker.start();
    testDb = await createTestDatabase('postgres');
    kafka = createKafka({ brokers: [broker.address], clientId: 'shutdown-suite' });
    admin = kafka.admin();
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    await service?.crash();
    await admin?.disconnect().catch(() => undefined);
    await testDb?.dispose();
  });

  it('drains requests, flushes the relay, commits offsets and exits 0', async () => {
    try {
      await shutDownUnderLoad();
    } catch (error) {
      (error as Error).message += `\n--- serve said:\n${service?.log.slice(-6000)}`;
      throw error;
    }
  }, 180_000);

  async function shutDownUnderLoad(): Promise<void> {
    service = startServe(
      'serve',
      childEnv({
        DATABASE_URL: testDb.db.connectionString,
        DATABASE_SCHEMA: testDb.db.schema,
        KAFKA_BROKERS: broker.address,
        KAFKA_TOPIC: topic,
        KAFKA_PROJECTOR_GROUP: group,
        TIMELINE_SEED: 'none',
        PORT: port,
        LOG_LEVEL: 'info',
        ...serviceAuthEnv(),
      }),
    );
    await service.waitForHttp(`${url}/health/ready`);
    const subscriber = connectSse(Number(port), '/v1/events/stream?from=0');
    await subscriber.response;
    const load = new WriteLoad(() => url, { writers: 6, attempts: 2, retryDelayMs: 50 });
    load.start();
    await load.progress(40);

    service.signal('SIGTERM');
    const exit = await Promise.race([service.exited, new Promise((done) => setTimeout(done, 40_000).unref())]);
    const report = await load.stop();
    await subscriber.ended;
    expect(exit).toEqual({ code: 0, signal: null });
    const answeredIds = report.answered.flatMap((write) => write.eventIds);
    expect(answeredIds.length).toBeGreaterThanOrEqual(40);

    // Everything answered is stored, and the relay published everything stored before it stopped.
    const { rows } = await testDb.db.pool.query<{ id: string }>('SELECT id FROM events');
    const stored = new Set(rows.map((row) => row.id));
    expect(answeredIds.filter((id) => !stored.has(id))).toEqual([]);
    expect(await unpublishedEvents(testDb.db.pool, topic)).toBe(0);
    const onTopic = new Set((await readWholeTopic(kafka, admin, topic)).ids);
    expect([...stored].filter((id) => !onTopic.has(id))).toEqual([]);

    // The projector committed to Kafka the offsets it had stored with its read models.
    const generation = (await activeGeneration(testDb.db.pool))!;
    const projected = await loadCheckpoints(testDb.db.pool, generation.schema, `kafka:${topic}`);
    expect(projected.size).toBeGreaterThan(0);
    // A partition with nothing projected is committed nowhere past its start: Kafka knows it as never
    // committed (-1) or as committed at its start (the seek on joining commits where reading begins).
    // It may hold records: the relay's last flush can publish after the projector's last fetch, and the
    // next start projects them from there, which is what the committed offset promises.
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const bounds = new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, entry]));
    for (const { partition, offset } of committed.partitions) {
      const stored = projected.get(partition);
      if (stored !== undefined) {
        expect({ partition, offset }).toEqual({ partition, offset: String(BigInt(stored) + 1n) });
      } else {
        const { low } = bounds.get(partition)!;
        expect({ partition, offset: ['-1', low].includes(offset) }).toEqual({ partition, offset: true });
      }
    }

    // Structured logs: after the banner (plain text, each line indented), every line the process wrote
    // is a JSON object with a level, a time and a message.
    const written = service.log.split('\n').filter((line) => line.trim() !== '');
    const firstJson = Math.max(
      0,
      written.findIndex((line) => line.startsWith('{')),
    );
    expect(written.slice(0, firstJson).filter((line) => !line.startsWith('  '))).toEqual([]);
    const lines = written.slice(firstJson);
    expect(lines.length).toBeGreaterThan(3);
    const notJson = lines.filter((line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        return typeof entry.level !== 'number' || typeof entry.time !== 'number' || typeof entry.msg !== 'string';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    expect(service.log).toContain('shutting down');
    expect(service.log).toContain('relay: flushed before stopping');
  }
});

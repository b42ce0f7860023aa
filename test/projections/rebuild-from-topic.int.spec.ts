import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { appendBulk, PostgresEventStore } from '@timeline/event-store';
import { createKafka, ensureTopic, Relay } from '@timeline/log';
import {
  activeGeneration,
  KafkaProjector,
  quoteIdent,
  ReadModel,
  rebuildFromTopic,
  rebuildReadModels,
  RebuildProgress,
} from '@timeline/projections';
import { SyntheticHistory } from '../../apps/cli/src/generate/synthetic-history';
import { registeredParties } from '../../apps/cli/src/generate/generate-command';
import { testKafkaBrokers } from '../setup/environment';
import { uniqueTopic } from '../support/kafka';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * A rebuild from the Kafka topic, a rebuild from the events table and the
 * live projector (event by event, append by append) leave the same rows in
 * every read model, for a generated history with amendments, disbursements,
 * status changes, corrections and retractions on every kind of stream.
 */
const TABLES = {
  stream_events: 'stream_id, stream_version',
  commitment_versions: 'commitment_id, lower(recorded), lower(valid)',
  commitment_reported_versions: 'commitment_id, lower(recorded), lower(reported), lower(valid)',
  entity_versions: 'entity_type, entity_id, lower(recorded), lower(valid)',
  timeline: 'event_id, lower(recorded)',
};

async function snapshot(testDb: TestDatabase): Promise<Record<string, string[]>> {
  const generation = await activeGeneration(testDb.db.pool);
  const s = quoteIdent(generation!.schema);
  const result: Record<string, string[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    const { rows } = await testDb.db.pool.query<{ row: string }>(
      `SELECT row_to_json(t)::text AS row FROM ${s}.${table} t ORDER BY ${order}`,
    );
    result[table] = rows.map((row) => row.row);
  }
  return result;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('rebuild from the Kafka topic', () => {
  let testDb: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let relay: Relay;
  let projector: KafkaProjector;
  let readModel: ReadModel;
  const topic = uniqueTopic('rebuild');

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'rebuild-test' });
    await ensureTopic(kafka, { topic, partitions: 3, replicationFactor: 1 });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    relay = new Relay(testDb.db, new PostgresEventStore(testDb.db.pool), producer, { topic, batchSize: 1000 });
    projector = new KafkaProjector(testDb.db, kafka, { topic, groupId: `rebuild-live-${randomUUID()}` });
    readModel = new ReadModel(testDb.db.pool);
  });

  afterAll(async () => {
    await projector?.stop();
    await producer?.disconnect();
    await testDb?.dispose();
  });

  async function generate(history: SyntheticHistory): Promise<string> {
    let last = '0';
    for (let batch = history.next(500); batch.length > 0; batch = history.next(500)) last = (await appendBulk(testDb.db.pool, batch)).last;
    await relay.publishPending();
    return last;
  }

  it('equals a rebuild from the table and the live projection, and the live projector goes on after the switch', async () => {
    const first = new SyntheticHistory({
      events: 3000,
      seed: 7,
      from: new Date('2016-01-01'),
      until: new Date('2021-01-01'),
      prefix: 'a-',
    });
    const head = await generate(first);
    const { rows } = await testDb.db.pool.query<{ type: string; count: number }>(
      'SELECT type, count(*)::int AS count FROM events GROUP BY type',
    );
    const counts = Object.fromEntries(rows.map((row) => [row.type, row.count]));
    expect(counts.EventCorrected).toBeGreaterThan(20);
    expect(counts.EventRetracted).toBeGreaterThan(10);
    expect(counts.CommitmentTermsAmended).toBeGreaterThan(20);

    await projector.start();
    await until(() => readModel.hasProjected(head));
    const live = await snapshot(testDb);
    expect(live.stream_events).toHaveLength(3000);

    const phases = new Set<RebuildProgress['phase']>();
    const fromTopic = await rebuildFromTopic(testDb.db, kafka, { topic, onProgress: (progress) => phases.add(progress.phase) });
    expect(fromTopic.events).toBe(3000);
    expect([...phases]).toEqual(['loading', 'deriving', 'indexing', 'catching up', 'done']);
    expect(await snapshot(testDb)).toEqual(live);

    await rebuildReadModels(testDb.db);
    expect(await snapshot(testDb)).toEqual(live);

    // The live projector (its group's offsets carried over) goes on in the new generation.
    await rebuildFromTopic(testDb.db, kafka, { topic });
    const more = new SyntheticHistory({
      events: 500,
      seed: 8,
      from: new Date('2021-01-02'),
      until: new Date('2022-01-01'),
      prefix: 'b-',
      registeredParties: await registeredParties(testDb.db),
    });
    const newHead = await generate(more);
    await until(() => readModel.hasProjected(newHead));
    const after = await snapshot(testDb);
    expect(after.stream_events).toHaveLength(3500);
    await rebuildReadModels(testDb.db);
    expect(await snapshot(testDb)).toEqual(after);
  });

  it('takes the events appended while it runs', async () => {
    const { rows } = await testDb.db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM events');
    const during = new SyntheticHistory({
      events: 300,
      seed: 9,
      from: new Date('2022-01-02'),
      until: new Date('2023-01-01'),
      prefix: 'c-',
      registeredParties: await registeredParties(testDb.db),
    });
    const rebuilt = rebuildFromTopic(testDb.db, kafka, { topic });
    const head = await generate(during);
    await rebuilt;
    await until(() => readModel.hasProjected(head));
    const live = await snapshot(testDb);
    expect(live.stream_events).toHaveLength(rows[0].count + 300);
    await rebuildReadModels(testDb.db);
    expect(await snapshot(testDb)).toEqual(live);
  });
});

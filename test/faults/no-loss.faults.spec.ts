import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka, unpublishedEvents } from '@timeline/log';
import { activeGeneration, kafkaProjectorLag, quoteIdent, rebuildReadModels } from '@timeline/projections';
import { serviceAuthEnv } from '../support/auth';
import { uniqueTopic } from '../support/kafka';
import { childEnv, freePort, PROJECTOR_MAIN, ServiceProcess, startServe } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { FaultsBroker } from './support/broker';
import {
  answersNotStoredAsGiven,
  brokenStreams,
  idempotencyKeysWithoutEvents,
  readModelDifferences,
  readWholeTopic,
} from './support/invariants';
import { LoadReport, WriteLoad } from './support/load';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms).unref());

async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms\n${context()}`);
    await sleep(250);
  }
}

/**
 * The service as production runs it — api, relay and projector as processes of
 * their own, on the real PostgreSQL and a Kafka broker of this suite's own — under
 * a load of writes while the broker is killed, database sessions are terminated,
 * and the relay and projector are killed between their steps; then the projector
 * is made to read the whole topic again. Afterwards every write answered 2xx must
 * be in PostgreSQL, on the topic and in the read models, which must equal a clean
 * rebuild, and no write may be half-applied.
 */
describe('faults: nothing answered 2xx is lost, nothing is half-applied', () => {
  const broker = new FaultsBroker();
  const suffix = randomBytes(4).toString('hex');
  const applicationName = `timeline-faults-${suffix}`;
  const group = `faults-projector-${suffix}`;
  const topic = uniqueTopic('faults');
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  let testDb: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  let load: WriteLoad | undefined;
  const processes = new Map<string, ServiceProcess>();

  const env = (roles: string, extra: Record<string, string> = {}) =>
    childEnv({
      DATABASE_URL: testDb.db.connectionString,
      DATABASE_SCHEMA: testDb.db.schema,
      DATABASE_APPLICATION_NAME: applicationName,
      KAFKA_BROKERS: broker.address,
      KAFKA_TOPIC: topic,
      KAFKA_PARTITIONS: '3',
      KAFKA_PROJECTOR_GROUP: group,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      TIMELINE_SEED: 'none',
      TIMELINE_ROLES: roles,
      PORT: port,
      ...serviceAuthEnv(),
      ...extra,
    });
  const start = {
    api: () => startServe('api', env('api')),
    relay: (failpoints = '') => startServe('relay', env('relay', failpoints ? { TIMELINE_FAILPOINTS: failpoints } : {})),
    projector: (failpoints = '') =>
      new ServiceProcess('projector', [PROJECTOR_MAIN], env('projector', failpoints ? { TIMELINE_FAILPOINTS: failpoints } : {})),
  };
  const run = (name: 'api' | 'relay' | 'projector', failpoints = '') => {
    const child = name === 'api' ? start.api() : start[name](failpoints);
    processes.set(name, child);
    return child;
  };
  const logs = () => [...processes.values()].map((child) => `--- ${child.name} (pid ${child.pid}):\n${child.log.slice(-4000)}`).join('\n');

  /** Ends this suite's database sessions (found by application_name), whatever they are doing. */
  async function terminateSessions(): Promise<number> {
    const { rows } = await testDb.db.pool.query<{ n: string }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::text AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name LIKE $1 AND pid <> pg_backend_pid()`,
      [`${applicationName}%`],
    );
    return Number(rows[0].n);
  }

  async function projectorCaughtUp(): Promise<boolean> {
    const lag = await kafkaProjectorLag(testDb.db.pool, admin, topic);
    if (lag.some((partition) => partition.lag > 0)) return false;
    const generation = (await activeGeneration(testDb.db.pool))!;
    const { rows } = await testDb.db.pool.query<{ projected: string; stored: string }>(
      `SELECT (SELECT count(*) FROM ${quoteIdent(generation.schema)}.stream_events)::text AS projected,
              (SELECT count(*) FROM events)::text AS stored`,
    );
    return rows[0].projected === rows[0].stored;
  }

  async function crashAtFailpoint(name: 'relay' | 'projector', failpoint: string): Promise<void> {
    const child = run(name, failpoint);
    const ended = await Promise.race([child.exited, sleep(60_000).then(() => undefined)]);
    expect({ failpoint, ended }).toEqual({ failpoint, ended: { code: null, signal: 'SIGKILL' } });
    expect(child.log).toContain(`failpoint ${failpoint.split(':')[0]} reached`);
  }

  beforeAll(async () => {
    // The programs are built and the broker started by test/setup/faults-setup.ts.
    broker.start();
    testDb = await createTestDatabase('postgres');
    kafka = createKafka({ brokers: [broker.address], clientId: 'faults-suite' });
    admin = kafka.admin();
    await admin.connect();
  }, 240_000);

  afterAll(async () => {
    await load?.stop().catch(() => undefined);
    for (const child of processes.values()) await child.crash();
    await admin?.disconnect().catch(() => undefined);
    await testDb?.dispose();
    broker.start(); // left serving for the next file; faults-teardown stops it
  }, 120_000);

  it('survives a broker crash, terminated sessions, killed relay and projector, and redelivery', async () => {
    try {
      await underFaults();
    } catch (error) {
      (error as Error).message += `\n${logs()}`;
      throw error;
    }
  }, 300_000);

  async function underFaults(): Promise<void> {
    const api = run('api');
    run('relay');
    run('projector');
    await api.waitForHttp(`${url}/health/live`);
    load = new WriteLoad(() => url, { writers: 6 });
    load.start();
    await load.progress(30);

    // The broker dies (SIGKILL) under load and comes back on the same data.
    broker.kill();
    await eventually(
      'readiness to report Kafka down',
      async () => {
        const response = await fetch(`${url}/health/ready`);
        const body = (await response.json()) as { details?: { kafka?: { status: string } } };
        return response.status === 503 && body.details?.kafka?.status === 'down';
      },
      20_000,
      logs,
    );
    broker.start();
    await load.progress(30);

    // PostgreSQL sessions of the service end mid-transaction: appends, projector batches, relay checkpoints.
    let terminated = 0;
    for (let round = 0; round < 20; round++) {
      terminated += await terminateSessions();
      await sleep(150);
    }
    expect(terminated).toBeGreaterThan(0);
    await load.progress(30);

    // The relay: killed at a random moment, then between a batch on the topic and its checkpoint.
    await processes.get('relay')!.crash();
    await crashAtFailpoint('relay', 'relay.after-send:3');
    run('relay');

    // The projector: killed at a random moment, then after its transaction committed (offset not yet
    // committed to Kafka), then inside its transaction before the commit.
    await processes.get('projector')!.crash();
    await crashAtFailpoint('projector', 'projector.after-commit:2');
    await crashAtFailpoint('projector', 'projector.before-commit:2');
    run('projector');
    await load.progress(30);

    const report: LoadReport = await load.stop();
    load = undefined;
    const answeredIds = report.answered.flatMap((write) => write.eventIds);
    expect(report.failed).toBe(0);

    await eventually('the relay publishing every event', async () => (await unpublishedEvents(testDb.db.pool, topic)) === 0, 90_000, logs);
    await eventually('the projector catching up', projectorCaughtUp, 120_000, logs);

    // Redelivery, twice. First Kafka gives the group every record again (its committed offsets reset to
    // the start): what the read models hold already must change nothing.
    const live = (await activeGeneration(testDb.db.pool))!;
    const checkpoints = `${quoteIdent(live.schema)}.checkpoints`;
    const storedOffsets = async () =>
      (
        await testDb.db.pool.query<{ partition: number; position: string }>(
          `SELECT partition, position::text FROM ${checkpoints} ORDER BY partition`,
        )
      ).rows;
    const offsetsBefore = await storedOffsets();
    expect(await processes.get('projector')!.stop()).toBe(0);
    await admin.resetOffsets({ groupId: group, topic, earliest: true });
    run('projector');
    await eventually(
      'the projector to go through the redelivered records',
      async () =>
        (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0].partitions.every(
          ({ partition, offset }) => offset === String(BigInt(offsetsBefore.find((row) => row.partition === partition)!.position) + 1n),
        ),
      60_000,
      logs,
    );
    expect(await storedOffsets()).toEqual(offsetsBefore);
    // Then the read models forget where they were (offsets in PostgreSQL gone, Kafka's at the end):
    // PostgreSQL decides, so the projector reads the whole topic again into them.
    expect(await processes.get('projector')!.stop()).toBe(0);
    await testDb.db.pool.query(`DELETE FROM ${checkpoints} WHERE source = $1`, [`kafka:${topic}`]);
    expect(await projectorCaughtUp()).toBe(false);
    run('projector');
    await eventually('the projector reading the topic again', projectorCaughtUp, 120_000, logs);
    expect(await storedOffsets()).toEqual(offsetsBefore);

    // Every answered write is in PostgreSQL…
    const pool = testDb.db.pool;
    const { rows: stored } = await pool.query<{ id: string }>('SELECT id FROM events');
    const storedIds = new Set(stored.map((row) => row.id));
    expect(answeredIds.filter((id) => !storedIds.has(id))).toEqual([]);
    // …none half-applied…
    expect(await brokenStreams(pool)).toEqual([]);
    expect(await idempotencyKeysWithoutEvents(pool)).toEqual([]);
    expect(await answersNotStoredAsGiven(pool, report.answered)).toEqual([]);
    // …on the topic, every stored event and nothing else (repeats are allowed: the relay is at-least-once)…
    const onTopic = await readWholeTopic(kafka, admin, topic);
    const topicIds = new Set(onTopic.ids);
    expect([...storedIds].filter((id) => !topicIds.has(id))).toEqual([]);
    expect([...topicIds].filter((id) => !storedIds.has(id))).toEqual([]);
    // …and in the read models, which equal a clean rebuild from the table.
    const { rows: projected } = await pool.query<{ id: string }>(`SELECT event_id AS id FROM ${quoteIdent(live.schema)}.stream_events`);
    const projectedIds = new Set(projected.map((row) => row.id));
    expect(answeredIds.filter((id) => !projectedIds.has(id))).toEqual([]);
    expect(await processes.get('projector')!.stop()).toBe(0);
    const rebuilt = await rebuildReadModels(testDb.db);
    const rebuiltSchema = (await activeGeneration(pool))!.schema;
    expect(rebuilt.previous).toBe(live.generation);
    expect(await readModelDifferences(pool, live.schema, rebuiltSchema)).toEqual({
      stream_events: 0,
      commitment_versions: 0,
      commitment_reported_versions: 0,
      entity_versions: 0,
      timeline: 0,
    });

    // The survivors shut down cleanly.
    expect(await processes.get('relay')!.stop()).toBe(0);
    expect(await api.stop()).toBe(0);
    console.log(
      `faults: ${report.answered.length} writes answered (${answeredIds.length} events, ${report.retried} retried attempts), ` +
        `${terminated} sessions terminated, ${onTopic.records} records on the topic for ${storedIds.size} events`,
    );
  }
});

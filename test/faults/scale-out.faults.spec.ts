import type { Admin, Kafka } from 'kafkajs';
import { AssignerProtocol } from 'kafkajs';
import { createKafka } from '@timeline/log';
import { activeGeneration, rebuildFromTopic } from '@timeline/projections';
import { FaultsBroker } from './support/broker';
import { Deployment, eventually } from './support/deployment';
import { answersNotStoredAsGiven, brokenStreams, idempotencyKeysWithoutEvents, readModelDifferences } from './support/invariants';
import { WriteLoad } from './support/load';

const SESSION_TIMEOUT_MS = 6_000;

/**
 * More than one process of a kind on one topic and database: projectors share
 * the partitions and take over a killed one's, api processes share the writes.
 */
describe('faults: scale-out', () => {
  const broker = new FaultsBroker();
  let kafka: Kafka;
  let admin: Admin;
  let deployment: Deployment | undefined;
  let load: WriteLoad | undefined;

  beforeAll(async () => {
    broker.start();
    kafka = createKafka({ brokers: [broker.address], clientId: 'faults-scale-out' });
    admin = kafka.admin();
    await admin.connect();
  }, 240_000);

  afterEach(async () => {
    await load?.stop().catch(() => undefined);
    load = undefined;
    await deployment?.close();
    deployment = undefined;
  }, 120_000);

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
  });

  /** Each member's partitions of the topic, as the group coordinator has them. */
  async function assignments(group: string, topic: string): Promise<number[][]> {
    const [described] = (await admin.describeGroups([group])).groups;
    if (described.state !== 'Stable') return [];
    return described.members.map((member) => AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic] ?? []);
  }

  it('two projectors share the partitions; after kill -9 of one mid-load the other takes them within the session timeout, and the read models equal a rebuild from the log', async () => {
    const d = new Deployment('projectors', broker, { KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS) });
    deployment = d;
    const logs = () => d.logs();
    try {
      await d.open();
      const { url } = await d.serve('api,relay');
      const first = d.projector();
      const second = d.projector();
      const group = `${d.topic}.projector`;
      load = new WriteLoad(() => url, { writers: 4 });
      load.start();
      await load.progress(20);

      let shared: number[][] = [];
      await eventually(
        'both projectors holding partitions',
        async () => {
          shared = await assignments(group, d.topic);
          return shared.length === 2 && shared.every((partitions) => partitions.length > 0);
        },
        60_000,
        logs,
      );
      expect(shared.flat().sort()).toEqual([0, 1, 2]);
      await load.progress(20);

      await first.crash();
      const killedAt = Date.now();
      let took = 0;
      await eventually(
        'the survivor taking every partition',
        async () => {
          const now = await assignments(group, d.topic);
          took = Date.now() - killedAt;
          return now.length === 1 && [...now[0]].sort().join() === '0,1,2';
        },
        SESSION_TIMEOUT_MS + 15_000,
        logs,
      );
      // The coordinator notices the dead member after the session timeout; the rebalance follows.
      expect(took).toBeLessThan(SESSION_TIMEOUT_MS + 15_000);
      await load.progress(30);
      const report = await load.stop();
      load = undefined;
      expect(report.failed).toBe(0);
      await eventually('the survivor catching up', () => d.caughtUp(admin), 90_000, logs);
      expect(second.running).toBe(true);

      const pool = d.testDb.db.pool;
      const answered = report.answered.flatMap((write) => write.eventIds);
      const projected = new Set(await d.projectedIds());
      expect(answered.filter((id) => !projected.has(id))).toEqual([]);
      expect(await second.stop()).toBe(0);
      const live = (await activeGeneration(pool))!;
      const rebuilt = await rebuildFromTopic(d.testDb.db, kafka, { topic: d.topic });
      expect(rebuilt.previous).toBe(live.generation);
      const rebuiltSchema = (await activeGeneration(pool))!.schema;
      expect(await readModelDifferences(pool, live.schema, rebuiltSchema)).toEqual({
        stream_events: 0,
        commitment_versions: 0,
        commitment_reported_versions: 0,
        entity_versions: 0,
        timeline: 0,
      });
      console.log(`scale-out: ${report.answered.length} writes; the survivor held every partition ${took} ms after the kill`);
    } catch (error) {
      (error as Error).message += `\n${logs()}`;
      throw error;
    }
  }, 300_000);

  it('two api processes on one database and topic: every write answered once and stored once, and read with minPosition on either', async () => {
    const d = new Deployment('apis', broker);
    deployment = d;
    const logs = () => d.logs();
    try {
      await d.open();
      d.background('relay');
      d.projector();
      const apis = await Promise.all([d.serve('api'), d.serve('api')]);
      const urls = apis.map((api) => api.url);
      let turn = 0;
      // Every attempt goes to the next process: a retry with the same Idempotency-Key lands on the other one.
      load = new WriteLoad(() => urls[turn++ % urls.length], { writers: 4 });
      load.start();
      await load.progress(60);
      const report = await load.stop();
      load = undefined;
      expect(report.failed).toBe(0);

      const pool = d.testDb.db.pool;
      const answered = report.answered.flatMap((write) => write.eventIds);
      const { rows } = await pool.query<{ id: string }>('SELECT id FROM events');
      expect(rows.map((row) => row.id).sort()).toEqual([...answered].sort());
      expect(new Set(answered).size).toBe(answered.length);
      expect(await answersNotStoredAsGiven(pool, report.answered)).toEqual([]);
      expect(await idempotencyKeysWithoutEvents(pool)).toEqual([]);
      expect(await brokenStreams(pool)).toEqual([]);

      // A read with a write's position, on either process, sees that write: a commitment's k-th answered
      // write made its stream version k (each writer records, then disburses, in turn).
      const versionOf = new Map<string, number>();
      const writes = report.answered.map((write) => {
        const version = (versionOf.get(write.commitmentId) ?? 0) + 1;
        versionOf.set(write.commitmentId, version);
        return { ...write, version };
      });
      for (const write of writes.slice(-20)) {
        for (const url of urls) {
          const response = await fetch(`${url}/v1/commitments/${write.commitmentId}?minPosition=${write.position}`, {
            signal: AbortSignal.timeout(30_000),
          });
          const body = (await response.json()) as { version?: number };
          expect({ url, status: response.status }).toEqual({ url, status: 200 });
          expect({ url, write: write.position, version: body.version! >= write.version }).toEqual({
            url,
            write: write.position,
            version: true,
          });
        }
      }
    } catch (error) {
      (error as Error).message += `\n${logs()}`;
      throw error;
    }
  }, 300_000);
});

import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka } from '@timeline/log';
import { FaultsBroker } from './support/broker';
import { Deployment, eventually } from './support/deployment';
import { readWholeTopic } from './support/invariants';
import { WriteLoad } from './support/load';

/**
 * Two deployments of the service on one Kafka cluster — staging and
 * production, say — that differ only by topic and database. Each must project
 * every write of its own and nothing of the other's, with default settings, and
 * also when an operator gives both the same consumer group.
 */
describe('faults: two deployments share a Kafka cluster without knowing of each other', () => {
  const broker = new FaultsBroker();
  let kafka: Kafka;
  let admin: Admin;
  let deployments: Deployment[] = [];

  beforeAll(async () => {
    broker.start();
    kafka = createKafka({ brokers: [broker.address], clientId: 'faults-shared-cluster' });
    admin = kafka.admin();
    await admin.connect();
  }, 240_000);

  afterEach(async () => {
    for (const deployment of deployments) await deployment.close();
    deployments = [];
  }, 120_000);

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
  });

  async function twoDeploymentsProjectTheirOwn(settings: Record<string, string>): Promise<{ staging: Deployment; production: Deployment }> {
    const staging = new Deployment('staging', broker, settings);
    const production = new Deployment('production', broker, settings);
    deployments = [staging, production];
    const logs = () => deployments.map((deployment) => deployment.logs()).join('\n');
    try {
      await staging.open();
      await production.open();
      const [a, b] = await Promise.all([staging.serve('api,relay,projector'), production.serve('api,relay,projector')]);
      const loads = [new WriteLoad(() => a.url, { writers: 2 }), new WriteLoad(() => b.url, { writers: 2 })];
      for (const load of loads) load.start();
      await Promise.all(loads.map((load) => load.progress(25)));
      const [stagingWrites, productionWrites] = await Promise.all(loads.map((load) => load.stop()));
      expect([stagingWrites.failed, productionWrites.failed]).toEqual([0, 0]);

      for (const [deployment, report] of [
        [staging, stagingWrites],
        [production, productionWrites],
      ] as const) {
        await eventually(`${deployment.name}: every write projected`, () => deployment.caughtUp(admin), 90_000, logs);
        const answered = report.answered.flatMap((write) => write.eventIds);
        const stored = new Set(await deployment.storedIds());
        const projected = await deployment.projectedIds();
        expect(answered.filter((id) => !stored.has(id))).toEqual([]);
        expect(new Set(projected)).toEqual(stored);
        expect(projected).toHaveLength(stored.size);
      }
      // Nothing crosses over: not in the other's tables, not in its read models, not on its topic.
      const idsOf = async (deployment: Deployment) => new Set(await deployment.storedIds());
      const [stagingIds, productionIds] = [await idsOf(staging), await idsOf(production)];
      expect([...stagingIds].filter((id) => productionIds.has(id))).toEqual([]);
      expect((await production.projectedIds()).filter((id) => stagingIds.has(id))).toEqual([]);
      expect((await staging.projectedIds()).filter((id) => productionIds.has(id))).toEqual([]);
      for (const [deployment, own] of [
        [staging, stagingIds],
        [production, productionIds],
      ] as const) {
        const onTopic = new Set((await readWholeTopic(kafka, admin, deployment.topic)).ids);
        expect(onTopic).toEqual(own);
      }
      return { staging, production };
    } catch (error) {
      (error as Error).message += `\n${logs()}`;
      throw error;
    }
  }

  it('with default settings: each projects every write of its own, nothing of the other, in a group named after its topic', async () => {
    const { staging, production } = await twoDeploymentsProjectTheirOwn({});
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId);
    expect(groups).toEqual(expect.arrayContaining([`${staging.topic}.projector`, `${production.topic}.projector`]));
    expect(groups).not.toContain('timeline-projector');
  }, 240_000);

  it('with one consumer group set for both: each member is given only partitions of its own topic', async () => {
    const group = `shared-projectors-${randomBytes(4).toString('hex')}`;
    await twoDeploymentsProjectTheirOwn({ KAFKA_PROJECTOR_GROUP: group });
    const [described] = (await admin.describeGroups([group])).groups;
    expect(described.members).toHaveLength(2);
    expect(described.protocol).toBe('TimelineTopicAwareRoundRobin');
  }, 240_000);
});

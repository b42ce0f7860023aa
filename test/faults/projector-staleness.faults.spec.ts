import type { Admin, Kafka } from 'kafkajs';
import { createKafka } from '@timeline/log';
import { FaultsBroker } from './support/broker';
import { Deployment, eventually } from './support/deployment';
import { WriteLoad } from './support/load';

interface Readiness {
  status: string;
  details?: {
    projector?: { status: string; message?: string; group?: string; stalledPartitions?: number[]; lagAgeSeconds?: Record<string, number> };
  };
}

/**
 * A projector that stops (SIGSTOP: alive, holding its connections, doing
 * nothing) while writes go on must turn readiness red by the age of what waits,
 * naming the partition and the group, and the stall gauge with it; when it goes
 * on (SIGCONT), both turn back.
 */
describe('faults: a stuck projector turns readiness red', () => {
  const broker = new FaultsBroker();
  let kafka: Kafka;
  let admin: Admin;
  let deployment: Deployment;
  let load: WriteLoad | undefined;

  beforeAll(async () => {
    broker.start();
    kafka = createKafka({ brokers: [broker.address], clientId: 'faults-staleness' });
    admin = kafka.admin();
    await admin.connect();
    deployment = new Deployment('staleness', broker, { READY_MAX_PROJECTOR_STALL_MS: '3000', KAFKA_SESSION_TIMEOUT_MS: '6000' });
    await deployment.open();
  }, 240_000);

  afterAll(async () => {
    await load?.stop().catch(() => undefined);
    await deployment?.close();
    await admin?.disconnect().catch(() => undefined);
  }, 120_000);

  it('answers 503 naming the partition and the group while the projector is stopped, and 200 again when it goes on', async () => {
    const logs = () => deployment.logs();
    try {
      const { url } = await deployment.serve('api,relay');
      const projector = deployment.projector();
      const ready = async () => {
        const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
        return { status: response.status, body: (await response.json()) as Readiness };
      };
      const stalledGauges = async () =>
        (await (await fetch(`${url}/metrics`)).text())
          .split('\n')
          .filter((line) => line.startsWith('timeline_projector_stalled{') && line.endsWith(' 1'));

      load = new WriteLoad(() => url, { writers: 2 });
      load.start();
      await load.progress(10);
      await eventually('readiness while the projector works', async () => (await ready()).status === 200, 60_000, logs);

      projector.signal('SIGSTOP');
      const stoppedAt = Date.now();
      let red: { status: number; body: Readiness } | undefined;
      await eventually(
        'readiness to turn red',
        async () => {
          const answer = await ready();
          if (answer.status === 503 && answer.body.details?.projector?.status === 'down') red = answer;
          return red !== undefined;
        },
        30_000,
        logs,
      );
      const group = `${deployment.topic}.projector`;
      const check = red!.body.details!.projector!;
      expect(check.message).toMatch(
        new RegExp(
          `partition \\d+ of consumer group ${group.replace(/\./g, '\\.')} has \\d+ records not projected and no progress for \\d+ s`,
        ),
      );
      expect(check.group).toBe(group);
      expect(check.stalledPartitions!.length).toBeGreaterThan(0);
      for (const partition of check.stalledPartitions!) expect(check.lagAgeSeconds![partition]).toBeGreaterThanOrEqual(3);
      // Red by age, not count: far fewer records wait than READY_MAX_PROJECTOR_LAG (10,000).
      expect(Date.now() - stoppedAt).toBeLessThan(30_000);
      const gauges = await stalledGauges();
      expect(gauges.length).toBeGreaterThan(0);
      expect(gauges.every((line) => line.includes(`group="${group}"`))).toBe(true);

      projector.signal('SIGCONT');
      await eventually('readiness to turn green again', async () => (await ready()).status === 200, 90_000, logs);
      expect(await stalledGauges()).toEqual([]);
      const report = await load.stop();
      load = undefined;
      expect(report.failed).toBe(0);
      await eventually('the projector catching up', () => deployment.caughtUp(admin), 90_000, logs);
    } catch (error) {
      (error as Error).message += `\n${logs()}`;
      throw error;
    }
  }, 300_000);
});

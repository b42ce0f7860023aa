import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { activeGeneration, kafkaProjectorLag, quoteIdent } from '@timeline/projections';
import { serviceAuthEnv } from '../../support/auth';
import { uniqueTopic } from '../../support/kafka';
import { childEnv, freePort, PROJECTOR_MAIN, ServiceProcess, startServe } from '../../support/processes';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import type { FaultsBroker } from './broker';

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms).unref());

export async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms\n${context()}`);
    await sleep(250);
  }
}

/**
 * One deployment of the service for the fault suite: a database schema and a
 * topic of its own on the suite's broker, and the processes started for it
 * (each `serve` process on a port of its own). Settings beyond the ones that
 * place it are the defaults unless given.
 */
export class Deployment {
  readonly topic: string;
  readonly processes: ServiceProcess[] = [];
  testDb!: TestDatabase;

  constructor(
    readonly name: string,
    private readonly broker: FaultsBroker,
    private readonly settings: Record<string, string> = {},
  ) {
    this.topic = uniqueTopic(`faults-${name}-${randomBytes(2).toString('hex')}`);
  }

  async open(): Promise<void> {
    this.testDb = await createTestDatabase('postgres');
  }

  env(roles: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return childEnv({
      DATABASE_URL: this.testDb.db.connectionString,
      DATABASE_SCHEMA: this.testDb.db.schema,
      DATABASE_APPLICATION_NAME: `faults-${this.name}`,
      KAFKA_BROKERS: this.broker.address,
      KAFKA_TOPIC: this.topic,
      KAFKA_PARTITIONS: '3',
      TIMELINE_SEED: 'none',
      TIMELINE_ROLES: roles,
      ...serviceAuthEnv(),
      ...this.settings,
      ...extra,
    });
  }

  /** `timeline serve` with these roles on a port of its own; resolves once it answers. */
  async serve(roles: string, extra: Record<string, string> = {}): Promise<{ process: ServiceProcess; url: string }> {
    const port = freePort();
    const child = startServe(`${this.name} ${roles} :${port}`, this.env(roles, { PORT: port, ...extra }));
    this.processes.push(child);
    const url = `http://127.0.0.1:${port}`;
    await child.waitForHttp(`${url}/health/live`, 90_000);
    return { process: child, url };
  }

  /** `timeline serve` with roles that serve no HTTP (relay, projector). */
  background(roles: string, extra: Record<string, string> = {}): ServiceProcess {
    const child = startServe(`${this.name} ${roles}`, this.env(roles, extra));
    this.processes.push(child);
    return child;
  }

  /** The projector program alone. */
  projector(extra: Record<string, string> = {}): ServiceProcess {
    const child = new ServiceProcess(`${this.name} projector`, [PROJECTOR_MAIN], this.env('projector', extra));
    this.processes.push(child);
    return child;
  }

  logs(): string {
    return this.processes.map((child) => `--- ${child.name} (pid ${child.pid}):\n${child.log.slice(-3000)}`).join('\n');
  }

  /** Event ids in the active generation's read model. */
  async projectedIds(): Promise<string[]> {
    const generation = (await activeGeneration(this.testDb.db.pool))!;
    const { rows } = await this.testDb.db.pool.query<{ id: string }>(
      `SELECT event_id AS id FROM ${quoteIdent(generation.schema)}.stream_events`,
    );
    return rows.map((row) => row.id);
  }

  async storedIds(): Promise<string[]> {
    const { rows } = await this.testDb.db.pool.query<{ id: string }>('SELECT id FROM events');
    return rows.map((row) => row.id);
  }

  /** No lag on any partition, and as many events projected as stored. */
  async caughtUp(admin: Admin): Promise<boolean> {
    const lag = await kafkaProjectorLag(this.testDb.db.pool, admin, this.topic);
    if (lag.some((partition) => partition.lag > 0)) return false;
    return (await this.projectedIds()).length === (await this.storedIds()).length;
  }

  async close(): Promise<void> {
    for (const child of this.processes) await child.crash();
    await this.testDb?.dispose();
  }
}

import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createKafka } from '@timeline/log';
import { testDatabaseUrl } from '../setup/environment';
import { serviceAuthEnv } from '../support/auth';
import { uniqueTopic } from '../support/kafka';
import { childEnv, freePort, ROOT, ServiceProcess, startServe } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { FaultsBroker } from './support/broker';

const run = promisify(execFile);
const GUIDE = join(ROOT, 'docs/operations.md');

/** The guide's named shell blocks (```bash <name>), exactly as a reader sees them. */
function guideBlocks(): Record<string, string> {
  const blocks: Record<string, string> = {};
  for (const match of readFileSync(GUIDE, 'utf8').matchAll(/^```bash ([\w-]+)\n([\s\S]*?)^```$/gm)) blocks[match[1]] = match[2];
  return blocks;
}

interface Health {
  status: string;
  details: Record<string, { status: string; lag?: number; unpublished?: number; count?: number }>;
}

/**
 * docs/operations.md followed once, end to end, by running its own commands:
 * a service on PostgreSQL and Kafka with the data set loaded; a poison record
 * listed and replayed as the guide says; a backup with pg_dump; the service
 * stopped; a restore with pg_restore into a new database; the service started
 * on it; a rebuild; and the restored service's state compared with what the old
 * one knew when the backup was taken.
 */
describe('docs/operations.md, followed end to end', () => {
  const broker = new FaultsBroker();
  const suffix = randomBytes(4).toString('hex');
  const topic = uniqueTopic('guide');
  const restoreDatabase = `test_guide_${suffix}`;
  const restoreUrl = (() => {
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${restoreDatabase}`;
    return url.toString();
  })();
  const backupDir = mkdtempSync(join(tmpdir(), 'timeline-guide-'));
  let testDb: TestDatabase;
  let original: ServiceProcess | undefined;
  let restored: ReturnType<typeof spawn> | undefined;
  let restoredOutput = '';

  const env = (extra: Record<string, string> = {}) =>
    childEnv({
      DATABASE_URL: testDb.db.connectionString,
      DATABASE_SCHEMA: testDb.db.schema,
      KAFKA_BROKERS: broker.address,
      KAFKA_TOPIC: topic,
      KAFKA_PROJECTOR_GROUP: `guide-projector-${suffix}`,
      BACKUP_DIR: backupDir,
      RESTORE_DATABASE: restoreDatabase,
      RESTORE_DATABASE_URL: restoreUrl,
      ...serviceAuthEnv(),
      ...extra,
    });
  const runBlock = async (name: string, extra: Record<string, string> = {}) => {
    const block = guideBlocks()[name];
    expect(block).toBeDefined();
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', block], { cwd: ROOT, env: env(extra), timeout: 120_000 }).catch(
      (error) => {
        throw new Error(`the guide's "${name}" block failed:\n${block}\n${error.stderr ?? ''}${error.message}`);
      },
    );
    return stdout;
  };
  const health = async (base: string): Promise<Health> => (await fetch(`${base}/health/ready`)).json() as Promise<Health>;
  const until = async (what: string, condition: () => Promise<boolean>, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
      await new Promise((done) => setTimeout(done, 250));
    }
  };
  const deadLetters = async () =>
    Number((await testDb.db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM dead_letters')).rows[0].n);

  beforeAll(async () => {
    broker.start();
    testDb = await createTestDatabase('postgres');
  }, 120_000);

  afterAll(async () => {
    await original?.crash();
    if (restored?.pid && restored.exitCode === null) process.kill(-restored.pid, 'SIGKILL');
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${restoreDatabase} WITH (FORCE)`);
    await admin.end();
    await testDb?.dispose();
    rmSync(backupDir, { recursive: true, force: true });
  }, 60_000);

  it('has a test for every named block', () => {
    expect(Object.keys(guideBlocks()).sort()).toEqual([
      'backup',
      'dead-letters',
      'dead-letters-replay',
      'restore',
      'serve-restored',
      'verify',
    ]);
  });

  it('lists and replays dead letters, backs up, restores, serves, rebuilds and finds the same state', async () => {
    const originalPort = freePort();
    const originalUrl = `http://127.0.0.1:${originalPort}`;
    original = startServe('original', env({ PORT: originalPort }));
    await original.waitForHttp(`${originalUrl}/health/ready`, 120_000);
    await until('the data set to reach the topic and the read models', async () => {
      const { details } = await health(originalUrl);
      return details.log.unpublished === 0 && details.projector.lag === 0;
    });

    // Dead letters: a record from a foreign producer, listed, then replayed (and set aside again).
    const kafka = createKafka({ brokers: [broker.address], clientId: 'guide-test' });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        {
          key: 'commitment-x',
          value: '{"data":{},"source":{"title":"?"}}',
          headers: { ce_specversion: '1.0', ce_id: randomUUID(), ce_type: 'CommitmentTeleported' },
        },
      ],
    });
    await producer.disconnect();
    await until('the poison record to be set aside', async () => (await deadLetters()) === 1);
    expect((await health(originalUrl)).details.deadLetters).toMatchObject({ status: 'up', count: 1 });
    expect(await runBlock('dead-letters')).toMatch(/header ce_source is missing/);
    expect(await runBlock('dead-letters-replay')).toMatch(/replayed 1 dead letter\(s\)/);
    await until('the replayed record to be set aside again', async () => (await deadLetters()) === 2);

    // Backup, then the service is stopped.
    const tables = Number((await runBlock('backup', { TIMELINE_URL: originalUrl })).trim());
    expect(tables).toBeGreaterThanOrEqual(10);
    const before = JSON.parse(readFileSync(join(backupDir, 'state-at-backup.json'), 'utf8')) as {
      commitments: { total: number; items: unknown[]; next: string | null };
    };
    expect(before.commitments.total).toBeGreaterThan(5);
    // The whole section is on its first page, so the check after the restore compares all of it.
    expect(before.commitments.items).toHaveLength(before.commitments.total);
    expect(before.commitments.next).toBeNull();
    expect(await original.stop()).toBe(0);

    // Restore into a new database, serve it, rebuild, verify.
    await runBlock('restore');
    const restoredPort = freePort();
    const restoredUrl = `http://127.0.0.1:${restoredPort}`;
    restored = spawn('bash', ['-euo', 'pipefail', '-c', guideBlocks()['serve-restored']], {
      cwd: ROOT,
      env: env({ PORT: restoredPort, LOG_LEVEL: 'info' }),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    restored.stdout!.on('data', (chunk) => (restoredOutput = (restoredOutput + chunk).slice(-20_000)));
    restored.stderr!.on('data', (chunk) => (restoredOutput = (restoredOutput + chunk).slice(-20_000)));
    const restoredExit = new Promise<void>((resolve) => restored!.on('close', () => resolve()));
    await until('the restored service to be ready', async () => (await fetch(`${restoredUrl}/health/ready`)).ok, 120_000).catch((error) => {
      throw new Error(`${(error as Error).message}; it said:\n${restoredOutput}`);
    });
    expect(await runBlock('verify', { TIMELINE_URL: restoredUrl })).toMatch(/the restored service knows what the old one knew/);

    // Same events in both databases, and the restored service did not seed or lose any.
    const copy = new Client({ connectionString: restoreUrl, options: `-c search_path=${testDb.db.schema}` });
    await copy.connect();
    const count = 'SELECT count(*)::text AS n, max(position)::text AS head FROM events';
    const [restoredEvents, originalEvents] = [(await copy.query(count)).rows[0], (await testDb.db.pool.query(count)).rows[0]];
    await copy.end();
    expect(restoredEvents).toEqual(originalEvents);

    // SIGTERM to the block's process group (bash, npx, node), as a terminal's Ctrl-C would: the service stops cleanly.
    process.kill(-restored.pid!, 'SIGTERM');
    await restoredExit;
    expect(restoredOutput).toContain('"msg":"stopped"');
  }, 280_000);
});

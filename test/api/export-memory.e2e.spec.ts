import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join, resolve } from 'node:path';
import { activeGeneration, ensureActiveGeneration, quoteIdent } from '@timeline/projections';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const ROWS = Number(process.env.EXPORT_TEST_ROWS ?? 300_000);
const ROOT = resolve(__dirname, '../..');
const HEAP_LIMIT_MB = 128;

/**
 * A long export streams: the server, run as users run it with its heap capped
 * far below the export's size, sends a long timeline to the end, and its peak
 * resident memory stays bounded. The timeline read model is filled in SQL, as
 * a long history would leave it.
 */
describe('exporting a long timeline', () => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    testDb = await createTestDatabase('postgres');
    await ensureActiveGeneration(testDb.db.pool, testDb.db.schema);
    const s = quoteIdent((await activeGeneration(testDb.db.pool))!.schema);
    await testDb.db.pool.query(
      `INSERT INTO ${s}.timeline (event_id, position, stream_id, stream_type, stream_version, type, effective_at,
         effective_precision, effective_until, recorded, recorded_at, actor, confidence, source, data, parties, summary, reported_from)
       SELECT md5(i::text)::uuid, i, 'commitment-' || (i / 10), 'commitment', i % 10 + 1, 'CommitmentDisbursed',
              timestamptz '2018-01-01' + i * interval '5 minutes', 'day', timestamptz '2018-01-02' + i * interval '5 minutes',
              tstzrange(now() - interval '1 day', NULL), now() - interval '1 day', 'generator', 'reported',
              jsonb_build_object('title', 'Generated source', 'quote', 'a quoted passage of moderate length for every event'),
              jsonb_build_object('amount', (i * 1000)::text, 'currency', 'USD', 'commitmentId', 'c' || (i / 10)),
              ARRAY['BY', 'RU'], 'generated', now() - interval '1 day'
         FROM generate_series(1, $1::int) AS i`,
      [ROWS],
    );
  }, 300_000);
  afterAll(() => testDb.dispose());

  it(`streams ${ROWS} events as NDJSON from a server whose heap is capped at ${HEAP_LIMIT_MB} MB`, async () => {
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const child = spawn('node', [`--max-old-space-size=${HEAP_LIMIT_MB}`, join(ROOT, 'dist/apps/api/src/main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: testDb.db.connectionString,
        DATABASE_SCHEMA: testDb.db.schema,
        KAFKA_BROKERS: '',
        TIMELINE_ROLES: 'api',
        TIMELINE_SEED: 'none',
        TIMELINE_ANONYMOUS_READS: 'true',
        PORT: port,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      const deadline = Date.now() + 60_000;
      while (
        !(await fetch(`http://127.0.0.1:${port}/health/live`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
        await new Promise((done) => setTimeout(done, 200));
      }
      let bytes = 0;
      let lines = 0;
      const status = await new Promise<number>((done, fail) => {
        httpGet(
          { host: '127.0.0.1', port: Number(port), path: '/v1/timeline', headers: { accept: 'application/x-ndjson' } },
          (response) => {
            response.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
              for (const byte of chunk) if (byte === 10) lines++;
            });
            response.on('end', () => done(response.statusCode ?? 0));
            response.on('error', fail);
          },
        ).on('error', fail);
      });
      const peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
      const exportedMb = bytes / 1024 / 1024;
      expect(status).toBe(200);
      expect(lines).toBe(ROWS);
      expect(exportedMb).toBeGreaterThan(100);
      // The process never held the export: its peak is its working set, not the payload.
      expect(peakRssMb).toBeLessThan(exportedMb * 2);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
    }
  }, 300_000);
});

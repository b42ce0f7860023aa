#!/usr/bin/env node
// Latency from an accepted write (the 2xx answer received) to the same event arriving
// on a Server-Sent Events subscription, measured against the built server in its own
// process. With DATABASE_URL and KAFKA_BROKERS set it runs the production path
// (PostgreSQL, relay, Kafka topic, the SSE gateway's consumer); without, the embedded default.
//
//   npm run bench                  # 500 writes
//   npm run bench -- --quick       # 50 writes (CI smoke run)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const writes = quick ? 50 : 500;
const kafka = Boolean(process.env.DATABASE_URL && process.env.KAFKA_BROKERS);
const port = 20000 + Math.floor(Math.random() * 20000);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
const schema = `bench_${randomBytes(4).toString('hex')}`;
// Writes need a key: a throw-away bootstrap admin key; no rate limit on a benchmark.
const adminKey = randomBytes(24).toString('hex');
const auth = { authorization: `Bearer ${adminKey}` };
const env = {
  ...process.env,
  TIMELINE_BOOTSTRAP_ADMIN_KEY: adminKey,
  TIMELINE_RATE_LIMIT: '0',
  PORT: String(port),
  LOG_LEVEL: 'warn',
  TIMELINE_SEED: 'none',
  ...(kafka ? { DATABASE_SCHEMA: schema, KAFKA_TOPIC: `bench.${schema}` } : { DATA_DIR: dataDir, DATABASE_URL: '', KAFKA_BROKERS: '' }),
};
const server = spawn('node', [join(root, 'dist/apps/cli/src/main.js'), 'serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
const base = `http://127.0.0.1:${port}`;

try {
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/health/ready`).then((r) => r.ok, () => false)) break;
    if (i > 300 || server.exitCode !== null) throw new Error('the server did not start');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const received = new Map();
  const abort = new AbortController();
  const stream = await fetch(`${base}/v1/events/stream?types=CommitmentRecorded`, { headers: { accept: 'text/event-stream', ...auth }, signal: abort.signal });
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of stream.body) {
        const now = performance.now();
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) received.set(JSON.parse(data.slice(6)).id, now);
        }
      }
    } catch {
      /* aborted at the end */
    }
  })();

  const accepted = new Map();
  const body = (i) => JSON.stringify({
    kind: 'loan', title: `Bench loan ${i}`, by: 'RU', to: 'BY', status: 'pledged', effectiveAt: '2021-09-09',
    terms: { amount: String(1000 + i), currency: 'USD' }, source: { title: 'bench', quote: 'bench' },
  });
  for (let i = 0; i < writes; i++) {
    const response = await fetch(`${base}/v1/commitments`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: body(i) });
    if (response.status !== 201) throw new Error(`write ${i}: ${response.status} ${await response.text()}`);
    const answer = await response.json();
    accepted.set(answer.eventIds[0], performance.now());
  }
  const deadline = Date.now() + 30_000;
  while (received.size < writes && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  abort.abort();
  const latencies = [...accepted].map(([id, at]) => (received.has(id) ? received.get(id) - at : NaN)).filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (latencies.length < writes) throw new Error(`only ${latencies.length} of ${writes} events arrived on the stream`);
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const row = {
    mode: kafka ? 'PostgreSQL + Kafka' : 'embedded (PGlite, table log)',
    writes,
    p50: pick(0.5),
    p90: pick(0.9),
    p99: pick(0.99),
    max: latencies[latencies.length - 1],
  };
  const fmt = (ms) => `${Math.max(ms, 0).toFixed(1)} ms`;
  const table = `| mode | writes | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|\n| ${row.mode} | ${row.writes} | ${fmt(row.p50)} | ${fmt(row.p90)} | ${fmt(row.p99)} | ${fmt(row.max)} |`;
  console.log(`\naccepted write → SSE delivery\n${table}\n`);
  if (!quick) {
    const file = join(root, 'bench/RESULTS.md');
    const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
    const section = [
      `## Write → SSE latency (${row.mode}), ${new Date().toISOString().slice(0, 10)}`,
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}.`,
      `Command: \`${kafka ? 'DATABASE_URL=… KAFKA_BROKERS=… ' : ''}npm run bench\`. ${writes} sequential writes, one subscriber; one run, medians and tails of that run.`,
      '',
      table,
      '',
    ].join('\n');
    const marker = `## Write → SSE latency (${row.mode})`;
    const kept = previous.split('\n## ').filter((part, i) => i === 0 || !`## ${part}`.startsWith(marker)).join('\n## ');
    writeFileSync(file, `${kept.trimEnd()}\n\n${section}`);
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
  if (kafka) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE '${schema}%' LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END $$`);
    await client.end();
  }
}

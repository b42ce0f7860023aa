// A store filled by `timeline generate`, shared by the rebuild and time-travel suites.
//
// A full run keeps its stores (schemas `bench_gen_<events>`, topics `bench.gen.<events>`) in
// the benchmark database, so that the next suite or the next run reuses them instead of
// generating a million events again; a quick run makes throw-away ones and drops them.
// BENCH_STORE_PREFIX (default `bench_gen`) names a full run's stores `<prefix>_<events>`: a build
// whose READ_MODEL_VERSION differs from another's that shares the database keeps stores of its own,
// so that neither rebuilds the other's read models under its server.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { databaseUrl } from './environment.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
// The built CLI (`npm run build`); BENCH_TIMELINE_CLI points at another build.
export const cli = process.env.BENCH_TIMELINE_CLI || join(root, 'dist/apps/cli/src/main.js');
export const SEED = 1;
const STORE_PREFIX = process.env.BENCH_STORE_PREFIX || 'bench_gen';
if (!/^bench_[a-z0-9_]+$/.test(STORE_PREFIX)) throw new Error(`BENCH_STORE_PREFIX must be like bench_gen, not "${STORE_PREFIX}"`);

/** The same PostgreSQL as every suite (DATABASE_URL, or the default test database), and the runner's broker. */
export function services() {
  return { databaseUrl: databaseUrl(), kafkaBrokers: process.env.KAFKA_BROKERS || undefined };
}

/**
 * Runs the CLI (`cli`, or another build's) as a child process; resolves with its output and the
 * peak resident memory (VmHWM) it reached.
 */
export function runCli(args, env, { onLine, cli: path = cli } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let peakKb = 0;
    const sample = () => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        /* gone */
      }
    };
    const timer = setInterval(sample, 50);
    const collect = (chunk) => {
      const text = chunk.toString();
      output += text;
      if (onLine) for (const line of text.split(/\r?\n/)) if (line.trim()) onLine(line);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`timeline ${args.join(' ')} exited with ${code}:\n${output.slice(-2000)}`));
      else resolve({ output, peakKb });
    });
  });
}

export async function withPool(databaseUrl, work) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/**
 * A schema holding `events` generated events (seed 1), published to its topic when
 * `publish`; reused when it already holds them. Returns its names and what making it took.
 */
export async function generatedStore({ events, quick, publish }) {
  const { databaseUrl, kafkaBrokers } = services();
  if (publish && !kafkaBrokers) throw new Error('KAFKA_BROKERS is not set: the topic cannot be filled');
  const schema = quick ? `bench_q${randomBytes(4).toString('hex')}` : `${STORE_PREFIX}_${events}`;
  const topic = `bench.${schema}`;
  const env = {
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schema,
    KAFKA_TOPIC: publish ? topic : '',
    KAFKA_BROKERS: publish ? kafkaBrokers : '',
    TIMELINE_SEED: 'none',
  };
  const state = await withPool(databaseUrl, async (pool) => {
    const exists =
      (await pool.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, 'events']))
        .rowCount > 0;
    if (!exists) return { count: 0, published: 0 };
    const count = Number((await pool.query(`SELECT count(*) FROM "${schema}".events`)).rows[0].count);
    const checkpoint = await pool.query(`SELECT position FROM "${schema}".checkpoints WHERE name = $1`, [`relay:${topic}`]);
    return { count, published: Number(checkpoint.rows[0]?.position ?? 0) };
  });
  let generateSeconds;
  if (state.count !== events) {
    if (state.count > 0) await dropStore({ schema, topic: publish ? topic : undefined });
    const started = performance.now();
    // Recorded times from 2015 to the start of this run: a decade of history.
    await runCli(
      ['generate', '--events', String(events), '--seed', String(SEED), '--from', '2015-01-01', '--until', new Date().toISOString()],
      env,
    );
    generateSeconds = (performance.now() - started) / 1000;
  } else if (publish && state.published < events) {
    await runCli(['generate', '--events', '0'], env).catch(() => undefined);
  }
  return { schema, topic, env, generateSeconds };
}

/** Drops a store made by generatedStore (only schemas and topics named by it). */
export async function dropStore({ schema, topic }) {
  if (!/^bench_[a-z0-9_]+$/.test(schema)) throw new Error(`not a benchmark schema: ${schema}`);
  const { databaseUrl, kafkaBrokers } = services();
  await withPool(databaseUrl, async (pool) => {
    const { rows } = await pool.query('SELECT schema_name FROM information_schema.schemata WHERE schema_name = $1 OR schema_name LIKE $2', [
      schema,
      `${schema}\\_rm%`,
    ]);
    for (const row of rows) await pool.query(`DROP SCHEMA "${row.schema_name}" CASCADE`);
  });
  if (topic && kafkaBrokers) {
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({ clientId: 'bench', brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  }
}

export function formatNumber(value, digits = 0) {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// What every suite needs around it: the built service, PostgreSQL, Kafka,
// names of its own for schemas and topics, and clean-up of what it made.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const require = createRequire(join(root, 'package.json'));

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const KAFKA_SCRIPT = join(root, 'scripts/kafka/kafka.sh');

export function databaseUrl() {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export function kafkaBrokers() {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: run the suites through bench/run.mjs');
  return process.env.KAFKA_BROKERS.split(',').map((broker) => broker.trim());
}

/** A lower-case name no other run uses, for schemas and topics. */
export function uniqueName(prefix) {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** A module of the built service (`npm run build` puts it in dist/). */
export function built(path) {
  try {
    return require(join(root, 'dist', path));
  } catch (error) {
    throw new Error(`cannot load dist/${path}: run "npm run build" first (${error.message})`, { cause: error });
  }
}

/**
 * KAFKA_BROKERS when set; otherwise the project's own broker (scripts/kafka),
 * started as the tests start it. Returns a function that stops what was started.
 */
export function ensureKafka() {
  if (process.env.KAFKA_BROKERS) return async () => undefined;
  const port = process.env.KAFKA_PORT || '9092';
  const status = () => {
    try {
      execFileSync('bash', [KAFKA_SCRIPT, 'status'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const wasRunning = status();
  execFileSync('bash', [KAFKA_SCRIPT, 'start'], { stdio: ['ignore', 'inherit', 'inherit'] });
  process.env.KAFKA_BROKERS = `127.0.0.1:${port}`;
  return async () => {
    if (!wasRunning) execFileSync('bash', [KAFKA_SCRIPT, 'stop'], { stdio: ['ignore', 'inherit', 'inherit'] });
  };
}

/** Drops every schema this run made under `prefix` (a service's schema and its read-model schemas). */
export async function dropSchemas(prefix) {
  if (!/^bench_[a-z0-9_]+$/.test(prefix)) throw new Error(`refusing to drop schemas named like "${prefix}"`);
  const pg = require('pg');
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '%'", [prefix]);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function deleteTopics(topics) {
  if (topics.length === 0) return;
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'bench-cleanup', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch {
    /* a topic that is gone already is fine */
  } finally {
    await admin.disconnect();
  }
}

/**
 * A free TCP port on 127.0.0.1: in BENCH_PORTS ("3200-3299") when set, so
 * that runs on a shared machine stay in a range of their own; otherwise in
 * 20000–39999.
 */
export async function freePort() {
  const [low, high] = (process.env.BENCH_PORTS || '20000-39999').split('-').map(Number);
  if (!(low > 0 && high >= low)) throw new Error(`BENCH_PORTS must be a range like 3200-3299, not "${process.env.BENCH_PORTS}"`);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    const free = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${low}-${high}`);
}

/**
 * `node <script> [...args]` in a process of its own with `env` over the
 * current environment and PORT set to a free port; resolves once
 * `GET <readyPath>` answers 2xx. `stop()` ends that process (by its pid).
 */
export async function startProcess({ script, args = [], env = {}, readyPath, nodeOptions = [] }) {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeOptions, script, ...args], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}${readyPath}`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode} before it was ready`);
    if (i > 300) {
      child.kill('SIGTERM');
      throw new Error(`${script} was not ready after 60 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    base,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The built server (the api app's entry, which `timeline serve` starts) in a
 * process of its own (its pid is the service's, for RSS and CPU), on a free
 * port, with `env` over the current environment. Resolves once it is ready.
 * It accepts a throw-away admin key (`headers` carries it) and has no rate
 * limit: a benchmark is not a client to protect the service from.
 * `nodeOptions` go before the script (`--cpu-prof` for a profile).
 */
export async function startServer(env, { nodeOptions = [] } = {}) {
  const adminKey = randomBytes(24).toString('hex');
  const server = await startProcess({
    script: join(root, 'dist/apps/api/src/main.js'),
    args: [],
    env: { TIMELINE_SEED: 'none', TIMELINE_BOOTSTRAP_ADMIN_KEY: adminKey, TIMELINE_RATE_LIMIT: '0', ...env },
    readyPath: '/health/ready',
    nodeOptions,
  });
  return { ...server, headers: { authorization: `Bearer ${adminKey}` } };
}

/** Resident memory (VmRSS) of a process of this machine, in MB. */
export function residentMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

let clockTicks;
/** CPU time (user and system, ms) a process of this machine has used so far; undefined where /proc is not there. */
export function processCpuMs(pid) {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}
